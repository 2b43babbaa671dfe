"""The parent's side of the worker: start it, ask it things, notice when it dies.

One :class:`WorkerClient` is one worker process. It is started with what its sandbox
must let it read (:class:`~posture_watch.worker.sandbox.Allowed`: the model, the sources
named on the command line, the profiles), says :class:`~.messages.Ready`, and then answers
one request at a time (:meth:`request`). The worker runs in a session of its own, so the
terminal's Ctrl-C and hang-up reach only the parent, which stops the worker in order.

Its stderr is a pipe read here by a thread: our own one-line warnings
(``posture-watch: …``) are passed on to this process's stderr; everything else (a
traceback, the dump :mod:`faulthandler` writes when native code crashes) is kept, the
last :data:`KEPT_LINES` lines, for the log file when the worker dies
(:meth:`death_note`). With ``POSTURE_WATCH_DEBUG`` set, every line is passed on.

When is a worker used: whenever the posture-watch command line owns the process, or
another entry point of ours claims it (:func:`claim`; see :func:`wanted`). A host that
calls ``cli.main`` in-process (the tests) keeps sources and the model in its own process,
as it keeps its network (``enforce_offline_in_cli``), unless
``POSTURE_WATCH_WORKER=process`` asks for the worker; ``POSTURE_WATCH_WORKER=thread`` turns
the worker off for debugging.
"""

from __future__ import annotations

import collections
import contextlib
import os
import subprocess
import sys
import threading
from pathlib import Path

from posture_watch import errors, paths
from posture_watch.core.text import _
from posture_watch.errors import PostureWatchError, exit_reason
from posture_watch.native_log import debug_enabled
from posture_watch.offline import cli_owns_process
from posture_watch.private_files import private_folder
from posture_watch.sources.camera_users import other_users
from posture_watch.worker import messages as m
from posture_watch.worker.protocol import ProtocolError, Reader, Writer
from posture_watch.worker.sandbox import Allowed

#: ``process`` or ``thread``: where the camera and the model run (see the module).
WORKER_ENV = "POSTURE_WATCH_WORKER"
#: The worker's module, started as ``python -m``.
ENTRY = "posture_watch.monitor.worker_entry"
#: Seconds a new worker may take to import and shut itself in before it is given up.
START_TIMEOUT = 120.0
#: Seconds a worker asked to exit may take before it is killed.
EXIT_TIMEOUT = 5.0
#: Lines of the worker's stderr kept for the log file.
KEPT_LINES = 200

#: The error classes a worker may report, by name (anything else: the base class).
_ERRORS: dict[str, type[PostureWatchError]] = {
    cls.__name__: cls
    for cls in vars(errors).values()
    if isinstance(cls, type) and issubclass(cls, PostureWatchError)
}


class WorkerError(PostureWatchError):
    """The worker process died or said something that is not a message of ours."""

    exit_code = 1


#: Set by :func:`claim`: an entry point of ours owns this process.
_claimed = False


def claim() -> None:
    """Say that an entry point of ours owns this process (the calibration window's child
    process): its sources and model go to a worker, as the command line's do."""
    global _claimed
    _claimed = True


def wanted() -> bool:
    """Whether sources and the model run in a worker process (see the module)."""
    choice = os.environ.get(WORKER_ENV, "").strip().lower()
    if choice in ("process", "thread"):
        return choice == "process"
    return _claimed or cli_owns_process()


def raise_error(info: m.ErrorInfo) -> None:
    """Raise the error the worker reported, as the same class with the same line."""
    cls = _ERRORS.get(info.kind, PostureWatchError)
    if info.kind == "CameraBusyError":
        raise errors.CameraBusyError(info.message, hint=info.hint, by=info.by)
    raise cls(info.message, hint=info.hint)


def matplotlib_home(env: dict[str, str]) -> Path:
    """The folder matplotlib keeps its settings and font list in, made here.

    MediaPipe's drawing helpers, the one place it imports matplotlib, are not loaded
    (:func:`posture_watch.pose.skip_drawing_helpers`). Should a library import matplotlib
    in the worker all the same, its import fails where the folder is missing (it tries to
    make it, then a temporary one, and the worker may write nothing): so the parent makes
    it (ours, in the cache folder, unless the person set ``MPLCONFIGDIR``)."""
    folder = Path(env.get("MPLCONFIGDIR") or paths.cache_dir() / "matplotlib")
    with contextlib.suppress(OSError):  # else the worker's matplotlib says why, in the log
        private_folder(folder, paths.cache_dir())
    return folder


