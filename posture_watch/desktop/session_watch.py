"""Follow the screen lock and sleep over D-Bus, so the monitor lets go of the camera.

Nobody sits in front of a locked screen: keeping the webcam on then wastes power, keeps
its light on for no one, and would count the empty chair as an absence only by luck.
Desktops say when they lock in different ways, so this listens to all of them:

- on the session bus, ``ActiveChanged(b)`` of the screensaver interfaces
  ``org.freedesktop.ScreenSaver`` (most desktops), ``org.gnome.ScreenSaver`` and
  ``org.kde.screensaver``;
- on the system bus, logind: ``Lock``/``Unlock`` and the ``LockedHint`` property of our
  session (``GetSession($XDG_SESSION_ID)``, else ``GetSessionByPID``), and the manager's
  ``PrepareForSleep(b)``.

The last lock or unlock signal, whoever sends it, says whether the screen is locked (a
desktop that locks through logind usually unlocks through its screensaver alone, so the
sources cannot be kept apart); sleep counts on its own, so waking up unlocks only when the
screen is not locked. At start the current state is asked for (``GetActive``,
``LockedHint``), so starting on a locked screen is right too. ``on_locked(locked, by)`` is
called only when the combined state changes.

jeepney speaks D-Bus in pure Python (no GLib main loop): one thread waits on the bus
sockets and a wake-up pipe. A missing bus is one line and the rest carries on; an
unexpected error is one line too (and its traceback in the log), never a silent end.
"""

from __future__ import annotations

import contextlib
import logging
import os
import selectors
import threading
from collections import deque
from collections.abc import Callable

from jeepney import (
    DBusAddress,
    HeaderFields,
    MatchRule,
    Message,
    MessageFlag,
    MessageType,
    new_method_call,
)
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from jeepney.wrappers import DBusErrorResponse, unwrap_msg

from posture_watch.core.text import _

log = logging.getLogger(__name__)

#: (bus name, object path, interface) of the screensaver services asked at start.
SCREENSAVERS = (
    ("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver"),
    ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver"),
    ("org.kde.screensaver", "/ScreenSaver", "org.freedesktop.ScreenSaver"),
)
#: Interfaces whose ActiveChanged(b) signal means "locked" / "unlocked".
SCREENSAVER_INTERFACES = (
    "org.freedesktop.ScreenSaver",
    "org.gnome.ScreenSaver",
    "org.kde.screensaver",
)
LOGIN1 = "org.freedesktop.login1"
LOGIN1_PATH = "/org/freedesktop/login1"
MANAGER = "org.freedesktop.login1.Manager"
SESSION = "org.freedesktop.login1.Session"
PROPERTIES = "org.freedesktop.DBus.Properties"
BUS = ("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus")
#: Seconds to wait for a reply at start (a hung service must not hold the watcher up).
CALL_TIMEOUT = 2.0

OnLocked = Callable[[bool, str], None]


