"""Control the running monitor from the command line: a Unix socket only its user can use.

``posture-watch pause 30m`` (and ``resume``, ``status``, ``stretch``, ``quit``) must work
from a terminal and from a keyboard shortcut, so each is a one-shot process that asks the
running monitor and exits with a clear code. D-Bus would need a session bus (absent under
a service manager or over SSH); a socket in the user's runtime folder needs nothing.

**Where.** ``<runtime folder>/posture-watch/control-<hash>.sock``, with the same runtime
folder as the instance lock (``$XDG_RUNTIME_DIR``, else a private ``runtime-<uid>`` folder
in the temp folder; see :mod:`posture_watch.monitor.instance`). ``<hash>`` is taken from
the resolved history path, because one monitor runs per history file: ``posture-watch
status --history FILE`` reaches the monitor that writes ``FILE``, and monitors on two
histories never answer for each other.

**Who.** Only the user who runs the monitor: the folder is 0700 and must be ours (never a
symbolic link; the temp-folder fallback is checked like the lock's), the socket is 0600,
and both ends check the other's uid with ``SO_PEERCRED``. The server refuses a peer of
another uid in one reply line; the client refuses a server of another uid. The folder is
opened once and the socket reached through ``/proc/self/fd/N/<name>``, so nothing can swap
the folder for a link in between (and a long ``$XDG_RUNTIME_DIR`` cannot overflow the
108-byte socket address).

**Protocol.** One JSON line each way, then the server closes the connection::

    → {"command": "pause", "seconds": 1800}
    ← {"ok": true, "message": "paused for 30 min (until 14:32)"}

``pause`` carries ``"seconds"`` (more than 0, at most 24 h) or ``"until": "tomorrow"``
(local midnight, reckoned by the monitor on its own clock). A reply may carry ``"data"``,
an object for scripts (``status --json``).

**The server** (:class:`ControlServer`) runs on its own daemon thread and calls a
:class:`ControlHandler` supplied by the tray controller or the console monitor. Each
connection gets its own short-lived thread with a read timeout, so a client that connects
and says nothing delays no one; handlers run one at a time, in arrival order. A handler
that raises gives ``ok: false`` with one line (its traceback goes to the log file) and the
server keeps serving. On start it replaces a stale socket left by a dead monitor, but
never one where a live server answers (:class:`ControlSocketBusyError`); on close it
removes its socket, unless another server has replaced it meanwhile.

**Handlers.** The handler runs on the server's threads, not the controller's. The tray and
the console keep their state on one thread, so they should use :func:`relay`: it posts a
:class:`PendingControl` into their event queue and waits (2 s) for the thread that owns
the state to call :meth:`PendingControl.answer`. What each command should do:

============  ===================================================  ========================
command       tray controller                                      console monitor
============  ===================================================  ========================
``pause``     ``loop.send(Pause(pause_seconds(req, wall)))``;      the same
              reply ``pause_message(req, wall)``
``resume``    ``loop.send(Resume())``; ``"resumed"`` (``"not       the same
              paused"`` when it was not, still ok)
``status``    ``status.status_line(t)`` (``Upright · sitting 23    the same, from its own
              min · 87% upright today``), ``data`` with the state  ``TrayStatus``
``stretch``   as the menu's Stretch now; ``"stretch window         :data:`STRETCH_NEEDS_TRAY`
              opened"`` (``"a stretch window is already open"``)   (``ok: false``)
``quit``      as the menu's Quit (writes today's report);          as SIGTERM
              reply ``"quitting"`` before stopping                 (``loop.stop()``);
                                                                   reply ``"stopping"``
============  ===================================================  ========================

Nothing here reads the clock except through an injected :class:`~posture_watch.clock.Clock`
(the time stamp of a logged traceback), and nothing here imports NumPy: the client side
must start in a few tens of milliseconds.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import selectors
import socket
import stat
import struct
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from posture_watch.clock import SYSTEM, Clock
from posture_watch.core.control_protocol import (
    COMMANDS,
    MAX_PAUSE,
    STRETCH_NEEDS_TRAY,
    UNTIL_TOMORROW,
    ControlCommand,
    ControlHandler,
    ControlReply,
    ControlRequest,
    ProtocolError,
    encode_line,
    one_line,
)
from posture_watch.core.durations import format_duration
from posture_watch.core.pause_rules import pause_message, pause_seconds
from posture_watch.errors import PostureWatchError
from posture_watch.monitor.instance import _private_dir, runtime_dir

FOLDER = "posture-watch"
#: A request line longer than this is refused (a real one is under 100 bytes).
MAX_REQUEST = 4096
#: How long the server waits for a client's request line (per receive).
READ_TIMEOUT = 1.0
#: How long :func:`relay` waits for the controller thread to answer.
RELAY_TIMEOUT = 2.0
#: How long the client waits for the monitor to take the connection, and then to reply.
CLIENT_TIMEOUT = 5.0
#: Connections read at the same time; more are told the monitor is busy.
MAX_CLIENTS = 16

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_PEERCRED = struct.Struct("3i")  # struct ucred: pid, uid, gid


class ControlError(PostureWatchError):
    """The control socket or its folder is unsafe, or cannot be used."""


class NotRunningError(ControlError):
    """No monitor answers on the control socket for this history."""

    exit_code = 3


class NoAnswerError(ControlError):
    """The monitor took the connection but gave no usable answer in time."""

    exit_code = 1


class ControlSocketBusyError(ControlError):
    """Another live posture-watch already answers on this control socket."""

    exit_code = 3


# -- helpers for handlers -----------------------------------------------------------------


class PendingControl:
    """A request waiting for the thread that owns the monitor's state to answer it."""

    def __init__(self, request: ControlRequest) -> None:
        self.request = request
        self._reply: ControlReply | None = None
        self._done = threading.Event()

    def answer(self, reply: ControlReply) -> None:
        """Called once by the owning thread (a later call is ignored)."""
        if not self._done.is_set():
            self._reply = reply
            self._done.set()

    def wait(self, timeout: float) -> ControlReply | None:
        """The answer, or None if none came within ``timeout`` seconds."""
        return self._reply if self._done.wait(timeout) else None


