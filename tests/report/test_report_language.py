"""The reports speak the installed language: every word of the terminal and HTML reports
comes through the catalog, and the page says which language it is in.

A marking translation (every letter accented, placeholders kept, the way a pseudo-locale
is made) is installed in ``core.text``; any plain-ASCII word left in a rendered report
is English that bypassed the catalog. Dates are the locale formatting hook's
(``core.formats``), not the catalog's, so weekday and month names are allowed here.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest

from posture_watch.core import text
from posture_watch.core.journal import JournalEntry
from posture_watch.core.report import History, day_bounds
from posture_watch.core.report_builder import day_report, week_report
from posture_watch.report.html import render_day_html, render_week_html
from posture_watch.report.page_language import html_attributes, is_rtl
from posture_watch.report.terminal import WIDTH, render_day, render_week
from tests.harness.catalogs import installed
from tests.report import chromium
from tests.report.histories import DAY, TZ, at, merge, working_day

_ACCENTS = str.maketrans("aeiouycnsAEIOUYCNS", "áéíóúýçñšÁÉÍÓÚÝÇÑŠ")
_PLACEHOLDER = re.compile(r"(\{[^{}]*\})")
#: Words a catalog does not give: dates (the formatting hook's) and the units of a date.
_DATE_WORDS = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
)
_ENGLISH_WORD = re.compile(r"(?<![\w{])[A-Za-z]{3,}(?![\w}])")


def _accent(message: str) -> str:
    """Every letter outside a ``{placeholder}`` accented; placeholders kept as they are."""
    parts = _PLACEHOLDER.split(message)
    return "".join(p if _PLACEHOLDER.fullmatch(p) else p.translate(_ACCENTS) for p in parts)


class _Marked(gettext.NullTranslations):
    """A translation that marks every message it is asked for (``longer``: padded by
    40%, as the pseudo-locale is, for a language that needs more letters)."""

    def __init__(self, language: str, longer: bool = False) -> None:
        super().__init__()
        self._info = {"language": language}
        self.longer = longer
        self.asked: set[str] = set()  # every message id asked for

    def gettext(self, message: str) -> str:
        self.asked.add(message)
        if self.longer and message.strip():
            return _accent(message) + " " + "·" * (len(message) * 2 // 5)
        return _accent(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        self.asked.add(msgid1)  # a catalog keys a plural by its singular
        return self.gettext(msgid1 if n == 1 else msgid2)

    def pgettext(self, context: str, message: str) -> str:
        return self.gettext(message)

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        self.asked.add(msgid1)
        return self.gettext(msgid1 if n == 1 else msgid2)


#: Every message id of the shipped template (what a real catalog can translate).
_TEMPLATE = Path(__file__).resolve().parents[2] / "posture_watch" / "locale" / "posture_watch.pot"


@pytest.fixture
def marked() -> Iterator[None]:
    """The marking translation, and afterwards: every message the reports asked for is
    in the template (one that is not, a message pybabel cannot see, stays English in
    every real language, however marked it looked here)."""
    marking = _Marked("pt_BR")
    with installed(marking):
        yield
    known = {entry.msgid for entry in polib.pofile(str(_TEMPLATE))}
    plurals = {entry.msgid_plural for entry in polib.pofile(str(_TEMPLATE))}
    unknown = sorted(m for m in marking.asked - known - plurals if m.strip())
    assert unknown == [], f"asked for but not in the template: {unknown}"


def _week_history(monitored: int = 7):
    """A week with ``monitored`` working days (too few days: the "not yet" sentences)."""
    days = [DAY + timedelta(days=i) for i in range(7)]
    history = replace(
        merge(*(working_day(d, late_slouch=8 + 4 * i) for i, d in enumerate(days[:monitored]))),
        journal=tuple(JournalEntry(at(18, d), pain=1 + i % 4) for i, d in enumerate(days)),
    )
    return history, days[-1]


def _day_history():
    history = working_day()
    return replace(history, journal=(JournalEntry(at(18), pain=8, numbness=True),))


class _Text(HTMLParser):
    """The words a person reads or hears on a page: text (SVG text included, not CSS)
    and the titles and labels of elements."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self.lang: str | None = None
        self._style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._style = tag == "style"
        for name, value in attrs:
            if name in ("title", "aria-label", "alt") and value:
                self.words.append(value)
            if tag == "html" and name == "lang":
                self.lang = value

    def handle_endtag(self, tag: str) -> None:
        self._style = False

    def handle_data(self, data: str) -> None:
        if not self._style:
            self.words.append(data)


def _english(rendered: str) -> list[str]:
    return sorted(
        {w for w in _ENGLISH_WORD.findall(rendered) if not _DATE_WORDS.match(w)} - {"posture"}
    )


def test_terminal_reports_have_no_word_outside_the_catalog(marked: None) -> None:
    day = render_day(day_report(_day_history(), DAY, TZ))
    assert "Šúggéštíóñš" in day and "Whéñ tó šéé á dóçtór" in day  # the whole report
    empty = render_day(day_report(History(*day_bounds(DAY, TZ)), DAY, TZ))
    assert "Ñóthíñg wáš móñítóréd" in empty
    weeks = [render_week(week_report(*_week_history(n), TZ)) for n in (7, 2)]
    assert "Tóó féw dáýš" in weeks[1] and "Ñó çléár páttérñ ýét" in weeks[1]
    for rendered in (day, empty, *weeks):
        assert _english(rendered) == [], rendered


