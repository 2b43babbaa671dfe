"""The monitor's worker loop: frames in, one typed event stream out, for hours on end.

It runs on a worker thread, owns its analyzer and pose estimator, takes commands on its
own queue (:meth:`MonitorLoop.send`) and reports through one callback, each event once.
Nothing outside this thread reads its objects. Care for the machine and the user:

- the pose model runs about once every two seconds while the state is stable, faster only
  while a change is being confirmed (:class:`~posture_watch.core.sampling.AdaptiveSampler`);
  frames in between are only grabbed, never retrieved;
- a dark, flat frame (a covered camera) reads as *away*, without running the model;
- when the source fails (camera unplugged or taken by another program) the loop reports
  it, retries with back-off and resumes by itself; the timeline carries on;
- a damaged frame of a file source is skipped and reported once, not retried forever;
- while paused the source is closed, so the camera is released;
- time is true time (:class:`~posture_watch.core.true_time.TrueTime`) read from one
  injected clock: after a suspend the loop says so (:class:`Suspended`), the gap counts
  as time away and the camera is reopened;
- the worker is supervised: an unexpected exception is logged with its traceback, reported
  (:class:`WorkerCrashed`) and the loop restarts with back-off; a crash loop, or a fatal
  error such as a bad model, ends it with :class:`WorkerFailed`.
"""

from __future__ import annotations

import dataclasses
import queue
import threading
from collections.abc import Callable
from pathlib import Path

from posture_watch.clock import Clock, SystemClock
from posture_watch.core.analyzer import PostureAnalyzer
from posture_watch.core.sampling import AdaptiveSampler
from posture_watch.core.true_time import TrueTime
from posture_watch.errors import FrameError, PostureWatchError, SourceError
from posture_watch.monitor.crash_log import write_crash
from posture_watch.monitor.events import (
    CameraRecovered,
    CameraUnavailable,
    Command,
    FrameSkipped,
    Pause,
    Paused,
    Recalibrated,
    Resume,
    Resumed,
    SetBaseline,
    SourceEnded,
    Stop,
    Stopped,
    Suspended,
    WorkerCrashed,
    WorkerFailed,
)
from posture_watch.pipeline import frame_landmarks
from posture_watch.pose import PoseEstimator
from posture_watch.sources.base import Frame, FrameSource

#: Longest single sleep in clock seconds, so that a suspend or a pause's end is noticed.
WAIT_SLICE = 1.0
#: Restarts after a crash wait this long, doubling each time.
RESTART_FIRST, RESTART_MAX = 2.0, 60.0
#: This many crashes within this many seconds is a crash loop: the worker gives up.
CRASH_LIMIT, CRASH_WINDOW = 3, 600.0


