"""Per-minute aggregates of the monitor's verdicts: what the history keeps.

The history stores one row per wall-clock minute rather than one per frame: small (1,440
rows a day), enough for an hour-by-hour report, and nothing that could rebuild a picture.
:class:`MinuteAggregator` folds analysed frames into those rows. Like the rest of the
core it never reads the clock: the caller passes wall time (Unix epoch seconds) with each
frame, and gets back every minute that frame completed.

Time between two frames is credited to the earlier frame's state (the monitor samples
every 0.25-2 s, and a state holds until the next frame says otherwise), up to
:data:`MAX_GAP`: a longer gap means a pause, a camera problem or a stall, and that time
was not seen. Credited time is split across minute boundaries.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from posture_watch.core.scoring import PostureState
from posture_watch.core.status import MAX_GAP

MINUTE = 60
#: Features whose per-minute medians the history keeps (besides the score and lean).
MEDIAN_FEATURES = ("head_height", "neck_angle", "shoulder_tilt")


@dataclass(frozen=True)
class MinuteRow:
    """One row of the history's ``minutes`` table.

    ``minute`` is the epoch second the minute starts at (a multiple of 60); the four
    ``*_s`` fields are seconds seen in each smoothed state (their sum is at most 60); the
    medians are over the minute's analysed frames with a person, None if there was none
    (or the value was not measurable, e.g. ``lean`` without a calibration).
    ``unknown_reason`` is the reason that covered most of ``unknown_s`` ("too dark"),
    None when no unknown time had a reason.
    """

    minute: int
    upright_s: float
    slouch_s: float
    away_s: float
    unknown_s: float
    score: float | None = None
    head_height: float | None = None
    neck_angle: float | None = None
    shoulder_tilt: float | None = None
    lean: float | None = None
    unknown_reason: str | None = None

    @property
    def seen_s(self) -> float:
        """Seconds accounted for in this minute, in any state."""
        return self.upright_s + self.slouch_s + self.away_s + self.unknown_s


@dataclass
class _Open:
    """A minute still being filled."""

    seconds: dict[PostureState, float] = field(
        default_factory=lambda: dict.fromkeys(PostureState, 0.0)
    )
    samples: dict[str, list[float]] = field(default_factory=dict)
    reasons: dict[str, float] = field(default_factory=dict)

    def sample(self, name: str, value: float | None) -> None:
        if value is not None and math.isfinite(value):
            self.samples.setdefault(name, []).append(float(value))

    def row(self, minute: int) -> MinuteRow:
        def median(name: str) -> float | None:
            values = self.samples.get(name)
            return round(float(np.median(values)), 4) if values else None

        s = self.seconds
        return MinuteRow(
            minute,
            round(s[PostureState.UPRIGHT], 6),
            round(s[PostureState.SLOUCH], 6),
            round(s[PostureState.AWAY], 6),
            round(s[PostureState.UNKNOWN], 6),
            score=median("score"),
            head_height=median("head_height"),
            neck_angle=median("neck_angle"),
            shoulder_tilt=median("shoulder_tilt"),
            lean=median("lean"),
            unknown_reason=_most(self.reasons),
        )

    @property
    def empty(self) -> bool:
        return not self.samples and not any(self.seconds.values())


class MinuteAggregator:
    """Folds analysed frames into :class:`MinuteRow` values, one per wall-clock minute.

    Feed frames in time order with :meth:`add`; a minute is returned once a later frame
    shows it can get no more time. :meth:`flush` returns what is still open (a clean
    shutdown); after a crash that open minute is all that is lost.
    """

    def __init__(self, max_gap: float = MAX_GAP) -> None:
        self.max_gap = max_gap
        self._open: dict[int, _Open] = {}
        self._last_t: float | None = None
        self._last_state = PostureState.UNKNOWN
        self._last_reason: str | None = None

    def add(
        self,
        wall_t: float,
        state: PostureState,
        score: float | None,
        features: Mapping[str, float | None],
        lean: float | None,
        reason: str | None = None,
    ) -> list[MinuteRow]:
        """One analysed frame at ``wall_t`` (epoch s); returns the minutes it completed.

        ``score`` is the smoothed slouch score and ``features`` a feature row (as
        :meth:`~posture_watch.core.analyzer.Verdict.feature_row` gives it); NaN or None
        values, as for a frame without a person, are left out of the medians. ``reason``
        says why an unknown frame could not be judged (``Verdict.reason``).
        """
        self._credit(wall_t)
        self._last_t, self._last_state = wall_t, state
        self._last_reason = str(reason) if reason and state == PostureState.UNKNOWN else None
        current = self._minute_of(wall_t)
        bucket = self._bucket(current)
        bucket.sample("score", score)
        for name in MEDIAN_FEATURES:
            bucket.sample(name, features.get(name))
        bucket.sample("lean", lean)
        return self._take(lambda minute: minute < current)

    def interrupt(self) -> None:
        """A pause or a camera problem: time until the next frame was not seen."""
        self._last_t = None

    def flush(self, wall_t: float) -> list[MinuteRow]:
        """Credit the last frame's state up to ``wall_t`` and return every open minute."""
        self._credit(wall_t)
        self._last_t = None
        return self._take(lambda minute: True)

    # -- internals ----------------------------------------------------------------------

    @staticmethod
    def _minute_of(wall_t: float) -> int:
        return math.floor(wall_t / MINUTE) * MINUTE

    def _bucket(self, minute: int) -> _Open:
        return self._open.setdefault(minute, _Open())

    def _credit(self, wall_t: float) -> None:
        """Credit ``[last frame, wall_t)`` (capped) to the last state, minute by minute."""
        if self._last_t is None or wall_t <= self._last_t:
            return
        start, end = self._last_t, min(wall_t, self._last_t + self.max_gap)
        while start < end:
            minute = self._minute_of(start)
            stop = min(end, minute + MINUTE)
            bucket = self._bucket(minute)
            bucket.seconds[self._last_state] += stop - start
            if self._last_reason is not None:
                reasons = bucket.reasons
                reasons[self._last_reason] = reasons.get(self._last_reason, 0.0) + stop - start
            start = stop

    def _take(self, done: Callable[[int], bool]) -> list[MinuteRow]:
        """Close the open minutes ``done`` selects, oldest first; empty ones are dropped."""
        finished = sorted(m for m in self._open if done(m))
        closed = [(m, self._open.pop(m)) for m in finished]
        return [bucket.row(m) for m, bucket in closed if not bucket.empty]


def _most(seconds: dict[str, float]) -> str | None:
    """The key with the most seconds (the first of equals), None for none."""
    return max(seconds, key=lambda k: seconds[k]) if seconds else None
