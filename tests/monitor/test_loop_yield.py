"""The monitor loop yields the camera: to a locked screen (time away) and to another program
that opens the camera node (a video call: time not monitored).

On a virtual clock, with a stand-in live camera (the only fake: there is no webcam here)
that replays a recorded upright person at 10 frames a second and, like the real one, asks
the loop's sample predicate about every grabbed frame. Its ``device`` is an ordinary file
in a temporary folder; a real child process (``sleep``) holding that file open is the
"video call", found by the real ``/proc`` scan.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from posture_watch.clock import ManualClock
from posture_watch.core.events import (
    BreakEnded,
    BreakStarted,
    SittingBoutEnded,
)
from posture_watch.core.scoring import PostureState
from posture_watch.core.worker_events import (
    CameraBusy,
    CameraFree,
    CameraUnavailable,
    Pause,
    Paused,
    Resume,
    Resumed,
    ScreenLocked,
    ScreenUnlocked,
    SetLocked,
)
from posture_watch.errors import CameraBusyError
from posture_watch.monitor.loop import MonitorLoop
from posture_watch.sources import RecordingSource
from posture_watch.sources.base import Frame
from tests.monitor.test_loop import DEMO, START, flat, kinds, make_loop, verdicts

FPS = 10.0


@pytest.fixture(scope="module")
def upright() -> Frame:
    """A recorded frame of the demo's upright person (landmarks only: no model to run)."""
    return next(f for f in RecordingSource(DEMO) if f.landmarks is not None)


class LiveStandIn:
    """A live camera stand-in: ``frames`` frames (None: until closed) at 10 fps of clock
    time; ``hook(t)`` runs on the worker before each grabbed frame, as the moment things
    happen 'during' the stream."""

    is_sequence, has_pixels, live = True, False, True

    def __init__(
        self,
        frame: Frame,
        device: Path,
        frames: int | None = None,
        hook: Callable[[float], None] | None = None,
    ) -> None:
        self.label, self.device = "camera 0", device
        self.frame, self.count, self.hook = frame, frames, hook
        self.closed = False
        self.grabbed = 0

    def frames(self, sample=None, on_bad_frame=None) -> Iterator[Frame]:
        i = 0
        while not self.closed and (self.count is None or i < self.count):
            t = i / FPS
            if self.hook is not None:
                self.hook(t)
            self.grabbed += 1
            if sample is None or sample(t):
                yield Frame(index=i, t=t, landmarks=self.frame.landmarks)
            i += 1

    def __iter__(self) -> Iterator[Frame]:
        return self.frames()

    def close(self) -> None:
        self.closed = True

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Run:
    """A loop on a worker thread, its events, and waits for them from the test thread."""

    def __init__(self, opener: Callable[[], object], clock: ManualClock, **kwargs) -> None:
        self.events: list[object] = []
        self.clock = clock
        self._cond = threading.Condition()
        self.loop: MonitorLoop = make_loop(opener, self._emit, clock=clock, **kwargs)
        self.thread = threading.Thread(target=self.loop.run, daemon=True)

    def _emit(self, event: object) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def start(self) -> Run:
        self.thread.start()
        return self

    def wait_for(self, kind: type, count: int = 1, timeout: float = 20.0) -> object:
        with self._cond:
            ok = self._cond.wait_for(
                lambda: sum(isinstance(e, kind) for e in self.events) >= count, timeout
            )
        assert ok, f"no {kind.__name__} #{count}: {kinds(self.events)}"
        return [e for e in self.events if isinstance(e, kind)][count - 1]

    def wait_clock(self, until: float, timeout: float = 20.0) -> None:
        """Until the loop's virtual clock has reached ``until`` (it runs while it waits)."""
        for _ in range(int(timeout / 0.002)):
            if self.clock.wall() >= until:
                return
            threading.Event().wait(0.002)
        raise AssertionError(f"the clock stood at {self.clock.wall() - START:.0f}s")

    def finish(self, timeout: float = 20.0) -> list[object]:
        self.thread.join(timeout)
        assert not self.thread.is_alive()
        return self.events


def holder(node: Path) -> subprocess.Popen:
    """A real process holding ``node`` open, as a video call holds /dev/video0."""
    with node.open("rb") as handle:
        return subprocess.Popen(["sleep", "600"], stdin=handle)


def end(child: subprocess.Popen) -> None:
    child.terminate()
    child.wait(10)


@pytest.fixture
def node(tmp_path: Path) -> Path:
    path = tmp_path / "video0"
    path.write_bytes(b"")
    return path


@pytest.fixture
def children() -> Iterator[list[subprocess.Popen]]:
    started: list[subprocess.Popen] = []
    yield started
    for child in started:
        if child.poll() is None:
            end(child)


