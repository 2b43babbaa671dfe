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

The lines are catalog messages (``posture_watch.core.text``), one per whole sentence and
counted with ``ngettext``; :func:`counting_rule` is a function, not a constant, because
the language is chosen after import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta, tzinfo

import numpy as np

from posture_watch.core import formats
from posture_watch.core.advice import (
    MedicalAdvice,
    Suggestion,
    medical_advice,
    suggest,
    why_no_suggestions,
)
from posture_watch.core.break_comparison import compare_days
from posture_watch.core.dates import short_date
from posture_watch.core.decay_words import Basis
from posture_watch.core.durations import format_minutes
from posture_watch.core.posture_decay import PostureDecay, posture_decay
from posture_watch.core.report import History, Summary, day_bounds, summarize
from posture_watch.core.text import _, ngettext

WEEK_DAYS = 7
#: The day report's hold figure rests on the sitting spells of this many days ending
#: with the day: one day rarely has the :data:`~posture_watch.core.posture_decay.MIN_SPELLS`.
HOLD_DAYS = 7
#: Days with both a pain entry and monitoring needed before talking about a pattern.
MIN_PATTERN_DAYS = 5
#: A day counts for the pattern and the trend with at least this much monitored time.
MIN_DAY_MONITORED_S = 10 * 60.0
#: Days that count needed before fitting a trend.
MIN_TREND_DAYS = 3
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
    #: How long posture held after a break, over :data:`HOLD_DAYS` days ending this day
    #: (a day rarely has enough sitting spells); ``hold_basis`` says so in the sentence.
    decay: PostureDecay | None = None
    hold_basis: Basis = field(default_factory=Basis)


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
    #: How long posture held after a break over the week, with its curve.
    decay: PostureDecay | None = None
    sit_max: float = 3000.0  # the break nudge's limit (s), marked on the curve
    #: Days with breaks that follow the posture against days on the fixed timer
    #: (:func:`~posture_watch.core.break_comparison.compare_days`); ``''``: not both.
    break_timing: str = ""

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


def day_report(
    history: History,
    day: date,
    tz: tzinfo,
    sit_max: float = 3000.0,
    *,
    recent: History | None = None,
) -> DayReport:
    """The report of local ``day``; ``sit_max`` is the long-sitting limit in seconds.

    ``recent`` is the history of the :data:`HOLD_DAYS` days ending with ``day`` (the
    basis of the hold figure); without it ``history`` serves, with what it holds of them.
    """
    summary = summarize(history, day, tz)
    first = day - timedelta(days=HOLD_DAYS - 1)
    start, end = day_bounds(first, tz, HOLD_DAYS)
    return DayReport(
        summary=summary,
        suggestions=suggest(summary, sit_max),
        advice=medical_advice(history.journal, summary.end, tz),
        tz=tz,
        pain=day_pain(history, day, tz),
        no_suggestions=why_no_suggestions(summary, sit_max),
        decay=posture_decay(recent or history, start, end),
        hold_basis=Basis(HOLD_DAYS, day),
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
        decay=posture_decay(history, total.start, total.end),
        sit_max=sit_max,
        break_timing=compare_days(days, history.break_timings, [day_counts(d) for d in days]),
    )


def counting_rule() -> str:
    """The rule of :func:`day_counts` in words, shown with the week's table."""
    return _(
        "Days with at least {min} min monitored count towards the trend and the pain comparison."
    ).format(min=_min_monitored())


def _min_monitored() -> str:
    """:data:`MIN_DAY_MONITORED_S` in whole minutes, as the sentences quote it."""
    return f"{MIN_DAY_MONITORED_S / 60:.0f}"


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
        text = ngettext(
            "No clear pattern yet: {n} day has both a pain entry and at least {min} min "
            "monitored; about {need} are needed to compare.",
            "No clear pattern yet: {n} days have both a pain entry and at least {min} min "
            "monitored; about {need} are needed to compare.",
            len(both),
        ).format(n=len(both), min=_min_monitored(), need=MIN_PATTERN_DAYS)
        short = [
            _("{date} ({monitored})").format(
                date=short_date(d.first_day), monitored=format_minutes(d.monitored_s)
            )
            for d, p in zip(days, pain, strict=True)
            if p is not None and 0 < d.monitored_s < MIN_DAY_MONITORED_S
        ]
        if short:
            text += " " + _("Pain was logged but too little monitored on {days}.").format(
                days=_and(short)
            )
        return text
    table = np.array(both, dtype=np.float64)
    found = []
    for column, what in ((1, "slouching"), (2, "sitting")):
        r = _pearson(table[:, 0], table[:, column])
        if r is not None and abs(r) >= PATTERN_R:
            found.append((abs(r), r, what))
    n = len(both)
    if not found:
        return ngettext(
            "No clear pattern between pain and slouching or sitting time ({n} day compared).",
            "No clear pattern between pain and slouching or sitting time ({n} days compared).",
            n,
        ).format(n=n)
    _size, r, what = max(found)
    return _pattern_line(what, r > 0, n).format(n=n, r=formats.number(r, digits=2))


