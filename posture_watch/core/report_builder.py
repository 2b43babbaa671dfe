"""Assemble the day and week reports: figures, suggestions, the pain pattern, advice.

The week report sets each day's pain (from the journal) against that day's slouch
minutes and sitting time. Seven points are few, so the plain-language line only speaks
of a pattern with at least :data:`MIN_PATTERN_DAYS` days that have both a pain entry and
enough monitoring, and a correlation of at least :data:`PATTERN_R` in size; otherwise it
says there is no clear pattern (yet). It says "went together", never "caused".

"Enough monitoring" is one rule, :func:`day_counts`, used by the trend, the pain line and
the table's marks alike, and stated on the page (:data:`COUNTING_RULE`): the text must
never contradict the table beside it, so a day the table shows with pain and 12 min
monitored is a day the text counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

import numpy as np

from posture_watch.core.advice import (
    MedicalAdvice,
    Suggestion,
    medical_advice,
    suggest,
    why_no_suggestions,
)
from posture_watch.core.dates import short_date
from posture_watch.core.durations import format_minutes
from posture_watch.core.report import History, Summary, day_bounds, summarize
from posture_watch.core.words import plural

WEEK_DAYS = 7
#: Days with both a pain entry and monitoring needed before talking about a pattern.
MIN_PATTERN_DAYS = 5
#: A day counts for the pattern and the trend with at least this much monitored time.
MIN_DAY_MONITORED_S = 10 * 60.0
#: Days that count needed before fitting a trend.
MIN_TREND_DAYS = 3
#: The rule above in words, shown with the week's table.
COUNTING_RULE = (
    f"Days with at least {MIN_DAY_MONITORED_S / 60:.0f} min monitored count towards "
    "the trend and the pain comparison."
)
#: Correlation (Pearson r) from which pain and a measure are said to go together.
PATTERN_R = 0.5
#: Upright-share change over the week (fitted, in percentage points) called a trend.
TREND_POINTS = 5.0


@dataclass(frozen=True)
class DayReport:
    """One local day: its figures, up to two suggestions and, if called for, the advice."""

    summary: Summary
    suggestions: tuple[Suggestion, ...]
    advice: MedicalAdvice | None
    tz: tzinfo
    pain: int | None  # highest pain logged that day
    no_suggestions: str | None = None  # why there are none (None when there are some)


@dataclass(frozen=True)
class WeekReport:
    """Seven local days ending on ``last_day``: per-day figures and the week as a whole.

    ``total`` folds the seven days onto one clock (its hour cells sum over the days);
    ``pain`` holds each day's highest logged pain, None for days without an entry.
    """

    days: tuple[Summary, ...]
    total: Summary
    pain: tuple[int | None, ...]
    pattern: str
    trend: str
    suggestions: tuple[Suggestion, ...]
    advice: MedicalAdvice | None
    tz: tzinfo
    no_suggestions: str | None = None  # why there are none (None when there are some)

    @property
    def last_day(self) -> date:
        return self.days[-1].first_day

    @property
    def counts(self) -> tuple[bool, ...]:
        """Whether each day counts for the trend and the pain line (:func:`day_counts`)."""
        return tuple(day_counts(d) for d in self.days)

    @property
    def short_days(self) -> tuple[bool, ...]:
        """Days with some monitoring, but too little to count: the table marks them."""
        return tuple(0 < d.monitored_s < MIN_DAY_MONITORED_S for d in self.days)


def day_report(history: History, day: date, tz: tzinfo, sit_max: float = 3000.0) -> DayReport:
    """The report of local ``day``; ``sit_max`` is the long-sitting limit in seconds."""
    summary = summarize(history, day, tz)
    return DayReport(
        summary=summary,
        suggestions=suggest(summary, sit_max),
        advice=medical_advice(history.journal, summary.end, tz),
        tz=tz,
        pain=day_pain(history, day, tz),
        no_suggestions=why_no_suggestions(summary, sit_max),
    )


def week_report(
    history: History, last_day: date, tz: tzinfo, sit_max: float = 3000.0
) -> WeekReport:
    """The report of the seven local days ending with ``last_day`` (inclusive)."""
    first = last_day - timedelta(days=WEEK_DAYS - 1)
    days = tuple(summarize(history, first + timedelta(days=i), tz) for i in range(WEEK_DAYS))
    total = summarize(history, first, tz, n_days=WEEK_DAYS)
    pain = tuple(day_pain(history, d.first_day, tz) for d in days)
    return WeekReport(
        days=days,
        total=total,
        pain=pain,
        pattern=pain_pattern(days, pain),
        trend=upright_trend(days),
        suggestions=suggest(total, sit_max),
        advice=medical_advice(history.journal, total.end, tz),
        tz=tz,
        no_suggestions=why_no_suggestions(total, sit_max),
    )


def day_counts(day: Summary) -> bool:
    """A day counts for the week's trend and pain line with :data:`MIN_DAY_MONITORED_S`."""
    return day.monitored_s >= MIN_DAY_MONITORED_S


