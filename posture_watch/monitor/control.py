"""Control the running monitor from the command line: a Unix socket only its user can use.

``posture-watch pause 30m`` (and ``resume``, ``status``, ``stretch``, ``quit``) must work
from a terminal and from a keyboard shortcut, so each is a one-shot process that asks the
running monitor and exits with a clear code. D-Bus would need a session bus (absent under
a service manager or over SSH); a socket in the user's runtime folder needs nothing.

**Where and who.** A socket per history file in the user's runtime folder, 0700 and 0600,
whose two ends check each other's uid: :mod:`posture_watch.monitor.control_socket` says how.

**Protocol.** One JSON line each way, then the server closes the connection::

    → {"command": "pause", "seconds": 1800}
    ← {"ok": true, "message": "paused for 30 min (until 14:32)"}

``pause`` carries ``"seconds"`` (a finite 1 s to 24 h) or ``"until": "tomorrow"``
(the next morning at the settings' ``[pause] morning``, reckoned by the monitor on its own
clock: :func:`~posture_watch.core.pause_rules.tomorrow_morning`). A reply may carry ``"data"``,
an object for scripts (``status --json``).

**The server** (:class:`ControlServer`) runs on its own daemon thread and calls a
:class:`ControlHandler` supplied by the tray controller or the console monitor. Each
connection gets its own short-lived thread and a deadline for its whole request, so a client
that connects and says nothing, or sends a byte at a time, delays no one; handlers run one
at a time, in arrival order. A handler that raises gives ``ok: false`` with one line (its
traceback goes to the log file) and the server keeps serving. On start it replaces a stale
socket left by a dead monitor, but never one where a live server answers
(:class:`ControlSocketBusyError`); on close it removes its socket, unless another server has
replaced it meanwhile.

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

The parts live apart, each in its own module:

- :mod:`posture_watch.core.control_protocol`: the requests and replies (pure values);
- :mod:`posture_watch.core.pause_rules`: how long a pause lasts, and its reply;
- :mod:`posture_watch.monitor.control_socket`: where the socket is, who may use it;
- :mod:`posture_watch.monitor.control_client`: ``send_request`` (no NumPy, no OpenCV:
  the client side must start in a few tens of milliseconds);
- :mod:`posture_watch.monitor.control_server`: :class:`ControlServer` and :func:`relay`.

This module gathers their public names for the monitor's executors (the tray and the
console), which use both ends; the command line imports the client alone.
"""

from __future__ import annotations

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
)
from posture_watch.core.pause_rules import pause_message, pause_seconds
from posture_watch.monitor.control_client import CLIENT_TIMEOUT, send_request
from posture_watch.monitor.control_server import (
    MAX_CLIENTS,
    READ_TIMEOUT,
    RELAY_TIMEOUT,
    ControlServer,
    PendingControl,
    relay,
)
from posture_watch.monitor.control_socket import (
    ControlError,
    ControlSocketBusyError,
    NoAnswerError,
    NotRunningError,
    control_socket_path,
    socket_name,
)

__all__ = [
    "CLIENT_TIMEOUT",
    "COMMANDS",
    "MAX_CLIENTS",
    "MAX_PAUSE",
    "READ_TIMEOUT",
    "RELAY_TIMEOUT",
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
    "pause_message",
    "pause_seconds",
    "relay",
    "send_request",
    "socket_name",
]
