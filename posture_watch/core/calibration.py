"""Turn a few seconds of upright sitting into a :class:`Baseline`, or refuse with a reason.

Robust statistics (median and scaled MAD) keep one blurred frame or a quick glance away
from moving the reference. A calibration taken while the person was away, turned sideways
or fidgeting would make every later score wrong, so it is refused with the reason instead.
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np

from posture_watch.core.geometry import Features
from posture_watch.core.scoring import Baseline, FeatureStat
from posture_watch.errors import CalibrationError

#: Features stored in a profile (the frontal flag is a gate, not a statistic).
STORED_FEATURES = tuple(f.name for f in fields(Features) if f.name != "frontal")
#: Sequences need at least this many usable frames; a few stills may calibrate from one.
MIN_USABLE_FRAMES = 5
#: At least this share of the frames with a person must be usable frontal frames.
MIN_USABLE_SHARE = 0.5
#: Robust relative spread of head height / shoulder span above which the person moved too much.
MAX_HEAD_SPREAD = 0.06
MAX_SCALE_SPREAD = 0.10
MAD_TO_SIGMA = 1.4826


def _stat(values: np.ndarray) -> FeatureStat:
    values = values[np.isfinite(values)]
    if values.size == 0:
        return FeatureStat(float("nan"), float("nan"))
    median = float(np.median(values))
    return FeatureStat(median, float(MAD_TO_SIGMA * np.median(np.abs(values - median))))


def calibrate(
    person: np.ndarray,
    features: Features,
    *,
    stills: bool = False,
    profile: str = "default",
) -> Baseline:
    """Baseline from calibration frames.

    ``person``: (N,) bool, a person was found in the frame. ``stills``: the frames are a
    single image or a few pictures (then one usable frame suffices). Raises
    :class:`CalibrationError` naming the reason when the frames cannot be trusted.
    """
    n = len(person)
    if n == 0 or not np.any(person):
        raise CalibrationError(
            f"calibration refused: no person found in {n} frame(s)",
            hint="sit in front of the camera, face it, and make sure the room is lit",
        )
    frontal = person & (features.frontal > 0)
    n_person, n_usable = int(np.sum(person)), int(np.sum(frontal))
    if n_usable < 0.5 * n_person and n_usable < MIN_USABLE_FRAMES:
        raise CalibrationError(
            f"calibration refused: view is not frontal ({n_person - n_usable} of {n_person} "
            "frames show a side or turned view)",
            hint="place the camera in front of you and look at the screen",
        )
    needed = 1 if stills else MIN_USABLE_FRAMES
    if n_usable < needed or n_usable < MIN_USABLE_SHARE * n_person:
        raise CalibrationError(
            f"calibration refused: too few usable frames ({n_usable} of {n}, need {needed})",
            hint="calibrate for longer, facing the camera, shoulders in view",
        )
    usable = features.take(frontal)
    stats = {name: _stat(getattr(usable, name)) for name in STORED_FEATURES}
    _check_still(stats)
    return Baseline(stats=stats, calibrated=True, n_frames=n_usable, profile=profile)


def _check_still(stats: dict[str, FeatureStat]) -> None:
    for name, limit in (("head_height", MAX_HEAD_SPREAD), ("shoulder_span", MAX_SCALE_SPREAD)):
        stat = stats[name]
        relative = stat.spread / abs(stat.median) if stat.median else np.inf
        if relative > limit:
            raise CalibrationError(
                f"calibration refused: too much movement ({name} varied by "
                f"{100 * relative:.0f}%, limit {100 * limit:.0f}%)",
                hint="sit still and upright for the whole calibration",
            )
