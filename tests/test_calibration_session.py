"""The calibration session shared by ``calibrate`` and the calibration window: what it
samples, when it waits, and that it judges like both of them. Runs on the bundled demo
recording (landmarks only: no camera, no model)."""

from __future__ import annotations

import threading

import pytest

from posture_watch import paths
from posture_watch.calibration_session import CalibrationSession, is_live
from posture_watch.core.calibration import SlouchedReferenceError
from posture_watch.errors import CalibrationError
from posture_watch.sources.base import Frame

#: One frame every 4 s: the first 10 seconds are three frames (t = 0, 4 and 8).
DEMO = str(paths.DEMO_DIR / "demo-session.jsonl")


def test_samples_the_first_seconds_timed_from_the_first_frame() -> None:
    progress: list[float] = []
    with CalibrationSession.open(DEMO, profile="desk") as session:
        assert not session.live and not is_live(session.source)
        frames = session.sample(10.0, on_progress=progress.append)
    assert frames is not None and len(frames) > 1
    times = [t for t, _ in frames]
    assert times[0] == 0.0 and times[-1] <= 10.0 and len(times) == 3  # one frame every 4 s
    assert progress == sorted(progress) and 0 < progress[-1] <= 1.0


def test_a_file_waits_for_begin_and_stop_ends_the_wait() -> None:
    begin, stop = threading.Event(), threading.Event()
    seen: list[float] = []

    def on_frame(frame: Frame) -> None:
        seen.append(frame.t)
        stop.set()  # the window closes during the countdown

    with CalibrationSession.open(DEMO, profile="desk") as session:
        assert session.sample(10.0, begin=begin, stop=stop, on_frame=on_frame) is None
    assert seen == [0.0]  # the first frame was shown, then the wait ended


def test_begin_set_samples_as_without_it() -> None:
    begin = threading.Event()
    begin.set()
    with CalibrationSession.open(DEMO, profile="desk") as session:
        with_begin = session.sample(10.0, begin=begin)
    with CalibrationSession.open(DEMO, profile="desk") as session:
        without = session.sample(10.0)
    assert with_begin is not None and without is not None
    assert [t for t, _ in with_begin] == [t for t, _ in without]


def test_reference_names_the_profile_or_refuses_with_a_calibration_error() -> None:
    with CalibrationSession.open(DEMO, profile="desk") as session:
        frames = session.sample(10.0)
    assert frames is not None
    try:
        baseline = session.reference(frames)
    except SlouchedReferenceError:
        pytest.fail("the demo's first seconds are upright")
    assert baseline.calibrated and baseline.profile == "desk"
    with pytest.raises(CalibrationError):
        session.reference([])