def day_pain(history: History, day: date, tz: tzinfo) -> int | None:
    """The highest pain logged on local ``day`` (a bad moment matters more than an average)."""
    start, end = day_bounds(day, tz)
    pains = [e.pain for e in history.journal if start <= e.t < end and e.pain is not None]
    return max(pains) if pains else None


def pain_pattern(days: Sequence[Summary], pain: Sequence[int | None]) -> str:
    """One plain-language line on pain against slouch minutes and sitting time per day."""
    both = [
        (p, d.slouch_min, d.sitting_s / 3600.0)
        for d, p in zip(days, pain, strict=True)
        if p is not None and day_counts(d)
    ]
    if len(both) < MIN_PATTERN_DAYS:
        have = "has" if len(both) == 1 else "have"
        text = (
            f"No clear pattern yet: {plural(len(both), 'day')} {have} both a pain entry "
            f"and at least {MIN_DAY_MONITORED_S / 60:.0f} min monitored; about "
            f"{MIN_PATTERN_DAYS} are needed to compare."
        )
        short = [
            f"{short_date(d.first_day)} ({format_minutes(d.monitored_s)})"
            for d, p in zip(days, pain, strict=True)
            if p is not None and 0 < d.monitored_s < MIN_DAY_MONITORED_S
        ]
        if short:
            text += f" Pain was logged but too little monitored on {_and(short)}."
        return text
    table = np.array(both, dtype=np.float64)
    found = []
    for column, what in ((1, "slouching"), (2, "sitting")):
        r = _pearson(table[:, 0], table[:, column])
        if r is not None and abs(r) >= PATTERN_R:
            found.append((abs(r), r, what))
    if not found:
        return (
            f"No clear pattern between pain and slouching or sitting time "
            f"({len(both)} days compared)."
        )
    _, r, what = max(found)
    if r > 0:
        return (
            f"Days with more {what} came with more pain (r = {r:.2f} over {len(both)} "
            "days). That is a hint worth watching, not proof of a cause."
        )
    return (
        f"Days with more {what} came with less pain (r = {r:.2f} over {len(both)} days), "
        f"so {what} does not look like what drives the pain."
    )


def _and(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _pearson(x: np.ndarray, y: np.ndarray) -> float | None:
    """Pearson's r, or None when either series does not vary (r is undefined then)."""
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    return float(np.corrcoef(x, y)[0, 1])


def upright_trend(days: Sequence[Summary]) -> str:
    """How the upright share moved over the days, from a straight-line fit."""
    points = [
        (i, d.upright_share)
        for i, d in enumerate(days)
        if d.upright_share is not None and day_counts(d)
    ]
    if len(points) < MIN_TREND_DAYS:
        n = len(points)
        text = (
            f"Too few days for a trend: {n} of {plural(len(days), 'day')} "
            f"{'has' if n == 1 else 'have'} at least {MIN_DAY_MONITORED_S / 60:.0f} min "
            f"monitored; {MIN_TREND_DAYS} are needed."
        )
        away = [
            f"{short_date(d.first_day)}" for d in days if day_counts(d) and d.upright_share is None
        ]
        if away:
            text += f" {_and(away)}: monitored, but no time at the desk, so no upright share."
        return text
    x = np.array([p[0] for p in points], dtype=np.float64)
    y = np.array([p[1] for p in points], dtype=np.float64) * 100.0
    slope, intercept = np.polyfit(x, y, 1)
    first, last = intercept + slope * x[0], intercept + slope * x[-1]
    if last - first >= TREND_POINTS:
        return f"Upright share rose over the week, from about {first:.0f}% to {last:.0f}%."
    if first - last >= TREND_POINTS:
        return f"Upright share fell over the week, from about {first:.0f}% to {last:.0f}%."
    return f"Upright share held steady at around {float(np.mean(y)):.0f}%."
