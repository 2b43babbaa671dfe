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
- while the screen is locked (:class:`SetLocked` from the session watcher) the source is
  closed too, independently of a pause, and the locked time counts as *away*
  (:meth:`~posture_watch.core.analyzer.PostureAnalyzer.away`): a lock long enough is a
  break. An unlock never ends the user's pause, and a resume while locked waits for the
  unlock;
- with ``yield_camera``, a live camera is given up to a video call: about once a second
  the loop looks for other processes holding the device node
  (:func:`~posture_watch.sources.camera_users.other_users`, a ``/proc`` scan of a few
  milliseconds), and when there is one, or when our own open or grab fails busy
  (:class:`~posture_watch.errors.CameraBusyError`), it closes the source, reports
  :class:`CameraBusy` and checks again every 30 s (the scan, and a trial open only when
  nobody holds the node) until :class:`CameraFree`. That time is *not monitored*,
  neither away nor a break (:meth:`~posture_watch.core.analyzer.PostureAnalyzer.unmonitored`:
  the sitting bout carries on through a call). Without it, a busy camera is an ordinary
  :class:`CameraUnavailable` with back-off. A camera that fails otherwise during a
  call (unplugged) ends the busy spell with :class:`CameraUnavailable`, no
  :class:`CameraFree`;
- a changed set-up (camera moved, another desk, a laptop pulled closer:
  :mod:`~posture_watch.core.setup_drift`) is told once per baseline
  (:class:`SetupChanged`) and never scored as leaning in: a saved profile that fits much
  better is switched to (:class:`Recalibrated` first), else the frames are scored against
  the population baseline until the user recalibrates (:class:`SetBaseline`) or, about
  once a minute, a saved profile is found to fit again;
- time is true time (:class:`~posture_watch.core.true_time.TrueTime`) read from one
  injected clock: after a suspend the loop says so (:class:`Suspended`), the gap counts
  as time away and the camera is reopened;
- the worker is supervised: an unexpected exception is logged with its traceback, reported
  (:class:`WorkerCrashed`) and the loop restarts with back-off; a crash loop, or a fatal
  error such as a bad model, ends it with :class:`WorkerFailed`.
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
from posture_watch.core.analyzer import PostureAnalyzer, Verdict
from posture_watch.core.sampling import AdaptiveSampler
from posture_watch.core.scoring import Baseline
from posture_watch.core.setup_drift import SUSTAIN, SetupDrift, best_profile
from posture_watch.core.true_time import TrueTime
from posture_watch.core.worker_events import (
    CameraBusy,
    CameraFree,
    CameraRecovered,
    CameraUnavailable,
    Command,
    FrameSkipped,
    Pause,
    Paused,
    Recalibrated,
    Resume,
    Resumed,
    ScreenLocked,
    ScreenUnlocked,
    SetBaseline,
    SetLocked,
    SetupChanged,
    SourceEnded,
    Stop,
    Stopped,
    Suspended,
    WorkerCrashed,
    WorkerFailed,
)
from posture_watch.errors import CameraBusyError, FrameError, PostureWatchError, SourceError
from posture_watch.monitor.crash_log import write_crash
from posture_watch.pipeline import frame_landmarks
from posture_watch.pose import PoseEstimator
from posture_watch.sources.base import Frame, FrameSource
from posture_watch.sources.camera_users import OpenWatch, other_users

#: Longest single sleep in clock seconds, so that a suspend or a pause's end is noticed.
WAIT_SLICE = 1.0
#: Restarts after a crash wait this long, doubling each time.
RESTART_FIRST, RESTART_MAX = 2.0, 60.0
#: This many crashes within this many seconds is a crash loop: the worker gives up.
CRASH_LIMIT, CRASH_WINDOW = 3, 600.0
#: While a live camera runs, look for another program holding it this often (seconds)...
BUSY_CHECK = 1.0
#: With an inotify watch on the node, the /proc scan runs only after someone opened or
#: closed it, and on this slow timer as a backstop (an open through another node).
BUSY_BACKSTOP = 30.0
#: ...and while it is held, check whether it is free again this often.
BUSY_RETRY = 30.0
#: While scoring uncalibrated after a set-up change, look for a fitting saved profile
#: this often (seconds).
PROFILE_RECHECK = 60.0


class _CameraTaken(Exception):
    """Raised inside a source's frame loop when another process holds the camera: leaving
    the ``with source`` block closes it at once."""

    def __init__(self, by: str) -> None:
        super().__init__(by)
        self.by = by


