"""Calibration refusals: a clearly slouched reference (on the real sample pictures, through
the real pose model) and a live camera sampled too briefly (on hand-built poses); and the
person's override of the slouched refusal alone (``accept_low``), on the same pictures."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from posture_watch.core.analyzer import score_frames
from posture_watch.core.calibration import (
    ACCEPTED_LOW,
    MAX_POPULATION_DROP,
    MIN_LIVE_FRAMES,
    MIN_LIVE_SECONDS,
    POPULATION_DROP,
    SlouchedReferenceError,
    accepted_low,
    calibrate,
    low_reference_warning,
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


def reference(poses: list[Landmarks | None], *, accept_low: bool = False) -> Baseline:
    person, features, _, _ = score_frames(poses, Baseline.population())
    return calibrate(person, features, stills=True, refuse_slouched=True, accept_low=accept_low)


def clear_slouches(landmarks) -> list[Landmarks | None]:
    return [pose for label, pose in landmarks["slouchingornot/middle"] if label == "slouch"]


def test_no_upright_picture_is_refused_as_slouched(landmarks) -> None:
    for session, rows in landmarks.items():
        for label, pose in rows:
            if label == "upright":
                assert reference([pose]).calibrated, session


def test_the_clear_slouches_are_refused_one_by_one_and_as_a_session(landmarks) -> None:
    clear = clear_slouches(landmarks)
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


# -- the person's override: "I am sitting upright, my camera sits high" --------------------


def test_a_person_sitting_upright_may_keep_a_reference_that_looks_slouched(landmarks) -> None:
    poses = clear_slouches(landmarks)[:4]
    with pytest.raises(SlouchedReferenceError) as refused:
        reference(poses)
    kept = reference(poses, accept_low=True)
    assert kept.calibrated and kept.n_frames == 4
    drop = population_drop(kept.stats)
    assert drop > MAX_POPULATION_DROP
    assert kept.meta == {ACCEPTED_LOW: "true", POPULATION_DROP: f"{drop:.3f}"}
    assert accepted_low(kept) == pytest.approx(drop, abs=5e-4)
    # the refusal carries the very reference the override gives (a window offers it)
    assert refused.value.baseline == kept and refused.value.drop == drop
    warning = low_reference_warning(kept)
    assert warning is not None and f"head {100 * drop:.0f}% lower" in warning
    assert "slouching is measured from it" in warning


def test_an_upright_reference_is_not_marked_low(landmarks) -> None:
    upright = [pose for label, pose in landmarks["slouchingornot/middle"] if label == "upright"]
    base = reference(upright[:3], accept_low=True)
    assert base.meta == {} and accepted_low(base) is None
    assert low_reference_warning(base) is None


def test_accepting_a_low_head_overrules_no_other_refusal(landmarks) -> None:
    clear = clear_slouches(landmarks)
    person, features, _, _ = score_frames(clear[:6], Baseline.population())

    def refused(match: str, **kwargs) -> None:
        kwargs = {"person": person, "features": features, "stills": True, **kwargs}
        with pytest.raises(CalibrationError, match=match) as caught:
            calibrate(**kwargs, refuse_slouched=True, accept_low=True)
        assert not isinstance(caught.value, SlouchedReferenceError)

    refused("no person found", person=np.zeros_like(person))
    side = replace(features, frontal=np.zeros_like(features.frontal))
    refused("view is not frontal", features=side)
    refused("too few usable frames", live_times=np.linspace(0.0, 5.0, 6))
    many, many_features, _, _ = score_frames(clear[:4] * 4, Baseline.population())
    refused(r"cover only 1\.0 s", person=many, features=many_features,
            live_times=np.linspace(0.0, 1.0, 16))  # fmt: skip
    upright = [pose for label, pose in landmarks["slouchingornot/middle"] if label == "upright"]
    mixed, mixed_features, _, _ = score_frames(upright[:4] + clear[:4], Baseline.population())
    refused("too much movement", person=mixed, features=mixed_features)


def test_a_kept_low_reference_says_so_after_a_round_trip_through_its_file(
    landmarks, tmp_path: Path
) -> None:
    from posture_watch.profiles import load_profile, save_profile

    kept = reference(clear_slouches(landmarks)[:3], accept_low=True)
    path = save_profile(kept, tmp_path / "low.json", meta={"source": "three pictures"})
    loaded = load_profile(path)
    assert loaded.meta[ACCEPTED_LOW] == "true" and loaded.meta["source"] == "three pictures"
    assert low_reference_warning(loaded) == low_reference_warning(kept)
    damaged = replace(loaded, meta={ACCEPTED_LOW: "true", POPULATION_DROP: "lots"})
    assert accepted_low(damaged) == MAX_POPULATION_DROP  # still says it was kept low
    assert accepted_low(replace(loaded, meta={ACCEPTED_LOW: "false"})) is None
