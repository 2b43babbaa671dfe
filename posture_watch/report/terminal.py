"""The report as compact terminal text, never wider than 80 columns.

It reads at a glance: three lines of figures, the hour strip with an hour ruler above it,
the suggestions with their guide sections, and the doctor advice when the journal calls
for it. The week version adds one line per day and the pain pattern.

Every word comes from the catalog (``posture_watch.core.text``, context ``"report"``
where a word is ambiguous); the labels left of the hour strip are padded to the longest
of them, so a longer translation moves the strip rather than breaking its columns.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from datetime import datetime, tzinfo

from posture_watch.core import formats
from posture_watch.core.advice import MedicalAdvice, Suggestion
from posture_watch.core.dates import short_date
from posture_watch.core.decay_words import (
    Basis,
    bin_label,
    bin_share,
    hold_definition,
    hold_sentence,
    left_out,
    nudge_mark,
    shown_bins,
)
from posture_watch.core.durations import format_minutes, round_half_up
from posture_watch.core.posture_decay import PostureDecay
from posture_watch.core.report import (
    STRIP_GLYPHS,
    STRIP_UNMONITORED,
    Summary,
    hour_strip,
)
from posture_watch.core.report_builder import (
    MIN_DAY_MONITORED_S,
    DayReport,
    WeekReport,
    counting_rule,
)
from posture_watch.core.text import _, ngettext, npgettext, pgettext
from posture_watch.core.words import percent, times

WIDTH = 80
_RULER = "".join(f"{h:<6d}" for h in range(0, 24, 3)).rstrip()
#: One line of the week table: day, monitored, upright, slouch, longest sit, breaks, pain.
#: The week table's narrowest columns (English fits them); a column grows to its longest
#: cell, as a Portuguese date ("ter., 1 de dez.") or Japanese heads (two columns a glyph) need.
_MIN_WIDTHS = (10, 12, 7, 7, 11, 6, 4)
#: Marks a day in the week table that was monitored too briefly to count.
SHORT_MARK = "*"
#: The narrowest column of labels left of the hour strip ("hour", "slouch", "avg day").
_LABEL_WIDTH = 7


def _legend() -> str:
    """What the strip's glyphs mean."""
    return _("{unmonitored} not monitored  {none} no slouch  {more} more slouch minutes").format(
        unmonitored=STRIP_UNMONITORED, none=STRIP_GLYPHS[0], more=STRIP_GLYPHS[1:]
    )


def render_day(report: DayReport) -> str:
    """The day summary as lines of at most :data:`WIDTH` characters."""
    s = report.summary
    title = _("posture-watch report · {date}").format(date=short_date(s.first_day, year=True))
    if s.monitored_s <= 0:
        lines = [title, _("Nothing was monitored on this day.")]
    else:
        lines = [title, *_figures(s, report.tz), "", *_strip(s)]
        if report.decay is not None:
            lines += ["", *_wrap(hold_sentence(report.decay, report.hold_basis))]
    lines += _suggestions(report.suggestions, report.no_suggestions)
    lines += _advice(report.advice)
    return "\n".join(lines) + "\n"


def render_week(report: WeekReport) -> str:
    """The seven days: one line each, the week's strip, the pain pattern and the trend."""
    t = report.total
    title = _("posture-watch week · {first} – {last}").format(
        first=short_date(t.first_day), last=short_date(report.last_day, year=True)
    )
    lines = [title, *_figures(t, report.tz, week=True), ""]
    rows = [_columns()]
    for day, pain, short in zip(report.days, report.pain, report.short_days, strict=True):
        rows.append(_day_row(day, pain, short))
    lines += _table(rows)
    if any(report.short_days):
        lines += _wrap(
            _(
                "{mark} under {min} min monitored: not counted in the trend and the pain "
                "comparison."
            ).format(mark=SHORT_MARK, min=f"{MIN_DAY_MONITORED_S / 60:.0f}")
        )
    lines += ["", *_strip(t), ""]
    lines += _wrap(counting_rule()) + _wrap(report.trend) + _wrap(report.pattern)
    if report.break_timing:  # days with and without breaks that follow the posture
        lines += _wrap(report.break_timing)
    if report.decay is not None:
        lines += ["", *decay_lines(report.decay, Basis(), report.sit_max)]
    lines += _suggestions(report.suggestions, report.no_suggestions)
    lines += _advice(report.advice)
    return "\n".join(lines) + "\n"