def test_a_call_opening_the_camera_gets_it_within_two_seconds_and_we_resume_after(
    node, upright, children
):
    clock = ManualClock(START)
    sources: list[LiveStandIn] = []
    opened_at: list[float] = []

    def start_call(t: float) -> None:
        if t == 60.0 and not children:  # a minute in, a video call opens the camera
            children.append(holder(node))
            opened_at.append(clock.wall())

    def opener() -> LiveStandIn:
        first = not sources
        sources.append(LiveStandIn(upright, node, None if first else 600, start_call))
        return sources[-1]

    run = Run(opener, clock, yield_camera=True).start()
    busy = run.wait_for(CameraBusy)
    assert sources[0].closed, "released before CameraBusy is reported"
    assert busy.t - opened_at[0] <= 2.0  # checked about once a second of clock time
    assert busy.by == f"sleep (pid {children[0].pid})" and busy.retry_in == 30.0
    run.wait_clock(busy.t + 400)  # a long call: longer than a break takes
    assert len(sources) == 1, "no trial open while someone holds the camera"
    end(children[0])
    gone = clock.wall()
    free = run.wait_for(CameraFree)
    events = run.finish()
    assert len(sources) == 2 and free.t >= gone
    assert free.t - gone <= 30.0 + 1.0  # found by the next 30 s check
    assert "SourceEnded" in kinds(events) and events[-1].reason == "end"
    timeline = [e for e in flat(events) if isinstance(e, BreakStarted | BreakEnded)]
    assert timeline == [], "the call is no break"
    (bout,) = [e for e in flat(events) if isinstance(e, SittingBoutEnded)]
    assert bout.start < busy.t and bout.end >= free.t  # the sitting bout carried on
    after = [v for v in verdicts(events) if v.t >= free.t]
    assert after and after[0].state != PostureState.AWAY
    assert all(v.t <= busy.t or v.t >= free.t for v in verdicts(events))


def test_our_own_open_failing_busy_waits_for_the_camera_to_be_free(node, upright, children):
    """The camera was busy at start: nothing is opened while the scan finds the holder."""
    children.append(holder(node))
    clock = ManualClock(START)
    opens: list[float] = []

    def opener() -> LiveStandIn:
        opens.append(clock.wall())
        if children[0].poll() is None:
            raise CameraBusyError("camera 0 is in use by sleep", by="sleep")
        return LiveStandIn(upright, node, 100)

    run = Run(opener, clock, yield_camera=True, camera_device=node).start()
    busy = run.wait_for(CameraBusy)
    assert busy.by == "sleep"
    run.wait_clock(busy.t + 200)
    assert len(opens) == 1, "no trial open while the scan finds a holder"
    end(children[0])
    free = run.wait_for(CameraFree)
    events = run.finish()
    assert len(opens) == 2 and free.t - busy.t >= 200
    assert "CameraUnavailable" not in kinds(events)
    assert not [e for e in flat(events) if isinstance(e, BreakStarted)]


def test_with_yielding_off_a_busy_camera_is_unavailable_and_retried(node, upright):
    clock = ManualClock(START)
    opens: list[int] = []

    def opener() -> LiveStandIn:
        opens.append(1)
        if len(opens) < 3:
            raise CameraBusyError("camera 0 is in use by zoom (pid 4242)", by="zoom (pid 4242)")
        return LiveStandIn(upright, node, 50)

    events = Run(opener, clock, yield_camera=False).start().finish()
    names = kinds(events)
    assert names.count("CameraUnavailable") == 2 and "CameraBusy" not in names
    assert "CameraRecovered" in names
    (first, _) = [e for e in events if isinstance(e, CameraUnavailable)]
    assert "zoom (pid 4242)" in first.reason


def test_a_camera_held_by_someone_else_is_left_alone_when_not_yielding(node, upright, children):
    children.append(holder(node))
    clock = ManualClock(START)
    events = (
        Run(lambda: LiveStandIn(upright, node, 300), clock, yield_camera=False).start().finish()
    )
    assert "CameraBusy" not in kinds(events) and events[-1].reason == "end"


