"""The monitor's end of the control socket: answer each request on its own thread.

**The server** (:class:`ControlServer`) runs on its own daemon thread and calls a
:class:`~posture_watch.core.control_protocol.ControlHandler` supplied by the tray
controller or the console monitor. Each connection gets its own short-lived thread with
a deadline for its whole request line (:data:`READ_TIMEOUT`, however slowly the bytes
trickle in), so a client that connects and says nothing delays no one; when all
:data:`MAX_CLIENTS` places are taken by clients still sending, the one that has sent the
longest makes room for the newcomer. A request is checked for size and nesting before it
is parsed (:func:`~posture_watch.core.control_protocol.parse_request`), and bad requests
are reported at most once a minute (with how many were refused). Handlers run one at a
time, in arrival order. A handler that raises gives ``ok: false`` with one line
(its traceback goes to the log file) and the server keeps serving. On start it replaces a
stale socket left by a dead monitor, but never one where a live server answers
(:class:`~posture_watch.monitor.control_socket.ControlSocketBusyError`); on close it
removes its socket, unless another server has replaced it meanwhile. The server refuses a
peer of another uid in one reply line.

**Handlers.** The handler runs on the server's threads, not the controller's. The tray and
the console keep their state on one thread, so they should use :func:`relay`: it posts a
:class:`PendingControl` into their event queue and waits (2 s) for the thread that owns
the state to call :meth:`PendingControl.answer`.

Nothing here reads the clock except through an injected :class:`~posture_watch.clock.Clock`
(the request deadline, the once-a-minute report and the time stamp of a logged traceback).
"""

from __future__ import annotations

import contextlib
import errno
import os
import selectors
import socket
import stat
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from posture_watch.clock import SYSTEM, Clock
from posture_watch.core.control_protocol import (
    MAX_REQUEST,
    ControlHandler,
    ControlReply,
    ControlRequest,
    ProtocolError,
    encode_line,
    one_line,
    parse_request,
)
from posture_watch.core.text import _
from posture_watch.monitor.control_socket import (
    ControlError,
    ControlSocketBusyError,
    control_socket_path,
    open_folder,
    peer_uid,
    read_line,
    socket_address,
)

#: How long the server waits for a client's whole request line (a deadline for the whole
#: line, not per receive: a client trickling one byte a second is still dropped in time).
READ_TIMEOUT = 1.0
#: Bad requests are reported at most once in this many seconds.
BAD_REQUEST_REPORT_EVERY = 60.0
#: How long :func:`relay` waits for the controller thread to answer.
RELAY_TIMEOUT = 2.0
#: Connections read at the same time; more are told the monitor is busy.
MAX_CLIENTS = 16


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
            return ControlReply(
                False,
                _("the monitor did not answer within {seconds} s").format(seconds=f"{timeout:g}"),
            )
        return reply

    return handle


# -- server ---------------------------------------------------------------------------------