def relay(post: Callable[[object], None], timeout: float = RELAY_TIMEOUT) -> ControlHandler:
    """A handler that posts each request as a :class:`PendingControl` (into the tray
    controller's or the console monitor's queue) and waits for its answer."""

    def handle(request: ControlRequest) -> ControlReply:
        pending = PendingControl(request)
        post(pending)
        reply = pending.wait(timeout)
        if reply is None:
            return ControlReply(False, f"the monitor did not answer within {timeout:g} s")
        return reply

    return handle


# -- where ----------------------------------------------------------------------------------


def socket_name(history: Path) -> str:
    """``control-<16 hex digits>.sock``, from the resolved history path."""
    resolved = Path(history).expanduser().resolve()
    digest = hashlib.sha256(os.fsencode(resolved)).hexdigest()[:16]
    return f"control-{digest}.sock"


def control_socket_path(history: Path) -> Path:
    """``<runtime folder>/posture-watch/control-<hash>.sock`` for the monitor of ``history``."""
    return runtime_dir() / FOLDER / socket_name(history)


def _open_folder(*, create: bool) -> int:
    """A descriptor of ``<runtime folder>/posture-watch``, checked to be ours and private.

    The server creates it (0700, as the instance lock does, and tightens an existing one
    of ours to 0700); the client only opens it, and a missing folder means no monitor.
    """
    base = runtime_dir()
    folder = base / FOLDER
    try:
        if os.environ.get("XDG_RUNTIME_DIR"):  # the session's own folder
            if create:
                base.mkdir(mode=0o700, parents=True, exist_ok=True)
            base_fd = os.open(base, _DIR_FLAGS)
        else:  # a name in the shared temp folder that anyone could have taken first
            base_fd = _private_dir(base, None, create=create)
        try:
            fd = _private_dir(folder, base_fd, create=create)
        finally:
            os.close(base_fd)
    except FileNotFoundError as exc:
        if create:
            raise ControlError(f"{folder}: cannot create: {exc.strerror or exc}") from None
        raise NotRunningError(f"{folder} does not exist") from None
    except PostureWatchError as exc:  # unsafe folder (the instance lock's wording)
        raise ControlError(
            str(exc).replace("monitor's lock file", "monitor's control socket"), hint=exc.hint
        ) from None
    except OSError as exc:
        raise ControlError(f"{folder}: cannot open: {exc.strerror or exc}") from None
    if create:
        with contextlib.suppress(OSError):
            os.fchmod(fd, 0o700)
    return fd