def test_a_locked_screen_releases_the_camera_and_counts_as_away(node, upright):
    clock = ManualClock(START)
    sources: list[LiveStandIn] = []
    run: Run

    def lock_at_a_minute(t: float) -> None:
        if t == 60.0 and len(sources) == 1:
            run.loop.send(SetLocked(True, "org.gnome.ScreenSaver"))

    def opener() -> LiveStandIn:
        sources.append(LiveStandIn(upright, node, None if not sources else 300, lock_at_a_minute))
        return sources[-1]

    run = Run(opener, clock).start()
    locked = run.wait_for(ScreenLocked)
    assert sources[0].closed and locked.by == "org.gnome.ScreenSaver"
    run.wait_clock(locked.t + 600)
    sent = clock.wall()
    run.loop.send(SetLocked(False, "org.gnome.ScreenSaver"))
    unlocked = run.wait_for(ScreenUnlocked)
    events = run.finish()
    assert unlocked.t - sent <= 2.0 and not unlocked.still_paused
    assert len(sources) == 2
    before = [v for v in verdicts(events) if v.t <= locked.t]
    all_events = flat(events)
    first_bout = next(e for e in all_events if isinstance(e, SittingBoutEnded))
    assert first_bout.end == pytest.approx(before[-1].t)  # the bout ended at the lock
    (started,) = [e for e in all_events if isinstance(e, BreakStarted)]
    assert started.away_since == pytest.approx(before[-1].t) and started.t == unlocked.t
    assert any(isinstance(e, BreakEnded) and e.t >= unlocked.t for e in all_events)
    after = [v for v in verdicts(events) if v.t >= unlocked.t]
    assert after and after[0].sitting_since >= unlocked.t  # long-sitting timer restarted
    assert all(v.t <= locked.t or v.t >= unlocked.t for v in verdicts(events))


def test_lock_and_pause_are_independent(node, upright):
    """Paused then locked: the unlock leaves the pause on. Then locked again while paused,
    a Resume during the lock is held until the unlock."""
    clock = ManualClock(START)
    sources: list[LiveStandIn] = []
    run: Run

    def pause_at_ten(t: float) -> None:
        if t == 10.0 and len(sources) == 1:
            run.loop.send(Pause(None))

    def opener() -> LiveStandIn:
        sources.append(LiveStandIn(upright, node, None if not sources else 50, pause_at_ten))
        return sources[-1]

    run = Run(opener, clock).start()
    run.wait_for(Paused)
    run.loop.send(SetLocked(True, "logind"))
    run.wait_for(ScreenLocked)
    run.loop.send(SetLocked(False, "logind"))
    unlocked = run.wait_for(ScreenUnlocked)
    assert unlocked.still_paused and not [e for e in run.events if isinstance(e, Resumed)]
    run.wait_clock(unlocked.t + 120)
    assert len(sources) == 1, "the unlock did not end the user's pause"
    run.loop.send(SetLocked(True, "sleep"))
    run.wait_for(ScreenLocked, 2)
    run.loop.send(Resume())
    run.wait_clock(clock.wall() + 120)
    assert not [e for e in run.events if isinstance(e, Resumed)] and len(sources) == 1
    run.loop.send(SetLocked(False, "sleep"))
    events = run.finish()
    names = kinds(events)
    assert names.count("Paused") == 1 and names.count("Resumed") == 1
    assert names.index("Resumed") > [i for i, n in enumerate(names) if n == "ScreenUnlocked"][1]
    assert len(sources) == 2 and names[-1] == "Stopped"


def test_a_lock_during_a_call_is_away_and_the_camera_is_checked_again_at_the_unlock(
    node, upright, children
):
    clock = ManualClock(START)
    sources: list[LiveStandIn] = []

    def start_call(t: float) -> None:
        if t == 30.0 and not children:
            children.append(holder(node))

    def opener() -> LiveStandIn:
        sources.append(LiveStandIn(upright, node, None if not sources else 100, start_call))
        return sources[-1]

    run = Run(opener, clock, yield_camera=True).start()
    busy = run.wait_for(CameraBusy)
    run.wait_clock(busy.t + 100)
    run.loop.send(SetLocked(True, "org.freedesktop.ScreenSaver"))
    locked = run.wait_for(ScreenLocked)
    end(children[0])  # the call ended while the screen was locked
    run.wait_clock(locked.t + 600)
    assert len(sources) == 1
    sent = clock.wall()
    run.loop.send(SetLocked(False, "org.freedesktop.ScreenSaver"))
    free = run.wait_for(CameraFree)
    events = run.finish()
    assert free.t - sent <= 2.0  # checked at once after the unlock, not 30 s later
    names = kinds(events)
    assert names.index("CameraBusy") < names.index("ScreenLocked") < names.index("CameraFree")
    (started,) = [e for e in flat(events) if isinstance(e, BreakStarted)]
    assert started.t >= locked.t  # the lock's ten minutes are a break, the call's time not
    # the call carried the bout on up to the lock
    assert started.away_since == pytest.approx(locked.t, abs=1.0)
    assert events[-1].reason == "end"