def _pattern_line(what: str, more_pain: bool, n: int) -> str:
    """The sentence for pain going with ``what`` (``"slouching"`` or ``"sitting"``): four
    whole messages, since the measure's word sits inside each sentence."""
    if what == "slouching" and more_pain:
        return ngettext(
            "Days with more slouching came with more pain (r = {r} over {n} day). That is a "
            "hint worth watching, not proof of a cause.",
            "Days with more slouching came with more pain (r = {r} over {n} days). That is a "
            "hint worth watching, not proof of a cause.",
            n,
        )
    if what == "slouching":
        return ngettext(
            "Days with more slouching came with less pain (r = {r} over {n} day), so "
            "slouching does not look like what drives the pain.",
            "Days with more slouching came with less pain (r = {r} over {n} days), so "
            "slouching does not look like what drives the pain.",
            n,
        )
    if more_pain:
        return ngettext(
            "Days with more sitting came with more pain (r = {r} over {n} day). That is a "
            "hint worth watching, not proof of a cause.",
            "Days with more sitting came with more pain (r = {r} over {n} days). That is a "
            "hint worth watching, not proof of a cause.",
            n,
        )
    return ngettext(
        "Days with more sitting came with less pain (r = {r} over {n} day), so sitting does "
        "not look like what drives the pain.",
        "Days with more sitting came with less pain (r = {r} over {n} days), so sitting does "
        "not look like what drives the pain.",
        n,
    )


def _and(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c`` (the separators are the catalog's)."""
    if len(items) == 1:
        return items[0]
    # Translators: joins the items of a list but the last, as in "Mon 1, Tue 2 and Wed 3".
    head = _(", ").join(items[:-1])
    # Translators: the end of a list, as in "Mon 1, Tue 2 and Wed 3".
    return _("{items} and {last}").format(items=head, last=items[-1])


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
        text = ngettext(
            "Too few days for a trend: {n} of {total} has at least {min} min monitored; "
            "{need} are needed.",
            "Too few days for a trend: {n} of {total} have at least {min} min monitored; "
            "{need} are needed.",
            n,
        ).format(
            n=n,
            total=ngettext("{n} day", "{n} days", len(days)).format(n=len(days)),
            min=_min_monitored(),
            need=MIN_TREND_DAYS,
        )
        away = [short_date(d.first_day) for d in days if day_counts(d) and d.upright_share is None]
        if away:
            text += " " + _(
                "{days}: monitored, but no time at the desk, so no upright share."
            ).format(days=_and(away))
        return text
    x = np.array([p[0] for p in points], dtype=np.float64)
    y = np.array([p[1] for p in points], dtype=np.float64) * 100.0
    slope, intercept = np.polyfit(x, y, 1)
    first, last = intercept + slope * x[0], intercept + slope * x[-1]
    # the shares as the locale writes a percentage ("45%", "45 %", "45 %" with a no-break space)
    shares = {"first": formats.percent(first / 100), "last": formats.percent(last / 100)}
    if last - first >= TREND_POINTS:
        # Translators: {first} and {last} are percentages, written with their sign ("45%")
        return _("Upright share rose over the week, from about {first} to {last}.").format(**shares)
    if first - last >= TREND_POINTS:
        # Translators: {first} and {last} are percentages, written with their sign ("45%")
        return _("Upright share fell over the week, from about {first} to {last}.").format(**shares)
    # Translators: {share} is a percentage, written with its sign ("45%")
    return _("Upright share held steady at around {share}.").format(
        share=formats.percent(float(np.mean(y)) / 100)
    )
