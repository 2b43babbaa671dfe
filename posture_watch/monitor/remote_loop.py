"""The monitor loop run in the camera worker, seen from the tray or console process.

:class:`RemoteLoop` has the face of :class:`~posture_watch.monitor.loop.MonitorLoop`
(``send``, ``stop``, ``counts``, ``run``, ``started``), so the tray and the console drive
either the same way. Its ``run`` reads the worker's events and posts them; a Python error
inside the loop is handled in the worker as before (restart, or give up); this module
handles what the worker cannot: its own death, from native code (MediaPipe, FFmpeg) or a
kill.

Then, with the same back-off and crash limit as the loop's own
(:class:`~posture_watch.core.supervision.Supervisor`): a :class:`WorkerCrashed` event (the
tray shows it, the console prints it), the worker's last stderr lines written to the log
file, and after the wait a new worker, which goes on from the last
:class:`~posture_watch.worker.messages.Checkpoint` of the analyzer (the sitting spell and
the smoothing where they were; the gap not monitored). The commands that still hold
(a screen lock, a pause with what is left of it, a new calibration, new settings) are
sent to it again.
Too many crashes end in :class:`WorkerFailed`, as for the loop. The loop's last event is
always :class:`Stopped`. A webcam plugged in while the monitor waits for one gets a new
worker at once (Landlock lets a worker open only the camera nodes present at its start);
that is not a crash.
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
from collections.abc import Callable
from pathlib import Path

from posture_watch.clock import Clock
from posture_watch.core.analyzer import PostureAnalyzer
from posture_watch.core.supervision import Supervisor
from posture_watch.core.text import _
from posture_watch.core.worker_events import (
    CameraUnavailable,
    Command,
    Pause,
    Reconfigure,
    Resume,
    SetBaseline,
    SetLocked,
    Stop,
    Stopped,
    WorkerFailed,
)
from posture_watch.errors import PostureWatchError
from posture_watch.monitor.crash_log import write_crash_text
from posture_watch.monitor.loop import FrameCounts
from posture_watch.worker import messages as m
from posture_watch.worker.client import WorkerClient, WorkerError, raise_error
from posture_watch.worker.protocol import loads
from posture_watch.worker.sandbox import camera_nodes

#: After the pipe closes, how long a stop asked at the same moment (a service manager
#: signals the whole group) may take to arrive before the end counts as a crash.
STOP_GRACE = 0.5
#: How long a worker asked to stop may take to send its last events.
STOP_TIMEOUT = 10.0


class RemoteLoop:
    """A monitor loop in a worker process (see the module). ``start_worker`` starts a
    fresh worker for a restart; ``spec`` is the loop's, ``first`` already opened in
    ``client``."""

    def __init__(
        self,
        client: WorkerClient,
        spec: m.LoopSpec,
        on_event: Callable[[object], None],
        *,
        clock: Clock,
        start_worker: Callable[[], WorkerClient],
    ) -> None:
        self.clock = clock
        self._client = client
        self._spec = spec
        self._emit = on_event
        self._start_worker = start_worker
        self._supervisor = Supervisor(spec.crash_limit)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._standing: dict[type, tuple[Command, float]] = {}
        self._checkpoint: m.Checkpoint | None = None
        self._done = FrameCounts()  # frames of the workers that ended
        self._now = FrameCounts()  # the running worker's
        #: The camera nodes there are now (a worker may open only those present at its
        #: start); replaceable, for a test.
        self.camera_nodes: Callable[[], tuple[Path, ...]] = camera_nodes
        self._nodes = set(self.camera_nodes())
        self._replug = False
        self.started = self._begin(client, spec)

    # -- from any thread -----------------------------------------------------------------

    def send(self, command: Command) -> None:
        """Pass ``command`` to the worker's loop (kept for a restart if it still holds)."""
        t = self.clock.monotonic()
        with self._lock:
            match command:
                case Pause() | Resume():
                    self._standing[Pause] = (command, t)
                case SetLocked() | SetBaseline() | Reconfigure():
                    self._standing[type(command)] = (command, t)
            client = self._client
        if isinstance(command, Stop):
            self._stopping.set()
            self._wake.set()
        with contextlib.suppress(WorkerError):  # gone: a restart resends what holds
            client.send(m.Send(command))

    def stop(self) -> None:
        self.send(Stop())

    @property
    def worker_pid(self) -> int:
        """The pid of the worker running now."""
        with self._lock:
            return self._client.pid

    @property
    def checkpointed(self) -> bool:
        """Whether a checkpoint of the analyzer arrived (a restart would go on from it)."""
        return self._checkpoint is not None

    def counts(self) -> FrameCounts:
        with self._lock:
            return FrameCounts(
                self._done.seen + self._now.seen, self._done.analysed + self._now.analysed
            )

    # -- the thread that runs it ---------------------------------------------------------

    def run(self) -> None:
        """Post the worker's events until its loop stops; restart a worker that died."""
        while True:
            if self._follow():
                return
            if self._replug and not self._stopping.is_set():
                self._replug = False
                if not self._restart():
                    self._end("failed")
                    return
                continue
            if self._stopped_meanwhile():
                self._end("stop")
                return
            told = self._supervisor.crashed(self.clock.wall(), self._client_line(), self._log())
            self._emit(told)
            if isinstance(told, WorkerFailed):
                self._end("failed")
                return
            if self._wait(told.restart_in) or not self._restart():
                self._end("stop" if self._stopping.is_set() else "failed")
                return

    def _follow(self) -> bool:
        """Post events until ``Stopped`` (True) or the worker's end (False)."""
        client = self._client
        while True:
            try:
                message = client.receive()
            except WorkerError:
                return False
            match message:
                case m.Emitted(event=event, seen=seen, analysed=analysed):
                    with self._lock:
                        self._now = FrameCounts(seen, analysed)
                    if isinstance(event, Stopped):
                        event = dataclasses.replace(
                            event,
                            frames_seen=self.counts().seen,
                            frames_analysed=self.counts().analysed,
                        )
                    self._emit(event)
                    if isinstance(event, Stopped):
                        client.close()
                        return True
                    if isinstance(event, CameraUnavailable) and self._camera_plugged():
                        self._replug = True  # a new worker may open the new node
                        client.kill()
                        return False
                case m.Checkpoint():
                    self._checkpoint = message
                case m.CrashText(text=text, wall=wall):
                    write_crash_text(self._spec.crash_log, text, wall)

    def _camera_plugged(self) -> bool:
        """Whether a camera node appeared since the worker started (a webcam plugged in
        while the monitor waited for one): Landlock lets a worker open only the nodes it
        was started with, so a new worker is started, not counted as a crash."""
        return bool(set(self.camera_nodes()) - self._nodes)

    def _stopped_meanwhile(self) -> bool:
        return self._stopping.is_set() or self._stopping.wait(STOP_GRACE)

    def _client_line(self) -> str:
        return str(self._client.died())

    def _log(self) -> str:
        note = self._client.death_note()
        return str(write_crash_text(self._spec.crash_log, note, self.clock.wall()))

    def _wait(self, seconds: float) -> bool:
        """Wait ``seconds`` of clock time; True when a stop came meanwhile."""
        deadline = self.clock.monotonic() + seconds
        while not self._stopping.is_set():
            left = deadline - self.clock.monotonic()
            if left <= 0:
                return False
            self.clock.sleep(min(left, 1.0), self._wake)
        return True

    def _restart(self) -> bool:
        """A new worker going on from the last checkpoint; False when none would start."""
        with self._lock:
            self._done = FrameCounts(
                self._done.seen + self._now.seen, self._done.analysed + self._now.analysed
            )
            self._now = FrameCounts()
        spec = dataclasses.replace(self._spec, first=None, resume=self._checkpoint)
        self._nodes = set(self.camera_nodes())
        try:
            client = self._start_worker()
            if spec.model is not None:
                client.request(m.LoadModel(spec.model))
            self._begin(client, spec)
        except PostureWatchError as exc:  # the restart itself failed: the monitor stops
            line = _("cannot restart the camera worker: {problem}").format(problem=exc.one_line())
            self._emit(WorkerFailed(self.clock.wall(), line, exc.exit_code))
            return False
        with self._lock:
            self._client = client
            standing = list(self._standing.values())
        now = self.clock.monotonic()
        for command, sent in standing:
            match command:
                case Pause(seconds=seconds) if seconds is not None:
                    left = seconds - (now - sent)
                    if left > 0:
                        client.send(m.Send(Pause(left)))
                case Resume():
                    pass
                case _:
                    client.send(m.Send(command))
        return True

    def _begin(self, client: WorkerClient, spec: m.LoopSpec) -> float:
        """Start the loop in ``client``'s worker; its start time."""
        client.send(m.RunMonitor(spec))
        reply = client.receive()
        if isinstance(reply, m.Failed):
            raise_error(reply.error)
        if not isinstance(reply, m.LoopStarted):
            raise WorkerError(_("the camera worker said {kind}").format(kind=type(reply).__name__))
        return reply.started

    def _end(self, reason: str) -> None:
        """The worker is gone for good: close the sitting spell its last checkpoint left
        open (as the loop's own end would), and post the last event."""
        t = self.clock.wall()
        self._client.kill()
        if self._checkpoint is not None:
            analyzer = loads(self._checkpoint.state)  # our own analyzer type, nothing else
            if isinstance(analyzer, PostureAnalyzer):
                for event in analyzer.finish(t):
                    self._emit(event)
        counts = self.counts()
        self._emit(Stopped(t, reason, counts.seen, counts.analysed))


__all__ = ["RemoteLoop"]
