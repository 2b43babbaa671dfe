"""Per-frame slouch score and state, against a calibrated or population baseline.

The score is built so that 0 is the person's own upright posture and 1.0 is the slouch
threshold. Its main ingredient is the drop of the ears towards the shoulder line, in
shoulder widths: slumping, rounding the shoulders and pushing the head forward all lower
it, while merely looking down at the keyboard mostly rotates the nose below the ears
(head pitch) and barely moves the ears. The nose height adds a smaller share so that a
head that sinks *and* tips forward scores higher than either alone. Leaning in towards
the screen (shoulders and ears much larger than at calibration) adds on top.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from posture_watch.core.geometry import Features

#: Weight of the nose-height drop relative to the ear-height drop.
NOSE_WEIGHT = 0.5
#: Relative drop of the (weighted) head height that counts as a slouch, calibrated.
CALIBRATED_THRESHOLD = 0.08
#: The same without calibration: more tolerant, because people differ.
POPULATION_THRESHOLD = 0.10
#: A calibrated threshold is at least this many robust spreads of the calibration frames.
SPREAD_MULTIPLIER = 3.0
#: Leaning in: scale growth (vs calibration) that starts to count, and the growth per unit score.
LEAN_START = 0.10
LEAN_PER_UNIT = 0.15
#: Leaning in adds to the score only once the head has sunk this far (in score units).
LEAN_NEEDS_DROP = 0.8

#: Median head and nose height (shoulder widths) of people sitting upright facing a webcam.
POPULATION_MEDIANS = {"head_height": 0.62, "nose_height": 0.55}


class PostureState(StrEnum):
    """What a frame (or the smoothed timeline) says about the person."""

    UPRIGHT = "upright"
    SLOUCH = "slouch"
    AWAY = "away"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class FeatureStat:
    """Robust statistics of one feature over calibration frames."""

    median: float
    spread: float  # 1.4826 x median absolute deviation: a robust standard deviation


@dataclass(frozen=True)
class Baseline:
    """The upright reference a score is measured against.

    ``calibrated`` is False for the population default, which has no scale reference, so
    lean-in cannot be measured without a calibration.
    """

    stats: dict[str, FeatureStat]
    calibrated: bool
    n_frames: int = 0
    profile: str = ""
    meta: dict[str, str] = field(default_factory=dict)

    @classmethod
    def population(cls) -> Baseline:
        stats = {k: FeatureStat(v, 0.0) for k, v in POPULATION_MEDIANS.items()}
        return cls(stats=stats, calibrated=False)

    def median(self, name: str) -> float:
        stat = self.stats.get(name)
        return stat.median if stat is not None else float("nan")

    def threshold(self) -> float:
        """Relative head drop that scores 1.0 for this baseline."""
        if not self.calibrated:
            return POPULATION_THRESHOLD
        hh = self.stats["head_height"]
        relative_spread = hh.spread / hh.median if hh.median > 0 else 0.0
        return max(CALIBRATED_THRESHOLD, SPREAD_MULTIPLIER * relative_spread)

    def to_json(self) -> dict[str, Any]:
        return {
            "calibrated": self.calibrated,
            "n_frames": self.n_frames,
            "profile": self.profile,
            "meta": dict(self.meta),
            "features": {
                k: {"median": s.median, "spread": s.spread} for k, s in self.stats.items()
            },
        }

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Baseline:
        """Inverse of :meth:`to_json`; raises KeyError/TypeError/ValueError when malformed."""
        stats = {
            str(k): FeatureStat(float(v["median"]), float(v["spread"]))
            for k, v in obj["features"].items()
        }
        for required in POPULATION_MEDIANS:
            if required not in stats or not np.isfinite(stats[required].median):
                raise ValueError(f"missing feature {required!r}")
            if stats[required].median <= 0:
                raise ValueError(f"feature {required!r} must have a positive median")
        return cls(
            stats=stats,
            calibrated=bool(obj.get("calibrated", True)),
            n_frames=int(obj.get("n_frames", 0)),
            profile=str(obj.get("profile", "")),
            meta={str(k): str(v) for k, v in dict(obj.get("meta", {})).items()},
        )


def slouch_scores(features: Features, baseline: Baseline) -> np.ndarray:
    """(N,) slouch score per frame: 0 at the baseline posture, 1.0 at the threshold.

    Never negative (sitting taller than at calibration is simply upright); NaN where the
    head height cannot be measured.
    """
    head_drop = 1.0 - features.head_height / baseline.median("head_height")
    nose_drop = 1.0 - features.nose_height / baseline.median("nose_height")
    nose_drop = np.where(np.isnan(nose_drop), head_drop, nose_drop)
    drop = (head_drop + NOSE_WEIGHT * nose_drop) / (1.0 + NOSE_WEIGHT)
    score = np.maximum(drop / baseline.threshold(), 0.0)
    # leaning in counts on top of a sinking head, never alone: a head that is only larger
    # than at calibration, with the neck as straight as then, is a laptop pulled closer or
    # a moved camera (a changed set-up), not a slouch
    lean = np.where(score >= LEAN_NEEDS_DROP, _lean_term(features, baseline), 0.0)
    return score + lean


def _lean_term(features: Features, baseline: Baseline) -> np.ndarray:
    """Extra score for leaning in: shoulders and ears larger than at calibration."""
    if not baseline.calibrated:
        return np.zeros(len(features))
    ratios = [
        getattr(features, name) / baseline.median(name)
        for name in ("shoulder_span", "ear_span")
        if np.isfinite(baseline.median(name))
    ]
    if not ratios:
        return np.zeros(len(features))
    logs = np.log(np.vstack(ratios))
    seen = np.isfinite(logs)
    count = seen.sum(axis=0)
    mean_log = np.where(seen, logs, 0.0).sum(axis=0) / np.maximum(count, 1)
    growth = np.where(count > 0, np.exp(mean_log) - 1.0, 0.0)
    return np.maximum(growth - LEAN_START, 0.0) / LEAN_PER_UNIT


def lean_ratio(features: Features, baseline: Baseline) -> np.ndarray:
    """(N,) head-and-shoulder scale relative to calibration (1.0 = same distance), NaN if
    uncalibrated."""
    if not baseline.calibrated:
        return np.full(len(features), np.nan)
    ss = features.shoulder_span / baseline.median("shoulder_span")
    es = features.ear_span / baseline.median("ear_span")
    return np.sqrt(ss * es)


def frame_states(
    person: np.ndarray,
    features: Features,
    scores: np.ndarray,
    reasons: np.ndarray | None = None,
) -> np.ndarray:
    """(N,) per-frame :class:`PostureState` values (as an object array of enum members).

    ``reasons`` (from :func:`posture_watch.core.confidence.gate`) makes every frame with a
    reason ``unknown``: a gated frame is never judged, so never ``slouch``.
    """
    # np.full would store the StrEnum's plain ``str`` value: fill the members in instead
    states = np.empty(len(person), dtype=object)
    states.fill(PostureState.UNKNOWN)
    usable = person & (features.frontal > 0) & np.isfinite(scores)
    if reasons is not None:
        usable &= np.array([r is None for r in reasons], dtype=bool)
    states[usable & (scores >= 1.0)] = PostureState.SLOUCH
    states[usable & (scores < 1.0)] = PostureState.UPRIGHT
    states[~person] = PostureState.AWAY
    return states
