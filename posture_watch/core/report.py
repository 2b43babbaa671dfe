"""Fold a day (or several days) of history into the figures the report shows.

Pure like the rest of the core: the history arrives as plain dataclasses (the SQLite
adapter in :mod:`posture_watch.report.load` builds them), the day and its time zone are
arguments, and nothing here reads the clock. The per-minute rows are columns of NumPy
arrays, because a day has 1,440 of them and a week ten thousand: every figure is a
vectorised sum, mask or search over those columns rather than a Python loop per minute.

Definitions used throughout:

- *monitored*: seconds in any state (upright, slouch, away, unknown) in the minute rows;
- *sitting*: seconds at the desk, i.e. upright + slouch + unknown (away excluded);
- *upright share*: upright / (upright + slouch), the same measure as the tray's tooltip;
- a *slouch episode*: a run of consecutive minutes that each hold some slouch time (the
  timeline already drops glances, so any slouch second is a sustained slouch).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta, tzinfo

import numpy as np

from posture_watch.core.break_limits import BreakTimingSet
from posture_watch.core.break_warning import (
    BreakAnswerRecord,
    BreakAnswerTally,
    tally_break_answers,
)
from posture_watch.core.held_back import HeldRecord, HeldTally, tally_held
from posture_watch.core.journal import JournalEntry
from posture_watch.core.prompts import TILT_LIMIT_DEG, Problem

#: Prompt answers as stored; ``None`` (a notification nobody answers) is counted apart.
ANSWERS = ("done", "snoozed", "skipped", "dismissed", "ignored")
#: The stored answer of a posture nudge answered "I'm fine" (``prompt_rules.Answer.FINE``).
FINE = "fine"


@dataclass(frozen=True)
class MinuteRows:
    """Per-minute aggregates as columns, rows sorted by ``minute``; every array has shape (n,).

    ``minute`` is the epoch second of the minute's start; the ``*_s`` columns are seconds
    per state within it; ``score`` and the features are medians, NaN where the minute had
    no measurable frame.
    """

    minute: np.ndarray
    upright_s: np.ndarray
    slouch_s: np.ndarray
    away_s: np.ndarray
    unknown_s: np.ndarray
    score: np.ndarray
    head_height: np.ndarray
    neck_angle: np.ndarray
    shoulder_tilt: np.ndarray
    lean: np.ndarray

    def __post_init__(self) -> None:
        n = None
        for name in MINUTE_COLUMNS:
            column = np.asarray(getattr(self, name), dtype=np.float64)
            if column.ndim != 1 or (n is not None and column.shape[0] != n):
                raise ValueError(f"MinuteRows.{name}: expected shape ({n},), got {column.shape}")
            n = column.shape[0]
            object.__setattr__(self, name, column)
        if n and np.any(np.diff(self.minute) <= 0):
            raise ValueError("MinuteRows.minute must be strictly increasing")

    @classmethod
    def from_array(cls, rows: np.ndarray) -> MinuteRows:
        """Build from an (n, 10) array whose columns follow the ``minutes`` table."""
        rows = np.asarray(rows, dtype=np.float64).reshape(-1, len(MINUTE_COLUMNS))
        return cls(*(rows[:, i] for i in range(len(MINUTE_COLUMNS))))

    @classmethod
    def empty(cls) -> MinuteRows:
        return cls.from_array(np.empty((0, len(MINUTE_COLUMNS))))

    def __len__(self) -> int:
        return int(self.minute.shape[0])

    def between(self, start: float, end: float) -> MinuteRows:
        """The rows whose minute starts in ``[start, end)`` (a view, no copy)."""
        lo, hi = np.searchsorted(self.minute, [start, end], side="left")
        return MinuteRows(*(getattr(self, name)[lo:hi] for name in MINUTE_COLUMNS))

    @property
    def monitored_s(self) -> np.ndarray:
        total: np.ndarray = self.upright_s + self.slouch_s + self.away_s + self.unknown_s
        return total


#: The ``minutes`` table's columns, in table order: the fields of :class:`MinuteRows`.
MINUTE_COLUMNS = tuple(f.name for f in fields(MinuteRows))


@dataclass(frozen=True)
class Interval:
    """A span of epoch seconds; ``end`` is None while it is still going on."""

    start: float
    end: float | None

    def clipped(self, start: float, end: float) -> float:
        """Seconds of this span inside ``[start, end)`` (an open span runs to ``end``)."""
        stop = end if self.end is None else min(self.end, end)
        return max(0.0, stop - max(self.start, start))


@dataclass(frozen=True)
class AlertRecord:
    """An alert fired at ``t``: ``kind`` is ``slouch`` or ``long_sitting``."""

    t: float
    kind: str
    since: float | None = None


@dataclass(frozen=True)
class PromptRecord:
    """A prompt shown at ``t`` and what became of it (``answer`` None: a notification)."""

    t: float
    prompt_id: str
    kind: str
    reason: str
    stretch_id: str | None = None
    answer: str | None = None
    answered_at: float | None = None


@dataclass(frozen=True)
class History:
    """Everything the report reads for the window ``[start, end)`` of epoch seconds.

    Spans (bouts, breaks, pauses, camera problems) are those overlapping the window;
    ``journal`` may reach further back, because the medical-advice check looks at the
    weeks before the report's day.
    """

    start: float
    end: float
    minutes: MinuteRows = field(default_factory=MinuteRows.empty)
    bouts: tuple[Interval, ...] = ()
    breaks: tuple[Interval, ...] = ()
    alerts: tuple[AlertRecord, ...] = ()
    prompts: tuple[PromptRecord, ...] = ()
    pauses: tuple[Interval, ...] = ()
    camera_problems: tuple[Interval, ...] = ()
    journal: tuple[JournalEntry, ...] = ()
    held_back: tuple[HeldRecord, ...] = ()  # nudges do not disturb held back
    break_answers: tuple[BreakAnswerRecord, ...] = ()  # Postpone and Skip pressed
    #: How the break nudge was timed, each time its limit was set (breaks that follow
    #: the posture or the fixed timer).
    break_timings: tuple[BreakTimingSet, ...] = ()


@dataclass(frozen=True)
class HourCell:
    """One local clock hour of the strip: seconds monitored, upright and slouching."""

    hour: int
    monitored_s: float
    upright_s: float
    slouch_s: float

    @property
    def slouch_min(self) -> float:
        return self.slouch_s / 60.0

    @property
    def upright_share(self) -> float | None:
        sitting = self.upright_s + self.slouch_s
        return None if sitting <= 0 else self.upright_s / sitting


@dataclass(frozen=True)
class PromptTally:
    """How the prompts of the period were answered."""

    done: int = 0
    snoozed: int = 0
    skipped: int = 0
    dismissed: int = 0
    ignored: int = 0
    notifications: int = 0  # shown without asking for an answer
    #: Posture nudges answered "I'm fine" (a button on the notification): the person
    #: said the posture seen was fine.
    fine: int = 0
    #: Nudges shown, by what they were for: a slouch seen or a posture check, a long
    #: sitting spell, a stretch the person asked for (the prompts' stored reasons).
    posture_nudges: int = 0
    break_nudges: int = 0
    asked_for: int = 0

    @property
    def declined(self) -> int:
        """Prompts that asked for something and did not get it done."""
        return self.snoozed + self.skipped + self.dismissed + self.ignored

    @property
    def asked(self) -> int:
        return self.done + self.declined


@dataclass(frozen=True)
class Summary:
    """The figures of one period (a day, or a week folded onto one clock).

    Times are seconds; ``hours`` has 24 cells, one per local clock hour (for several
    days, each hour sums over the days). ``first_seen``/``last_seen`` are the epoch
    seconds of the first and last monitored minute, None when nothing was monitored.
    """

    first_day: date
    n_days: int
    start: float
    end: float
    upright_s: float
    slouch_s: float
    away_s: float
    unknown_s: float
    slouch_episodes: int
    longest_bout_s: float
    bouts: int
    breaks: int
    slouch_alerts: int
    long_sitting_alerts: int
    prompts: PromptTally
    hours: tuple[HourCell, ...]
    first_seen: float | None
    last_seen: float | None
    problem: Problem | None  # what the slouching looked like, None without slouch
    days_monitored: int = 0  # local days with any monitoring (for per-day averages)
    #: Nudges do not disturb held back, by why (a full-screen window, ...).
    held_back: HeldTally = field(default_factory=HeldTally)
    #: Breaks postponed and skipped (the warning's buttons).
    break_answers: BreakAnswerTally = field(default_factory=BreakAnswerTally)

    @property
    def monitored_s(self) -> float:
        return self.upright_s + self.slouch_s + self.away_s + self.unknown_s

    @property
    def sitting_s(self) -> float:
        return self.upright_s + self.slouch_s + self.unknown_s

    @property
    def slouch_min(self) -> float:
        return self.slouch_s / 60.0

    @property
    def upright_share(self) -> float | None:
        sitting = self.upright_s + self.slouch_s
        return None if sitting <= 0 else self.upright_s / sitting


def day_bounds(day: date, tz: tzinfo, n_days: int = 1) -> tuple[float, float]:
    """Epoch seconds of local midnight starting ``day`` and ending ``n_days`` later.

    A day with a daylight-saving change is 23 or 25 hours long; that is why the bounds
    come from the zone rather than from ``start + 86400``.
    """
    start = datetime.combine(day, time(0), tzinfo=tz).timestamp()
    end = datetime.combine(day + timedelta(days=n_days), time(0), tzinfo=tz).timestamp()
    return start, end


def hour_edges(day: date, tz: tzinfo, n_days: int = 1) -> np.ndarray:
    """Epoch seconds of every local clock hour from ``day`` 00:00, shape (24 * n_days + 1,).

    On the spring-forward day the skipped hour has zero width, and on the fall-back day
    the repeated hour is twice as wide, so each minute lands in the hour its clock read.
    """
    edges = [
        datetime.combine(day + timedelta(days=d), time(h), tzinfo=tz).timestamp()
        for d in range(n_days)
        for h in range(24)
    ]
    edges.append(day_bounds(day, tz, n_days)[1])
    return np.maximum.accumulate(np.asarray(edges, dtype=np.float64))


def clock_hours(t: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Local clock position in hours since the first edge (e.g. 15.5 is 15:30), shape of ``t``.

    Interpolating between the hour edges keeps a daylight-saving day's clock right.
    """
    hours: np.ndarray = np.interp(t, edges, np.arange(edges.shape[0], dtype=np.float64))
    return hours