#: Minutes since a break per row of the terminal's curve, and the width of its bars.
CURVE_ROW_MIN = 10
#: The terminal's curve stops after this many minutes since a break (or just after the
#: break nudge, when that comes later): compact; the HTML week report draws all of it.
CURVE_ROWS_MIN = 120
_BAR_CELLS = 20


def decay_lines(decay: PostureDecay, basis: Basis, sit_max: float | None = None) -> list[str]:
    """The hold sentence, then the upright share per :data:`CURVE_ROW_MIN` minutes since
    a break as bars (up to :data:`CURVE_ROWS_MIN`), the row where the break nudge comes
    marked (``sit_max`` seconds), then how the hold is measured. Without enough spells,
    the sentence alone."""
    lines = _wrap(hold_sentence(decay, basis))
    if not decay.enough:
        return lines
    longest = max(CURVE_ROWS_MIN, (sit_max or 0.0) / 60.0 + CURVE_ROW_MIN)
    rows = [b for b in shown_bins(decay.curve, CURVE_ROW_MIN) if b.start_min < longest]
    if rows:
        lines += _wrap(_("Upright share by minutes since a break (minutes seen in brackets):"))
    labels = [bin_label(b) for b in rows]
    width = max((_cells(label) for label in labels), default=0)
    for b, label in zip(rows, labels, strict=True):
        share = bin_share(b)
        bar = "–" if share is None else _bar(share)
        figure = "" if share is None else percent(share)
        seen = pgettext("duration", "{min} min").format(min=b.minutes)
        line = (
            f"  {' ' * (width - _cells(label))}{label}  {bar:<{_BAR_CELLS}} {figure:>5}  ({seen})"
        )
        lines.append(line)
        if sit_max is not None and b.start_min * 60.0 <= sit_max < b.end_min * 60.0:
            mark = "  ◀ " + nudge_mark(sit_max)
            if _cells(line + mark) <= WIDTH:
                lines[-1] += mark
            else:  # a long translation: the mark on a line of its own, under the bar
                lines += _wrap(nudge_mark(sit_max), " " * (width + 4) + "▲ ", " " * (width + 6))
    lines += _wrap(hold_definition())
    if (short := left_out(decay)) is not None:
        lines += _wrap(short)
    return lines


