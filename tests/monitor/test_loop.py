"""The monitor loop in-process, fed with real pictures (a fake only for the webcam), on an
injected virtual clock: a replay of minutes takes a fraction of a second, and a suspend is
the wall clock jumping while the monotonic clock stands still."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from posture_watch import paths
from posture_watch.clock import ManualClock
from posture_watch.core.analyzer import PostureAnalyzer, Verdict
from posture_watch.core.events import (
    BreakEnded,
    BreakStarted,
    LongSittingAlert,
    SittingBoutEnded,
    SlouchAlert,
)
from posture_watch.core.sampling import AdaptiveSampler
from posture_watch.core.scoring import Baseline, PostureState
from posture_watch.core.settings import Settings
from posture_watch.core.worker_events import (
    CameraRecovered,
    CameraUnavailable,
    FrameSkipped,
    Pause,
    Recalibrated,
    Resume,
    SetBaseline,
    SourceEnded,
    Stopped,
    Suspended,
    WorkerCrashed,
    WorkerFailed,
)
from posture_watch.errors import CameraError, ModelError
from posture_watch.model import locate_model
from posture_watch.monitor.loop import MonitorLoop
from posture_watch.pipeline import is_covered
from posture_watch.pose import open_estimator
from posture_watch.profiles import load_profile
from posture_watch.sources import FolderSource, RecordingSource, VideoSource
from posture_watch.sources.base import Frame
from tests.harness.fakes import FlakyCamera, SuspendingSource
from tests.harness.samples import time_ordered, write_session_video

START = 1_790_000_000.0  # an arbitrary epoch second: no test depends on today's date
DEMO = paths.SAMPLES_DIR / "demo-session.jsonl"


@pytest.fixture(scope="module")
def pictures(samples) -> list[np.ndarray]:
    return [cv2.imread(str(s.path)) for s in time_ordered(samples["slouchingornot/high"])]


def make_loop(
    opener: Callable,
    emit: Callable[[object], None],
    *,
    clock: ManualClock | None = None,
    baseline: Baseline | None = None,
    settings: Settings | None = None,
    model: Path | None = None,
    tmp_path: Path | None = None,
    **kwargs,
) -> MonitorLoop:
    model = model if model is not None else locate_model()
    return MonitorLoop(
        opener,
        PostureAnalyzer(baseline if baseline is not None else Baseline.population(), settings),
        emit,
        make_estimator=lambda source: open_estimator(source, model),
        clock=clock or ManualClock(START),
        sampler=kwargs.pop("sampler", AdaptiveSampler(1.0, 0.25)),
        crash_log=(tmp_path / "posture-watch.log") if tmp_path else None,
        **kwargs,
    )


def run_loop(opener, timeout: float = 60, **kwargs) -> tuple[MonitorLoop, list[object]]:
    """Run a loop on a worker thread to its end; the loop and the events it posted."""
    events: list[object] = []
    loop = make_loop(opener, events.append, **kwargs)
    worker = threading.Thread(target=loop.run)
    worker.start()
    worker.join(timeout)
    assert not worker.is_alive()
    return loop, events


def kinds(events: list[object]) -> list[str]:
    return [type(e).__name__ for e in events if not isinstance(e, Verdict)]


def flat(events: list[object]) -> list[object]:
    """The stream with each verdict's timeline events after it (they come inside it)."""
    out: list[object] = []
    for event in events:
        out.append(event)
        if isinstance(event, Verdict):
            out.extend(event.events)
    return out


def ended(events: list[object]) -> str:
    """How the run ended: Stopped comes last, and once; a replay's SourceEnded before it."""
    stopped = events[-1]
    assert isinstance(stopped, Stopped) and kinds(events).count("Stopped") == 1
    if stopped.reason == "end":
        assert sum(isinstance(e, SourceEnded) for e in events) == 1
    return stopped.reason


def verdicts(events: list[object]) -> list[Verdict]:
    return [e for e in events if isinstance(e, Verdict)]


