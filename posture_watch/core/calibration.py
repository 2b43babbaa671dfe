"""Turn a few seconds of upright sitting into a :class:`Baseline`, or refuse with a reason.

Robust statistics (median and scaled MAD) keep one blurred frame or a quick glance away
from moving the reference. A calibration taken while the person was away, turned sideways
or fidgeting would make every later score wrong, so it is refused with the reason instead.

One refusal is a judgement rather than a fact: "you look slouched" compares the head with
people sitting upright, and a person whose upright head sits low in the picture (a camera
high above the screen, a laptop's angle, a long neck) would be refused on every try. That
refusal alone (:class:`SlouchedReferenceError`) may be overruled by the person
(``accept_low``); the reference then records it in its meta (:data:`ACCEPTED_LOW`), so a
profile says it was taken below the usual range on purpose.
"""

from __future__ import annotations

from dataclasses import fields, replace

import numpy as np

from posture_watch.core.geometry import Features
from posture_watch.core.scoring import NOSE_WEIGHT, POPULATION_MEDIANS, Baseline, FeatureStat
from posture_watch.core.text import _
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
#: A live camera must give at least this many usable frames over at least this many seconds.
MIN_LIVE_FRAMES = 10
MIN_LIVE_SECONDS = 2.5
#: Spread (standard deviation) of the upright reference's drop below the population medians,
#: the same weighted drop the uncalibrated score uses: 0.067 over the 34 upright sample
#: pictures of three people (drops -0.09 to 0.13; their slouched pictures: 0.01 to 0.22).
POPULATION_SPREAD = 0.065
#: A would-be reference this many population spreads below the medians (a drop of 0.14)
#: is clearly slouched: above every upright sample (0.128), below every slouched picture
#: of the session whose slouch is clear (0.148 and up).
SLOUCHED_SPREADS = 2.15
MAX_POPULATION_DROP = SLOUCHED_SPREADS * POPULATION_SPREAD
#: Profile meta keys of a reference the person kept although it looked slouched: ``"true"``,
#: and its drop below the population's upright medians (``"0.183"``).
ACCEPTED_LOW = "accepted_low"
POPULATION_DROP = "population_drop"


class SlouchedReferenceError(CalibrationError):
    """The "you look slouched" refusal: the only one a person may overrule.

    ``baseline`` is the reference the frames would give if the person says they sit
    upright (its meta already marks it :data:`ACCEPTED_LOW`), ``drop`` its population drop;
    a window can offer it without sampling again.
    """

    def __init__(self, message: str, *, hint: str, baseline: Baseline, drop: float) -> None:
        super().__init__(message, hint=hint)
        self.baseline, self.drop = baseline, drop


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
    live_times: np.ndarray | None = None,
    refuse_slouched: bool = False,
    accept_low: bool = False,
) -> Baseline:
    """Baseline from calibration frames.

    ``person``: (N,) bool, a person was found in the frame. ``stills``: the frames are a
    single image or a few pictures (then one usable frame suffices). ``live_times``: (N,)
    seconds of each frame when they come from a live camera, which then must give
    :data:`MIN_LIVE_FRAMES` usable frames spread over :data:`MIN_LIVE_SECONDS` (``stills``
    is ignored). ``refuse_slouched``: also refuse a reference clearly below the
    population's upright range (every real calibration asks for this; hand-built test
    poses need not look like people). ``accept_low``: the person says they sit upright,
    so a reference that looks clearly slouched is kept, marked :data:`ACCEPTED_LOW` in its
    meta (every other refusal still applies). Raises :class:`CalibrationError` naming the
    reason when the frames cannot be trusted: nobody seen, not frontal, too few frames,
    moving, or clearly slouched (then :class:`SlouchedReferenceError`).
    """
    n = len(person)
    if n == 0 or not np.any(person):
        raise CalibrationError(
            _("calibration refused: no person found in {n} frame(s)").format(n=n),
            hint=_("sit in front of the camera, face it, and make sure the room is lit"),
        )
    frontal = person & (features.frontal > 0)
    n_person, n_usable = int(np.sum(person)), int(np.sum(frontal))
    if n_usable < 0.5 * n_person and n_usable < MIN_USABLE_FRAMES:
        raise CalibrationError(
            _(
                "calibration refused: view is not frontal ({turned} of {seen} "
                "frames show a side or turned view)"
            ).format(turned=n_person - n_usable, seen=n_person),
            hint=_("place the camera in front of you and look at the screen"),
        )
    live = live_times is not None
    needed = MIN_LIVE_FRAMES if live else 1 if stills else MIN_USABLE_FRAMES
    if n_usable < needed or n_usable < MIN_USABLE_SHARE * n_person:
        raise CalibrationError(
            _("calibration refused: too few usable frames ({usable} of {n}, need {needed})").format(
                usable=n_usable, n=n, needed=needed
            ),
            hint=_("calibrate for longer, facing the camera, shoulders in view"),
        )
    if live_times is not None:
        _check_long_enough(np.asarray(live_times, dtype=float)[frontal])
    usable = features.take(frontal)
    stats = {name: _stat(getattr(usable, name)) for name in STORED_FEATURES}
    _check_still(stats)
    baseline = Baseline(stats=stats, calibrated=True, n_frames=n_usable, profile=profile)
    if refuse_slouched:
        drop = population_drop(stats)
        if drop > MAX_POPULATION_DROP:
            low = replace(baseline, meta={ACCEPTED_LOW: "true", POPULATION_DROP: f"{drop:.3f}"})
            if not accept_low:
                raise SlouchedReferenceError(
                    _(
                        "calibration refused: you look slouched (head {drop}% lower "
                        "than people sitting upright, limit {limit}%)"
                    ).format(drop=f"{100 * drop:.0f}", limit=f"{100 * MAX_POPULATION_DROP:.0f}"),
                    hint=_("sit up straight, shoulders back, and look at your screen"),
                    baseline=low,
                    drop=drop,
                )
            return low
    return baseline


