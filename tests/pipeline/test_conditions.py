"""Quality floors per room and camera condition (issue 10, part 1), real pictures, real model.

Each labelled frontal sample becomes a webcam frame under every condition of
``benchmarks/conditions.py`` (the module the benchmark measures with) and goes through the
product's frame path: :func:`posture_watch.pipeline.frame_landmarks` with the default
:class:`~posture_watch.pose.MediaPipeEstimator` preprocessing. Balanced accuracy of upright
vs slouch must stay at or above the floor for each condition, uncalibrated and calibrated
on the first three untouched upright frames of each session; ``unknown`` or ``away`` on a
labelled picture counts as wrong.

The aim is 0.90 uncalibrated and 0.95 calibrated everywhere. Where the product does not
reach it yet, the floor is what it achieves, a picture's worth below the measured figure
(one picture of 34 per class moves the balanced accuracy by 0.015); the figures themselves
come from ``benchmarks/bench_conditions.py`` and are in ``benchmarks/README.md``.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from benchmarks.conditions import (
    CONDITIONS,
    calibration_pictures,
    evaluate,
    load_pictures,
    variant,
)
from posture_watch.pipeline import frame_landmarks
from posture_watch.pose import (
    LEGACY_PREPROCESSING,
    PREPROCESSING,
    MediaPipeEstimator,
    Preprocessing,
)
from posture_watch.sources.base import Frame

AIM_UNCALIBRATED, AIM_CALIBRATED = 0.90, 0.95
#: condition -> (uncalibrated floor, calibrated floor); measured figures in the comments.
FLOORS = {
    "clean": (0.86, 0.95),  # 0.88 / 0.99
    "dim room": (0.78, 0.82),  # 0.81 / 0.85 (0.00 / 0.00 before issue 10)
    "underexposed": (0.81, 0.95),  # 0.84 / 0.99 (0.82 / 0.94 before the dark-frame stretch)
    "heavy JPEG (q12)": (0.87, 0.87),  # 0.90 / 0.90
    "low resolution (1/3)": (0.81, 0.95),  # 0.84 / 0.99
    "farther away (1.6x)": (0.90, 0.94),  # 0.94 / 0.97
    "off-centre": (0.84, 0.93),  # 0.87 / 0.96
    "tilted 7°": (0.81, 0.91),  # 0.84 / 0.94
    "defocus": (0.85, 0.94),  # 0.88 / 0.97 (0.76 / 0.91 before the soft-frame sharpening)
    "mirrored": (0.65, 0.76),  # 0.68 / 0.79
}


def landmarks_of(images, estimator):
    return [frame_landmarks(Frame(0, 0.0, image), estimator) for image in images]


@pytest.fixture(scope="module")
def pictures(shared_samples):
    return load_pictures(shared_samples)


@pytest.fixture(scope="module")
def outcomes(pictures, model):
    """Every condition's outcome with the product's preprocessing: the model runs once per
    variant picture for the whole module."""
    calib = calibration_pictures(pictures)
    with MediaPipeEstimator(model, video=False) as estimator:
        calibration = {
            s: landmarks_of([p.frame for p in chosen], estimator) for s, chosen in calib.items()
        }
        return {
            condition: evaluate(
                pictures,
                landmarks_of([variant(condition, p) for p in pictures], estimator),
                calibration,
            )
            for condition in CONDITIONS
        }


def test_every_condition_has_a_floor_no_higher_than_the_aim() -> None:
    assert FLOORS.keys() == CONDITIONS.keys()
    for uncal, cal in FLOORS.values():
        assert uncal <= AIM_UNCALIBRATED and cal <= AIM_CALIBRATED


@pytest.mark.parametrize("condition", list(CONDITIONS))
def test_balanced_accuracy_holds_in_each_condition(condition, outcomes) -> None:
    outcome = outcomes[condition]
    floor_uncal, floor_cal = FLOORS[condition]
    assert outcome.refused == ()
    assert outcome.uncalibrated >= floor_uncal, (condition, outcome.uncalibrated)
    assert outcome.calibrated >= floor_cal, (condition, outcome.calibrated)


def test_the_dim_room_failed_with_the_old_preprocessing(pictures, model, outcomes) -> None:
    # the floors above would catch a return to the old path: it found nobody or the
    # wrong posture in nearly every dim frame
    calib = calibration_pictures(pictures)
    with MediaPipeEstimator(model, video=False, preprocessing=LEGACY_PREPROCESSING) as old:
        calibration = {
            s: landmarks_of([p.frame for p in chosen], old) for s, chosen in calib.items()
        }
        dim = [variant("dim room", p) for p in pictures]
        before = evaluate(pictures, landmarks_of(dim, old), calibration)
    floor_uncal, floor_cal = FLOORS["dim room"]
    assert before.uncalibrated < floor_uncal and before.calibrated < floor_cal
    assert outcomes["dim room"].uncalibrated > before.uncalibrated + 0.5


def test_variants_are_deterministic_and_leave_the_picture_alone(pictures) -> None:
    picture = pictures[0]
    original = picture.frame.copy()
    for condition in CONDITIONS:
        first, second = variant(condition, picture), variant(condition, picture)
        assert (first == second).all(), condition
    assert (picture.frame == original).all()


def test_brightening_and_sharpening_touch_only_dark_or_soft_frames(pictures) -> None:
    # the product does not know the condition: the frame's own brightness and sharpness
    # decide. A clean frame reaches the model exactly as the shrink leaves it; a dark one
    # is stretched towards full range, a defocused one gets its edges back.
    plain = Preprocessing(max_side=320, denoise_above=2.0)
    picture = pictures[0]
    clean = picture.frame
    assert (PREPROCESSING.apply(clean) == plain.apply(clean)).all()
    dark = variant("underexposed", picture)
    assert np.percentile(PREPROCESSING.apply(dark), 99) > 1.5 * np.percentile(plain.apply(dark), 99)
    soft = variant("defocus", picture)

    def sharpness(rgb):
        return cv2.Laplacian(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), cv2.CV_32F).var()

    assert sharpness(PREPROCESSING.apply(soft)) > 2 * sharpness(plain.apply(soft))
    # a dim room's auto-gained frame is not dark: it is denoised, never stretched
    dim = variant("dim room", picture)
    assert (PREPROCESSING.apply(dim) == plain.apply(dim)).all()
