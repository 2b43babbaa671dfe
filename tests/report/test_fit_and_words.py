"""Issue 11, items 6, 8 and 9: the time axis fits the day, empty suggestions say why, and
every word a user reads is plain (no internal terms, no "(s)" plurals, one unit style)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from html import unescape

import pytest

from posture_watch.core import advice
from posture_watch.core.journal import JournalEntry
from posture_watch.core.report import History, day_bounds, summarize
from posture_watch.core.report_builder import day_report, week_report
from posture_watch.core.words import plural, times
from posture_watch.report import charts
from posture_watch.report.html import render_day_html, render_week_html
from posture_watch.report.terminal import render_day, render_week
from tests.report.histories import DAY, TZ, at, merge, minutes, short_session, working_day

# ---------------------------------------------------------------- item 6: the time axis


def _axis(history: History) -> tuple[float, float]:
    return charts.day_clock_range(summarize(history, DAY, TZ), TZ)


def test_a_14_minute_session_gets_an_axis_of_at_most_an_hour_around_it():
    lo, hi = _axis(short_session())  # 10:06-10:20
    assert hi - lo <= 1.0
    assert lo <= 10.1 and hi >= 10.1 + 14 / 60
    assert (hi - lo) * 60 >= 14 / 0.6  # the session fills a good part of it, not a sliver


def test_a_working_day_gets_the_working_hours_padded_to_whole_hours():
    assert _axis(working_day()) == (8.0, 18.0)  # 09:00-17:00 monitored


@pytest.mark.parametrize(
    ("first", "last"),
    [(0.0, 0.1), (23.9, 24.0), (10.0, 10.0), (6.2, 6.9), (0.0, 24.0), (13.37, 15.1)],
)
def test_the_axis_holds_the_span_inside_the_day(first, last):
    lo, hi = charts.fit_clock_range(first, last)
    assert 0.0 <= lo <= first and last <= hi <= 24.0
    assert hi - lo >= charts.MIN_AXIS_H - 1e-9
    assert (lo * 4) % 1 == 0 and (hi * 4) % 1 == 0  # on the quarter hour at least


def test_the_tick_labels_are_clock_times_inside_the_axis():
    svg = charts.timeline_chart(
        charts.DESKTOP, short_session(), summarize(short_session(), DAY, TZ), TZ
    )
    labels = re.findall(r">(\d\d:\d\d)</text>", svg)
    assert labels, "no clock labels found"
    hours = [int(x[:2]) + int(x[3:]) / 60 for x in labels]
    assert min(hours) >= 9.75 and max(hours) <= 10.75


# ---------------------------------------------------------------- item 8: why no suggestions


def test_too_little_sitting_says_the_rule_and_the_day():
    report = day_report(short_session(), DAY, TZ)
    assert report.suggestions == ()
    assert report.no_suggestions == (
        "No suggestions: they need at least 15 min of sitting in view, and this day had 14 min."
    )
    assert report.no_suggestions in " ".join(render_day(report).split())
    assert report.no_suggestions in render_day_html(report, short_session())


def test_too_little_sitting_also_says_the_monitored_time_when_it_differs():
    """2 min seen sitting in 5 min monitored: both figures, so the card's "monitored
    5 min" and the note's "2 min" do not read as a contradiction."""
    away = History(*day_bounds(DAY, TZ), minutes=minutes(at(9), "UUAAA"))
    report = day_report(away, DAY, TZ)
    assert report.no_suggestions == (
        "No suggestions: they need at least 15 min of sitting in view, "
        "and this day had 2 min (of 5 min monitored)."
    )


def test_a_quiet_day_names_each_rule_with_its_threshold_and_the_days_figure():
    quiet = History(*day_bounds(DAY, TZ), minutes=minutes(at(9), "U" * 10 + "?" * 20 + "SS"))
    report = day_report(quiet, DAY, TZ)
    assert report.suggestions == ()
    text = report.no_suggestions
    assert text is not None
    assert f"{advice.MIN_SLOUCH_MIN:.0f} min of slouching (this day: 2 min)" in text
    assert "sitting 50 min without a break (longest: 0 s)" in text
    assert "(this day: 0 not done, 0 done)" in text
    assert "Praise for good posture needs 85% upright (this day: 83%)." in text


