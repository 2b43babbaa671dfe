"""The questions the do-not-disturb watcher asks the desktop, one class each.

Each probe answers one thing (:meth:`Probe.check`: is its reason in force now?) and
raises :class:`ProbeGone` when it can never answer again (its server went away); what
each asks, and what cannot be known, is in :mod:`posture_watch.desktop.do_not_disturb`,
which polls them. :func:`desktop_probes` builds those that this desktop answers.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import struct
import subprocess
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from jeepney import DBusAddress, MessageFlag, new_method_call
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from jeepney.wrappers import DBusErrorResponse, unwrap_msg

from posture_watch.core.held_back import Disturb
from posture_watch.core.text import N_, _

log = logging.getLogger(__name__)

#: Seconds a server may take to answer (a hung one must not hold the watcher up).
CALL_TIMEOUT = 1.0
NOTIFICATIONS = ("org.freedesktop.Notifications", "/org/freedesktop/Notifications")
DUNST = "org.dunstproject.cmd0"
GNOME_SCHEMA, GNOME_KEY = "org.gnome.desktop.notifications", "show-banners"

Say = Callable[[str], None]


class ProbeGone(Exception):
    """The probe cannot answer any more (its server went away): stop asking it."""


class Probe(Protocol):
    """One question to the desktop: is ``reason`` in force now?"""

    name: str
    reason: Disturb

    def check(self) -> bool: ...

    def close(self) -> None: ...


class X11FullScreen:
    """The active window (``_NET_ACTIVE_WINDOW``) is in full screen (``_NET_WM_STATE``)."""

    name = N_("X11 full screen")  # marked: _() where said
    reason = Disturb.FULLSCREEN

    def __init__(self, display_name: str) -> None:
        from Xlib import display, error

        self._errors = (error.BadWindow, error.BadMatch, error.BadValue, error.BadAtom)
        try:
            self._display = display.Display(display_name)
        except (error.DisplayError, OSError) as exc:
            raise ProbeGone(f"cannot open the display {display_name}: {exc}") from exc
        atom = self._display.intern_atom
        self._active, self._state = atom("_NET_ACTIVE_WINDOW"), atom("_NET_WM_STATE")
        self._full = atom("_NET_WM_STATE_FULLSCREEN")
        self._root = self._display.screen().root

    def check(self) -> bool:
        from Xlib import X, Xatom, error

        try:
            active = self._root.get_full_property(self._active, X.AnyPropertyType)
            if active is None or not len(active.value) or not active.value[0]:
                return False  # no window manager, or nothing has the focus
            window = self._display.create_resource_object("window", int(active.value[0]))
            try:
                state = window.get_full_property(self._state, Xatom.ATOM)
            except self._errors:
                return False  # the window closed between the two questions
        except (error.ConnectionClosedError, OSError) as exc:
            raise ProbeGone(f"the X display closed: {exc}") from exc
        return state is not None and self._full in state.value

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._display.close()


class SwayFullScreen:
    """sway's focused window, or a container around it, is in full screen (its IPC)."""

    name = N_("sway full screen")
    reason = Disturb.FULLSCREEN
    _MAGIC, _GET_TREE = b"i3-ipc", 4

    def __init__(self, path: str) -> None:
        self._path = path

    def check(self) -> bool:
        try:
            tree = json.loads(self._ask(self._GET_TREE))
        except (OSError, ValueError) as exc:
            raise ProbeGone(f"sway's IPC at {self._path} did not answer: {exc}") from exc
        return focused_in_full_screen(tree)

    def _ask(self, kind: int) -> bytes:
        """One IPC message and its reply (a fresh connection: sway closes idle ones)."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(CALL_TIMEOUT)
            sock.connect(self._path)
            sock.sendall(self._MAGIC + struct.pack("<II", 0, kind))
            header = _read(sock, len(self._MAGIC) + 8)
            if not header.startswith(self._MAGIC):
                raise ValueError("not an i3-ipc reply")
            (length, _kind) = struct.unpack("<II", header[len(self._MAGIC) :])
            return _read(sock, length)

    def close(self) -> None:
        pass


def _read(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise OSError("the connection closed")
        data += chunk
    return data


def focused_in_full_screen(tree: Mapping[str, Any]) -> bool:
    """Whether sway's tree (``GET_TREE``) has the focused window in full screen, itself
    or through a container around it. Workspaces say ``fullscreen_mode`` 1 for i3's
    sake, so only windows and containers (``con``, ``floating_con``) count."""

    def walk(node: Mapping[str, Any], full: bool) -> bool | None:
        if node.get("type") in ("con", "floating_con"):
            full = full or bool(node.get("fullscreen_mode"))
        if node.get("focused"):
            return full
        for child in (*node.get("nodes", ()), *node.get("floating_nodes", ())):
            found = walk(child, full)
            if found is not None:
                return found
        return None

    return bool(walk(tree, False))


class NotificationsPaused:
    """The notification server is inhibited (``Inhibited``) or dunst is paused."""

    name = N_("notification server")
    reason = Disturb.NOTIFICATIONS_PAUSED
    #: (interface, property) asked of the server, in turn.
    PROPERTIES = ((NOTIFICATIONS[0], "Inhibited"), (DUNST, "paused"))

    def __init__(self, bus: str = "SESSION") -> None:
        """``bus``: ``"SESSION"`` (from the environment) or a D-Bus address."""
        try:
            self._conn: DBusConnection = open_dbus_connection(bus=bus)
        except (OSError, KeyError, ValueError) as exc:
            raise ProbeGone(f"no session bus: {exc}") from exc

    def check(self) -> bool:
        return any(self._get(iface, prop) for iface, prop in self.PROPERTIES)

    def _get(self, interface: str, prop: str) -> bool:
        """The property's value; False when the server or the property is not there."""
        address = DBusAddress(
            NOTIFICATIONS[1], NOTIFICATIONS[0], interface="org.freedesktop.DBus.Properties"
        )
        msg = new_method_call(address, "Get", "ss", (interface, prop))
        msg.header.flags |= MessageFlag.no_auto_start
        try:
            ((_signature, value),) = unwrap_msg(
                self._conn.send_and_get_reply(msg, timeout=CALL_TIMEOUT)
            )
        except (DBusErrorResponse, TimeoutError):
            return False  # no server, an older one, or another one
        except OSError as exc:
            raise ProbeGone(f"the session bus closed: {exc}") from exc
        return value is True

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._conn.close()