def _say_on_stderr(line: str) -> None:
    print(_("posture-watch: {line}").format(line=line), file=sys.stderr, flush=True)


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
        self._bad_lock = threading.Lock()
        self._bad_reported_at: float | None = None  # monotonic time of the last report
        self._bad_unreported = 0

    # -- lifecycle

    def start(self) -> ControlServer:
        if self._thread is not None:
            raise RuntimeError("ControlServer.start() called twice")
        self._folder_fd = open_folder(create=True)
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
        address = socket_address(self._folder_fd, self.path.parent, self._name)
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
                _("{path}: cannot listen: {reason}").format(
                    path=self.path, reason=exc.strerror or exc
                ),
                hint=_("check that the runtime folder is yours and writable"),
            ) from None
        return sock

    def _remove_stale(self, address: str) -> None:
        """The name is taken: unlink it only if it is our socket and no one answers."""
        assert self._folder_fd is not None
        info = os.stat(self._name, dir_fd=self._folder_fd, follow_symlinks=False)
        if not stat.S_ISSOCK(info.st_mode) or info.st_uid != os.getuid():
            what = _("is not a socket") if not stat.S_ISSOCK(info.st_mode) else _("is not yours")
            raise ControlError(
                _("{path}: {what}; refusing to replace it").format(path=self.path, what=what),
                hint=_("remove it, then start again"),
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
            _("another posture-watch already answers on {path}").format(path=self.path),
            hint=_("use `posture-watch status`, or stop it first"),
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
                    for key, _events in selector.select():
                        if key.fileobj is self._listener and not self._stop.is_set():
                            self._accept()
        except BaseException as exc:
            if self._stop.is_set():
                return  # the sockets were closed under us while stopping
            self.crashed = exc
            where = self._log(exc)
            self._report(
                _("the control socket stopped: {problem} (traceback in {file})").format(
                    problem=_describe(exc), file=where
                )
            )

    def _accept(self) -> None:
        assert self._listener is not None
        try:
            conn, _address = self._listener.accept()
        except (BlockingIOError, InterruptedError, ConnectionAbortedError):
            return
        with self._conns_changed:
            if len(self._conns) >= MAX_CLIENTS:
                self._make_room()
            busy = len(self._conns) >= 2 * MAX_CLIENTS  # evicted ones still closing
            if not busy:
                self._conns[conn] = False
        if busy:
            with conn:
                _send_quietly(conn, ControlReply(False, _("the monitor is busy; try again")))
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
                deadline = self._clock.monotonic() + self._read_timeout
                reply = self._answer(conn, lambda: deadline - self._clock.monotonic())
                if reply is not None:
                    _send_quietly(conn, reply)
        except BaseException as exc:  # never silent, never the end of the server
            where = self._log(exc)
            self._report(
                _("control connection failed: {problem} (traceback in {file})").format(
                    problem=_describe(exc), file=where
                )
            )
        finally:
            self._forget(conn)

    def _make_room(self) -> None:
        """All places are taken: drop the connection that has been sending its request the
        longest (one that is being answered is never dropped). Called holding the lock."""
        for old, answering in self._conns.items():
            if not answering:
                with contextlib.suppress(OSError):
                    old.shutdown(socket.SHUT_RDWR)
                self._conns[old] = True  # not chosen twice; its thread forgets it
                return

    def _forget(self, conn: socket.socket) -> None:
        with self._conns_changed:
            self._conns.pop(conn, None)
            self._conns_changed.notify_all()

    def _answer(self, conn: socket.socket, time_left: Callable[[], float]) -> ControlReply | None:
        uid = peer_uid(conn)
        if uid != os.getuid():
            return ControlReply(
                False,
                _("refused: uid {uid} may not control the posture-watch of uid {your_uid}").format(
                    uid=uid, your_uid=os.getuid()
                ),
            )
        try:
            line = read_line(conn, MAX_REQUEST, time_left)
        except (TimeoutError, ConnectionResetError):
            return None  # a client that says nothing in time is simply dropped
        except ProtocolError as exc:
            return self._bad_request(exc)
        if not line.strip():
            return None
        with self._conns_changed:
            if self._conns.get(conn):
                return None  # dropped to make room while it was still sending
            self._conns[conn] = True  # from now on, closing waits for our answer
        try:
            request = parse_request(line)
        except ProtocolError as exc:
            return self._bad_request(exc)
        with self._handler_lock:
            try:
                reply = self.handler(request)
                if not isinstance(reply, ControlReply):
                    raise TypeError(f"the handler returned {type(reply).__name__}")
                encode_line(reply.to_json())  # data that JSON cannot carry fails here, not later
            except Exception as exc:
                where = self._log(exc)
                line_ = _(
                    "the monitor failed on {command}: {problem} (traceback in {file})"
                ).format(command=request.command.value, problem=_describe(exc), file=where)
                self._report(line_)
                return ControlReply(False, line_)
        return reply

    def _bad_request(self, exc: ProtocolError) -> ControlReply:
        """The reply to a bad request; reported on the first, then at most once a minute."""
        now = self._clock.monotonic()
        with self._bad_lock:
            last = self._bad_reported_at
            if last is not None and now - last < BAD_REQUEST_REPORT_EVERY:
                self._bad_unreported += 1
                line = None
            else:
                more, self._bad_unreported = self._bad_unreported, 0
                self._bad_reported_at = now
                if more:
                    line = _(
                        "refused a bad control request: {problem} ({n} more refused since the "
                        "last such line)"
                    ).format(problem=exc, n=more)
                else:
                    line = _("refused a bad control request: {problem}").format(problem=exc)
        if line is not None:
            self._report(line)
        return ControlReply(False, _("bad request: {problem}").format(problem=exc))

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
    "BAD_REQUEST_REPORT_EVERY",
    "MAX_CLIENTS",
    "READ_TIMEOUT",
    "RELAY_TIMEOUT",
    "ControlServer",
    "PendingControl",
    "relay",
]