def test_no_note_when_there_are_suggestions_or_nothing_was_monitored():
    assert day_report(working_day(), DAY, TZ).no_suggestions is None
    empty = History(*day_bounds(DAY, TZ))
    assert day_report(empty, DAY, TZ).no_suggestions is None
    assert "No suggestions" not in render_day_html(day_report(empty, DAY, TZ), empty)


def test_the_week_says_why_too():
    days = [DAY + timedelta(days=i) for i in range(7)]
    week = week_report(merge(*(short_session(d, states="U" * 2) for d in days)), days[-1], TZ)
    assert week.suggestions == ()
    assert week.no_suggestions == (
        "No suggestions: they need at least 15 min of sitting in view, and this week had 14 min."
    )
    assert week.no_suggestions in " ".join(render_week(week).split())


# ---------------------------------------------------------------- item 9: plain words


def _week() -> object:
    days = [DAY + timedelta(days=i) for i in range(7)]
    history = merge(
        working_day(days[0]),
        short_session(days[1], states="U" * 10),
        working_day(days[2], late_slouch=8),
        short_session(days[4], states="UUSU"),
    )
    journal = tuple(
        JournalEntry(at(18, d), pain=p) for d, p in zip(days, (2, 4, 1, 0, 3, 5, 0), strict=True)
    )
    return week_report(replace(history, journal=journal), days[-1], TZ)


def _texts() -> dict[str, str]:
    """Every report a user can get, as the words they read (HTML without its markup)."""
    empty = History(*day_bounds(DAY, TZ))
    out = {}
    for name, history in (
        ("day", working_day()),
        ("14 min", short_session()),
        ("empty", empty),
        ("advice", replace(working_day(), journal=(JournalEntry(at(18), pain=8),))),
    ):
        report = day_report(history, DAY, TZ)
        out[f"{name} terminal"] = render_day(report)
        out[f"{name} html"] = render_day_html(report, history)
    week = _week()
    out["week terminal"] = render_week(week)  # type: ignore[arg-type]
    out["week html"] = render_week_html(week)  # type: ignore[arg-type]
    for name, page in list(out.items()):
        if name.endswith("html"):
            page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
            page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)  # matplotlib's comments
            out[name] = unescape(re.sub(r"<[^>]+>", " ", page))
    return out


TEXTS = _texts()
BANNED = {
    "internal word": re.compile(r"episode|notification|prompt|alert|\bbout", re.I),
    "(s) plural": re.compile(r"\(s\)"),
    "number pair": re.compile(r"\d+\s*/\s*\d+(?!\s*\d)(?!10\b)"),
    "short unit": re.compile(r"\d\s*m\b|\d\s*h\b(?!\s\d)"),
    "plural after 1": re.compile(r"(?<![\d.])1 (breaks|reminders|days|tips|times|minutes)\b"),
}


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_plain_words(name):
    text = TEXTS[name]
    for what, pattern in BANNED.items():
        found = [m.group(0) for m in pattern.finditer(text)]
        # the pain scale is written "8/10" and "pain 0–10"; anything else is a pair
        found = [f for f in found if not re.fullmatch(r"\d+\s*/\s*10", f)]
        assert not found, f"{what} in {name}: {found}"


def test_the_banned_patterns_catch_the_old_wording():
    old = (
        "slouch 43 min in 5 episode(s) · 1 / 2 breaks / long-sitting alerts · 43 m · "
        "(+1 notification(s)) · 1 breaks"
    )
    assert all(p.search(old) for p in BANNED.values())


def test_counted_and_times():
    assert [plural(n, "break") for n in (0, 1, 2)] == ["0 breaks", "1 break", "2 breaks"]
    assert plural(1, "day", "days") == "1 day"
    assert [times(n) for n in (1, 2, 5)] == ["once", "twice", "5 times"]
