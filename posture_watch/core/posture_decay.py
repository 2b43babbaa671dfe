"""How long posture holds after a break: the hold time and the decay curve.

posture-watch records posture minute by minute beside breaks, so it can tell how long a
person stays upright once back from a break, and how the upright share fades with the
minutes since the last break. The report states the figure, ``posture-watch insights``
and ``export`` show it, and the posture-timed break nudge reads :func:`hold_estimate`.

Pure: the history arrives as :class:`~posture_watch.core.report.History`, nothing here
reads the clock or does I/O. Definitions (the report's words say the same):

- A *sitting spell after a break* starts where a sitting bout (a span at the desk) begins
  after a recorded break, or after at least :data:`REST_S` with nobody seen (the monitor
  was off, e.g. overnight). Bouts separated by shorter absences belong to one spell, as
  they do for the long-sitting nudge. A bout that began before the history's window is
  skipped: what came before it is unknown.
- *Minutes since the break* are clock minutes from the spell's start, so a pause inside
  a spell does not move the clock back.
- A *sustained slouch* is the first run of :data:`SUSTAINED_MIN` consecutive minutes in
  which slouching holds more of the seen posture than upright does (the monitor already
  drops glances shorter than its slouch delay). The *hold* of a spell is the minutes from
  its start to the start of that run.
- A spell with fewer than :data:`MIN_SPELL_MIN` minutes of posture seen is too short to
  say anything and is left out (counted in ``too_short``).
- A spell that ends without a sustained slouch held *at least* its length: it is kept as
  a censored observation, never dropped and never counted as a slouch. The median hold is
  the Kaplan-Meier median over the spells: the first time at which half of them had
  slouched (the middle of two event times when the estimate sits exactly at one half, so
  with no censored spell it is the ordinary median). When more than half of the spells
  held to their end, there is no median: posture outlasted the spells, and ``minutes``
  is None while ``spells`` is not zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posture_watch.core.break_limits import MIN_SPELLS
from posture_watch.core.report import History, Interval, MinuteRows

#: An absence at least this long (seconds) starts a new spell even with no recorded
#: break (the monitor's default ``break_min``; the monitor was off, for instance).
REST_S = 120.0
#: Consecutive slouching minutes that make a sustained slouch.
SUSTAINED_MIN = 2
#: A spell needs at least this many minutes with posture seen to count.
MIN_SPELL_MIN = 10
#: Width of the decay curve's bins, in minutes since the break.
CURVE_BIN_MIN = 5
#: The curve stops here (minutes since the break); later minutes are left out.
CURVE_MAX_MIN = 180
# MIN_SPELLS (core.break_limits): the spells needed before a hold time is stated (the
# report, rather than "too few") or followed (breaks): one number, so the report never
# states a figure the break nudge still waits for.


@dataclass(frozen=True)
class HoldEstimate:
    """The median minutes from a break to the first sustained slouch.

    ``minutes`` is None when no spell qualifies (``spells == 0``) or when more than half
    of the spells held to their end (``spells > 0``: posture outlasted them, see
    ``held``). ``spells`` is how many spells the figure rests on; ``slouched`` how many
    of them ended in a sustained slouch (the others held for their whole length).
    """

    minutes: float | None
    spells: int
    slouched: int = 0

    @property
    def held(self) -> int:
        """Spells that held to their end without a sustained slouch (censored)."""
        return self.spells - self.slouched


@dataclass(frozen=True)
class CurveBin:
    """Minutes ``[start_min, end_min)`` since a break, over all the spells that count.

    ``minutes`` is how many minutes with posture seen fall in the bin; ``upright_s`` and
    ``slouch_s`` are their seconds.
    """

    start_min: int
    end_min: int
    minutes: int
    upright_s: float
    slouch_s: float

    @property
    def upright_share(self) -> float | None:
        seen = self.upright_s + self.slouch_s
        return None if seen <= 0 else self.upright_s / seen


@dataclass(frozen=True)
class PostureDecay:
    """The hold estimate and the decay curve of the spells starting in a window."""

    hold: HoldEstimate
    curve: tuple[CurveBin, ...]
    too_short: int = 0  # spells after a break left out as too short

    @property
    def enough(self) -> bool:
        """Enough spells (:data:`MIN_SPELLS`) for the report to state a figure."""
        return self.hold.spells >= MIN_SPELLS


@dataclass(frozen=True)
class Spell:
    """One sitting spell after a break: its hold (minutes) and whether it slouched."""

    start: float
    hold_min: float
    slouched: bool
    seen_min: int


def spells_after_breaks(history: History) -> list[Interval]:
    """The sitting spells after a break, as spans of epoch seconds (end None: open).

    A spell whose start is unknown (its first bout began before the window, or less than
    :data:`REST_S` after the window's start) is left out.
    """
    break_ends = sorted(b.end for b in history.breaks if b.end is not None)
    spells: list[Interval] = []
    current: Interval | None = None
    known = False
    last_end = history.start
    for bout in sorted(history.bouts, key=lambda b: b.start):
        rested = bout.start >= history.start and (
            bout.start - last_end >= REST_S or _break_between(break_ends, last_end, bout)
        )
        if current is None or rested:
            if current is not None and known:
                spells.append(current)
            current, known = Interval(bout.start, bout.end), rested
        else:  # the same spell goes on (a short absence): to the later of the two ends
            open_end = current.end is None or bout.end is None
            end = None if open_end else max(current.end or 0.0, bout.end or 0.0)
            current = Interval(current.start, end)
        last_end = history.end if bout.end is None else max(last_end, bout.end)
    if current is not None and known:
        spells.append(current)
    return spells


def _break_between(break_ends: list[float], last_end: float, bout: Interval) -> bool:
    """A recorded break ended between the previous bout's end and ``bout``'s first minute."""
    i = int(np.searchsorted(break_ends, last_end, side="left"))
    return i < len(break_ends) and break_ends[i] <= bout.start + 60.0


class SpellMeter:
    """Measures spells on one history's minute rows, with the per-row work done once.

    A week of a full history is 10,080 rows and some 70 spells (an export may hold years):
    the slouching runs and the rows with posture seen are found for all rows at once,
    and each spell then takes two binary searches.
    """

    def __init__(self, rows: MinuteRows, window_end: float) -> None:
        self.minute = rows.minute
        self.window_end = window_end
        self.seen = np.flatnonzero((rows.upright_s + rows.slouch_s) > 0)
        self.runs = _run_starts(rows.minute, rows.slouch_s > rows.upright_s, SUSTAINED_MIN)

    def measure(self, spell: Interval) -> Spell:
        """The hold of ``spell`` from the rows in its span (the minute it starts in
        included); a run of slouching counts when all of it lies in the spell."""
        end = self.window_end if spell.end is None else spell.end
        lo, hi = np.searchsorted(self.minute, [spell.start - 59.0, end], side="left")
        first_seen, after_seen = np.searchsorted(self.seen, [lo, hi], side="left")
        seen_min = int(after_seen - first_seen)
        j = int(np.searchsorted(self.runs, lo, side="left"))
        if j < self.runs.size and self.runs[j] + SUSTAINED_MIN - 1 < hi:
            return Spell(spell.start, self._since(int(self.runs[j]), spell), True, seen_min)
        if not seen_min:
            return Spell(spell.start, 0.0, False, 0)
        last = int(self.seen[after_seen - 1])
        return Spell(spell.start, self._since(last, spell) + 1.0, False, seen_min)

    def _since(self, row: int, spell: Interval) -> float:
        """Minutes from the spell's start to the start of minute row ``row`` (0 at least)."""
        return max(0.0, float(self.minute[row]) - spell.start) / 60.0


def measure_spell(rows: MinuteRows, spell: Interval, window_end: float) -> Spell:
    """The hold of one spell from its minute rows (those in the spell's span)."""
    return SpellMeter(rows, window_end).measure(spell)


def _run_starts(minute: np.ndarray, flag: np.ndarray, n: int) -> np.ndarray:
    """Indices of the rows that start ``n`` flagged rows in a row, each 60 s after the
    last (a missing minute breaks a run), ascending."""
    m = minute.shape[0] - n + 1
    if m <= 0:
        return np.empty(0, dtype=np.int64)
    starts = (minute[n - 1 :] - minute[:m]) == 60.0 * (n - 1)  # rows strictly increase
    for k in range(n):
        starts &= flag[k : k + m]
    return np.flatnonzero(starts)


def km_median(holds: list[float], events: list[bool]) -> float | None:
    """Kaplan-Meier median of ``holds`` (minutes); ``events`` False marks a censored one.

    The first time the share still upright falls below one half; where it sits at exactly
    one half, the middle of that time and the next event time. None when it never
    reaches one half (most spells held to their end).
    """
    hold = np.asarray(holds, dtype=np.float64)
    event = np.asarray(events, dtype=bool)
    times, deaths = np.unique(hold[event], return_counts=True)
    if not times.size:
        return None
    at_risk = hold.size - np.searchsorted(np.sort(hold), times, side="left")
    surviving = np.cumprod(1.0 - deaths / at_risk)
    below = np.flatnonzero(surviving < 0.5 - 1e-12)
    half = np.flatnonzero(np.abs(surviving - 0.5) <= 1e-12)
    if half.size and (not below.size or half[0] < below[0]):
        i = int(half[0])
        return float((times[i] + times[i + 1]) / 2.0) if i + 1 < times.size else float(times[i])
    return float(times[below[0]]) if below.size else None


def posture_decay(history: History, start: float, end: float) -> PostureDecay:
    """The hold estimate and decay curve of the spells that start in ``[start, end)``."""
    counted: list[tuple[Interval, Spell]] = []
    too_short = 0
    meter = SpellMeter(history.minutes, history.end)
    for span in spells_after_breaks(history):
        if not start <= span.start < end:
            continue
        spell = meter.measure(span)
        if spell.seen_min < MIN_SPELL_MIN:
            too_short += 1
            continue
        counted.append((span, spell))
    holds = [s.hold_min for _span, s in counted]
    events = [s.slouched for _span, s in counted]
    hold = HoldEstimate(km_median(holds, events), len(counted), sum(events))
    curve = decay_curve(history, [span for span, _s in counted])
    return PostureDecay(hold, curve, too_short)


def decay_curve(history: History, spells: list[Interval]) -> tuple[CurveBin, ...]:
    """Upright and slouch seconds per :data:`CURVE_BIN_MIN` minutes since the break."""
    n_bins = CURVE_MAX_MIN // CURVE_BIN_MIN
    upright, slouch, count = np.zeros(n_bins), np.zeros(n_bins), np.zeros(n_bins, dtype=int)
    for span in spells:
        end = history.end if span.end is None else span.end
        rows = history.minutes.between(span.start - 59.0, end)
        seen = (rows.upright_s + rows.slouch_s) > 0
        since = np.maximum(0.0, rows.minute[seen] - span.start) / 60.0
        index = np.floor(since / CURVE_BIN_MIN).astype(int)
        keep = index < n_bins
        np.add.at(upright, index[keep], rows.upright_s[seen][keep])
        np.add.at(slouch, index[keep], rows.slouch_s[seen][keep])
        np.add.at(count, index[keep], 1)
    last = int(np.flatnonzero(count)[-1]) + 1 if count.any() else 0
    return tuple(
        CurveBin(
            i * CURVE_BIN_MIN,
            (i + 1) * CURVE_BIN_MIN,
            int(count[i]),
            float(upright[i]),
            float(slouch[i]),
        )
        for i in range(last)
    )


def hold_estimate(history: History, start: float, end: float) -> HoldEstimate:
    """The median minutes from a break to the first sustained slouch, over the spells
    that start in ``[start, end)`` (see the module's definitions); ``spells`` says how
    many it rests on. The posture-timed break nudge reads this (stable signature)."""
    return posture_decay(history, start, end).hold


def decay_record(decay: PostureDecay) -> dict[str, object]:
    """The figures as plain data for ``export`` (JSON): the hold, the definitions it
    rests on, and the curve (:func:`curve_rows`). Keys, never words."""
    hold = decay.hold
    return {
        "hold_median_min": hold.minutes,
        "spells": hold.spells,
        "spells_slouched": hold.slouched,
        "spells_held": hold.held,
        "spells_too_short": decay.too_short,
        "enough_spells": decay.enough,
        "definition": {
            "sustained_slouch_min": SUSTAINED_MIN,
            "min_spell_min": MIN_SPELL_MIN,
            "min_spells": MIN_SPELLS,
            "rest_s": REST_S,
            "bin_min": CURVE_BIN_MIN,
        },
        "curve": curve_rows(decay.curve),
    }


def curve_rows(curve: tuple[CurveBin, ...]) -> list[dict[str, object]]:
    """One row per bin: minutes since the break, minutes seen, seconds, upright share."""
    return [
        {
            "from_min": b.start_min,
            "to_min": b.end_min,
            "minutes_seen": b.minutes,
            "upright_s": b.upright_s,
            "slouch_s": b.slouch_s,
            "upright_share": b.upright_share,
        }
        for b in curve
    ]


#: The hold's keys of :func:`decay_record`, the columns of ``posture_hold.csv``.
HOLD_COLUMNS = (
    "hold_median_min",
    "spells",
    "spells_slouched",
    "spells_held",
    "spells_too_short",
    "enough_spells",
)
#: The columns of :func:`curve_rows` (``posture_decay.csv``).
CURVE_COLUMNS = ("from_min", "to_min", "minutes_seen", "upright_s", "slouch_s", "upright_share")
