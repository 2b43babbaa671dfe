"""Where the control socket lives, and how both ends make sure it is ours.

**Where.** ``<runtime folder>/posture-watch/control-<hash>.sock``, with the same runtime
folder as the instance lock (``$XDG_RUNTIME_DIR``, else a private ``run`` folder in our
state folder, never a name in /tmp; see :mod:`posture_watch.monitor.private_folder`).
``<hash>`` is taken from the resolved history path, because one monitor runs per history
file: ``posture-watch status --history FILE`` reaches the monitor that writes ``FILE``,
and monitors on two histories never answer for each other.

**Who.** Only the user who runs the monitor: the folder is 0700 and must be ours (never a
symbolic link; the state-folder fallback is checked like the lock's), the socket is 0600,
and both ends check the other's uid with ``SO_PEERCRED``. The folder is opened once and
the socket reached through ``/proc/self/fd/N/<name>``, so nothing can swap the folder for
a link in between (and a long ``$XDG_RUNTIME_DIR`` cannot overflow the 108-byte socket
address).

The client (:mod:`~posture_watch.monitor.control_client`) and the server
(:mod:`~posture_watch.monitor.control_server`) share this module and its errors; it
imports nothing heavier than the standard library, so the client starts in a blink.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import struct
from collections.abc import Callable
from pathlib import Path

from posture_watch.core.control_protocol import ProtocolError
from posture_watch.core.text import _
from posture_watch.errors import PostureWatchError
from posture_watch.monitor.private_folder import (
    FOLDER,
    UnsafeFolderError,
    open_runtime_folder,
    runtime_dir,
)

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


def socket_name(history: Path) -> str:
    """``control-<16 hex digits>.sock``, from the resolved history path."""
    resolved = Path(history).expanduser().resolve()
    digest = hashlib.sha256(os.fsencode(resolved)).hexdigest()[:16]
    return f"control-{digest}.sock"


def control_socket_path(history: Path) -> Path:
    """``<runtime folder>/posture-watch/control-<hash>.sock`` for the monitor of ``history``."""
    return runtime_dir() / FOLDER / socket_name(history)


def open_folder(*, create: bool) -> int:
    """A descriptor of ``<runtime folder>/posture-watch``, checked to be ours and private.

    The server creates it (0700, as the instance lock does, and tightens an existing one
    of ours to 0700); the client only opens it, and a missing folder means no monitor
    (:class:`NotRunningError`). An unsafe folder is a :class:`ControlError`.
    """
    folder = runtime_dir() / FOLDER
    try:
        fd = open_runtime_folder(create=create)
    except FileNotFoundError as exc:
        if create:
            raise ControlError(
                _("{folder}: cannot create: {reason}").format(
                    folder=folder, reason=exc.strerror or exc
                )
            ) from None
        raise NotRunningError(_("{folder} does not exist").format(folder=folder)) from None
    except UnsafeFolderError as exc:
        raise ControlError(
            _("{path}: {problem}; refusing to use it as the monitor's control socket").format(
                path=exc.path, problem=exc.problem
            ),
            hint=exc.hint,
        ) from None
    except OSError as exc:
        raise ControlError(
            _("{folder}: cannot open: {reason}").format(folder=folder, reason=exc.strerror or exc)
        ) from None
    if create:
        with contextlib.suppress(OSError):
            os.fchmod(fd, 0o700)
    return fd


def socket_address(folder_fd: int, folder: Path, name: str) -> str:
    """The socket's address through the open folder (no swap possible, always short)."""
    if os.path.isdir(f"/proc/self/fd/{folder_fd}"):
        return f"/proc/self/fd/{folder_fd}/{name}"
    return str(folder / name)  # no /proc: the plain path (at most 107 bytes)


def peer_uid(sock: socket.socket) -> int:
    """The uid of the process at the other end of the connected Unix socket ``sock``."""
    pid_uid_gid = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _PEERCRED.size)
    return int(_PEERCRED.unpack(pid_uid_gid)[1])


def read_line(
    sock: socket.socket, limit: int, time_left: Callable[[], float] | None = None
) -> bytes:
    """Bytes up to the first newline (or the end); ProtocolError past ``limit``.

    With ``time_left`` (seconds left for the whole line), each receive waits at most that
    long and TimeoutError comes once it is spent, however the bytes trickle in; without
    it, each receive waits the socket's own timeout."""
    data = b""
    while b"\n" not in data:
        if time_left is not None:
            left = time_left()
            if left <= 0:
                raise TimeoutError("the request took too long")
            sock.settimeout(left)
        chunk = sock.recv(limit + 1 - len(data))
        if not chunk:
            break
        data += chunk
        if len(data) > limit:
            raise ProtocolError(f"a line longer than {limit} bytes")
    return data.split(b"\n", 1)[0]


__all__ = [
    "ControlError",
    "ControlSocketBusyError",
    "NoAnswerError",
    "NotRunningError",
    "control_socket_path",
    "open_folder",
    "peer_uid",
    "read_line",
    "socket_address",
    "socket_name",
]