def test_camera_unplugged_mid_run_is_reported_and_recovers(pictures):
    opens = []

    def opener():
        opens.append(1)
        if len(opens) == 2:
            raise CameraError("camera 0: cannot open (not connected or in use by another program)")
        return FlakyCamera(pictures[:10], fail_after=6 if len(opens) == 1 else None)

    _, events = run_loop(opener, retry_first=2.0)
    assert kinds(events).count("CameraUnavailable") == 2
    assert kinds(events).count("CameraRecovered") == 1
    assert ended(events) == "end"
    times = [v.t for v in verdicts(events)]
    assert times == sorted(times) and len(times) == 3 + 5  # 1 fps of 2 fps, carried on
    assert all(START <= t < START + 60 for t in times)  # true time, in epoch seconds
    unavailable = [e for e in events if isinstance(e, CameraUnavailable)]
    assert unavailable[1].retry_in == pytest.approx(2 * unavailable[0].retry_in)
    assert "unplugged" in unavailable[0].reason
    assert len(opens) == 3
    assert any(isinstance(e, CameraRecovered) for e in events)


def test_adaptive_sampling_analyses_about_one_frame_a_second(pictures, tmp_path):
    video = tmp_path / "session.mp4"
    write_session_video(pictures, video, fps=30.0, hold=4.0)
    loop, events = run_loop(lambda: VideoSource(video))
    duration = len(pictures) * 4.0
    counts = loop.counts()
    given = len(verdicts(events))
    assert duration * 0.9 <= given <= 1.3 * duration  # vs 30 * duration frames in the file
    # the still gate: each new picture runs the model, a picture held still does not
    # again (until its 10 s refresh)
    assert len(pictures) <= counts.analysed <= 0.6 * given
    assert counts.seen >= given
    assert PostureState.UPRIGHT in {v.state for v in verdicts(events)}
    stopped = events[-1]
    assert isinstance(stopped, Stopped) and stopped.reason == "end"
    assert (stopped.frames_seen, stopped.frames_analysed) == (counts.seen, counts.analysed)
    assert (loop.frames_seen, loop.frames_analysed) == (counts.seen, counts.analysed)


def test_a_covered_camera_reads_as_away(pictures):
    assert is_covered(np.zeros((480, 640, 3), np.uint8))
    assert is_covered(np.full((480, 640, 3), 12, np.uint8))
    assert not any(is_covered(p) for p in pictures)
    dark = [np.full((480, 640, 3), 5, np.uint8)] * 6
    _, events = run_loop(lambda: FlakyCamera(dark))
    assert verdicts(events) and all(v.state == PostureState.AWAY for v in verdicts(events))


def test_commands_pause_release_the_source_resume_and_recalibrate(pictures):
    """Commands go through the loop's queue; the worker applies them between frames."""
    sources: list[FlakyCamera] = []
    events: list[object] = []
    gate = threading.Event()

    def opener():
        sources.append(FlakyCamera(pictures * 4))
        return sources[-1]

    def emit(event: object) -> None:
        events.append(event)
        if isinstance(event, Verdict) and len(verdicts(events)) == 3:
            loop.send(Pause(None))
            gate.set()

    loop = make_loop(opener, emit, model=locate_model())
    worker = threading.Thread(target=loop.run)
    worker.start()
    assert gate.wait(30)
    for _ in range(200):
        if sources and sources[0].closed:
            break
        threading.Event().wait(0.01)
    assert sources[0].closed, "the source must be closed while paused"
    baseline = load_profile(paths.SAMPLES_DIR / "demo-profile.json")
    loop.send(SetBaseline(baseline, "desk"))
    loop.send(Resume())
    for _ in range(500):
        if len(sources) == 2 and len(verdicts(events)) > 5:
            break
        threading.Event().wait(0.01)
    loop.stop()
    worker.join(10)
    assert not worker.is_alive()
    names = kinds(events)
    assert names.index("Paused") < names.index("Recalibrated") < names.index("Resumed")
    (recal,) = [e for e in events if isinstance(e, Recalibrated)]
    assert recal.profile == "desk"
    assert len(sources) == 2 and names[-1] == "Stopped"
    assert events[-1].reason == "stop"


def test_slouch_alert_from_a_replayed_recording():
    baseline = load_profile(paths.SAMPLES_DIR / "demo-profile.json")
    loop, events = run_loop(lambda: RecordingSource(DEMO), baseline=baseline)
    (alert,) = [e for e in flat(events) if isinstance(e, SlouchAlert)]
    assert 88 <= alert.t - loop.started <= 100


