"""The monitor loop in-process, fed with real pictures (a fake only for the webcam)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import cv2
import numpy as np
import pytest

from posture_watch.core.analyzer import PostureAnalyzer, Verdict
from posture_watch.core.events import SlouchAlert
from posture_watch.core.sampling import AdaptiveSampler
from posture_watch.core.scoring import Baseline, PostureState
from posture_watch.errors import CameraError
from posture_watch.model import locate_model
from posture_watch.monitor.events import CameraRecovered, CameraUnavailable, SourceEnded
from posture_watch.monitor.loop import MonitorLoop, is_covered
from posture_watch.sources import VideoSource
from posture_watch.sources.base import Frame
from tests.pipeline.conftest import time_ordered, write_session_video


class FlakyCamera:
    """Stands in for a webcam (none exists here): real pictures at 2 fps, and it can
    'unplug' after some frames. ``opens`` counts how often the monitor reopened it."""

    is_sequence, has_pixels = True, True

    def __init__(self, pictures: list[np.ndarray], fail_after: int | None) -> None:
        self.label = "camera 0"
        self.pictures, self.fail_after = pictures, fail_after

    def __iter__(self) -> Iterator[Frame]:
        for i, image in enumerate(self.pictures):
            if self.fail_after is not None and i == self.fail_after:
                raise CameraError("camera 0: stopped delivering frames (unplugged?)")
            yield Frame(index=i, t=i * 0.5, image=image)

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@pytest.fixture(scope="module")
def pictures(samples) -> list[np.ndarray]:
    return [cv2.imread(str(s.path)) for s in time_ordered(samples["slouchingornot/high"])]


def collect(loop_factory) -> tuple[MonitorLoop, list[object]]:
    events: list[object] = []
    loop = loop_factory(events.append)
    worker = threading.Thread(target=loop.run)
    worker.start()
    worker.join(60)
    assert not worker.is_alive()
    return loop, events


def test_camera_unplugged_mid_run_is_reported_and_recovers(pictures):
    opens = []

    def opener():
        opens.append(1)
        if len(opens) == 2:
            raise CameraError("camera 0: cannot open (not connected or in use by another program)")
        return FlakyCamera(pictures[:10], fail_after=6 if len(opens) == 1 else None)

    _, events = collect(
        lambda emit: MonitorLoop(
            opener,
            PostureAnalyzer(Baseline.population()),
            emit,
            model_path=locate_model(),
            sampler=AdaptiveSampler(1.0, 0.25),
            speed=50.0,
            retry_first=2.0,
        )
    )
    kinds = [type(e).__name__ for e in events if not isinstance(e, Verdict)]
    assert kinds.count("CameraUnavailable") == 2
    assert kinds.count("CameraRecovered") == 1
    assert isinstance(events[-1], SourceEnded)
    times = [e.t for e in events if isinstance(e, Verdict)]
    assert times == sorted(times) and len(times) == 3 + 5  # 1 fps of 2 fps, carried on
    unavailable = [e for e in events if isinstance(e, CameraUnavailable)]
    assert unavailable[1].retry_in == pytest.approx(2 * unavailable[0].retry_in)
    assert "unplugged" in unavailable[0].reason
    assert len(opens) == 3
    assert any(isinstance(e, CameraRecovered) for e in events)


def test_adaptive_sampling_analyses_about_one_frame_a_second(pictures, tmp_path, samples):
    video = tmp_path / "session.mp4"
    write_session_video(pictures, video, fps=30.0, hold=4.0)
    profile = PostureAnalyzer(Baseline.population())
    loop, events = collect(
        lambda emit: MonitorLoop(
            lambda: VideoSource(video),
            profile,
            emit,
            model_path=locate_model(),
            sampler=AdaptiveSampler(1.0, 0.25),
            speed=40.0,
        )
    )
    duration = len(pictures) * 4.0
    assert loop.frames_analysed <= 1.3 * duration  # vs 30 * duration frames in the file
    assert loop.frames_analysed >= duration * 0.9
    states = {e.state for e in events if isinstance(e, Verdict)}
    assert PostureState.UPRIGHT in states


def test_a_covered_camera_reads_as_away(pictures):
    assert is_covered(np.zeros((480, 640, 3), np.uint8))
    assert is_covered(np.full((480, 640, 3), 12, np.uint8))
    assert not any(is_covered(p) for p in pictures)
    dark = [np.full((480, 640, 3), 5, np.uint8)] * 6
    _, events = collect(
        lambda emit: MonitorLoop(
            lambda: FlakyCamera(dark, None),
            PostureAnalyzer(Baseline.population()),
            emit,
            model_path=locate_model(),
            speed=50.0,
        )
    )
    verdicts = [e for e in events if isinstance(e, Verdict)]
    assert verdicts and all(v.state == PostureState.AWAY for v in verdicts)


def test_pause_releases_the_source_and_resume_continues(pictures):
    opened, closed = [], []

    class Counting(FlakyCamera):
        def __iter__(self):
            opened.append(1)
            yield from super().__iter__()

        def close(self):
            closed.append(1)

    events: list[object] = []
    loop = MonitorLoop(
        lambda: Counting(pictures * 4, None),
        PostureAnalyzer(Baseline.population()),
        events.append,
        model_path=locate_model(),
        speed=5.0,
    )
    worker = threading.Thread(target=loop.run)
    worker.start()
    try:
        for _ in range(100):
            if any(isinstance(e, Verdict) for e in events):
                break
            threading.Event().wait(0.05)
        loop.pause(None)
        threading.Event().wait(0.5)
        assert closed, "the source must be closed while paused"
        loop.resume()
        threading.Event().wait(0.5)
    finally:
        loop.stop()
        worker.join(5)
    kinds = [type(e).__name__ for e in events]
    assert "Paused" in kinds and "Resumed" in kinds
    assert len(opened) == 2
    assert not worker.is_alive()


def test_slouch_alert_from_a_replayed_recording():
    from posture_watch import paths
    from posture_watch.profiles import load_profile
    from posture_watch.sources import RecordingSource

    baseline = load_profile(paths.SAMPLES_DIR / "demo-profile.json")
    _, events = collect(
        lambda emit: MonitorLoop(
            lambda: RecordingSource(paths.SAMPLES_DIR / "demo-session.jsonl"),
            PostureAnalyzer(baseline),
            emit,
            model_path=None,
            speed=200.0,
        )
    )
    (alert,) = [e for e in events if isinstance(e, SlouchAlert)]
    assert 88 <= alert.t <= 100