class SessionWatch:
    """A thread following lock and sleep; :meth:`start` it, :meth:`close` it.

    ``session_bus`` and ``system_bus`` are ``"SESSION"``/``"SYSTEM"`` (found from the
    environment, as every D-Bus client does) or a D-Bus address; None leaves that bus
    out. ``say`` receives the few lines meant for the user (a missing bus, an error);
    ``on_locked`` is called on the watcher thread.
    """

    def __init__(
        self,
        on_locked: OnLocked,
        *,
        say: Callable[[str], None] | None = None,
        session_bus: str | None = "SESSION",
        system_bus: str | None = "SYSTEM",
        session_id: str | None = None,
        pid: int | None = None,
    ) -> None:
        self._on_locked = on_locked
        self._say = say or log.warning
        self._addresses = {"session": session_bus, "system": system_bus}
        self._session_id = (
            session_id if session_id is not None else os.environ.get("XDG_SESSION_ID", "")
        )
        self._pid = pid if pid is not None else os.getpid()
        self._conns: dict[str, DBusConnection] = {}
        self._signals: dict[str, deque[Message]] = {}
        self._session_path: str | None = None
        self._screen_locked = False
        self._sleeping = False
        self._reported = False
        self._start_by = ""
        self._ready = threading.Event()
        self._closing = False
        self._wake_r, self._wake_w = os.pipe()
        self._thread = threading.Thread(target=self._run, name="posture-watch-session", daemon=True)

    # -- from any thread ----------------------------------------------------------------

    def start(self) -> SessionWatch:
        """Start following (once; later calls do nothing)."""
        if self._thread.ident is None:
            self._thread.start()
        return self

    def wait_ready(self, timeout: float | None = None) -> bool:
        """True once subscribed and the state at start is known (or the buses failed)."""
        return self._ready.wait(timeout)

    @property
    def locked(self) -> bool:
        """The combined state as last reported to ``on_locked``."""
        return self._reported

    @property
    def following(self) -> list[str]:
        """The buses being listened to (``"session"``, ``"system"``)."""
        return sorted(self._conns)

    def close(self) -> None:
        """Stop the thread and close the connections; safe to call twice."""
        if self._closing:
            return
        self._closing = True
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"x")
        if self._thread.is_alive():
            self._thread.join(5.0)
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)

    def __enter__(self) -> SessionWatch:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the watcher thread -------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._connect()
            self._follow()
        except Exception as exc:  # never a silent end: one line, the traceback in the log
            log.exception("the session watcher stopped")
            error = f"{type(exc).__name__}: {exc}"
            self._say(
                _("screen lock is no longer followed: {error} (details in the log)").format(
                    error=error
                )
            )
        finally:
            self._ready.set()
            for conn in self._conns.values():
                conn.close()
            self._conns.clear()

    def _connect(self) -> None:
        what = {
            "session": _("no session bus: screen lock is not followed"),
            "system": _("no system bus: sleep and logind session locks are not followed"),
        }
        for bus, address in self._addresses.items():
            if address is None or self._closing:
                continue
            try:
                conn = open_dbus_connection(address)
            except (OSError, KeyError, RuntimeError, TimeoutError, ValueError):
                self._say(what[bus])
                continue
            self._signals[bus] = deque()
            conn.filter(MatchRule(type="signal"), queue=self._signals[bus])
            self._conns[bus] = conn
        if "session" in self._conns:
            self._start_session_bus(self._conns["session"])
        if "system" in self._conns:
            self._start_system_bus(self._conns["system"])
        self._update(self._start_by)
        self._ready.set()

    def _start_session_bus(self, conn: DBusConnection) -> None:
        for interface in SCREENSAVER_INTERFACES:
            self._add_match(
                conn, MatchRule(type="signal", interface=interface, member="ActiveChanged")
            )
        for name, path, interface in SCREENSAVERS:
            if self._call(conn, name, path, interface, "GetActive") is True:
                self._screen_locked, self._start_by = True, name

    def _start_system_bus(self, conn: DBusConnection) -> None:
        self._add_match(
            conn,
            MatchRule(
                type="signal",
                sender=LOGIN1,
                interface=MANAGER,
                member="PrepareForSleep",
                path=LOGIN1_PATH,
            ),
        )
        running = self._call(conn, *BUS, "NameHasOwner", "s", (LOGIN1,))
        if running is not True:
            self._say(
                _("no logind on the system bus: sleep and logind session locks are not followed")
            )
            return
        if self._session_id:
            found = self._call(
                conn, LOGIN1, LOGIN1_PATH, MANAGER, "GetSession", "s", (self._session_id,)
            )
        else:
            found = self._call(
                conn, LOGIN1, LOGIN1_PATH, MANAGER, "GetSessionByPID", "u", (self._pid,)
            )
        if found is None:
            self._say(_("logind: no session found for this process: only sleep is followed"))
            return
        self._session_path = str(found)
        for rule in (
            MatchRule(type="signal", sender=LOGIN1, interface=SESSION, path=self._session_path),
            MatchRule(
                type="signal",
                sender=LOGIN1,
                interface=PROPERTIES,
                member="PropertiesChanged",
                path=self._session_path,
            ),
        ):
            self._add_match(conn, rule)
        hint = self._call(
            conn, LOGIN1, self._session_path, PROPERTIES, "Get", "ss", (SESSION, "LockedHint")
        )
        if isinstance(hint, tuple) and hint[1] is True:
            self._screen_locked, self._start_by = True, "logind"

    def _add_match(self, conn: DBusConnection, rule: MatchRule) -> None:
        conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=CALL_TIMEOUT)

    def _call(
        self,
        conn: DBusConnection,
        name: str,
        path: str,
        interface: str,
        method: str,
        signature: str | None = None,
        body: tuple = (),
    ) -> object | None:
        """The first value of a reply, or None when the service is not there or fails
        (never starts a service that is not running)."""
        msg = new_method_call(
            DBusAddress(path, bus_name=name, interface=interface), method, signature, body
        )
        msg.header.flags |= MessageFlag.no_auto_start
        try:
            reply = unwrap_msg(conn.send_and_get_reply(msg, timeout=CALL_TIMEOUT))
        except (DBusErrorResponse, TimeoutError):
            return None
        return reply[0] if reply else None

    def _follow(self) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self._wake_r, selectors.EVENT_READ)
            for bus in list(self._conns):
                # a signal that came in with a start-up call's reply may already sit in
                # jeepney's buffer, where select() would never see it: read it out now
                if self._receive(bus):
                    selector.register(self._conns[bus].sock, selectors.EVENT_READ, bus)
                else:
                    self._conns.pop(bus).close()
                    self._say(_bus_closed(bus))
            self._dispatch()
            while self._conns and not self._closing:
                for key, _events in selector.select():
                    bus = key.data
                    if bus is None:
                        return  # close() woke us
                    if not self._receive(bus):
                        selector.unregister(key.fileobj)
                        self._conns.pop(bus).close()
                        self._say(_bus_closed(bus))
                self._dispatch()

    def _receive(self, bus: str) -> bool:
        """Read what the bus sent (signals land in the queue); False when it closed."""
        conn = self._conns[bus]
        while True:
            try:
                conn.recv_messages(timeout=0)
            except TimeoutError:
                return True
            except (ConnectionError, OSError):
                return False

    def _dispatch(self) -> None:
        for signals in self._signals.values():
            while signals:
                self._handle(signals.popleft())

    def _handle(self, msg: Message) -> None:
        fields = msg.header.fields
        interface = fields.get(HeaderFields.interface)
        member = fields.get(HeaderFields.member)
        path = fields.get(HeaderFields.path)
        body = msg.body
        if msg.header.message_type != MessageType.signal:
            return
        if member == "ActiveChanged" and interface in SCREENSAVER_INTERFACES and body:
            self._screen_locked = bool(body[0])
            self._update(interface)
        elif interface == MANAGER and member == "PrepareForSleep" and body:
            self._sleeping = bool(body[0])
            self._update("sleep")
        elif path is None or path != self._session_path:
            return
        elif interface == SESSION and member in ("Lock", "Unlock"):
            self._screen_locked = member == "Lock"
            self._update("logind")
        elif interface == PROPERTIES and member == "PropertiesChanged" and len(body) >= 2:
            changed = body[1] if body[0] == SESSION else {}
            if "LockedHint" in changed:
                self._screen_locked = bool(changed["LockedHint"][1])
                self._update("logind")

    def _update(self, by: str) -> None:
        locked = self._screen_locked or self._sleeping
        if locked == self._reported:
            return
        self._reported = locked
        try:
            self._on_locked(locked, by)
        except Exception:  # the subscriber's bug must not end the watcher
            log.exception("the screen lock subscriber failed")


def _bus_closed(bus: str) -> str:
    """The line said when ``bus`` ("session" or "system") closes: a whole sentence each."""
    if bus == "system":
        return _("the system bus closed: screen lock is no longer followed there")
    return _("the session bus closed: screen lock is no longer followed there")
