"""The monitor's worker loop: frames in, one typed event stream out, for hours on end.

It runs on a worker thread, owns its analyzer and pose estimator, takes commands on its
own queue (:meth:`MonitorLoop.send`) and reports through one callback, each event once.
Nothing outside this thread reads its objects; the frame counts are published as a
frozen :class:`FrameCounts` any thread may read (:meth:`MonitorLoop.counts`).

This module is the I/O around pure rules: it reads frames, runs the estimator, waits on
the injected clock and posts events. The rules live in ``core/``, stepped with time:

- :class:`~posture_watch.core.worker_state.WorkerState`: pause, screen lock, a video
  call holding the camera (``yield_camera``), the back-off after a camera failure;
- :class:`~posture_watch.core.setup_follow.SetupFollower`: what to score against once
  the set-up has changed;
- :class:`~posture_watch.core.supervision.Supervisor`: restart after a crash (logged
  with its traceback), or give up on a crash loop;
- :class:`~posture_watch.core.sampling.AdaptiveSampler`: a verdict about once every two
  seconds while the state is stable; other frames are grabbed, not retrieved;
- :class:`~posture_watch.core.sampling.StillGate`: while the state is stable, a due
  frame whose small grey copy shows that nothing moved since the model last ran reuses
  the last landmarks instead of running the model (at least every ``refresh`` seconds
  it runs anyway).

Here: a dark, flat frame (a covered camera) reads as *away* without running the model; a
damaged frame of a file source is skipped and reported once; while paused or locked the
source is closed; with ``yield_camera`` a live camera is checked about once a second for
another process holding its node (:class:`~posture_watch.monitor.camera_watch.TakenCheck`).
Time is true time (:class:`~posture_watch.core.true_time.TrueTime`) from one injected
clock, and every wait takes its timeout from that clock (``clock.sleep(seconds, wake)``),
so a test on a manual clock never waits on real time. After a suspend the loop says so
(:class:`Suspended`), the gap counts as away and a camera is reopened. A wall clock set
back or ahead while frames flow (NTP, a dual-boot time fix) is not a sleep: the rules go
on in true time and the loop says so (:class:`ClockSet`) for the history to stamp later
minutes by the new wall clock. A fatal error (a bad model) ends the worker with
:class:`WorkerFailed`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import queue
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from posture_watch.clock import Clock, SystemClock
from posture_watch.core.analyzer import PostureAnalyzer
from posture_watch.core.landmarks import Landmarks
from posture_watch.core.sampling import AdaptiveSampler, StillGate
from posture_watch.core.scoring import Baseline
from posture_watch.core.setup_follow import SetupFollower, Switch
from posture_watch.core.supervision import CRASH_LIMIT, Supervisor
from posture_watch.core.true_time import TrueTime
from posture_watch.core.worker_events import (
    ClockSet,
    Command,
    FrameSkipped,
    Reconfigure,
    SetBaseline,
    SourceEnded,
    Stop,
    Stopped,
    Suspended,
    WorkerFailed,
)
from posture_watch.core.worker_state import (
    BUSY_RETRY,
    Away,
    Leave,
    Open,
    Output,
    Unmonitored,
    Wait,
    WorkerState,
)
from posture_watch.errors import CameraBusyError, FrameError, PostureWatchError, SourceError
from posture_watch.monitor.camera_watch import BUSY_CHECK, CameraTaken, TakenCheck, holders
from posture_watch.monitor.crash_log import write_crash as write_crash_file
from posture_watch.pipeline import frame_landmarks, thumbnail
from posture_watch.pose import PoseEstimator
from posture_watch.sources.base import Frame, FrameSource

#: Longest single sleep in clock seconds, so that a suspend or a pause's end is noticed.
SLEEP_SLICE = 1.0


@dataclass(frozen=True)
class FrameCounts:
    """Frames grabbed from the source (``seen``) and run through the pose model
    (``analysed``) so far: one consistent pair, safe to read from any thread."""

    seen: int = 0
    analysed: int = 0


class MonitorLoop:
    """Drives one source through the analyzer until stopped (or the replay ends).

    ``analyzer`` and ``sampler`` belong to the worker thread once :meth:`run` starts;
    other threads use :meth:`send`, :meth:`counts` and the events, never these objects.
    """

    def __init__(
        self,
        open_source: Callable[[], FrameSource],
        analyzer: PostureAnalyzer,
        on_event: Callable[[object], None],
        *,
        make_estimator: Callable[[FrameSource], PoseEstimator],
        clock: Clock | None = None,
        sampler: AdaptiveSampler | None = None,
        retry_first: float = 1.0,
        retry_max: float = 30.0,
        crash_log: Path | None = None,
        write_crash: Callable[[BaseException, float], Path | str] | None = None,
        crash_limit: int = CRASH_LIMIT,
        estimator: PoseEstimator | None = None,
        yield_camera: bool = False,
        camera_device: Path | None = None,
        busy_check: float = BUSY_CHECK,
        busy_retry: float = BUSY_RETRY,
        profiles: Callable[[], dict[str, Baseline]] | None = None,
        still: StillGate | None = None,
    ) -> None:
        """``yield_camera``: give a live camera up to another program (a video call).
        ``camera_device`` is the camera's node when known before it opens (so a camera
        busy at start is watched by the scan, not by trial opens); otherwise it is learnt
        from the source's ``device``. ``profiles`` gives the saved calibration profiles by
        name, read when the set-up looks changed (none: the population baseline then).
        ``write_crash(error, wall)`` keeps a crash's traceback and says where it went
        (default: the log file ``crash_log``; a sandboxed worker, which writes no file,
        hands it to its parent instead)."""
        self._open_source = open_source
        self.analyzer = analyzer
        self._emit = on_event
        self._make_estimator = make_estimator
        #: Owned from here on: closed when the loop ends, remade after a crash.
        self._estimator: PoseEstimator | None = estimator
        self.clock = clock or SystemClock()
        self.sampler = sampler or AdaptiveSampler()
        #: Skips the model while the picture stands still (frames with pixels only).
        self.still = still or StillGate()
        self._landmarks: Landmarks | None = None
        self._pixels = False
        self._write_crash = write_crash or (
            lambda exc, wall: write_crash_file(crash_log, exc, wall)
        )
        self._supervisor = Supervisor(crash_limit)
        self._true = TrueTime(self.clock.monotonic(), self.clock.wall(), self.clock.boottime())
        self._suspend_seen: tuple[float, float] | None = None
        self._clock_set: list[ClockSet] = []
        #: True time when the loop was made: the console shows times relative to it.
        self.started = self.now()
        self._state = WorkerState(
            self.started, busy_retry=busy_retry, retry_first=retry_first, retry_max=retry_max
        )
        self._setup = SetupFollower(analyzer.baseline)
        self._commands: queue.Queue[Command] = queue.Queue()
        self._wake = threading.Event()
        self._yield_camera = yield_camera
        self._device = camera_device
        self._busy_check = busy_check
        self._profiles = profiles or dict
        self._slept = 0.0
        self._counts = FrameCounts()
        self._counts_lock = threading.Lock()

    # -- from any thread ----------------------------------------------------------------

    def send(self, command: Command) -> None:
        """Queue a command; the loop acts on it within a moment (it wakes from waits)."""
        self._commands.put(command)
        self._wake.set()

    def stop(self) -> None:
        self.send(Stop())

    def counts(self) -> FrameCounts:
        """The frame counts so far, as one snapshot (the worker may still be running)."""
        with self._counts_lock:
            return self._counts

    @property
    def frames_seen(self) -> int:
        return self.counts().seen

    @property
    def frames_analysed(self) -> int:
        return self.counts().analysed

    # -- the worker thread --------------------------------------------------------------

    def now(self) -> float:
        """True time in epoch seconds; notices a suspend or a wall clock set (worker
        thread only; they are told at the next :meth:`_check_suspend`)."""
        clock = self.clock
        reading = self._true.read(clock.monotonic(), clock.wall(), clock.boottime())
        if reading.slept > 0:
            self._suspend_seen = (reading.t - reading.slept, reading.t)
        if reading.stepped:
            self._clock_set.append(ClockSet(reading.t, reading.stepped, reading.offset))
        return reading.t

    def run(self) -> None:
        """Run, supervised, until a Stop command, the end of a replay or a fatal error.

        The last event is always :class:`Stopped`.
        """
        reason = "stop"
        while True:
            try:
                reason = self._run()
                break
            except PostureWatchError as exc:  # a bad model or setting: restarting won't help
                self._emit(WorkerFailed(self.now(), exc.one_line(), exc.exit_code))
                reason = "failed"
                break
            except Exception as exc:
                t = self.now()
                log_file = self._write_crash(exc, self.clock.wall())
                self._close_estimator()
                told = self._supervisor.crashed(t, f"{type(exc).__name__}: {exc}", str(log_file))
                self._emit(told)
                if isinstance(told, WorkerFailed):
                    reason = "failed"
                    break
                self._wait(told.restart_in)
                self._state.restarted()
                if self._state.stopping:
                    break
        self._finish(reason)

    def _finish(self, reason: str) -> None:
        t = self.now()
        self._close_estimator()
        self._apply(self._state.finish(t))  # a call still on: the bout ran on
        self._emit_all(self.analyzer.finish(t))  # the sitting bout still open
        counts = self.counts()
        self._emit(Stopped(t, reason, counts.seen, counts.analysed))

    def _run(self) -> str:
        while True:
            self._drain()
            step = self._state.next(self.now())
            self._apply(step.out)
            match step.action:
                case Leave():
                    return "stop"
                case Wait(seconds=seconds):
                    self._wait(seconds)  # wakes at once for a command (lock, pause, stop)
                    continue
                case Open(check_first=True) if holders(self._device):
                    continue  # still taken: no trial open
            try:
                source = self._open_source()
                self._device = getattr(source, "device", None) or self._device
                self._apply(self._state.opened(self.now()))
                if self._run_source(source):
                    self._emit(SourceEnded(self.now()))
                    return "end"
            except CameraTaken as taken:
                self._apply(self._state.camera_busy(self.now(), taken.by))
            except FrameError:
                raise  # a source that cannot skip damaged frames: bad input, not a camera
            except SourceError as exc:
                if self._yield_camera and isinstance(exc, CameraBusyError):
                    by = exc.by or holders(self._device)
                    self._apply(self._state.camera_busy(self.now(), by))
                    continue
                step = self._state.failed(self.now(), str(exc))
                self._apply(step.out)
                assert isinstance(step.action, Wait)
                self._wait(step.action.seconds)

    def _apply(self, out: Iterable[Output]) -> None:
        """Carry out what the worker state returned, in order."""
        for item in out:
            match item:
                case Away(t=t):
                    self._emit_all(self.analyzer.away(t))
                case Unmonitored(since=since, until=until):
                    self.analyzer.unmonitored(since, until)
                case _:
                    self._emit(item)

    def _emit_all(self, events: Iterable[object]) -> None:
        for event in events:
            self._emit(event)

    # -- commands and waiting -----------------------------------------------------------

    def _drain(self) -> bool:
        """Apply queued commands; True when there were any."""
        applied = False
        while not self._commands.empty():
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                break
            applied = True
            if isinstance(command, SetBaseline):
                self._switch(
                    self._setup.recalibrated(self.now(), command.baseline, command.profile)
                )
            elif isinstance(command, Reconfigure):
                self._reconfigure(command)
            else:
                self._state.command(command, self.now())
        return applied

    def _reconfigure(self, command: Reconfigure) -> None:
        """New settings from the file, from the next frame on: the timeline keeps its
        sitting spell and smoothing and reads the new limits at its next update."""
        self.analyzer.settings = self.analyzer.timeline.settings = command.decision
        self.sampler.stable_interval = command.stable_interval
        self.sampler.confirm_interval = command.confirm_interval

    def _interrupted(self) -> bool:
        """Apply queued commands; True when the open source must be left (a stop, a
        pause or a lock). Cheap enough for every grabbed frame."""
        self._drain()
        return self._state.holding

    def _wait(self, seconds: float) -> bool:
        """Wait ``seconds`` of true time; True when a command, stop or suspend cut it short.

        The clock does the sleeping (``clock.sleep``), so a manual clock never waits on
        real time."""
        deadline = self.now() + seconds
        while True:
            if self._drain() or self._check_suspend():
                return True
            left = deadline - self.now()
            if left <= 0:
                return False
            if self.clock.sleep(min(left, SLEEP_SLICE), self._wake):
                self._wake.clear()

    def _check_suspend(self) -> bool:
        """Report a suspend the clocks showed; True when there was one. The time slept
        adds up in ``_slept`` for the frame source to catch up with. A wall clock set
        is told here too (it cuts nothing short: it is not a sleep)."""
        self.now()
        while self._clock_set:
            self._emit(self._clock_set.pop(0))
        if self._suspend_seen is None:
            return False
        since, until = self._suspend_seen
        self._suspend_seen = None
        self._slept += until - since
        self._emit(Suspended(until, since))
        return True

    # -- one opened source --------------------------------------------------------------

    def _watcher(self, source: FrameSource) -> TakenCheck:
        """A check that raises :class:`CameraTaken` when another process holds
        ``source``'s camera (a no-op unless yielding a live camera with a known node)."""
        device = getattr(source, "device", None)
        if not (self._yield_camera and getattr(source, "live", False) and device is not None):
            return TakenCheck(None, self.now, self._busy_check)
        return TakenCheck(Path(device), self.now, self._busy_check)

    def _run_source(self, source: FrameSource) -> bool:
        """Feed one opened source; True when it ran out of frames, False when interrupted.

        Frame times are ``base + frame.t``; a suspend moves ``base`` on by the time slept,
        so a replay carries on after the gap, and a live camera is reopened.
        """
        base = self.now()
        self._slept = 0.0
        live = bool(getattr(source, "live", False))
        self.sampler.reset()
        self.still.reset()
        self._pixels = source.has_pixels

        watch = self._watcher(source)

        def skipped(error: FrameError) -> None:
            self._emit(FrameSkipped(self.now(), str(error)))

        def sample(ft: float) -> bool:
            # called for every grabbed frame: a command or another program taking the
            # camera is noticed at once, not at the next analysed frame
            if self._interrupted():
                return True  # the loop below leaves on this frame
            watch()
            return self.sampler.due(base + ft)

        with source, contextlib.closing(watch):
            if self._estimator is None:
                self._estimator = self._make_estimator(source)
            for frame in source.frames(sample=sample, on_bad_frame=skipped):
                self._count(seen=1)
                if self._interrupted():
                    return False
                watch()
                if not self.sampler.due(base + frame.t):
                    continue
                self._pace(base + frame.t)
                self._check_suspend()
                if self._interrupted():
                    return False
                if self._slept:
                    base, self._slept = base + self._slept, 0.0
                    if live:
                        return False  # a camera is reopened after a suspend
                self._analyse(self._state.frame_time(base + frame.t), frame)
        return True

    def _count(self, seen: int = 0, analysed: int = 0) -> None:
        """Publish new frame counts (a fresh frozen pair, swapped under the lock)."""
        with self._counts_lock:
            c = self._counts
            self._counts = FrameCounts(c.seen + seen, c.analysed + analysed)

    def _pace(self, t: float) -> None:
        """Replays run at (scaled) real time; a live camera is never ahead of the clock."""
        ahead = t - self.now()
        if ahead > 0:
            self._wait(ahead)

    def _analyse(self, t: float, frame: Frame) -> None:
        assert self._estimator is not None
        thumb = None
        if frame.image is not None and self._gated():
            thumb = thumbnail(frame.image)
            if self.still.still(t, thumb, self.sampler.settling):
                self._verdict(t, self._landmarks)  # nothing moved: the same landmarks
                return
        # the estimator tracks in true time: a reopened source's frames start again at 0
        landmarks = frame_landmarks(dataclasses.replace(frame, t=t), self._estimator)
        self._count(analysed=1)
        self.still.ran_model(t, thumb)
        self._landmarks = landmarks
        self._verdict(t, landmarks)

    def _gated(self) -> bool:
        """Whether the still gate works on this source: it needs pixels and adaptive
        sampling. A fixed rate (``--stable-interval`` equal to ``--confirm-interval``,
        as the benchmark's naive design asks) runs the model on every sampled frame."""
        sampler = self.sampler
        adaptive = sampler.stable_interval > sampler.confirm_interval
        return self._pixels and self.still.enabled and adaptive

    def _verdict(self, t: float, landmarks: Landmarks | None) -> None:
        verdict = self.analyzer.step(t, landmarks)
        self._state.analysed(t)
        self.sampler.analysed(t, verdict.raw_state, verdict.state)
        self._emit(verdict)
        if self._setup.observe(t, verdict.features, verdict.raw_state):
            self._switch(self._setup.choose(t, self._saved()))

    def _switch(self, switch: Switch | None) -> None:
        """Score against the baseline the set-up follower chose, and say so."""
        if switch is not None:
            self.analyzer.baseline = switch.baseline
            self._emit_all(switch.events)

    def _saved(self) -> dict[str, Baseline]:
        """The saved profiles; one that cannot be read is left out, never a crash."""
        try:
            return dict(self._profiles())
        except (PostureWatchError, OSError):
            return {}

    def _close_estimator(self) -> None:
        if self._estimator is not None:
            self._estimator.close()
            self._estimator = None