def test_longer_words_still_fit_the_terminal() -> None:
    """40% longer text wraps within the 80 columns, labels of the hour strip included;
    only the week table's rows may run over (their columns cannot wrap)."""
    before = text.active()
    text.use(_Marked("de", longer=True))
    try:
        day = render_day(day_report(_day_history(), DAY, TZ)).splitlines()
        week = render_week(week_report(*_week_history(), TZ)).splitlines()
    finally:
        text.use(before)
    head = next(i for i, line in enumerate(week) if line.startswith("dáý"))
    table = set(range(head, head + 8))
    over = [line for i, line in enumerate(week) if len(line) > WIDTH and i not in table]
    assert [line for line in day if len(line) > WIDTH] == [] and over == []
    assert any("·· " in line and "▁" in line for line in day)  # the strip's legend wraps


def test_html_reports_have_no_word_outside_the_catalog_and_say_their_language(
    marked: None,
) -> None:
    history = _day_history()
    pages = [render_day_html(day_report(history, DAY, TZ), history)]
    pages += [render_week_html(week_report(*_week_history(n), TZ)) for n in (7, 2)]
    for page in pages:
        parser = _Text()
        parser.feed(page)
        assert parser.lang == "pt-BR"
        assert _english(" ".join(parser.words)) == []


def test_the_page_language_and_direction() -> None:
    assert html_attributes() == 'lang="en"'
    before = text.active()
    try:
        text.use(_Marked("ar"))
        assert html_attributes() == 'lang="ar" dir="rtl"'
        text.use(_Marked("en@pseudo"))
        assert html_attributes() == 'lang="en"'
    finally:
        text.use(before)
    assert is_rtl("he-IL") and not is_rtl("de")


@pytest.mark.slow
@pytest.mark.desktop
@pytest.mark.skipif(not chromium.available(), reason=f"{chromium.CHROMIUM} not found")
def test_longer_words_fit_the_page_on_a_phone_and_a_desktop(tmp_path) -> None:
    """40% longer text in every heading, figure label, legend and chart word: the page
    still fits a 390 px phone and a 1366 px laptop without sideways scrolling."""
    before = text.active()
    text.use(_Marked("de", longer=True))
    try:
        history = _day_history()
        pages = {
            "day": render_day_html(day_report(history, DAY, TZ), history),
            "week": render_week_html(week_report(*_week_history(), TZ)),
        }
    finally:
        text.use(before)
    with chromium.DevToolsPage() as browser:
        for name, page in pages.items():
            path = tmp_path / f"{name}.html"
            path.write_text(page, encoding="utf-8")
            for width, mobile in ((390, True), (1366, False)):
                report = browser.load(path, width=width, height=900, mobile=mobile)
                assert report.errors == [], (name, width)
                assert report.viewport_width == width, (name, width)
                assert report.scroll_width <= width, (name, width)
                (tmp_path / f"{name}-{width}.png").write_bytes(report.png)


def columns(line: str) -> int:
    """Terminal columns of ``line`` (East Asian wide glyphs take two), counted here
    independently of the report's own helper."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def test_the_week_table_stays_aligned_with_long_dates_and_wide_glyphs() -> None:
    """Portuguese dates ("ter., 1 de dez.") and Japanese column heads (two terminal
    columns a glyph): every row of the week table is as wide as its head, in columns."""
    from posture_watch import i18n
    from posture_watch.core import formats
    from tests.harness.catalogs import key, language_kept, translations

    heads = {key("report", "day"): "日付", key("report", "upright"): "良い姿勢"}
    with language_kept():
        formats.use(i18n.BabelFormats("pt_BR"))
        text.use(translations(heads, "ja"))
        lines = render_week(week_report(*_week_history(), TZ)).splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("日付"))
    table = lines[head : head + 8]
    assert len({columns(line) for line in table}) == 1, table
    assert "良い姿勢" in table[0] and any("de" in line for line in table[1:]), table


def test_japanese_sentences_wrap_within_the_terminal() -> None:
    """Japanese has no spaces: the day report's sentences still wrap at 80 terminal
    columns (two a glyph), and no line starts with a closing mark."""
    from tests.harness.catalogs import language_kept

    with language_kept():
        text.use(_Japanese())
        lines = render_day(day_report(_day_history(), DAY, TZ)).splitlines()
    wide = [line for line in lines if columns(line) != len(line)]
    assert len(wide) > 5, lines
    assert [line for line in lines if columns(line) > WIDTH] == []
    assert not [line for line in lines if line.lstrip()[:1] in ("、", "。", "）")]


class _Japanese(gettext.NullTranslations):
    """Every message as a run of wide glyphs with a comma and a full stop, placeholders
    kept: as long as Japanese text gets, with nowhere to break but between glyphs."""

    def gettext(self, message: str) -> str:
        def glyphs(part: str) -> str:
            return "姿勢、" * max(1, len(part) // 6) + "。" * bool(part.strip())

        parts = _PLACEHOLDER.split(message)
        return "".join(p if _PLACEHOLDER.fullmatch(p) else glyphs(p) for p in parts)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.gettext(msgid1 if n == 1 else msgid2)

    def pgettext(self, context: str, message: str) -> str:
        return self.gettext(message)

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return self.gettext(msgid1 if n == 1 else msgid2)