def _bar(share: float) -> str:
    """``share`` (0-1) as a bar of :data:`_BAR_CELLS` cells, in half cells."""
    halves = round_half_up(share * _BAR_CELLS * 2)
    return "█" * (halves // 2) + ("▌" if halves % 2 else "")


def _columns() -> tuple[str, ...]:
    """The week table's column heads."""
    return (
        pgettext("report", "day"),
        pgettext("report", "monitored"),
        pgettext("report", "upright"),
        pgettext("report", "slouch"),
        pgettext("report", "longest sit"),
        pgettext("report", "breaks"),
        pgettext("report", "pain"),
    )


def _figures(s: Summary, tz: tzinfo, week: bool = False) -> list[str]:
    monitored = format_minutes(s.monitored_s)
    if s.first_seen is not None and s.last_seen is not None and not week:
        watched = _("monitored {duration} ({start}–{end})").format(
            duration=monitored, start=_clock(s.first_seen, tz), end=_clock(s.last_seen, tz)
        )
    else:
        watched = _("monitored {duration}").format(duration=monitored)
    share = "–" if s.upright_share is None else percent(s.upright_share)
    slouch_min = round_half_up(s.slouch_min)
    if s.slouch_episodes:
        slouch = _("slouching {min} min, {times}").format(
            min=slouch_min, times=times(s.slouch_episodes)
        )
    else:
        slouch = _("slouching {min} min").format(min=slouch_min)
    first = [watched, _("upright {share}").format(share=share), slouch]
    second = [
        _("longest sitting spell {duration}").format(duration=format_minutes(s.longest_bout_s)),
        ngettext("{n} break", "{n} breaks", s.breaks).format(n=s.breaks),
        _nudges(s),
    ]
    if s.held_back.total:  # do not disturb: never dropped silently
        second.append(s.held_back.text())
    if s.break_answers.text():  # the warning's Postpone and Skip
        second.append(s.break_answers.text())
    p = s.prompts
    if p.asked:
        third = [
            _(
                "stretches and breaks offered: {done} done, {skipped} skipped, "
                "{snoozed} snoozed, {ignored} ignored"
            ).format(
                done=p.done, skipped=p.skipped, snoozed=p.snoozed, ignored=p.ignored + p.dismissed
            )
        ]
    elif p.break_nudges:  # break nudges shown, their buttons never pressed
        third = [_("no break nudge answered")]
    else:
        third = [_("no stretch or break offered")]
    return _joined(first) + _joined(second) + _joined(third)


def _nudges(s: Summary) -> str:
    """``nudges: 2 posture, 1 break``: each nudge shown counted once, by kind; posture
    nudges answered "I'm fine" are said (``3 posture (1 answered I'm fine)``).

    A history without any nudge recorded (the console monitor, which prints a line
    instead) says what was noticed: ``noticed: 1 slouch, 1 long sitting spell``.
    """
    p = s.prompts
    shown = []
    if p.posture_nudges and p.fine:
        shown.append(
            npgettext(
                "nudge count",
                "{n} posture ({fine} answered I'm fine)",
                "{n} posture ({fine} answered I'm fine)",
                p.posture_nudges,
            ).format(n=p.posture_nudges, fine=p.fine)
        )
    elif p.posture_nudges:
        n = p.posture_nudges
        shown.append(npgettext("nudge count", "{n} posture", "{n} posture", n).format(n=n))
    if p.break_nudges:
        n = p.break_nudges
        shown.append(npgettext("nudge count", "{n} break", "{n} break", n).format(n=n))
    if p.asked_for:
        n = p.asked_for
        shown.append(
            npgettext("nudge count", "{n} stretch you asked for", "{n} asked for", n).format(n=n)
        )
    # Translators: joins the items of a list but the last, as in "Mon 1, Tue 2 and Wed 3".
    comma = _(", ")
    if shown:
        return _("nudges: {counts}").format(counts=comma.join(shown))
    noticed = []
    if s.slouch_alerts:
        n = s.slouch_alerts
        noticed.append(ngettext("{n} slouch", "{n} slouches", n).format(n=n))
    if s.long_sitting_alerts:
        n = s.long_sitting_alerts
        noticed.append(ngettext("{n} long sitting spell", "{n} long sitting spells", n).format(n=n))
    if noticed:
        return _("noticed: {counts}").format(counts=comma.join(noticed))
    return _("no nudge")


def _joined(parts: list[str], sep: str = " · ") -> list[str]:
    """``parts`` joined by ``sep`` on as few lines of :data:`WIDTH` as they fit; a part
    longer than a line by itself (a long translation) is wrapped, indented."""
    lines = [parts[0]]
    for part in parts[1:]:
        if len(lines[-1]) + len(sep) + len(part) <= WIDTH:
            lines[-1] += sep + part
        else:
            lines.append(part)
    return [wrapped for line in lines for wrapped in _wrap(line, "", "  ")]


def _strip(s: Summary) -> list[str]:
    cells = " ".join(hour_strip(s))
    hour = pgettext("report", "hour")
    label = pgettext("report", "slouch") if s.n_days == 1 else pgettext("report", "avg day")
    width = max(_LABEL_WIDTH, len(hour), len(label)) + 1
    legend = _wrap(_legend(), " " * width, " " * width)
    return [hour.ljust(width) + _RULER, label.ljust(width) + cells, *legend]


def _cells(text: str) -> int:
    """How many terminal columns ``text`` takes: East Asian wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    """The rows as lines: the first column to the left, the figures to the right, each
    column as wide as its widest cell (at least its English width)."""
    widths = [max(least, *(_cells(row[i]) for row in rows)) for i, least in enumerate(_MIN_WIDTHS)]
    lines = []
    for row in rows:
        pads = [" " * (w - _cells(cell)) for w, cell in zip(widths, row, strict=True)]
        cells = [row[0] + pads[0]] + [p + c for p, c in zip(pads[1:], row[1:], strict=True)]
        lines.append("  ".join(cells))
    return lines


def _day_row(s: Summary, pain: int | None, short: bool = False) -> tuple[str, ...]:
    pain_text = "–" if pain is None else str(pain)
    if s.monitored_s <= 0:
        return (short_date(s.first_day), "–", "", "", "", "", pain_text)
    share = "–" if s.upright_share is None else percent(s.upright_share)
    return (
        short_date(s.first_day),
        format_minutes(s.monitored_s) + (SHORT_MARK if short else ""),
        share,
        pgettext("duration", "{min} min").format(min=round_half_up(s.slouch_min)),
        format_minutes(s.longest_bout_s),
        str(s.breaks),
        pain_text,
    )


def _suggestions(suggestions: tuple[Suggestion, ...], why_none: str | None = None) -> list[str]:
    if not suggestions:
        return ["", _("Suggestions"), *_wrap(why_none)] if why_none else []
    lines = ["", _("Suggestions")]
    for s in suggestions:
        lines += _wrap(s.text, "• ", "  ")
        lines += _wrap(f"({s.cite})", "  ", "  ")
    return lines


def _advice(advice: MedicalAdvice | None) -> list[str]:
    if advice is None:
        return []
    lines = ["", _("When to see a doctor")]
    # Translators: {reasons} are joined by "; ", e.g. "pain of 8/10 on Mon 3 Mar; numbness …".
    lines += _wrap(
        _("Your pain journal shows {reasons}.").format(reasons="; ".join(advice.reasons))
    )
    lines += _wrap(advice.intro)
    for point in advice.points:
        lines += _wrap(point, "  - ", "    ")
    lines += _wrap(advice.why)
    lines += _wrap("(" + _("guide: {sections}").format(sections=advice.source) + ")")
    lines += _wrap(advice.disclaimer)
    return lines


def _wrap(text: str, first: str = "", rest: str = "") -> list[str]:
    if _cells(text) != len(text):  # Chinese, Japanese, Korean: no spaces to break at
        return _wrap_wide(text, first, rest)
    wrapped = textwrap.wrap(
        text, WIDTH, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False
    )
    return wrapped or [""]


#: What may not start a line in Japanese (kinsoku): closing marks and small kana.
_NO_LINE_START = set("、。，．）」』】〉》！？：；ー・ぁぃぅぇぉっゃゅょァィゥェォッャュョ%)]」")


def _wrap_wide(text: str, first: str, rest: str) -> list[str]:
    """Wrap text with wide glyphs by terminal columns: a break may fall between any two
    wide glyphs or at a space, never before a closing mark; a run of narrow letters (a
    number, "min", ``posture-watch``) stays whole."""
    units: list[str] = []  # a closing mark glued to what it closes, so it never leads
    for token in re.findall(r"\s+|[^\s\u1100-\uffff]+|.", text.strip()):
        if token[0] in _NO_LINE_START and units and not units[-1].isspace():
            units[-1] += token
        else:
            units.append(token)
    lines: list[str] = []
    line, width = first, _cells(first)
    for unit in units:
        if unit.isspace():
            if width > _cells(rest if lines else first):
                line, width = line + " ", width + 1
            continue
        size = _cells(unit)
        if width + size > WIDTH and line.strip():
            lines.append(line.rstrip())
            line, width = rest, _cells(rest)
        line, width = line + unit, width + size
    lines.append(line.rstrip())
    return lines


def _clock(t: float, tz: tzinfo) -> str:
    """A clock time in the locale's way (``14:05``; ``2:05 PM`` in a 12-hour one)."""
    return formats.clock(datetime.fromtimestamp(t, tz))
