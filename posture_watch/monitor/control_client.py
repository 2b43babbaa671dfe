"""The client end of the control socket: ask the running monitor one thing.

``posture-watch pause 30m`` and the other control commands run from keyboard shortcuts,
so this side must start in a few tens of milliseconds: it imports neither NumPy nor
OpenCV nor the server's threads, only the protocol (:mod:`posture_watch.core.control_protocol`)
and the socket's safety checks (:mod:`posture_watch.monitor.control_socket`).

It refuses a folder or a socket that is not ours, and a server of another uid
(``SO_PEERCRED``); then it sends one JSON line and reads one back.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import stat
from pathlib import Path

from posture_watch.core.control_protocol import (
    ControlReply,
    ControlRequest,
    ProtocolError,
    encode_line,
)
from posture_watch.core.text import _
from posture_watch.monitor.control_socket import (
    ControlError,
    NoAnswerError,
    NotRunningError,
    control_socket_path,
    open_folder,
    peer_uid,
    read_line,
    socket_address,
    socket_name,
)

#: How long the client waits for the monitor to take the connection, and then to reply.
CLIENT_TIMEOUT = 5.0


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
    folder_fd = open_folder(create=False)
    try:
        try:
            info = os.stat(name, dir_fd=folder_fd, follow_symlinks=False)
        except FileNotFoundError:
            raise NotRunningError(_("{path} does not exist").format(path=folder / name)) from None
        if not stat.S_ISSOCK(info.st_mode):
            raise ControlError(
                _("{path}: is not a socket; refusing to use it").format(path=folder / name)
            )
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            try:
                sock.connect(socket_address(folder_fd, folder, name))
            except (ConnectionRefusedError, FileNotFoundError):
                raise NotRunningError(
                    _("{path}: no one answers (stale)").format(path=folder / name)
                ) from None
            except (TimeoutError, BlockingIOError):
                raise NoAnswerError(
                    _("the running posture-watch did not accept within {timeout:g} s").format(
                        timeout=timeout
                    )
                ) from None
            uid = peer_uid(sock)
            if uid != os.getuid():
                raise ControlError(
                    _("{path}: answered by uid {uid}, not by you (uid {your_uid})").format(
                        path=folder / name, uid=uid, your_uid=os.getuid()
                    )
                )
            return _exchange(sock, request, timeout)
    finally:
        os.close(folder_fd)


def _exchange(sock: socket.socket, request: ControlRequest, timeout: float) -> ControlReply:
    try:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(encode_line(request.to_json()))  # refused early: read why
        line = read_line(sock, 64 * 1024)
    except TimeoutError:
        raise NoAnswerError(
            _("the running posture-watch did not answer within {timeout:g} s").format(
                timeout=timeout
            )
        ) from None
    except (ConnectionResetError, BrokenPipeError):
        line = b""
    except ProtocolError as exc:
        raise NoAnswerError(
            _("the running posture-watch sent a bad reply: {exc}").format(exc=exc)
        ) from None
    if not line:
        raise NoAnswerError(_("the running posture-watch closed the connection without a reply"))
    try:
        return ControlReply.from_json(json.loads(line))
    except (ValueError, ProtocolError) as exc:
        raise NoAnswerError(
            _("the running posture-watch sent a bad reply: {exc}").format(exc=exc)
        ) from None


__all__ = ["CLIENT_TIMEOUT", "send_request"]
