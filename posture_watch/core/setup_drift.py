"""Notice a changed set-up (camera moved, another desk, laptop pulled closer) and find the
saved profile that fits it.

Why: a calibration holds the person's size and place in the picture. When the camera
moves, everything measured against it is off: a laptop pulled closer makes the shoulders
larger, which :func:`~posture_watch.core.scoring.slouch_scores` would otherwise read as
leaning in, minute after minute. So when the person's scale or position stays well away
from the calibration for minutes, the set-up has changed: the monitor says so once and
scores uncalibrated (or with a saved profile that fits) until the user recalibrates.

The rule, for one analysed frame with the person seen:

- *position drift*: the shoulder midpoint is more than :data:`POSITION_LIMIT` of the frame
  away from where it was at calibration. In the sample sessions (a close, square picture)
  swaying in the chair and slouching moved it by up to 0.14 of the frame, so the limit is
  0.2, and position drift counts whatever the posture (a camera put higher also makes an
  upright person look slouched).
- *scale drift*: the head-and-shoulder scale (√(shoulder span × ear span), as
  :func:`~posture_watch.core.scoring.lean_ratio`) is outside :data:`SCALE_LIMITS`, in a
  frontal view, **without the head drop of a slouch** (the posture part of the score below
  :data:`SLOUCH_SHAPE`). A slouch shrinks or grows the person too (reclining shrinks the
  scale to about 0.78 in the samples) but always lowers the head; a moved camera does not.

A set-up change is reported when, over the last :data:`SUSTAIN` seconds the person was
seen (within the last :data:`WINDOW` seconds), at least :data:`MIN_SHARE` of that time was
drifted. Each frame stands for the time since the previous seen frame (at most
:data:`MAX_GAP`), so the monitor's faster sampling while a change is confirmed does not
outweigh the rest. Leaning in to read for 30 s is a sixth of 3 minutes: no change.

The ambiguous case, documented: leaning in *with a straight neck* for 3 minutes or more
looks exactly like a laptop pulled closer. It is then treated as a set-up change (the
user is asked to recalibrate, and is scored uncalibrated meanwhile), because a false
"recalibrate?" costs one click while a false lean-in penalty costs alert after alert.

A profile stored before the position features existed has no ``center_x``/``center_y``:
drift on position is then unknown and only the scale counts. Nothing here reads a clock:
times are arguments.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from posture_watch.core.geometry import Features
from posture_watch.core.scoring import NOSE_WEIGHT, Baseline, PostureState

#: Scale vs calibration outside these limits is a drift (0.75: a quarter smaller).
SCALE_LIMITS = (0.75, 1.33)
#: Shoulder midpoint this far from its calibrated place (fraction of the frame) is a drift.
POSITION_LIMIT = 0.2
#: A frame whose posture part of the score reaches this is slouch-shaped: its scale
#: change is the slouch, not the set-up.
SLOUCH_SHAPE = 1.0
#: Seen time the decision looks back over, the share of it that must be drifted, and how
#: far back (seconds) that seen time may be collected.
SUSTAIN, MIN_SHARE, WINDOW = 180.0, 0.8, 600.0
#: One frame stands for at most this many seconds of sitting.
MAX_GAP = 5.0
#: A saved profile is taken when its error is below this share of the current one's.
FIT_RATIO = 0.5

_ROW = ("shoulder_span", "ear_span", "center_x", "center_y", "head_height", "nose_height")


@dataclass(frozen=True)
class SetupChange:
    """The set-up looks different from the calibration since about ``since``.

    ``scale`` is the median scale vs calibration over the drifted time and ``shift`` the
    median displacement of the shoulder midpoint (frame fraction); NaN where unknown.
    ``reason`` is ``"closer"``, ``"farther"`` or ``"moved"``.
    """

    t: float
    since: float
    scale: float
    shift: float
    reason: str


@dataclass(frozen=True)
class _Seen:
    t: float
    weight: float
    drifted: bool
    values: tuple[float, ...]  # the _ROW features of the frame
    frontal: bool


def _values(features: Features | Mapping[str, float | None]) -> tuple[tuple[float, ...], bool]:
    """The features this module needs from one row, NaN where missing."""
    row = features.row(0) if isinstance(features, Features) else features
    values = tuple(_number(row.get(name)) for name in _ROW)
    frontal = _number(row.get("frontal", 1.0))
    return values, bool(frontal > 0)


def _number(value: object) -> float:
    if value is None:
        return math.nan
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def _scale(values: Sequence[float], frontal: bool, baseline: Baseline) -> float:
    if not (frontal and baseline.calibrated):
        return math.nan
    ss = values[0] / baseline.median("shoulder_span")
    es = values[1] / baseline.median("ear_span")
    return math.sqrt(ss * es) if ss > 0 and es > 0 else math.nan


def _shift(values: Sequence[float], baseline: Baseline) -> float:
    if not baseline.calibrated:
        return math.nan
    return math.hypot(
        values[2] - baseline.median("center_x"), values[3] - baseline.median("center_y")
    )


def _posture(values: Sequence[float], baseline: Baseline) -> float:
    """The posture part of the slouch score (no lean term), as in scoring."""
    head_drop = 1.0 - values[4] / baseline.median("head_height")
    nose_drop = 1.0 - values[5] / baseline.median("nose_height")
    if math.isnan(nose_drop):
        nose_drop = head_drop
    drop = (head_drop + NOSE_WEIGHT * nose_drop) / (1.0 + NOSE_WEIGHT)
    return drop / baseline.threshold()


def _scale_error(scale: float) -> float:
    """|log scale| in units of the drift limit on its side (1.0 = at the limit)."""
    low, high = SCALE_LIMITS
    if not scale > 0:
        return math.nan
    return math.log(scale) / (math.log(high) if scale >= 1 else math.log(low))


def frame_drift(
    features: Features | Mapping[str, float | None], baseline: Baseline
) -> tuple[float, float, bool]:
    """``(scale, shift, drifted)`` of one frame against ``baseline`` (scale and shift NaN
    where not measurable; ``drifted`` by the rule in the module docstring)."""
    values, frontal = _values(features)
    return _drift(values, frontal, baseline)


def _drift(values: Sequence[float], frontal: bool, baseline: Baseline) -> tuple[float, float, bool]:
    scale, shift = _scale(values, frontal, baseline), _shift(values, baseline)
    low, high = SCALE_LIMITS
    moved = shift > POSITION_LIMIT
    resized = (scale < low or scale > high) and not _posture(values, baseline) >= SLOUCH_SHAPE
    return scale, shift, bool(moved or resized)


class SetupDrift:
    """Follows one baseline's frames and reports a changed set-up once.

    Feed every analysed frame to :meth:`observe`; make a new tracker for a new baseline
    (a recalibration, or a profile switched to).
    """

    def __init__(
        self,
        baseline: Baseline,
        *,
        sustain: float = SUSTAIN,
        min_share: float = MIN_SHARE,
        window: float = WINDOW,
    ) -> None:
        self.baseline = baseline
        self.sustain, self.min_share, self.window = sustain, min_share, window
        self.fired = False
        self._seen: deque[_Seen] = deque()
        self._last_t: float | None = None

    @property
    def measurable(self) -> bool:
        """False for a baseline without the span features (the population default): its
        drift is unknown and :meth:`observe` never fires."""
        return self.baseline.calibrated and all(
            math.isfinite(self.baseline.median(name)) for name in ("shoulder_span", "ear_span")
        )

    def observe(
        self,
        t: float,
        features: Features | Mapping[str, float | None],
        state: PostureState | str | None = None,
    ) -> SetupChange | None:
        """Take frame ``t``; a :class:`SetupChange` the first time the set-up has looked
        different for long enough, else None. ``state`` AWAY (or no measurable feature)
        means the person was not seen in this frame."""
        while self._seen and self._seen[0].t < t - self.window:
            self._seen.popleft()
        if state == PostureState.AWAY or not self.measurable:
            return None
        values, frontal = _values(features)
        scale, shift, drifted = _drift(values, frontal, self.baseline)
        if math.isnan(scale) and math.isnan(shift):
            return None
        gap = t - self._last_t if self._last_t is not None else 0.0
        self._last_t = t
        self._seen.append(_Seen(t, min(max(gap, 0.0), MAX_GAP), drifted, values, frontal))
        if self.fired:
            return None
        recent = self._recent_seen(self.sustain)
        seen = sum(s.weight for s in recent)
        if seen < self.sustain - 1e-6:
            return None
        drifted_time = sum(s.weight for s in recent if s.drifted)
        if drifted_time < self.min_share * seen:
            return None
        self.fired = True
        return self._change(t, [s for s in recent if s.drifted])

    def _recent_seen(self, seconds: float, since: float | None = None) -> list[_Seen]:
        """The newest seen frames covering ``seconds`` of seen time (oldest first)."""
        out: list[_Seen] = []
        total = 0.0
        for s in reversed(self._seen):
            if since is not None and s.t < since:
                break
            out.append(s)
            total += s.weight
            if total >= seconds - 1e-6:
                break
        out.reverse()
        return out

    def recent(self, seconds: float | None = None, *, since: float | None = None) -> Features:
        """The frames of the last ``seconds`` of seen time (default :attr:`sustain`), not
        older than ``since``, as :class:`Features` for :func:`best_profile`."""
        frames = self._recent_seen(self.sustain if seconds is None else seconds, since)
        return _as_features(frames)

    def seen_time(self, since: float) -> float:
        """Seconds the person was seen since ``since``."""
        return sum(s.weight for s in self._seen if s.t > since)

    def _change(self, t: float, drifted: list[_Seen]) -> SetupChange:
        drifts = [_drift(s.values, s.frontal, self.baseline) for s in drifted]
        scales = [d[0] for d in drifts if math.isfinite(d[0])]
        shifts = [d[1] for d in drifts if math.isfinite(d[1])]
        scale = float(np.median(scales)) if scales else math.nan
        shift = float(np.median(shifts)) if shifts else math.nan
        low, high = SCALE_LIMITS
        reason = "moved"
        if scale > high:
            reason = "closer"
        elif scale < low:
            reason = "farther"
        return SetupChange(t, drifted[0].t, scale, shift, reason)


def _as_features(frames: Sequence[_Seen]) -> Features:
    n = len(frames)
    columns = {name: np.full(n, np.nan) for name in Features.__dataclass_fields__}
    for i, s in enumerate(frames):
        for name, value in zip(_ROW, s.values, strict=True):
            columns[name][i] = value
        columns["frontal"][i] = 1.0 if s.frontal else 0.0
    return Features(**columns)


def _rows(
    recent: Features | Sequence[Mapping[str, float | None]],
) -> list[tuple[tuple[float, ...], bool]]:
    if isinstance(recent, Features):
        return [_values(recent.take(slice(i, i + 1))) for i in range(len(recent))]
    return [_values(row) for row in recent]


def profile_error(
    recent: Features | Sequence[Mapping[str, float | None]], baseline: Baseline
) -> float:
    """How badly ``baseline`` fits the frames: the median over frames of the larger of the
    scale and position errors, each 1.0 at its drift limit (so below 1.0 the typical frame
    is within the limits). NaN when no frame can be measured against it."""
    errors = []
    for values, frontal in _rows(recent):
        scale_err = _scale_error(_scale(values, frontal, baseline))
        shift = _shift(values, baseline)
        terms = [e for e in (scale_err, shift / POSITION_LIMIT) if math.isfinite(e)]
        if terms:
            errors.append(max(terms))
    return float(np.median(errors)) if errors else math.nan


def best_profile(
    recent: Features | Sequence[Mapping[str, float | None]],
    profiles: Mapping[str, Baseline],
    current: Baseline | None = None,
) -> str | None:
    """The saved profile that fits the recent frames much better than ``current``.

    A profile is taken when its :func:`profile_error` is within the drift limits (below
    1.0) and below :data:`FIT_RATIO` of the current baseline's error; without a current
    baseline (or one that cannot be measured) its error counts as 1.0, the drift limit.
    Of several, the best fitting; None when none fits.
    """
    reference = profile_error(recent, current) if current is not None else math.nan
    if not math.isfinite(reference):
        reference = 1.0
    best, best_error = None, math.inf
    for name, baseline in profiles.items():
        if not baseline.calibrated:
            continue
        error = profile_error(recent, baseline)
        if error < 1.0 and error < FIT_RATIO * reference and error < best_error:
            best, best_error = name, error
    return best
