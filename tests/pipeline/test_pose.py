"""The pose estimators and open_estimator, with the real model on real pictures."""

from __future__ import annotations

import os
from contextlib import closing
from pathlib import Path

import cv2
import numpy as np
import pytest

from posture_watch.core.landmarks import Landmarks
from posture_watch.errors import ModelError
from posture_watch.pose import MediaPipeEstimator, RecordedLandmarks, open_estimator
from posture_watch.sources import FolderSource, ImageSource, RecordingSource, RecordingWriter
from posture_watch.sources.base import Frame


@pytest.fixture(scope="module")
def upright(samples) -> Path:
    return next(s.path for s in samples["slouchingornot/high"] if s.label == "upright")


def test_mediapipe_finds_the_person_in_a_real_picture(model: Path, upright: Path) -> None:
    image = cv2.imread(str(upright))
    with MediaPipeEstimator(model, video=False) as estimator:
        landmarks = estimator.estimate(Frame(index=0, t=0.0, image=image))
    assert isinstance(landmarks, Landmarks)
    assert (landmarks.width, landmarks.height) == (224, 224)
    nose_x, nose_y = landmarks.image[0, :2]
    assert 0.2 < nose_x < 0.8 and 0.0 < nose_y < 0.6  # a head, in the upper middle


def test_mediapipe_sees_nobody_in_an_empty_grey_room(model: Path) -> None:
    room = np.full((480, 640, 3), 128, np.uint8)
    with MediaPipeEstimator(model, video=False) as estimator:
        assert estimator.estimate(Frame(index=0, t=0.0, image=room)) is None


def test_video_mode_accepts_repeated_timestamps(model: Path, upright: Path) -> None:
    # a folder replayed at a high rate can give two frames the same millisecond
    image = cv2.imread(str(upright))
    with MediaPipeEstimator(model, video=True) as estimator:
        first = estimator.estimate(Frame(index=0, t=1.0, image=image))
        again = estimator.estimate(Frame(index=1, t=1.0, image=image))
    assert first is not None and again is not None


def test_a_frame_without_pixels_is_refused(model: Path) -> None:
    with (
        MediaPipeEstimator(model, video=False) as estimator,
        pytest.raises(ValueError, match="no pixels"),
    ):
        estimator.estimate(Frame(index=3, t=0.0))


def test_a_corrupt_model_fails_at_construction(tmp_path: Path) -> None:
    bad = tmp_path / "pose.task"
    bad.write_bytes(os.urandom(4096))
    with pytest.raises(ModelError, match=r"pose\.task: cannot load pose model"):
        MediaPipeEstimator(bad, video=True)


def test_close_is_safe_twice(model: Path) -> None:
    estimator = MediaPipeEstimator(model, video=True)
    estimator.close()
    estimator.close()


def test_recorded_landmarks_hand_back_the_recording(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    person = Landmarks(image=rng.random((33, 5)), world=rng.random((33, 5)), width=64, height=48)
    path = tmp_path / "r.jsonl"
    with RecordingWriter(path, "camera 0", 2.0) as writer:
        writer.write(0, 0.0, "", person)
        writer.write(1, 0.5, "", None)
    source = RecordingSource(path)
    estimator = open_estimator(source, None)  # no model needed to replay
    assert isinstance(estimator, RecordedLandmarks)
    got = [estimator.estimate(frame) for frame in source]
    assert got[1] is None
    assert got[0] is not None
    np.testing.assert_allclose(got[0].image, person.image, atol=1e-6)
    estimator.close()


def test_open_estimator_picks_the_running_mode_from_the_source(
    model: Path, upright: Path, tmp_path: Path
) -> None:
    (tmp_path / "a.jpg").write_bytes(upright.read_bytes())
    with closing(open_estimator(ImageSource(upright), model)) as still:
        assert isinstance(still, MediaPipeEstimator) and not still.video
    with closing(open_estimator(FolderSource(tmp_path), model)) as sequence:
        assert isinstance(sequence, MediaPipeEstimator) and sequence.video
    stills = FolderSource(tmp_path, stills=True)
    with closing(open_estimator(stills, model)) as each:
        assert isinstance(each, MediaPipeEstimator) and not each.video


def test_open_estimator_needs_a_model_for_pixels(upright: Path) -> None:
    with pytest.raises(ValueError, match="a pose model is needed"):
        open_estimator(ImageSource(upright), None)