@dataclass
class _Busy:
    """A spell of the camera held by another program. ``since`` is the start of the
    stretch not monitored now (None while a lock or pause holds the camera anyway: that
    time counts as theirs); ``next_check`` when to look again."""

    since: float | None
    next_check: float


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
        yield_camera: bool = False,
        camera_device: Path | None = None,
        busy_check: float = BUSY_CHECK,
        busy_retry: float = BUSY_RETRY,
        profiles: Callable[[], dict[str, Baseline]] | None = None,
    ) -> None:
        """``yield_camera``: give a live camera up to another program (a video call).
        ``camera_device`` is the camera's node when known before it opens (so a camera
        busy at start is watched by the scan, not by trial opens); otherwise it is learnt
        from the source's ``device``. ``profiles`` gives the saved calibration profiles by
        name, read when the set-up looks changed (none: the population baseline then)."""
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
        self._locked = False  # as the session watcher last said
        self._lock_pending = False  # a lock not yet sat out (set on lock, cleared on unlock)
        self._lock_t = 0.0
        self._lock_by = self._unlock_by = ""
        self._yield_camera = yield_camera
        self._device = camera_device
        self._busy_check, self._busy_retry = busy_check, busy_retry
        self._busy: _Busy | None = None
        self._crashes: list[float] = []
        self._profiles = profiles or dict
        self._drift = SetupDrift(analyzer.baseline)
        #: Since when frames are scored uncalibrated after a set-up change (None: not).
        self._lost_since: float | None = None
        self._next_recheck = 0.0
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
        if self._busy is not None and self._busy.since is not None:
            self.analyzer.unmonitored(self._busy.since, t)  # a call still on: the bout ran on
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
            if self._paused or self._lock_pending:
                self._sit_out()
                continue
            if self._busy is not None and not self._camera_free():
                continue  # still taken, or a command cut the wait short
            try:
                source = self._open_source()
                self._device = getattr(source, "device", None) or self._device
                if self._busy is not None:
                    self._end_busy(free=True)
                if unavailable:
                    self._emit(CameraRecovered(self.now()))
                    unavailable, retry = False, self._retry_first
                if self._run_source(source):
                    self._emit(SourceEnded(self.now()))
                    return "end"
            except _CameraTaken as taken:
                self._start_busy(taken.by)
            except FrameError:
                raise  # a source that cannot skip damaged frames: bad input, not a camera
            except SourceError as exc:
                if self._yield_camera and isinstance(exc, CameraBusyError):
                    self._start_busy(exc.by or self._who())
                    continue
                if self._busy is not None:
                    self._end_busy(free=False)  # not busy after all: unplugged
                unavailable = True
                self._emit(CameraUnavailable(self.now(), str(exc), retry))
                self._wait(retry)
                retry = min(retry * 2, self._retry_max)

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
                    self._drift, self._lost_since = SetupDrift(baseline), None
                    self._emit(Recalibrated(self.now(), profile))
                case SetLocked(locked=True, by=by):
                    if not self._locked:
                        self._locked = self._lock_pending = True
                        self._lock_t, self._lock_by = self.now(), by
                case SetLocked(locked=False, by=by):
                    self._locked, self._unlock_by = False, by
        return applied

    def _interrupted(self) -> bool:
        """Apply queued commands; True when the open source must be left (a stop, a
        pause or a lock). Cheap enough for every grabbed frame."""
        self._drain()
        return self._stopping or self._paused or self._lock_pending

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

    def _sit_out(self) -> None:
        """Keep the camera released while the user's pause or a screen lock lasts; each is
        reported when it begins and ends. The two are independent: an unlock never ends a
        pause, and a pause that ends while the screen is locked is reported as resumed
        only after the unlock (until then nothing is monitored)."""
        self._hold_busy(self.now())
        locked_shown = paused_shown = False
        while True:
            now = self.now()
            if self._lock_pending and not locked_shown:
                t = max(self._lock_t, self._last_frame_t)
                self._emit(ScreenLocked(self._lock_t, self._lock_by))
                self._away(t)
                locked_shown = True
            if self._paused and not paused_shown:
                self._emit(Paused(now, self._pause_until))
                paused_shown = True
            if self._paused and self._pause_until is not None and now >= self._pause_until:
                self._paused = False
            if self._stopping:
                return
            if locked_shown and not self._locked:
                self._emit(ScreenUnlocked(now, self._unlock_by, still_paused=self._paused))
                self._away(max(now, self._last_frame_t))
                self._lock_pending = locked_shown = False
            if paused_shown and not self._paused and not locked_shown:
                self._emit(Resumed(now))
                paused_shown = False
            if not (self._paused or self._lock_pending):
                break
            self._wait(WAIT_SLICE)  # wakes at once for a command
        self.sampler.reset()
        self._resume_busy(self.now())

    def _away(self, t: float) -> None:
        """The screen locked or unlocked at ``t``: the timeline counts the time as away."""
        self._emit_all(self.analyzer.away(t))
        self._last_frame_t = max(self._last_frame_t, t)

    def _emit_all(self, events: Iterable[object]) -> None:
        for event in events:
            self._emit(event)

    # -- a camera another program holds --------------------------------------------------

    def _who(self) -> str:
        """Who else holds the camera, as far as the scan can tell ("" when unknown)."""
        if self._device is None:
            return ""
        return ", ".join(str(user) for user in other_users(self._device))

    def _start_busy(self, by: str) -> None:
        t = self.now()
        if self._busy is None:
            self._busy = _Busy(since=t, next_check=t + self._busy_retry)
            self._emit(CameraBusy(t, by, self._busy_retry))
        else:  # a trial open failed busy: look again later
            self._busy.next_check = t + self._busy_retry

    def _camera_free(self) -> bool:
        """Wait for the next check, then look: True when nobody else holds the camera,
        so a trial open is worth it. False when still taken or a command came first."""
        assert self._busy is not None
        left = self._busy.next_check - self.now()
        if left > 0:
            self._wait(left)  # wakes at once for a command (lock, pause, stop)
            return False
        self._busy.next_check = self.now() + self._busy_retry
        return not (self._device is not None and other_users(self._device))

    def _end_busy(self, *, free: bool) -> None:
        """The busy spell is over: the camera opened again (``free``), or it failed in
        another way (then :class:`CameraUnavailable` follows instead of CameraFree)."""
        assert self._busy is not None
        t = self.now()
        if self._busy.since is not None:
            self.analyzer.unmonitored(self._busy.since, t)
            self._last_frame_t = max(self._last_frame_t, t)
        self._busy = None
        if free:
            self._emit(CameraFree(t))

    def _hold_busy(self, t: float) -> None:
        """A lock or pause begins during a call: the time not monitored ends here (the
        lock's time is away, the pause's as before)."""
        if self._busy is not None and self._busy.since is not None:
            self.analyzer.unmonitored(self._busy.since, t)
            self._last_frame_t = max(self._last_frame_t, t)
            self._busy.since = None

    def _resume_busy(self, t: float) -> None:
        """The lock or pause is over and the camera was still taken: not monitored again
        from here, and the next check is due at once."""
        if self._busy is not None:
            self._busy.since, self._busy.next_check = t, t

    def _watcher(self, source: FrameSource) -> _TakenCheck:
        """A check that raises :class:`_CameraTaken` when another process holds
        ``source``'s camera (a no-op unless yielding a live camera with a known node)."""
        device = getattr(source, "device", None)
        if not (self._yield_camera and getattr(source, "live", False) and device is not None):
            return _TakenCheck(None, self.now, self._busy_check)
        return _TakenCheck(Path(device), self.now, self._busy_check)

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
                self.frames_seen += 1
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
        self._follow_setup(t, verdict)

    def _follow_setup(self, t: float, verdict: Verdict) -> None:
        """Feed the set-up tracker; on a change, switch to the saved profile that fits or
        score uncalibrated. While uncalibrated, look for a fitting profile now and then."""
        change = self._drift.observe(t, verdict.features, verdict.raw_state)
        if change is not None:
            saved = self._saved()
            name = best_profile(self._drift.recent(), saved, self._drift.baseline)
            if name is None:
                self.analyzer.baseline = Baseline.population()
                self._lost_since, self._next_recheck = t, t + SUSTAIN
                self._emit(SetupChanged(t, None, change.reason))
            else:
                self._use_profile(t, name, saved[name], change.reason)
            return
        if self._lost_since is None or t < self._next_recheck:
            return
        self._next_recheck = t + PROFILE_RECHECK
        if self._drift.seen_time(self._lost_since) < SUSTAIN:
            return
        saved = self._saved()
        name = best_profile(self._drift.recent(since=self._lost_since), saved)
        if name is not None:
            self._use_profile(t, name, saved[name], "")

    def _use_profile(self, t: float, name: str, baseline: Baseline, reason: str) -> None:
        self.analyzer.baseline = baseline
        self._drift, self._lost_since = SetupDrift(baseline), None
        self._emit(Recalibrated(t, name))
        self._emit(SetupChanged(t, name, reason))

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


class _TakenCheck:
    """Is another process holding the camera? Called on every grabbed frame, so it must
    cost next to nothing: the ``/proc`` scan (a few ms, ~50 ms on a crowded desktop) runs
    at most every ``every`` seconds, and with an inotify watch on the node only after an
    open or close of it, plus every :data:`BUSY_BACKSTOP` seconds."""

    def __init__(self, device: Path | None, now: Callable[[], float], every: float) -> None:
        self._device, self._now, self._every = device, now, every
        self._watch = OpenWatch.start(device) if device is not None else None
        t = now()
        self._next, self._backstop, self._dirty = t + every, t + BUSY_BACKSTOP, True
        self.scans = 0

    def __call__(self) -> None:
        if self._device is None:
            return
        now = self._now()
        if self._watch is None or self._watch.changed() or now >= self._backstop:
            self._dirty = True
        if not self._dirty or now < self._next:
            return
        self._next, self._backstop, self._dirty = now + self._every, now + BUSY_BACKSTOP, False
        self.scans += 1
        users = other_users(self._device)
        if users:
            raise _CameraTaken(", ".join(str(user) for user in users))

    def close(self) -> None:
        if self._watch is not None:
            self._watch.close()
            self._watch = None