def test_an_eight_hour_suspend_mid_bout_counts_as_away_and_restarts_the_sitting_timer():
    """The demo, asleep for 8 hours mid-way through its first sitting bout: the gap is a
    break, the bout ends where the sleep began, the long-sitting timer starts again, and
    every stamp after the sleep is true wall time (never hours too early)."""
    clock = ManualClock(START)
    baseline = load_profile(paths.SAMPLES_DIR / "demo-profile.json")
    settings = Settings().with_overrides(sit_max=105.0)
    _loop, events = run_loop(
        lambda: SuspendingSource(RecordingSource(DEMO), clock, 20, 8),
        clock=clock,
        baseline=baseline,
        settings=settings,
    )
    (suspended,) = [e for e in events if isinstance(e, Suspended)]
    assert suspended.slept == pytest.approx(8 * 3600, abs=2)
    before = [v for v in verdicts(events) if v.t <= suspended.since]
    after = [v for v in verdicts(events) if v.t >= suspended.t]
    assert before and after and len(before) + len(after) == len(verdicts(events))
    assert after[0].t - before[-1].t >= 8 * 3600 - 5
    assert clock.wall() - after[-1].t < 60  # stamped with the real wall time
    first_bout = next(e for e in flat(events) if isinstance(e, SittingBoutEnded))
    assert first_bout.end == pytest.approx(before[-1].t)
    (brk,) = [e for e in flat(events) if isinstance(e, BreakStarted) and e.t >= suspended.t][:1]
    assert brk.away_since == pytest.approx(before[-1].t)
    assert any(isinstance(e, BreakEnded) and e.t >= suspended.t for e in flat(events))
    assert after[0].sitting_since is not None and after[0].sitting_since >= suspended.t
    for alert in [e for e in flat(events) if isinstance(e, LongSittingAlert)]:
        assert alert.sitting_since >= suspended.t or alert.t <= suspended.since


def test_a_suspend_reopens_a_live_camera(pictures):
    clock = ManualClock(START)
    sources: list[SuspendingSource] = []

    def opener():
        first = not sources
        sources.append(
            SuspendingSource(FlakyCamera(pictures[:8]), clock, 3 if first else -1, 1, live=True)
        )
        return sources[-1]

    _, events = run_loop(opener, clock=clock)
    assert kinds(events).count("Suspended") == 1
    assert len(sources) == 2, "the camera is opened again after the machine wakes"
    assert ended(events) == "end"


class Exploding:
    """A source whose frames raise a bug (not a source problem) the first ``times`` opens."""

    def __init__(self, inner, opens: list[int], times: int) -> None:
        self.inner, self.opens, self.times = inner, opens, times
        self.label, self.is_sequence, self.has_pixels = inner.label, True, inner.has_pixels

    def frames(self, sample=None, on_bad_frame=None) -> Iterator[Frame]:
        self.opens.append(1)
        for i, frame in enumerate(self.inner.frames(sample)):
            if i == 5 and len(self.opens) <= self.times:
                raise ZeroDivisionError("a bug in the worker")
            yield frame

    def close(self) -> None:
        self.inner.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def test_a_worker_exception_is_logged_reported_and_the_loop_restarts(tmp_path):
    opens: list[int] = []
    _, events = run_loop(lambda: Exploding(RecordingSource(DEMO), opens, 2), tmp_path=tmp_path)
    crashed = [e for e in events if isinstance(e, WorkerCrashed)]
    assert len(crashed) == 2 and crashed[1].restart_in == 2 * crashed[0].restart_in
    assert "ZeroDivisionError: a bug in the worker" in crashed[0].error
    log = (tmp_path / "posture-watch.log").read_text()
    assert log.count("Traceback (most recent call last)") == 2
    assert "ZeroDivisionError" in log
    assert ended(events) == "end"  # the third run got through


def test_a_crash_loop_gives_up_with_one_line(tmp_path):
    opens: list[int] = []
    _, events = run_loop(lambda: Exploding(RecordingSource(DEMO), opens, 99), tmp_path=tmp_path)
    (failed,) = [e for e in events if isinstance(e, WorkerFailed)]
    assert failed.exit_code == 1 and "crashed 3 times in 10 min" in failed.error
    assert str(tmp_path / "posture-watch.log") in failed.error
    assert events[-1].reason == "failed" and len(opens) == 3


def test_crash_limit_one_stops_at_the_first_crash(tmp_path):
    opens: list[int] = []
    _, events = run_loop(
        lambda: Exploding(RecordingSource(DEMO), opens, 99), tmp_path=tmp_path, crash_limit=1
    )
    (failed,) = [e for e in events if isinstance(e, WorkerFailed)]
    assert failed.exit_code == 1 and len(opens) == 1
    assert "ZeroDivisionError" in failed.error