def _check_still(stats: dict[str, FeatureStat]) -> None:
    for name, limit in (("head_height", MAX_HEAD_SPREAD), ("shoulder_span", MAX_SCALE_SPREAD)):
        stat = stats[name]
        relative = stat.spread / abs(stat.median) if stat.median else np.inf
        if relative > limit:
            raise CalibrationError(
                _(
                    "calibration refused: too much movement ({name} varied by "
                    "{varied}%, limit {limit}%)"
                ).format(name=name, varied=f"{100 * relative:.0f}", limit=f"{100 * limit:.0f}"),
                hint=_("sit still and upright for the whole calibration"),
            )


def _check_long_enough(times: np.ndarray) -> None:
    span = float(np.max(times) - np.min(times)) if times.size else 0.0
    if not span >= MIN_LIVE_SECONDS:
        raise CalibrationError(
            _(
                "calibration refused: the usable frames cover only {span} s of the "
                "camera (need {needed} s)"
            ).format(span=f"{span:.1f}", needed=f"{MIN_LIVE_SECONDS:g}"),
            hint=_("sit facing the camera for the whole calibration"),
        )


def population_drop(stats: dict[str, FeatureStat]) -> float:
    """How far a would-be reference lies below the population's upright medians: the
    relative drop of head height and (weighted as in the score) nose height, 0 at the
    medians, positive below them. NaN when the head height was not measured."""
    head = 1.0 - stats["head_height"].median / POPULATION_MEDIANS["head_height"]
    nose = 1.0 - stats["nose_height"].median / POPULATION_MEDIANS["nose_height"]
    if not np.isfinite(nose):
        nose = head
    return float((head + NOSE_WEIGHT * nose) / (1.0 + NOSE_WEIGHT))


def accepted_low(baseline: Baseline) -> float | None:
    """The population drop of a reference kept although it looked slouched (from its
    meta), or None for an ordinary one. A damaged number reads as the limit itself."""
    if baseline.meta.get(ACCEPTED_LOW) != "true":
        return None
    try:
        drop = float(baseline.meta.get(POPULATION_DROP, ""))
    except ValueError:
        return MAX_POPULATION_DROP
    return drop if np.isfinite(drop) else MAX_POPULATION_DROP


def low_reference_warning(baseline: Baseline) -> str | None:
    """One line for a reference kept below the usual range, or None for an ordinary one:
    it is lower than usual, and slouch alerts are measured from it."""
    drop = accepted_low(baseline)
    if drop is None:
        return None
    return _(
        "this reference is lower than usual (head {drop}% lower than people "
        "sitting upright, limit {limit}%): kept because you said you "
        "sit upright; slouching is measured from it"
    ).format(drop=f"{100 * drop:.0f}", limit=f"{100 * MAX_POPULATION_DROP:.0f}")