class GnomeBanners:
    """GNOME's ``show-banners`` is off, followed by a ``gsettings monitor`` process."""

    name = N_("GNOME notification banners")
    reason = Disturb.NOTIFICATIONS_PAUSED

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self._env = dict(os.environ if env is None else env)
        argv = [GNOME_SCHEMA, GNOME_KEY]
        try:  # the monitor first, so a change right after the first read is not missed
            self._monitor = subprocess.Popen(
                ["gsettings", "monitor", *argv],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=self._env,
            )
            first = subprocess.run(
                ["gsettings", "get", *argv],
                capture_output=True, text=True, env=self._env, timeout=5, check=False,
            )  # fmt: skip
        except (OSError, subprocess.SubprocessError) as exc:
            raise ProbeGone(f"gsettings did not run: {exc}") from exc
        assert self._monitor.stdout is not None
        os.set_blocking(self._monitor.stdout.fileno(), False)
        self._buffer = b""
        self._off = first.stdout.strip() == "false"

    @property
    def monitor_pid(self) -> int:
        """The ``gsettings monitor`` process (what it costs is measured by
        ``benchmarks/bench_do_not_disturb.py``)."""
        return self._monitor.pid

    def check(self) -> bool:
        assert self._monitor.stdout is not None
        try:
            data = self._monitor.stdout.read()
        except OSError:
            data = None
        if data:  # "show-banners: false", one line a change
            self._buffer += data
            *lines, self._buffer = self._buffer.split(b"\n")
            for line in lines:
                if line.startswith(GNOME_KEY.encode() + b":"):
                    self._off = line.split(b":", 1)[1].strip() == b"false"
        elif data == b"" or self._monitor.poll() is not None:
            raise ProbeGone("gsettings monitor ended")
        return self._off

    def close(self) -> None:
        if self._monitor.poll() is None:
            self._monitor.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._monitor.wait(2.0)
        if self._monitor.stdout is not None:
            self._monitor.stdout.close()


def gnome_schema_present(env: Mapping[str, str]) -> bool:
    """GNOME's notification settings exist here and the desktop is GNOME's."""
    if "gnome" not in env.get("XDG_CURRENT_DESKTOP", "").lower():
        return False
    try:
        found = subprocess.run(
            ["gsettings", "list-keys", GNOME_SCHEMA],
            capture_output=True, text=True, env=dict(env), timeout=5, check=False,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return False
    return found.returncode == 0 and GNOME_KEY in found.stdout.split()


def desktop_probes(env: Mapping[str, str] | None = None, say: Say | None = None) -> list[Probe]:
    """The probes this desktop answers (see the module docstring); one line through
    ``say`` for each that should work and does not ("X11 full screen: not followed, so
    nudges are not held back for it (cannot open the display :0: ...)")."""
    env = os.environ if env is None else env
    tell = say or log.warning
    makers: list[tuple[str, Callable[[], Probe]]] = []
    if env.get("DISPLAY"):
        makers.append((X11FullScreen.name, lambda: X11FullScreen(env["DISPLAY"])))
    if env.get("SWAYSOCK"):
        makers.append((SwayFullScreen.name, lambda: SwayFullScreen(env["SWAYSOCK"])))
    if env.get("DBUS_SESSION_BUS_ADDRESS"):
        bus = env["DBUS_SESSION_BUS_ADDRESS"]
        makers.append((NotificationsPaused.name, lambda: NotificationsPaused(bus)))
    if gnome_schema_present(env):
        makers.append((GnomeBanners.name, lambda: GnomeBanners(env)))
    probes: list[Probe] = []
    for name, make in makers:
        try:
            probes.append(make())
        except ProbeGone as exc:
            line = _("{probe}: not followed, so nudges are not held back for it ({error})")
            tell(line.format(probe=_(name), error=exc))
    return probes


__all__ = [
    "CALL_TIMEOUT",
    "NOTIFICATIONS",
    "GnomeBanners",
    "NotificationsPaused",
    "Probe",
    "ProbeGone",
    "Say",
    "SwayFullScreen",
    "X11FullScreen",
    "desktop_probes",
    "focused_in_full_screen",
    "gnome_schema_present",
]