def test_a_bad_model_is_a_fatal_error_not_a_restart(tmp_path, pictures):
    bad = tmp_path / "corrupt.task"
    bad.write_bytes(b"not a model" * 100)
    _, events = run_loop(lambda: FlakyCamera(pictures[:4]), model=bad)
    (failed,) = [e for e in events if isinstance(e, WorkerFailed)]
    assert failed.exit_code == ModelError.exit_code == 2
    assert "cannot load pose model" in failed.error
    assert not [e for e in events if isinstance(e, WorkerCrashed)]


def test_a_picture_damaged_while_replaying_is_skipped_once(tmp_path, pictures):
    """A folder checked at open, then one picture replaced by garbage: one FrameSkipped,
    the rest replayed, and no camera-failure retry loop."""
    folder = tmp_path / "frames"
    folder.mkdir()
    for i, image in enumerate(pictures[:6]):
        cv2.imwrite(str(folder / f"frame{i}.jpg"), image)
    source = FolderSource(folder, fps=1.0)
    (folder / "frame3.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    opened = [source]
    _, events = run_loop(lambda: opened.pop() if opened else FolderSource(folder, fps=1.0))
    skipped = [e for e in events if isinstance(e, FrameSkipped)]
    assert len(skipped) == 1 and "frame3.jpg" in skipped[0].reason
    assert "CameraUnavailable" not in kinds(events)
    assert len(verdicts(events)) == 5
    assert ended(events) == "end"


def test_a_damaged_picture_found_on_reopening_a_folder_stops_with_one_line(tmp_path, pictures):
    """The folder vanishes (a camera-like failure, retried), then comes back with a damaged
    picture: that is bad input, as for ``analyze``: one line, exit code 2, no retry loop."""
    folder = tmp_path / "frames"
    folder.mkdir()
    for i, image in enumerate(pictures[:4]):
        cv2.imwrite(str(folder / f"frame{i}.jpg"), image)
    (folder / "frame2.jpg").write_bytes(b"garbage")
    attempts: list[int] = []

    def opener():
        attempts.append(1)
        if len(attempts) == 1:
            raise CameraError("frames: no such file or folder")
        return FolderSource(folder, fps=1.0)

    _, events = run_loop(opener)
    (failed,) = [e for e in events if isinstance(e, WorkerFailed)]
    assert failed.exit_code == 2 and "frame2.jpg" in failed.error
    assert len(attempts) == 2 and ended(events) == "failed"


def test_side_views_are_unknown_and_the_loop_carries_on(shared_samples):
    """Real side-view pictures: a frontal tool cannot judge them, and must not crash."""
    folder = shared_samples / "sideview" / "images"
    _, events = run_loop(lambda: FolderSource(folder, fps=1.0))
    states = {v.raw_state for v in verdicts(events)}
    assert states <= {PostureState.UNKNOWN, PostureState.AWAY}
    assert PostureState.UNKNOWN in states
    assert all(isinstance(v.state, PostureState) for v in verdicts(events))
    assert kinds(events)[-1] == "Stopped" and events[-1].reason == "end"


def test_a_posture_change_wakes_the_model_at_once(pictures, tmp_path):
    """Issue 21: the still gate skips the model on a picture that stands still, and the
    first due frame of a new posture runs it: the change is seen as soon as without the
    gate (here at once: the picture changes on a due frame)."""
    video = tmp_path / "change.mp4"
    upright, slouch = pictures[0], pictures[-1]
    write_session_video([upright, slouch], video, fps=30.0, hold=8.0)
    runs: list[tuple[float, int]] = []

    def emit(event: object) -> None:
        if isinstance(event, Verdict):
            runs.append((event.t - START, loop.counts().analysed))
        events.append(event)

    events: list[object] = []
    loop = make_loop(lambda: VideoSource(video), emit, sampler=AdaptiveSampler(2.0, 0.25))
    worker = threading.Thread(target=loop.run)
    worker.start()
    worker.join(60)
    assert not worker.is_alive()
    held = [n for t, n in runs if t < 8.0]
    assert held[-1] == 1 < len(held)  # 8 s of one still picture: one model run
    after = [(t, n) for t, n in runs if t >= 8.0]
    assert after[0][0] < 8.0 + 2.0 + 1e-6 and after[0][1] == 2  # the model, on the next due
    states = [v for v in verdicts(events) if v.t - START >= 8.0]
    assert states[0].raw_state == PostureState.SLOUCH
    assert [n for _, n in after] == [2] * len(after)  # the new posture held still