def _address(folder_fd: int, folder: Path, name: str) -> str:
    """The socket's address through the open folder (no swap possible, always short)."""
    if os.path.isdir(f"/proc/self/fd/{folder_fd}"):
        return f"/proc/self/fd/{folder_fd}/{name}"
    return str(folder / name)  # no /proc: the plain path (at most 107 bytes)


def _peer_uid(sock: socket.socket) -> int:
    pid_uid_gid = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _PEERCRED.size)
    return int(_PEERCRED.unpack(pid_uid_gid)[1])


def _read_line(sock: socket.socket, limit: int) -> bytes:
    """Bytes up to the first newline (or the end); ProtocolError past ``limit``."""
    data = b""
    while b"\n" not in data:
        chunk = sock.recv(limit + 1 - len(data))
        if not chunk:
            break
        data += chunk
        if len(data) > limit:
            raise ProtocolError(f"a line longer than {limit} bytes")
    return data.split(b"\n", 1)[0]


# -- client ---------------------------------------------------------------------------------


def send_request(
    request: ControlRequest, history: Path, *, timeout: float = CLIENT_TIMEOUT
) -> ControlReply:
    """Ask the monitor of ``history`` and return its reply.

    :class:`NotRunningError` when no monitor answers (no folder, no socket, or a stale
    one); :class:`NoAnswerError` when it took the connection but gave no reply in time;
    :class:`ControlError` when the folder, the socket or the server is not ours.
    """
    folder = control_socket_path(history).parent
    name = socket_name(history)
    folder_fd = _open_folder(create=False)
    try:
        try:
            info = os.stat(name, dir_fd=folder_fd, follow_symlinks=False)
        except FileNotFoundError:
            raise NotRunningError(f"{folder / name} does not exist") from None
        if not stat.S_ISSOCK(info.st_mode):
            raise ControlError(f"{folder / name}: is not a socket; refusing to use it")
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            try:
                sock.connect(_address(folder_fd, folder, name))
            except (ConnectionRefusedError, FileNotFoundError):
                raise NotRunningError(f"{folder / name}: no one answers (stale)") from None
            except (TimeoutError, BlockingIOError):
                raise NoAnswerError(
                    f"the running posture-watch did not accept within {timeout:g} s"
                ) from None
            uid = _peer_uid(sock)
            if uid != os.getuid():
                raise ControlError(
                    f"{folder / name}: answered by uid {uid}, not by you (uid {os.getuid()})"
                )
            return _exchange(sock, request, timeout)
    finally:
        os.close(folder_fd)


def _exchange(sock: socket.socket, request: ControlRequest, timeout: float) -> ControlReply:
    try:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(encode_line(request.to_json()))  # refused early: read why
        line = _read_line(sock, 64 * 1024)
    except TimeoutError:
        raise NoAnswerError(
            f"the running posture-watch did not answer within {timeout:g} s"
        ) from None
    except (ConnectionResetError, BrokenPipeError):
        line = b""
    except ProtocolError as exc:
        raise NoAnswerError(f"the running posture-watch sent a bad reply: {exc}") from None
    if not line:
        raise NoAnswerError("the running posture-watch closed the connection without a reply")
    try:
        return ControlReply.from_json(json.loads(line))
    except (ValueError, ProtocolError) as exc:
        raise NoAnswerError(f"the running posture-watch sent a bad reply: {exc}") from None


# -- server ---------------------------------------------------------------------------------


def _say_on_stderr(line: str) -> None:
    print(f"posture-watch: {line}", file=sys.stderr, flush=True)