class MonitorLoop:
    """Drives one source through the analyzer until stopped (or the replay ends).

    ``analyzer`` and ``sampler`` belong to the worker thread once :meth:`run` starts;
    other threads use :meth:`send` and the events, never these objects.
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
        crash_limit: int = CRASH_LIMIT,
        estimator: PoseEstimator | None = None,
    ) -> None:
        self._open_source = open_source
        self.analyzer = analyzer
        self._emit = on_event
        self._make_estimator = make_estimator
        #: Owned from here on: closed when the loop ends, remade after a crash.
        self._estimator: PoseEstimator | None = estimator
        self.clock = clock or SystemClock()
        self.sampler = sampler or AdaptiveSampler()
        self._retry_first, self._retry_max = retry_first, retry_max
        self._crash_log = crash_log
        self._crash_limit = crash_limit
        self._true = TrueTime(self.clock.monotonic(), self.clock.wall())
        #: True time when the loop was made: the console shows times relative to it.
        self.started = self._true.read(self.clock.monotonic(), self.clock.wall()).t
        self._last_frame_t = self.started
        self._commands: queue.Queue[Command] = queue.Queue()
        self._wake = threading.Event()
        self._stopping = False
        self._paused = False
        self._pause_until: float | None = None
        self._crashes: list[float] = []
        self._suspend_seen: tuple[float, float] | None = None
        self._slept = 0.0
        self.frames_seen = self.frames_analysed = 0

    # -- from any thread ----------------------------------------------------------------

    def send(self, command: Command) -> None:
        """Queue a command; the loop acts on it within a moment (it wakes from waits)."""
        self._commands.put(command)
        self._wake.set()

    def stop(self) -> None:
        self.send(Stop())

    # -- the worker thread --------------------------------------------------------------

    def now(self) -> float:
        """True time in epoch seconds; notices a suspend (worker thread only)."""
        reading = self._true.read(self.clock.monotonic(), self.clock.wall())
        if reading.slept > 0:
            self._suspend_seen = (reading.t - reading.slept, reading.t)
        return reading.t

    def run(self) -> None:
        """Run, supervised, until a Stop command, the end of a replay or a fatal error.

        The last event is always :class:`Stopped`.
        """
        reason = "stop"
        restart = RESTART_FIRST
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
                log_file = write_crash(self._crash_log, exc, self.clock.wall())
                self._close_estimator()
                self._crashes = [c for c in self._crashes if t - c < CRASH_WINDOW] + [t]
                line = f"{type(exc).__name__}: {exc}"
                if len(self._crashes) >= self._crash_limit:
                    why = f"the monitor stopped on an error ({line}); details in {log_file}"
                    if self._crash_limit > 1:
                        why = (
                            f"the monitor crashed {len(self._crashes)} times in "
                            f"{CRASH_WINDOW / 60:.0f} min ({line}); details in {log_file}"
                        )
                    self._emit(WorkerFailed(t, why, 1))
                    reason = "failed"
                    break
                self._emit(WorkerCrashed(t, line, restart, str(log_file)))
                self._wait(restart)
                restart = min(restart * 2, RESTART_MAX)
                if self._stopping:
                    break
        self._finish(reason)

    def _finish(self, reason: str) -> None:
        t = self.now()
        self._close_estimator()
        for event in self.analyzer.finish(t):  # the sitting bout still open
            self._emit(event)
        self._emit(Stopped(t, reason, self.frames_seen, self.frames_analysed))

    def _run(self) -> str:
        retry = self._retry_first
        unavailable = False
        while True:
            self._drain()
            if self._stopping:
                return "stop"
            if self._paused:
                self._sit_out_pause()
                continue
            try:
                source = self._open_source()
                if unavailable:
                    self._emit(CameraRecovered(self.now()))
                    unavailable, retry = False, self._retry_first
                if self._run_source(source):
                    self._emit(SourceEnded(self.now()))
                    return "end"
            except FrameError:
                raise  # a source that cannot skip damaged frames: bad input, not a camera
            except SourceError as exc:
                unavailable = True
                self._emit(CameraUnavailable(self.now(), str(exc), retry))
                self._wait(retry)
                retry = min(retry * 2, self._retry_max)

    # -- commands and waiting -----------------------------------------------------------

    def _drain(self) -> bool:
        """Apply queued commands; True when there were any."""
        applied = False
        while True:
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                return applied
            applied = True
            match command:
                case Stop():
                    self._stopping = True
                case Pause(seconds=seconds):
                    self._paused = True
                    self._pause_until = None if seconds is None else self.now() + seconds
                case Resume():
                    self._paused = False
                case SetBaseline(baseline=baseline, profile=profile):
                    self.analyzer.baseline = baseline
                    self._emit(Recalibrated(self.now(), profile))

    def _wait(self, seconds: float) -> bool:
        """Wait ``seconds`` of true time; True when a command, stop or suspend cut it short."""
        deadline = self.now() + seconds
        while True:
            if self._drain() or self._check_suspend():
                return True
            left = deadline - self.now()
            if left <= 0:
                return False
            if self.clock.sleep(min(left, WAIT_SLICE), self._wake):
                self._wake.clear()

    def _check_suspend(self) -> bool:
        """Report a suspend the clocks showed; True when there was one. The time slept
        adds up in ``_slept`` for the frame source to catch up with."""
        self.now()
        if self._suspend_seen is None:
            return False
        since, until = self._suspend_seen
        self._suspend_seen = None
        self._slept += until - since
        self._emit(Suspended(until, since))
        return True

    def _sit_out_pause(self) -> None:
        self._emit(Paused(self.now(), self._pause_until))
        while self._paused and not self._stopping:
            if self._pause_until is not None and self.now() >= self._pause_until:
                self._paused = False
                break
            self._wait(WAIT_SLICE)  # wakes at once for Resume or Stop
        if not self._stopping:
            self.sampler.reset()
            self._emit(Resumed(self.now()))

    # -- one opened source --------------------------------------------------------------

    def _run_source(self, source: FrameSource) -> bool:
        """Feed one opened source; True when it ran out of frames, False when interrupted.

        Frame times are ``base + frame.t``; a suspend moves ``base`` on by the time slept,
        so a replay carries on after the gap, and a live camera is reopened.
        """
        base = self.now()
        self._slept = 0.0
        live = bool(getattr(source, "live", False))
        self.sampler.reset()

        def skipped(error: FrameError) -> None:
            self._emit(FrameSkipped(self.now(), str(error)))

        with source:
            if self._estimator is None:
                self._estimator = self._make_estimator(source)
            frames = source.frames(
                sample=lambda ft: self.sampler.due(base + ft), on_bad_frame=skipped
            )
            for frame in frames:
                self.frames_seen += 1
                if not self.sampler.due(base + frame.t):
                    continue
                self._pace(base + frame.t)
                self._check_suspend()
                if self._stopping or self._paused:
                    return False
                if self._slept:
                    base, self._slept = base + self._slept, 0.0
                    if live:
                        return False  # a camera is reopened after a suspend
                self._analyse(max(base + frame.t, self._last_frame_t), frame)
        return True

    def _pace(self, t: float) -> None:
        """Replays run at (scaled) real time; a live camera is never ahead of the clock."""
        ahead = t - self.now()
        if ahead > 0:
            self._wait(ahead)

    def _analyse(self, t: float, frame: Frame) -> None:
        assert self._estimator is not None
        # the estimator tracks in true time: a reopened source's frames start again at 0
        landmarks = frame_landmarks(dataclasses.replace(frame, t=t), self._estimator)
        self.frames_analysed += 1
        verdict = self.analyzer.step(t, landmarks)
        self._last_frame_t = t
        self.sampler.analysed(t, verdict.raw_state, verdict.state)
        self._emit(verdict)

    def _close_estimator(self) -> None:
        if self._estimator is not None:
            self._estimator.close()
            self._estimator = None
