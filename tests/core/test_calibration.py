"""Calibration refusals: a clearly slouched reference (on the real sample pictures, through
the real pose model) and a live camera sampled too briefly (on hand-built poses)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from posture_watch.core.analyzer import score_frames
from posture_watch.core.calibration import (
    MAX_POPULATION_DROP,
    MIN_LIVE_FRAMES,
    MIN_LIVE_SECONDS,
    calibrate,
    population_drop,
)
from posture_watch.core.landmarks import Landmarks
from posture_watch.core.scoring import Baseline, FeatureStat
from posture_watch.errors import CalibrationError
from tests.core.helpers import frontal_pose


@pytest.fixture(scope="module")
def landmarks(shared_samples: Path) -> dict[str, list[tuple[str, Landmarks | None]]]:
    """Landmarks of every labelled frontal picture, per session: (label, landmarks)."""
    from posture_watch.model import locate_model
    from posture_watch.paths import REPO_MODELS_DIR
    from posture_watch.pose import MediaPipeEstimator
    from posture_watch.sources.base import Frame
    from posture_watch.sources.images import decode_image

    model = locate_model("lite", REPO_MODELS_DIR / "pose_landmarker_lite.task")
    found: dict[str, list[tuple[str, Landmarks | None]]] = {}
    with (
        MediaPipeEstimator(model, video=False) as estimator,
        open(shared_samples / "labels.csv", newline="") as fh,
    ):
        for row in csv.DictReader(fh):
            image = decode_image(shared_samples / row["path"], row["path"])
            pose = estimator.estimate(Frame(index=0, t=0.0, image=image))
            found.setdefault(row["session"], []).append((row["label"], pose))
    return found


def reference(poses: list[Landmarks | None]) -> Baseline:
    person, features, _, _ = score_frames(poses, Baseline.population())
    return calibrate(person, features, stills=True, refuse_slouched=True)


def test_no_upright_picture_is_refused_as_slouched(landmarks) -> None:
    for session, rows in landmarks.items():
        for label, pose in rows:
            if label == "upright":
                assert reference([pose]).calibrated, session


def test_the_clear_slouches_are_refused_one_by_one_and_as_a_session(landmarks) -> None:
    clear = [pose for label, pose in landmarks["slouchingornot/middle"] if label == "slouch"]
    assert len(clear) == 19
    for pose in clear:
        with pytest.raises(CalibrationError, match="you look slouched"):
            reference([pose])
    with pytest.raises(CalibrationError, match="you look slouched"):
        reference(clear[:4])


def test_the_limit_lies_between_the_upright_and_the_clearly_slouched_pictures(landmarks) -> None:
    drops: dict[str, list[float]] = {"upright": [], "slouch": []}
    for rows in landmarks.values():
        for label, pose in rows:
            _, features, _, _ = score_frames([pose], Baseline.population())
            stats = {
                name: FeatureStat(float(getattr(features, name)[0]), 0.0)
                for name in ("head_height", "nose_height")
            }
            drops[label].append(population_drop(stats))
    assert max(drops["upright"]) < MAX_POPULATION_DROP
    refused = sum(d > MAX_POPULATION_DROP for d in drops["slouch"])
    assert refused >= 0.65 * len(drops["slouch"])  # the mild ones cannot be told apart


def test_the_population_check_is_asked_for() -> None:
    # hand-built poses need not look like people: without the check they calibrate
    low = [frontal_pose(ear_rise=40, nose_rise=35)]
    person, features, _, _ = score_frames(low, Baseline.population())
    assert calibrate(person, features, stills=True).calibrated
    with pytest.raises(CalibrationError, match="you look slouched"):
        calibrate(person, features, stills=True, refuse_slouched=True)


def upright_poses(n: int) -> tuple[np.ndarray, object]:
    person, features, _, _ = score_frames(
        [frontal_pose(ear_rise=124, nose_rise=110, shoulder_half=100)] * n, Baseline.population()
    )
    return person, features


def test_three_live_frames_in_0_4_seconds_never_make_a_profile() -> None:
    person, features = upright_poses(3)
    times = np.array([0.0, 0.2, 0.4])
    with pytest.raises(CalibrationError, match="too few usable frames"):
        calibrate(person, features, stills=True, live_times=times, refuse_slouched=True)


def test_a_live_camera_must_be_sampled_for_seconds() -> None:
    n = MIN_LIVE_FRAMES + 5
    person, features = upright_poses(n)
    brief = np.linspace(0.0, 1.0, n)
    with pytest.raises(CalibrationError, match=r"cover only 1\.0 s"):
        calibrate(person, features, live_times=brief, refuse_slouched=True)
    enough = np.linspace(0.0, MIN_LIVE_SECONDS + 0.5, n)
    base = calibrate(person, features, live_times=enough, refuse_slouched=True)
    assert base.n_frames == n
