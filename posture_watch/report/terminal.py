"""The report as compact terminal text, never wider than 80 columns.

It reads at a glance: three lines of figures, the hour strip with an hour ruler above it,
the suggestions with their guide sections, and the doctor advice when the journal calls
for it. The week version adds one line per day and the pain pattern.
"""

from __future__ import annotations

import textwrap
from datetime import datetime, tzinfo

from posture_watch.core.advice import MedicalAdvice, Suggestion
from posture_watch.core.dates import short_date
from posture_watch.core.durations import format_minutes, round_half_up
from posture_watch.core.report import (
    STRIP_GLYPHS,
    STRIP_UNMONITORED,
    Summary,
    hour_strip,
)
from posture_watch.core.report_builder import (
    COUNTING_RULE,
    MIN_DAY_MONITORED_S,
    DayReport,
    WeekReport,
)
from posture_watch.core.words import percent, plural, times

WIDTH = 80
_RULER = "".join(f"{h:<6d}" for h in range(0, 24, 3)).rstrip()
#: One line of the week table: day, monitored, upright, slouch, longest sit, breaks, pain.
_ROW = "{:<10}  {:>12}  {:>7}  {:>7}  {:>11}  {:>6}  {:>4}"
#: Marks a day in the week table that was monitored too briefly to count.
SHORT_MARK = "*"
_LEGEND = (
    f"{STRIP_UNMONITORED} not monitored  {STRIP_GLYPHS[0]} no slouch  "
    f"{STRIP_GLYPHS[1:]} more slouch minutes"
)


def render_day(report: DayReport) -> str:
    """The day summary as lines of at most :data:`WIDTH` characters."""
    s = report.summary
    title = f"posture-watch report · {short_date(s.first_day, year=True)}"
    if s.monitored_s <= 0:
        lines = [title, "Nothing was monitored on this day."]
    else:
        lines = [title, *_figures(s, report.tz), "", *_strip(s)]
    lines += _suggestions(report.suggestions, report.no_suggestions)
    lines += _advice(report.advice)
    return "\n".join(lines) + "\n"


def render_week(report: WeekReport) -> str:
    """The seven days: one line each, the week's strip, the pain pattern and the trend."""
    t = report.total
    title = (
        f"posture-watch week · {short_date(t.first_day)} – {short_date(report.last_day, year=True)}"
    )
    lines = [title, *_figures(t, report.tz, week=True), ""]
    lines.append(
        _ROW.format("day", "monitored", "upright", "slouch", "longest sit", "breaks", "pain")
    )
    for day, pain, short in zip(report.days, report.pain, report.short_days, strict=True):
        lines.append(_day_row(day, pain, short))
    if any(report.short_days):
        lines += _wrap(
            f"{SHORT_MARK} under {MIN_DAY_MONITORED_S / 60:.0f} min monitored: not counted "
            "in the trend and the pain comparison."
        )
    lines += ["", *_strip(t), ""]
    lines += _wrap(COUNTING_RULE) + _wrap(report.trend) + _wrap(report.pattern)
    lines += _suggestions(report.suggestions, report.no_suggestions)
    lines += _advice(report.advice)
    return "\n".join(lines) + "\n"


def _figures(s: Summary, tz: tzinfo, week: bool = False) -> list[str]:
    span = ""
    if s.first_seen is not None and s.last_seen is not None and not week:
        span = f" ({_clock(s.first_seen, tz)}–{_clock(s.last_seen, tz)})"
    share = "–" if s.upright_share is None else percent(s.upright_share)
    slouch = f"slouching {round_half_up(s.slouch_min)} min"
    if s.slouch_episodes:
        slouch += f", {times(s.slouch_episodes)}"
    first = [f"monitored {format_minutes(s.monitored_s)}{span}", f"upright {share}", slouch]
    second = [
        f"longest sitting spell {format_minutes(s.longest_bout_s)}",
        plural(s.breaks, "break"),
        _nudges(s),
    ]
    if s.held_back.total:  # do not disturb: never dropped silently
        second.append(s.held_back.text())
    if s.break_answers.text():  # the warning's Postpone and Skip
        second.append(s.break_answers.text())
    p = s.prompts
    if p.asked:
        third = [
            f"stretches and breaks offered: {p.done} done, {p.skipped} skipped, "
            f"{p.snoozed} snoozed, {p.ignored + p.dismissed} ignored"
        ]
    elif p.break_nudges:  # break nudges shown, their buttons never pressed
        third = ["no break nudge answered"]
    else:
        third = ["no stretch or break offered"]
    return _joined(first) + _joined(second) + _joined(third)