def summarize(history: History, first_day: date, tz: tzinfo, n_days: int = 1) -> Summary:
    """The figures for ``n_days`` local days from ``first_day`` (history may cover more)."""
    start, end = day_bounds(first_day, tz, n_days)
    rows = history.minutes.between(start, end)
    in_window = [b for b in history.bouts if b.clipped(start, end) > 0]
    alerts = [a.kind for a in history.alerts if start <= a.t < end]
    monitored = rows.monitored_s
    seen = rows.minute[monitored > 0]
    edges = hour_edges(first_day, tz, n_days)
    return Summary(
        first_day=first_day,
        n_days=n_days,
        start=start,
        end=end,
        upright_s=float(rows.upright_s.sum()),
        slouch_s=float(rows.slouch_s.sum()),
        away_s=float(rows.away_s.sum()),
        unknown_s=float(rows.unknown_s.sum()),
        slouch_episodes=slouch_episodes(rows),
        longest_bout_s=max((b.clipped(start, end) for b in in_window), default=0.0),
        bouts=len(in_window),
        breaks=sum(start <= b.start < end for b in history.breaks),
        slouch_alerts=alerts.count("slouch"),
        long_sitting_alerts=alerts.count("long_sitting"),
        prompts=tally_prompts(p for p in history.prompts if start <= p.t < end),
        hours=hour_cells(rows, edges),
        first_seen=float(seen[0]) if seen.size else None,
        last_seen=float(seen[-1]) + 60.0 if seen.size else None,
        problem=slouch_problem(rows),
        days_monitored=int(np.unique(_hour_index(seen, edges) // 24).size),
        held_back=tally_held(h for h in history.held_back if start <= h.t < end),
        break_answers=tally_break_answers(a for a in history.break_answers if start <= a.t < end),
    )


def slouch_episodes(rows: MinuteRows) -> int:
    """Runs of consecutive minutes (60 s apart) that each hold some slouch time."""
    slouching = rows.slouch_s > 0
    if not slouching.any():
        return 0
    follows = np.zeros_like(slouching)
    follows[1:] = slouching[:-1] & (np.diff(rows.minute) == 60.0)
    return int(np.count_nonzero(slouching & ~follows))


def hour_cells(rows: MinuteRows, edges: np.ndarray) -> tuple[HourCell, ...]:
    """Seconds per local clock hour, each hour summed over the days ``edges`` span."""
    hour = _hour_index(rows.minute, edges) % 24

    def per_hour(values: np.ndarray) -> np.ndarray:
        return np.bincount(hour, weights=values, minlength=24)

    monitored, upright, slouch = (
        per_hour(rows.monitored_s),
        per_hour(rows.upright_s),
        per_hour(rows.slouch_s),
    )
    return tuple(
        HourCell(h, float(monitored[h]), float(upright[h]), float(slouch[h])) for h in range(24)
    )


def _hour_index(minute: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Which hour of the window (0 = the first day's 00:00) each minute falls in."""
    index = np.searchsorted(edges, minute, side="right") - 1
    return np.clip(index, 0, edges.shape[0] - 2)


def slouch_problem(rows: MinuteRows) -> Problem | None:
    """What the slouching looked like: tilted shoulders, else a forward head.

    Uses the median shoulder tilt of the minutes with slouch time (degrees, either side);
    the geometry's slouch score is driven by the head dropping forward, so that is the
    default reading of a slouch.
    """
    slouching = rows.slouch_s > 0
    if not slouching.any():
        return None
    tilt = np.abs(rows.shoulder_tilt[slouching])
    tilt = tilt[np.isfinite(tilt)]
    if tilt.size and float(np.median(tilt)) > TILT_LIMIT_DEG:
        return Problem.TILTED_SHOULDERS
    return Problem.FORWARD_HEAD


#: The stored reasons of prompts (``prompt_rules.Reason`` values) per kind of nudge.
POSTURE_REASONS = frozenset({"slouch", "check"})
BREAK_REASONS = frozenset({"long_sitting"})
ASKED_REASONS = frozenset({"manual"})


def tally_prompts(prompts: Iterable[PromptRecord]) -> PromptTally:
    """Count answers of an iterable of :class:`PromptRecord`, and the nudges by kind (each
    prompt shown is one nudge, counted once); unknown answers and reasons are ignored."""
    counts = dict.fromkeys(ANSWERS, 0)
    notifications = posture = breaks = asked = fine = 0
    for prompt in prompts:
        posture += prompt.reason in POSTURE_REASONS
        breaks += prompt.reason in BREAK_REASONS
        asked += prompt.reason in ASKED_REASONS
        if prompt.answer is None:
            notifications += 1
        elif prompt.answer == FINE:
            fine += 1
        elif prompt.answer in counts:
            counts[prompt.answer] += 1
    return PromptTally(
        **counts,
        notifications=notifications,
        fine=fine,
        posture_nudges=posture,
        break_nudges=breaks,
        asked_for=asked,
    )


#: Glyphs of the hour strip: '·' not monitored, then slouch minutes in that hour.
STRIP_UNMONITORED = "·"
STRIP_GLYPHS = "▁▂▃▄▅▆▇█"
#: Upper bounds (minutes, exclusive) of the slouch classes after the first glyph (0 min).
STRIP_LIMITS = (5.0, 10.0, 15.0, 20.0, 30.0, 45.0)


def strip_glyph(cell: HourCell, n_days: int = 1) -> str:
    """One character for an hour: '·' unmonitored, '▁' no slouch … '█' 45+ slouch min.

    For several days pass the number of monitored days: the slouch minutes are averaged
    over them, so the scale stays that of one day.
    """
    if cell.monitored_s <= 0:
        return STRIP_UNMONITORED
    minutes = cell.slouch_min / max(n_days, 1)
    if minutes <= 0:
        return STRIP_GLYPHS[0]
    return STRIP_GLYPHS[1 + int(np.searchsorted(STRIP_LIMITS, minutes, side="right"))]


def hour_strip(summary: Summary) -> str:
    """The 24 glyphs of :func:`strip_glyph`, hour 0 first (per monitored day for a week)."""
    return "".join(strip_glyph(cell, summary.days_monitored) for cell in summary.hours)
