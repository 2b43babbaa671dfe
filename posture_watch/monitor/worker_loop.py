"""The monitor loop as the worker runs it: built from a :class:`~.messages.LoopSpec`, its
events sent to the parent, the parent's commands read on a thread of their own.

The loop is the same :class:`~posture_watch.monitor.loop.MonitorLoop` that runs on a
thread when no worker is used; what differs is at its edges. Each event leaves as
:class:`~.messages.Emitted` with the frame counts. After a verdict, at most every
:data:`CHECKPOINT_EVERY` seconds, the analyzer's state goes to
the parent as a :class:`~.messages.Checkpoint`, so a worker started after a native crash
goes on with the sitting spell and the smoothing where they were (the time between is not
monitored, as during a call). A traceback is handed to the parent to log
(:class:`~.messages.CrashText`); this process writes no file.
"""

from __future__ import annotations

import pickle
import threading

from posture_watch.clock import Clock, ScaledClock, SystemClock
from posture_watch.core.analyzer import PostureAnalyzer, Verdict
from posture_watch.core.sampling import AdaptiveSampler
from posture_watch.core.worker_events import Stop
from posture_watch.monitor.loop import MonitorLoop
from posture_watch.monitor.replay_resume import ReplayPosition
from posture_watch.pose import MediaPipeEstimator, PoseEstimator, RecordedLandmarks
from posture_watch.profiles import saved_profiles
from posture_watch.sources import open_source
from posture_watch.sources.base import FrameSource
from posture_watch.worker import messages as m
from posture_watch.worker.inbox import Inbox
from posture_watch.worker.protocol import Writer, loads

#: A checkpoint of the analyzer at most this often (true seconds): ~4 kB and 0.2 ms each.
CHECKPOINT_EVERY = 5.0


def clock_for(spec: m.ClockSpec) -> Clock:
    """The parent's clock, read from this process (same origin for a replay's speed)."""
    if spec.speed == 1:
        return SystemClock()
    return ScaledClock(spec.speed, origin=spec.origin)


def analyzer_for(spec: m.LoopSpec) -> PostureAnalyzer:
    """A new analyzer, or the one the last worker left in its checkpoint."""
    if spec.resume is not None:
        state = loads(spec.resume.state)
        if isinstance(state, PostureAnalyzer):
            return state
    return PostureAnalyzer(spec.baseline, spec.decision)


def run_loop(
    spec: m.LoopSpec,
    first: FrameSource | None,
    estimator: PoseEstimator | None,
    reader: Inbox,
    writer: Writer,
) -> None:
    """Run the monitor loop until it stops; every event goes to the parent."""
    pending = [first] if first is not None else []
    position = ReplayPosition()

    def opener() -> FrameSource:
        source = pending.pop() if pending else open_source(spec.spec, fps=spec.fps, size=spec.size)
        return position.wrap(source)

    def make_estimator(source: FrameSource) -> PoseEstimator:
        if not source.has_pixels:
            return RecordedLandmarks()
        assert spec.model is not None
        return MediaPipeEstimator(spec.model, video=True)

    def crash(error: BaseException, wall: float) -> str:
        import traceback

        text = "".join(traceback.format_exception(error))
        writer.send(m.CrashText(text, wall))
        return spec.crash_log

    analyzer = analyzer_for(spec)
    last_checkpoint = float("-inf")
    loop: MonitorLoop

    def emit(event: object) -> None:
        nonlocal last_checkpoint
        counts = loop.counts()
        try:
            writer.send(m.Emitted(event, counts.seen, counts.analysed))
            if isinstance(event, Verdict) and event.t - last_checkpoint >= CHECKPOINT_EVERY:
                last_checkpoint = event.t
                state = pickle.dumps(analyzer, protocol=pickle.HIGHEST_PROTOCOL)
                writer.send(m.Checkpoint(event.t, state))
        except OSError:  # the parent is gone: stop; nobody is left to tell
            loop.send(Stop())

    loop = MonitorLoop(
        opener,
        analyzer,
        emit,
        make_estimator=make_estimator,
        clock=clock_for(spec.clock),
        sampler=AdaptiveSampler(spec.stable_interval, spec.confirm_interval),
        write_crash=crash,
        crash_limit=spec.crash_limit,
        estimator=estimator,
        yield_camera=spec.yield_camera,
        camera_device=spec.camera_device,
        profiles=saved_profiles if spec.profiles else None,
    )
    if spec.resume is not None:  # the time since the crashed worker's last verdict
        analyzer.unmonitored(spec.resume.t, loop.started)
    writer.send(m.LoopStarted(loop.started))
    reader.threaded = True  # from here the command thread is the one reader
    threading.Thread(
        target=_commands, args=(reader, loop), name="posture-watch-commands", daemon=True
    ).start()
    loop.run()


def _commands(reader: Inbox, loop: MonitorLoop) -> None:
    """Pass the parent's commands to the loop; the pipe closing (or Exit) stops it."""
    while True:
        try:
            message = reader.receive()
        except (EOFError, OSError):
            loop.stop()
            return
        match message:
            case m.Send(command=command):
                loop.send(command)  # type: ignore[arg-type]
            case m.Exit():
                loop.stop()
                return


__all__ = ["CHECKPOINT_EVERY", "analyzer_for", "clock_for", "run_loop"]