def _nudges(s: Summary) -> str:
    """``nudges: 2 posture, 1 break``: each nudge shown counted once, by kind; posture
    nudges answered "I'm fine" are said (``3 posture (1 answered I'm fine)``).

    A history without any nudge recorded (the console monitor, which prints a line
    instead) says what was noticed: ``noticed: 1 slouch, 1 long sitting spell``.
    """
    p = s.prompts
    posture = f"posture ({p.fine} answered I'm fine)" if p.fine else "posture"
    kinds = [(p.posture_nudges, posture), (p.break_nudges, "break")]
    kinds.append((p.asked_for, "stretch you asked for" if p.asked_for == 1 else "asked for"))
    shown = [f"{n} {kind}" for n, kind in kinds if n]
    if shown:
        return "nudges: " + ", ".join(shown)
    noticed = [plural(s.slouch_alerts, "slouch", "slouches")] if s.slouch_alerts else []
    if s.long_sitting_alerts:
        noticed.append(plural(s.long_sitting_alerts, "long sitting spell"))
    return "noticed: " + ", ".join(noticed) if noticed else "no nudge"


def _joined(parts: list[str], sep: str = " · ") -> list[str]:
    """``parts`` joined by ``sep`` on as few lines of :data:`WIDTH` as they fit."""
    lines = [parts[0]]
    for part in parts[1:]:
        if len(lines[-1]) + len(sep) + len(part) <= WIDTH:
            lines[-1] += sep + part
        else:
            lines.append(part)
    return lines


def _strip(s: Summary) -> list[str]:
    cells = " ".join(hour_strip(s))
    label = "slouch" if s.n_days == 1 else "avg day"
    return [f"hour    {_RULER}", f"{label:<7} {cells}", f"        {_LEGEND}"]


def _day_row(s: Summary, pain: int | None, short: bool = False) -> str:
    pain_text = "–" if pain is None else str(pain)
    if s.monitored_s <= 0:
        return _ROW.format(short_date(s.first_day), "–", "", "", "", "", pain_text)
    share = "–" if s.upright_share is None else percent(s.upright_share)
    return _ROW.format(
        short_date(s.first_day),
        format_minutes(s.monitored_s) + (SHORT_MARK if short else ""),
        share,
        f"{round_half_up(s.slouch_min)} min",
        format_minutes(s.longest_bout_s),
        str(s.breaks),
        pain_text,
    )


def _suggestions(suggestions: tuple[Suggestion, ...], why_none: str | None = None) -> list[str]:
    if not suggestions:
        return ["", "Suggestions", *_wrap(why_none)] if why_none else []
    lines = ["", "Suggestions"]
    for s in suggestions:
        lines += _wrap(s.text, "• ", "  ")
        lines += _wrap(f"({s.cite})", "  ", "  ")
    return lines


def _advice(advice: MedicalAdvice | None) -> list[str]:
    if advice is None:
        return []
    lines = ["", "When to see a doctor"]
    lines += _wrap("Your pain journal shows " + "; ".join(advice.reasons) + ".")
    lines += _wrap(advice.intro)
    for point in advice.points:
        lines += _wrap(point, "  - ", "    ")
    lines += _wrap(advice.why)
    lines += _wrap(f"(guide: {advice.source})")
    lines += _wrap(advice.disclaimer)
    return lines


def _wrap(text: str, first: str = "", rest: str = "") -> list[str]:
    wrapped = textwrap.wrap(
        text, WIDTH, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False
    )
    return wrapped or [""]


def _clock(t: float, tz: tzinfo) -> str:
    return datetime.fromtimestamp(t, tz).strftime("%H:%M")
