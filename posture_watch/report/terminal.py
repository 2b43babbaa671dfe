"""The report as compact terminal text, never wider than 80 columns.

It reads at a glance: three lines of figures, the hour strip with an hour ruler above it,
the suggestions with their guide sections, and the doctor advice when the journal calls
for it. The week version adds one line per day and the pain pattern.
"""

from __future__ import annotations

import textwrap
from datetime import datetime, tzinfo

from posture_watch.core.advice import MedicalAdvice, Suggestion
from posture_watch.core.report import STRIP_GLYPHS, STRIP_UNMONITORED, Summary, hour_strip
from posture_watch.core.report_builder import DayReport, WeekReport
from posture_watch.core.status import format_minutes

WIDTH = 80
_RULER = "".join(f"{h:<6d}" for h in range(0, 24, 3)).rstrip()
#: One line of the week table: day, monitored, upright, slouch, longest sit, breaks/alerts, pain.
_ROW = "{:<10}  {:>11}  {:>7}  {:>6}  {:>11}  {:>13}  {:>4}"
_LEGEND = (
    f"{STRIP_UNMONITORED} not monitored  {STRIP_GLYPHS[0]} no slouch  "
    f"{STRIP_GLYPHS[1:]} more slouch minutes"
)


def render_day(report: DayReport) -> str:
    """The day summary as lines of at most :data:`WIDTH` characters."""
    s = report.summary
    title = f"posture-watch report · {s.first_day:%a %d %b %Y}"
    if s.monitored_s <= 0:
        lines = [title, "Nothing was monitored on this day."]
    else:
        lines = [title, *_figures(s, report.tz), "", *_strip(s)]
    lines += _suggestions(report.suggestions)
    lines += _advice(report.advice)
    return "\n".join(lines) + "\n"


def render_week(report: WeekReport) -> str:
    """The seven days: one line each, the week's strip, the pain pattern and the trend."""
    t = report.total
    title = f"posture-watch week · {t.first_day:%a %d %b} – {report.last_day:%a %d %b %Y}"
    lines = [title, *_figures(t, report.tz, week=True), ""]
    lines.append(
        _ROW.format("day", "monitored", "upright", "slouch", "longest sit", "breaks/alerts", "pain")
    )
    for day, pain in zip(report.days, report.pain, strict=True):
        lines.append(_day_row(day, pain))
    lines += ["", *_strip(t), ""]
    lines += _wrap(report.trend) + _wrap(report.pattern)
    lines += _suggestions(report.suggestions)
    lines += _advice(report.advice)
    return "\n".join(lines) + "\n"


def _figures(s: Summary, tz: tzinfo, week: bool = False) -> list[str]:
    span = ""
    if s.first_seen is not None and s.last_seen is not None and not week:
        span = f" ({_clock(s.first_seen, tz)}–{_clock(s.last_seen, tz)})"
    share = "–" if s.upright_share is None else f"{s.upright_share:.0%}"
    p = s.prompts
    prompts = f"prompts: {p.done} followed, {p.skipped} skipped, {p.snoozed} snoozed"
    prompts += f", {p.ignored + p.dismissed} ignored"
    if p.notifications:
        prompts += f" (+{p.notifications} notification(s))"
    return [
        f"monitored {format_minutes(s.monitored_s)}{span} · upright {share} · "
        f"slouch {s.slouch_min:.0f} min in {s.slouch_episodes} episode(s)",
        f"longest sitting {format_minutes(s.longest_bout_s)} · breaks {s.breaks} · "
        f"long-sitting alerts {s.long_sitting_alerts} · slouch alerts {s.slouch_alerts}",
        prompts,
    ]


def _strip(s: Summary) -> list[str]:
    cells = " ".join(hour_strip(s))
    label = "slouch" if s.n_days == 1 else "avg day"
    return [f"hour    {_RULER}", f"{label:<7} {cells}", f"        {_LEGEND}"]


def _day_row(s: Summary, pain: int | None) -> str:
    if s.monitored_s <= 0:
        return _ROW.format(f"{s.first_day:%a %d %b}", "–", "", "", "", "", "").rstrip()
    share = "–" if s.upright_share is None else f"{s.upright_share:.0%}"
    return _ROW.format(
        f"{s.first_day:%a %d %b}",
        format_minutes(s.monitored_s),
        share,
        f"{s.slouch_min:.0f} m",
        format_minutes(s.longest_bout_s),
        f"{s.breaks}/{s.long_sitting_alerts}",
        "–" if pain is None else str(pain),
    )


def _suggestions(suggestions: tuple[Suggestion, ...]) -> list[str]:
    if not suggestions:
        return []
    lines = ["", "Suggestions"]
    for s in suggestions:
        lines += _wrap(s.text, "• ", "  ")
        lines += _wrap(f"({s.cite})", "  ", "  ")
    return lines


def _advice(advice: MedicalAdvice | None) -> list[str]:
    if advice is None:
        return []
    lines = ["", "When to see a doctor"]
    lines += _wrap("Your journal shows " + "; ".join(advice.reasons) + ".")
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