class WorkerClient:
    """One worker process (see the module). Use as a context manager, or :meth:`close`."""

    def __init__(self, allowed: Allowed | None = None) -> None:
        self.allowed = allowed or Allowed()
        self.pid = 0
        self.sandbox: m.Sandboxed | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._reader: Reader | None = None
        self._writer: Writer | None = None
        self._kept: collections.deque[str] = collections.deque(maxlen=KEPT_LINES)
        self._relay: threading.Thread | None = None
        self._next_id = 0
        self._closed = False

    # -- life ------------------------------------------------------------------------------

    def start(self) -> WorkerClient:
        """Start the worker and wait until it is shut in and ready (WorkerError if not)."""
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        package_parent = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH")) if p)
        env[Allowed.ENV] = self.allowed.to_env()
        env["MPLCONFIGDIR"] = str(matplotlib_home(env))
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", ENTRY, str(to_worker_r), str(from_worker_w)],
                pass_fds=(to_worker_r, from_worker_w),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                env=env,
                start_new_session=True,
            )
        except OSError as exc:
            for fd in (to_worker_r, to_worker_w, from_worker_r, from_worker_w):
                os.close(fd)
            raise WorkerError(
                _("cannot start the camera worker: {problem}").format(problem=exc)
            ) from exc
        os.close(to_worker_r)
        os.close(from_worker_w)
        self.pid = self._process.pid
        self._writer, self._reader = Writer(to_worker_w), Reader(from_worker_r)
        self._relay = threading.Thread(
            target=self._relay_stderr, name="posture-watch-worker-stderr", daemon=True
        )
        self._relay.start()
        if not self._reader.ready(START_TIMEOUT):
            self.kill()
            raise WorkerError(
                _("the camera worker did not start within {seconds:.0f} s").format(
                    seconds=START_TIMEOUT
                )
            )
        ready = self.receive()
        if not isinstance(ready, m.Ready):
            self.kill()
            raise WorkerError(
                _("the camera worker said {kind} instead of Ready").format(
                    kind=type(ready).__name__
                )
            )
        self.sandbox = ready.sandbox
        return self

    def __enter__(self) -> WorkerClient:
        return self if self._process is not None else self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def returncode(self) -> int | None:
        return None if self._process is None else self._process.poll()

    def close(self) -> None:
        """Ask the worker to exit; kill it when it does not within :data:`EXIT_TIMEOUT`."""
        if self._process is None or self._closed:
            return
        self._closed = True
        if self._writer is not None:
            with contextlib.suppress(OSError):
                self._writer.send(m.Exit())
            self._writer.close()
        try:
            self._process.wait(EXIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
        self._finish()

    def kill(self) -> None:
        """End the worker now (SIGKILL) and wait for it."""
        if self._process is None:
            return
        self._closed = True
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        self._finish()

    def wait(self, timeout: float) -> int | None:
        """The worker's return code once it ended within ``timeout`` s, else None."""
        if self._process is None:
            return None
        try:
            return self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def _finish(self) -> None:
        if self._writer is not None:
            self._writer.close()
        if self._relay is not None:
            self._relay.join(1.0)
        if self._reader is not None:
            self._reader.close()

    # -- messages --------------------------------------------------------------------------

    def new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def send(self, message: object) -> None:
        """Send a message; WorkerError when the worker is gone."""
        assert self._writer is not None, "start() the worker first"
        try:
            self._writer.send(message)
        except OSError as exc:
            raise self.died() from exc

    def receive(self) -> object:
        """The worker's next message; WorkerError when it died or broke the protocol. A
        camera scan the worker asks for meanwhile is answered here (:meth:`_scan`)."""
        assert self._reader is not None, "start() the worker first"
        while True:
            try:
                message = self._reader.receive()
            except EOFError as exc:
                raise self.died() from exc
            except ProtocolError as exc:
                self.kill()
                raise WorkerError(
                    _("the camera worker broke the protocol: {problem}").format(problem=exc)
                ) from exc
            if not isinstance(message, m.ScanCamera):
                return message
            self.send(self._scan(message.device))

    def _scan(self, device: Path) -> m.CameraUsers:
        """Who else has ``device`` open, the worker left out (it is the one streaming)."""
        users = other_users(device, own_pid=self.pid)
        return m.CameraUsers(tuple((user.pid, user.name) for user in users))

    def ready(self, timeout: float) -> bool:
        assert self._reader is not None
        return self._reader.ready(timeout)

    def request(self, message: object) -> object:
        """Send ``message`` and return the reply; the worker's error is raised here."""
        self.send(message)
        reply = self.receive()
        if isinstance(reply, m.Failed):
            raise_error(reply.error)
        return reply

    def died(self) -> WorkerError:
        """The error for a worker that is gone: how it ended, in one line."""
        code = self.wait(EXIT_TIMEOUT)
        if self._relay is not None:
            self._relay.join(1.0)  # its last lines, for the reason below
        last = next((line for line in reversed(self._kept) if line.strip()), "")
        why = f": {last.strip()}" if code is not None and code > 0 and last else ""
        return WorkerError(
            _("the camera worker stopped ({how}){why}").format(how=exit_reason(code), why=why)
        )

    def death_note(self) -> str:
        """How the worker ended and the last lines of its stderr, for the log file."""
        code = self.returncode()
        kept = "\n".join(self._kept)
        return f"the camera worker (pid {self.pid}) {exit_reason(code)}\n{kept}".rstrip() + "\n"

    # -- the worker's stderr ---------------------------------------------------------------

    def _relay_stderr(self) -> None:
        assert self._process is not None and self._process.stderr is not None
        passing = debug_enabled()
        for raw in self._process.stderr:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self._kept.append(line)
            if passing or line.startswith("posture-watch: "):
                try:
                    sys.stderr.write(line + "\n")
                    sys.stderr.flush()
                except (OSError, ValueError):
                    pass
        self._process.stderr.close()


__all__ = ["WorkerClient", "WorkerError", "raise_error", "wanted"]