class ControlServer:
    """The monitor's end of the control socket for ``history``.

    ``start()`` binds (raising :class:`ControlSocketBusyError` when a live server answers
    there, :class:`ControlError` when the folder is unsafe) and starts the daemon thread;
    ``close()`` stops it and removes the socket. Also a context manager.

    ``report`` receives one line for each handler failure and for a crash of the server
    thread (default: stderr); the tracebacks go to the log file (``log_file``, default
    the user's) stamped with ``clock``'s wall time. :attr:`crashed` keeps the exception
    that ended the server thread, if one did (then ``running`` is False).
    """

    def __init__(
        self,
        handler: ControlHandler,
        history: Path,
        *,
        clock: Clock = SYSTEM,
        report: Callable[[str], None] = _say_on_stderr,
        log_file: Path | None = None,
        read_timeout: float = READ_TIMEOUT,
    ) -> None:
        self.handler = handler
        self.path = control_socket_path(history)
        self._name = self.path.name
        self._clock = clock
        self._report = report
        self._log_file = log_file
        self._read_timeout = read_timeout
        self._handler_lock = threading.Lock()
        # open connections; True once its request is read (then it is being answered)
        self._conns: dict[socket.socket, bool] = {}
        self._conns_changed = threading.Condition()
        self._stop = threading.Event()
        self._folder_fd: int | None = None
        self._listener: socket.socket | None = None
        self._wake: tuple[socket.socket, socket.socket] | None = None
        self._bound: tuple[int, int] | None = None  # (st_dev, st_ino) of our socket file
        self._thread: threading.Thread | None = None
        self.crashed: BaseException | None = None

    # -- lifecycle

    def start(self) -> ControlServer:
        if self._thread is not None:
            raise RuntimeError("ControlServer.start() called twice")
        self._folder_fd = _open_folder(create=True)
        try:
            self._listener = self._bind()
            self._wake = socket.socketpair()
        except BaseException:
            self._release()
            raise
        self._thread = threading.Thread(
            target=self._serve, name="posture-watch-control", daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop accepting, drop clients that have not asked yet, let the answers being
        given go out (1 s at most: a ``quit`` gets its reply) and remove our socket."""
        self._stop.set()
        if self._wake is not None:
            with contextlib.suppress(OSError):
                self._wake[1].send(b"x")
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=1.0)
        with self._conns_changed:
            for conn, answering in self._conns.items():
                if not answering:
                    with contextlib.suppress(OSError):
                        conn.shutdown(socket.SHUT_RDWR)
            self._conns_changed.wait_for(lambda: not self._conns, timeout=1.0)
        self._release()

    def __enter__(self) -> ControlServer:
        """Starts the server unless :meth:`start` already did."""
        return self if self._thread is not None else self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- binding

    def _bind(self) -> socket.socket:
        assert self._folder_fd is not None
        address = _address(self._folder_fd, self.path.parent, self._name)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            try:
                sock.bind(address)
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE:
                    raise
                self._remove_stale(address)
                sock.bind(address)
            os.chmod(self._name, 0o600, dir_fd=self._folder_fd)
            info = os.stat(self._name, dir_fd=self._folder_fd, follow_symlinks=False)
            self._bound = (info.st_dev, info.st_ino)
            sock.listen(MAX_CLIENTS)
        except ControlError:
            sock.close()
            raise
        except OSError as exc:
            sock.close()
            raise ControlError(
                f"{self.path}: cannot listen: {exc.strerror or exc}",
                hint="check that the runtime folder is yours and writable",
            ) from None
        return sock

    def _remove_stale(self, address: str) -> None:
        """The name is taken: unlink it only if it is our socket and no one answers."""
        assert self._folder_fd is not None
        info = os.stat(self._name, dir_fd=self._folder_fd, follow_symlinks=False)
        if not stat.S_ISSOCK(info.st_mode) or info.st_uid != os.getuid():
            what = "is not a socket" if not stat.S_ISSOCK(info.st_mode) else "is not yours"
            raise ControlError(
                f"{self.path}: {what}; refusing to replace it", hint="remove it, then start again"
            )
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(0.5)
            try:
                probe.connect(address)
            except ConnectionRefusedError:  # a socket left by a dead monitor
                os.unlink(self._name, dir_fd=self._folder_fd)
                return
            except FileNotFoundError:  # removed meanwhile
                return
            except (TimeoutError, BlockingIOError):
                pass  # a live server with a full queue
        raise ControlSocketBusyError(
            f"another posture-watch already answers on {self.path}",
            hint="use `posture-watch status`, or stop it first",
        )

    def _release(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        if self._wake is not None:
            for end in self._wake:
                end.close()
            self._wake = None
        if self._folder_fd is not None:
            if self._bound is not None:
                with contextlib.suppress(OSError):  # only our own socket, not a successor's
                    info = os.stat(self._name, dir_fd=self._folder_fd, follow_symlinks=False)
                    if (info.st_dev, info.st_ino) == self._bound:
                        os.unlink(self._name, dir_fd=self._folder_fd)
                self._bound = None
            os.close(self._folder_fd)
            self._folder_fd = None

    # -- serving

    def _serve(self) -> None:
        try:
            assert self._listener is not None and self._wake is not None
            with selectors.DefaultSelector() as selector:
                selector.register(self._listener, selectors.EVENT_READ)
                selector.register(self._wake[0], selectors.EVENT_READ)
                while not self._stop.is_set():
                    for key, _ in selector.select():
                        if key.fileobj is self._listener and not self._stop.is_set():
                            self._accept()
        except BaseException as exc:
            if self._stop.is_set():
                return  # the sockets were closed under us while stopping
            self.crashed = exc
            where = self._log(exc)
            self._report(f"the control socket stopped: {_describe(exc)} (traceback in {where})")

    def _accept(self) -> None:
        assert self._listener is not None
        try:
            conn, _ = self._listener.accept()
        except (BlockingIOError, InterruptedError, ConnectionAbortedError):
            return
        with self._conns_changed:
            busy = len(self._conns) >= MAX_CLIENTS
            if not busy:
                self._conns[conn] = False
        if busy:
            with conn:
                _send_quietly(conn, ControlReply(False, "the monitor is busy; try again"))
            return
        try:
            threading.Thread(
                target=self._connection,
                args=(conn,),
                name="posture-watch-control-conn",
                daemon=True,
            ).start()
        except BaseException:
            self._forget(conn)
            conn.close()
            raise

    def _connection(self, conn: socket.socket) -> None:
        try:
            with conn:
                conn.settimeout(self._read_timeout)
                reply = self._answer(conn)
                if reply is not None:
                    _send_quietly(conn, reply)
        except BaseException as exc:  # never silent, never the end of the server
            where = self._log(exc)
            self._report(f"control connection failed: {_describe(exc)} (traceback in {where})")
        finally:
            self._forget(conn)

    def _forget(self, conn: socket.socket) -> None:
        with self._conns_changed:
            self._conns.pop(conn, None)
            self._conns_changed.notify_all()

    def _answer(self, conn: socket.socket) -> ControlReply | None:
        uid = _peer_uid(conn)
        if uid != os.getuid():
            return ControlReply(
                False, f"refused: uid {uid} may not control the posture-watch of uid {os.getuid()}"
            )
        try:
            line = _read_line(conn, MAX_REQUEST)
        except (TimeoutError, ConnectionResetError):
            return None  # a client that says nothing is simply dropped
        except ProtocolError as exc:
            return ControlReply(False, f"bad request: {exc}")
        if not line.strip():
            return None
        with self._conns_changed:
            self._conns[conn] = True  # from now on, closing waits for our answer
        try:
            request = ControlRequest.from_json(json.loads(line))
        except (ValueError, ProtocolError) as exc:
            return ControlReply(False, f"bad request: {exc}")
        with self._handler_lock:
            try:
                reply = self.handler(request)
                if not isinstance(reply, ControlReply):
                    raise TypeError(f"the handler returned {type(reply).__name__}")
                encode_line(reply.to_json())  # data that JSON cannot carry fails here, not later
            except Exception as exc:
                where = self._log(exc)
                line_ = f"the monitor failed on {request.command.value}: {_describe(exc)}"
                self._report(f"{line_} (traceback in {where})")
                return ControlReply(False, f"{line_} (traceback in {where})")
        return reply

    def _log(self, exc: BaseException) -> Path | str:
        from posture_watch.monitor.crash_log import write_crash

        try:
            wall = self._clock.wall()
        except Exception:
            wall = 0.0
        return write_crash(self._log_file, exc, wall)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {one_line(str(exc))}" if str(exc) else type(exc).__name__


def _send_quietly(conn: socket.socket, reply: ControlReply) -> None:
    """Send the reply; a client that has gone away is no error of ours."""
    with contextlib.suppress(OSError):
        conn.sendall(encode_line(reply.to_json()))


__all__ = [
    "COMMANDS",
    "MAX_PAUSE",
    "STRETCH_NEEDS_TRAY",
    "UNTIL_TOMORROW",
    "ControlCommand",
    "ControlError",
    "ControlHandler",
    "ControlReply",
    "ControlRequest",
    "ControlServer",
    "ControlSocketBusyError",
    "NoAnswerError",
    "NotRunningError",
    "PendingControl",
    "ProtocolError",
    "control_socket_path",
    "format_duration",
    "pause_message",
    "pause_seconds",
    "relay",
    "send_request",
    "socket_name",
]
