"""The HTML report is one self-contained file with its charts inline."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from posture_watch.core.journal import JournalEntry
from posture_watch.core.report import History, day_bounds
from posture_watch.core.report_builder import day_report, week_report
from posture_watch.report import charts
from posture_watch.report.html import render_day_html, render_week_html
from tests.report.histories import DAY, TZ, at, merge, working_day

#: How the guide's stretch drawings open in the page (not charts).
STRETCH_SVG = '<svg class="stretch"'


class _Links(HTMLParser):
    """Every tag name and every URL-carrying attribute in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "srcset", "data", "action", "poster"):
                self.urls.append(value or "")


def _parse(page: str) -> _Links:
    parser = _Links()
    parser.feed(page)
    return parser


def day_page(**journal: object) -> str:
    history = working_day()
    if journal:
        history = replace(history, journal=(JournalEntry(at(18), **journal),))  # type: ignore[arg-type]
    return render_day_html(day_report(history, DAY, TZ), history)


def week_page() -> str:
    days = [DAY + timedelta(days=i) for i in range(7)]
    history = replace(
        merge(*(working_day(d, late_slouch=8 + 4 * i) for i, d in enumerate(days))),
        journal=tuple(JournalEntry(at(18, d), pain=1 + i % 4) for i, d in enumerate(days)),
    )
    return render_week_html(week_report(history, days[-1], TZ))


@pytest.fixture(scope="module")
def page() -> str:
    return day_page()


def test_nothing_is_fetched_from_outside(page):
    for text in (page, week_page()):
        links = _parse(text)
        assert all(u.startswith("#") for u in links.urls), links.urls
        assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", text)
        assert re.findall(r"url\((?!#)", text) == [] and "@import" not in text
        assert not {"script", "link", "img", "iframe", "object"} & set(links.tags)


def test_readable_on_a_phone(page):
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "width:100%" in page and "height:auto" in page


def test_day_page_has_its_three_charts_in_the_state_colours(page):
    assert page.count("<svg") - page.count(STRETCH_SVG) == 3 * len(charts.SIZES)
    for colour in ("upright", "slouch", "away"):
        assert charts.COLOURS[colour] in page
    assert charts.BREAK_COLOUR in page
    for heading in ("The day", "Minutes per hour: upright and slouching", "Sitting spells"):
        assert f"<h2>{heading}</h2>" in page


def test_day_page_shows_the_figures_and_suggestions(page):
    assert "<title>posture-watch · 2025-05-12</title>" in page
    assert "<b>90%</b><span>upright</span>" in page
    assert "<b>43 min</b><span>slouching, 5 times</span>" in page
    assert "<b>1</b><span>break taken; 2 break nudges</span>" in page
    assert (
        "<b>1 of 4</b><span>stretches and breaks done (1 skipped, 1 snoozed, 1 ignored)</span>"
        in page
    )
    assert "Most slouching (40 of 43 min) came after 15:00" in page
    assert "(guide: Preventing Chronic Muscle Knots › Take breaks)" in page
    assert "When to see a doctor" not in page


@pytest.mark.parametrize("journal", [{"pain": 7}, {"numbness": True}, {"weakness": True}])
def test_medical_advice_block_when_the_journal_calls_for_it(journal):
    page = day_page(**journal)
    assert '<section class="advice"><h2>When to see a doctor</h2>' in page
    assert "(guide: When to Seek Medical Attention)" in page
    assert "posture-watch gives no diagnosis" in page


def test_no_medical_advice_for_mild_pain():
    assert "When to see a doctor" not in day_page(pain=3)


def test_week_page_has_the_trend_and_pain_charts():
    page = week_page()
    # the trend, pain, per-hour and posture-hold charts, each in every size
    assert page.count("<svg") - page.count(STRETCH_SVG) == 4 * len(charts.SIZES)
    assert "<h2>7-day trend</h2>" in page and "<h2>Pain, slouching and sitting</h2>" in page
    assert charts.PAIN_COLOUR in page
    assert page.count("<tr>") == 8  # header and seven days


def test_an_unmonitored_day_has_no_charts():
    history = History(*day_bounds(DAY, TZ))
    page = render_day_html(day_report(history, DAY, TZ), history)
    assert "<svg" not in page and "Nothing was monitored on this day." in page


def test_same_history_same_page(page):
    assert day_page() == page


def test_text_is_escaped():
    history = replace(working_day(), journal=(JournalEntry(at(18), pain=8, note="<b>ouch</b>"),))
    page = render_day_html(day_report(history, DAY, TZ), history)
    assert "<b>ouch</b>" not in page


def test_a_suggestion_that_names_a_stretch_shows_its_drawing(page):
    suggestions = page[page.index("<h2>Suggestions</h2>") :]
    assert "chin tucks" in suggestions
    drawing = re.search(
        r'<div class="drawings"><div class="drawing">(<svg class="stretch".*?</svg>)'
        r"<span>Chin tucks</span></div></div>",
        suggestions,
    )
    assert drawing is not None
    assert "<title>Seated, seen from the side: the chin glides" in drawing.group(1)


def test_im_fine_counts_as_followed_and_unanswered_nudges_are_not_called_posture():
    """Issue 19: "I'm fine" on a posture nudge is a figure of its own and a followed
    nudge on the timeline; a break nudge nobody answered is "nudge shown, no answer"."""
    day = working_day()
    fine = replace(day.prompts[0], answer="fine", answered_at=day.prompts[0].t + 5)
    unanswered = replace(day.prompts[1], answer=None, answered_at=None)
    history = replace(day, prompts=(fine, unanswered))
    page = render_day_html(day_report(history, DAY, TZ), history)
    assert "<b>1</b><span>posture nudge answered I&#x27;m fine</span>" in page
    assert "<b>0</b><span>break nudges answered</span>" in page
    legend = charts.timeline_legend(history, day_report(history, DAY, TZ).summary, TZ)
    labels = [item.label for item in legend]
    assert charts.ANSWER_LABELS["done"] in labels  # the "I'm fine"
    assert "nudge shown, no answer" in labels and "posture nudge" not in " ".join(labels)
