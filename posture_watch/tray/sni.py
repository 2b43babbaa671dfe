"""The tray icon as a StatusNotifierItem on the session bus (KDE, GNOME, waybar; Wayland).

Wayland desktops have no XEmbed system tray: GNOME (with the AppIndicator extension),
KDE and wlroots panels such as waybar show *StatusNotifierItems*, D-Bus objects that a
panel (the "host") finds through ``org.kde.StatusNotifierWatcher``. We serve the item
ourselves, in pure Python on jeepney, instead of going through pystray's AppIndicator
backend, because that backend needs PyGObject compiled into the virtual environment
plus the GTK and AppIndicator libraries and a GTK main loop beside ours; jeepney has no
compiled parts (so ``pipx install`` is enough), the icon stays in memory as pixels (no
temporary PNG files for the host to read) and there is no second toolkit in the process.

What is served, on connection names ``org.kde.StatusNotifierItem-<pid>-1``:

- ``/StatusNotifierItem``: ``org.kde.StatusNotifierItem`` with the icon as ARGB32
  pixmaps in a few sizes, the tooltip, ``ItemIsMenu`` and the ``Menu`` path, and the
  ``NewIcon``/``NewToolTip``/``NewStatus``/``NewTitle`` signals that make hosts re-read;
- ``/MenuBar``: ``com.canonical.dbusmenu`` (:mod:`posture_watch.tray.dbusmenu`).

The item registers with the watcher at start and again whenever
``org.kde.StatusNotifierWatcher`` gets a new owner (a panel restarting), so the icon comes
back by itself. Everything runs on one loop thread (the caller of :meth:`SniTrayIcon.run`):
incoming calls are answered there, and replies to our own calls are handled there as
callbacks, so no call ever blocks waiting for the bus. Other threads only *send*
(signals after an update), which jeepney's threaded connection allows.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

from jeepney import DBusAddress, HeaderFields, Message, MessageType, new_method_call
from jeepney.bus_messages import MatchRule, message_bus
from jeepney.low_level import MessageFlag
from jeepney.wrappers import new_error, new_method_return, new_signal
from PIL import Image

from posture_watch.core.text import _
from posture_watch.errors import TrayError
from posture_watch.tray.dbusmenu import INTROSPECTION as MENU_INTROSPECTION
from posture_watch.tray.dbusmenu import PATH as MENU_PATH
from posture_watch.tray.dbusmenu import DBusMenu, MenuError
from posture_watch.tray.menu import MenuEntry

log = logging.getLogger(__name__)

WATCHER = "org.kde.StatusNotifierWatcher"
WATCHER_PATH = "/StatusNotifierWatcher"
ITEM_INTERFACE = "org.kde.StatusNotifierItem"
ITEM_PATH = "/StatusNotifierItem"
PROPERTIES = "org.freedesktop.DBus.Properties"
INTROSPECTABLE = "org.freedesktop.DBus.Introspectable"
#: The pixmap sizes offered; hosts pick the nearest (waybar: the largest, scaled).
ICON_SIZES = (16, 22, 24, 32, 48, 64)
#: How long the start-up checks wait for the bus (seconds).
BUS_TIMEOUT = 2.0

_ITEM_INTROSPECTION = """\
<interface name="org.kde.StatusNotifierItem">
  <property name="Category" type="s" access="read"/>
  <property name="Id" type="s" access="read"/>
  <property name="Title" type="s" access="read"/>
  <property name="Status" type="s" access="read"/>
  <property name="WindowId" type="i" access="read"/>
  <property name="IconThemePath" type="s" access="read"/>
  <property name="IconName" type="s" access="read"/>
  <property name="IconPixmap" type="a(iiay)" access="read"/>
  <property name="OverlayIconName" type="s" access="read"/>
  <property name="OverlayIconPixmap" type="a(iiay)" access="read"/>
  <property name="AttentionIconName" type="s" access="read"/>
  <property name="AttentionIconPixmap" type="a(iiay)" access="read"/>
  <property name="AttentionMovieName" type="s" access="read"/>
  <property name="ToolTip" type="(sa(iiay)ss)" access="read"/>
  <property name="ItemIsMenu" type="b" access="read"/>
  <property name="Menu" type="o" access="read"/>
  <method name="ContextMenu"><arg name="x" type="i"/><arg name="y" type="i"/></method>
  <method name="Activate"><arg name="x" type="i"/><arg name="y" type="i"/></method>
  <method name="SecondaryActivate"><arg name="x" type="i"/><arg name="y" type="i"/></method>
  <method name="Scroll"><arg name="delta" type="i"/><arg name="orientation" type="s"/></method>
  <signal name="NewTitle"/>
  <signal name="NewIcon"/>
  <signal name="NewAttentionIcon"/>
  <signal name="NewOverlayIcon"/>
  <signal name="NewToolTip"/>
  <signal name="NewStatus"><arg name="status" type="s"/></signal>
</interface>
"""
_COMMON_INTROSPECTION = """\
<interface name="org.freedesktop.DBus.Properties">
  <method name="Get"><arg type="s" direction="in"/><arg type="s" direction="in"/>
    <arg type="v" direction="out"/></method>
  <method name="GetAll"><arg type="s" direction="in"/><arg type="a{sv}" direction="out"/>
  </method>
</interface>
<interface name="org.freedesktop.DBus.Introspectable">
  <method name="Introspect"><arg type="s" direction="out"/></method>
</interface>
"""
_DOCTYPE = (
    '<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"\n'
    ' "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">\n'
)

Pixmap = tuple[int, int, bytes]


def icon_pixmaps(image: Image.Image, sizes: Sequence[int] = ICON_SIZES) -> list[Pixmap]:
    """The icon as SNI pixmaps: (width, height, ARGB32 in network byte order) per size."""
    rgba = image.convert("RGBA")
    pixmaps = []
    for size in sizes:
        scaled = (
            rgba
            if rgba.size == (size, size)
            else rgba.resize((size, size), Image.Resampling.LANCZOS)
        )
        r, g, b, a = scaled.split()
        pixmaps.append((size, size, Image.merge("RGBA", (a, r, g, b)).tobytes()))
    return pixmaps


def _session_connection() -> Any:
    from jeepney.io.threading import open_dbus_connection

    return open_dbus_connection("SESSION", auth_timeout=BUS_TIMEOUT)


def watcher_present() -> bool:
    """True when someone owns ``org.kde.StatusNotifierWatcher`` on the session bus
    (False also when there is no session bus to ask)."""
    from jeepney.io.blocking import open_dbus_connection

    try:
        with open_dbus_connection("SESSION", auth_timeout=BUS_TIMEOUT) as conn:
            reply = conn.send_and_get_reply(message_bus.NameHasOwner(WATCHER), timeout=BUS_TIMEOUT)
    except Exception as exc:  # no bus, a refused connection, a bus that does not answer
        log.debug("no session bus to look for a StatusNotifierWatcher on: %s", exc)
        return False
    return reply.header.message_type is MessageType.method_return and bool(reply.body[0])


def session_bus_available() -> bool:
    """True when a session bus answers (an SNI item can wait there for a panel)."""
    from jeepney.io.blocking import open_dbus_connection

    try:
        with open_dbus_connection("SESSION", auth_timeout=BUS_TIMEOUT):
            return True
    except Exception as exc:
        log.debug("no session bus: %s", exc)
        return False


class SniTrayIcon:
    """The tray icon as a StatusNotifierItem; the same public API as the pystray icon.

    ``on_select`` gets the entry id of a menu click (on the loop thread: post it on, do
    not block). :meth:`update`, :meth:`set_menu` and :meth:`stop` may be called from any
    thread.
    """

    native_menu = True

    def __init__(self, image: Image.Image, tooltip: str, on_select: Callable[[str], None]) -> None:
        try:
            self._conn = _session_connection()
        except Exception as exc:
            raise TrayError(
                _("cannot reach the session bus for the tray icon: {error}").format(error=exc),
                hint=_("use `posture-watch monitor --no-tray` outside a desktop session"),
            ) from exc
        self.service_name = f"org.kde.StatusNotifierItem-{os.getpid()}-1"
        self._lock = threading.Lock()
        self._pixmaps = icon_pixmaps(image)
        self._tooltip = tooltip
        self._status = "Active"
        self._pending: dict[int, Callable[[Message], None]] = {}
        self._registered_as: str | None = None
        self._said_no_watcher = False
        self._stopping = threading.Event()
        self.menu = DBusMenu(on_select, self._emit_menu)

    # -- public API ----------------------------------------------------------------------

    def run(self, setup: Callable[[], None]) -> None:
        """Serve the item and block (on the calling thread) until :meth:`stop`."""
        from jeepney.io.threading import ReceiveStopped

        rule = MatchRule(
            type="signal",
            sender="org.freedesktop.DBus",
            interface="org.freedesktop.DBus",
            member="NameOwnerChanged",
            path="/org/freedesktop/DBus",
        )
        rule.add_arg_condition(0, WATCHER)
        self._call(message_bus.AddMatch(rule), None)
        self._call(message_bus.RequestName(self.service_name, 4), self._on_name)
        setup()
        try:
            while not self._stopping.is_set():
                self._dispatch(self._conn.receive())
        except ReceiveStopped:
            pass
        except (OSError, ValueError) as exc:  # the bus went away (logout, a dying daemon)
            if not self._stopping.is_set():
                log.warning("the session bus closed, so the tray icon is gone: %s", exc)
        finally:
            self._stopping.set()
            self._conn.close()

    def stop(self) -> None:
        """End :meth:`run`; closing the connection takes the item off every panel."""
        self._stopping.set()
        with contextlib.suppress(OSError):  # already closed
            self._conn.interrupt()

    def update(self, image: Image.Image | None, tooltip: str) -> None:
        """A new tooltip, and a new image unless ``image`` is None (unchanged)."""
        pixmaps = icon_pixmaps(image) if image is not None else None
        with self._lock:
            new_tip = tooltip != self._tooltip
            self._tooltip = tooltip
            if pixmaps is not None:
                self._pixmaps = pixmaps
        if pixmaps is not None:
            self._signal(ITEM_PATH, ITEM_INTERFACE, "NewIcon")
        if new_tip:
            self._signal(ITEM_PATH, ITEM_INTERFACE, "NewToolTip")

    def set_menu(self, entries: Sequence[MenuEntry]) -> None:
        self.menu.set_entries(entries)

    def keep_docked(self) -> None:
        """Nothing to do: the item registers again whenever the watcher comes back."""

    def notify(self, title: str, body: str) -> None:
        """A desktop notification on the same bus (off the controller's normal path, which
        uses D-Bus on Linux: desktop/notify); nobody waits for the answer."""
        notifications = DBusAddress(
            "/org/freedesktop/Notifications",
            bus_name="org.freedesktop.Notifications",
            interface="org.freedesktop.Notifications",
        )
        message = new_method_call(
            notifications, "Notify", "susssasa{sv}i",
            ("posture-watch", 0, "", title, body, [], {}, -1),
        )  # fmt: skip
        message.header.flags |= MessageFlag.no_reply_expected
        self._send(message)

    @property
    def registered_as(self) -> str | None:
        """The name the watcher last accepted us under (None: not registered now)."""
        return self._registered_as

    # -- our calls and their replies -------------------------------------------------------

    def _send(self, message: Message) -> None:
        try:
            self._conn.send(message)
        except (OSError, ValueError) as exc:  # closed: we are stopping or the bus is gone
            log.debug("cannot send on the session bus: %s", exc)

    def _call(self, message: Message, on_reply: Callable[[Message], None] | None) -> None:
        serial = next(self._conn.outgoing_serial)
        if on_reply is not None:
            with self._lock:
                self._pending[serial] = on_reply
        else:
            message.header.flags |= MessageFlag.no_reply_expected
        try:
            self._conn.send(message, serial=serial)
        except (OSError, ValueError) as exc:
            log.debug("cannot call on the session bus: %s", exc)

    def _on_name(self, reply: Message) -> None:
        owned = reply.header.message_type is MessageType.method_return and reply.body[0] in (1, 4)
        if not owned:  # taken (a second icon in this process): register by unique name
            log.info("cannot own %s; registering as %s", self.service_name, self._conn.unique_name)
            self.service_name = self._conn.unique_name
        self._register()

    def _register(self) -> None:
        watcher = DBusAddress(WATCHER_PATH, bus_name=WATCHER, interface=WATCHER)
        name = self.service_name
        message = new_method_call(watcher, "RegisterStatusNotifierItem", "s", (name,))

        def on_reply(reply: Message) -> None:
            if reply.header.message_type is MessageType.method_return:
                self._registered_as = name
                self._said_no_watcher = False
                log.info("tray icon registered with the StatusNotifierWatcher as %s", name)
                return
            self._registered_as = None
            level = logging.DEBUG if self._said_no_watcher else logging.INFO
            self._said_no_watcher = True
            log.log(level, "no StatusNotifierWatcher yet (%s); the icon shows when a panel "
                    "starts", reply.body[0] if reply.body else "no answer")  # fmt: skip

        self._call(message, on_reply)

    # -- incoming messages -----------------------------------------------------------------

    def _dispatch(self, msg: Message) -> None:
        kind = msg.header.message_type
        fields = msg.header.fields
        if kind in (MessageType.method_return, MessageType.error):
            with self._lock:
                on_reply = self._pending.pop(fields.get(HeaderFields.reply_serial, -1), None)
            if on_reply is not None:
                on_reply(msg)
        elif kind is MessageType.signal:
            if fields.get(HeaderFields.member) == "NameOwnerChanged" and msg.body[0] == WATCHER:
                if msg.body[2]:
                    log.info("a StatusNotifierWatcher appeared; registering the tray icon")
                    self._register()
                else:
                    self._registered_as = None
        elif kind is MessageType.method_call:
            self._answer(msg)

    def _answer(self, msg: Message) -> None:
        fields = msg.header.fields
        path = fields.get(HeaderFields.path, "")
        interface = fields.get(HeaderFields.interface, "")
        member = fields.get(HeaderFields.member, "")
        try:
            signature, body = self._handle(path, interface, member, msg.body)
        except MenuError as exc:
            reply = new_error(msg, exc.name, "s", (str(exc),))
        except Exception as exc:  # a bug here must not end the tray: answer and log it
            log.exception("tray D-Bus call %s.%s failed", interface, member)
            reply = new_error(msg, "org.freedesktop.DBus.Error.Failed", "s", (str(exc),))
        else:
            reply = new_method_return(msg, signature, body)
        if not msg.header.flags & MessageFlag.no_reply_expected:
            self._send(reply)

    def _handle(
        self, path: str, interface: str, member: str, body: tuple[Any, ...]
    ) -> tuple[str, tuple[Any, ...]]:
        if interface == INTROSPECTABLE or member == "Introspect":
            return "s", (self._introspect(path),)
        if interface == "org.freedesktop.DBus.Peer":
            return ("s", ("posture-watch",)) if member == "GetMachineId" else ("", ())
        if path == ITEM_PATH:
            if interface == PROPERTIES:
                return self._properties(member, body, ITEM_INTERFACE, self._item_properties())
            if member in ("ContextMenu", "Activate", "SecondaryActivate", "Scroll"):
                return "", ()  # ItemIsMenu: hosts open the menu; nothing else to do
        elif path == MENU_PATH:
            if interface == PROPERTIES:
                iface = "com.canonical.dbusmenu"
                return self._properties(member, body, iface, self.menu.properties())
            return self.menu.call(member, body)
        raise MenuError(
            f"no method {interface}.{member} on {path}", "org.freedesktop.DBus.Error.UnknownMethod"
        )

    @staticmethod
    def _properties(
        member: str, body: tuple[Any, ...], interface: str, props: dict[str, tuple[str, Any]]
    ) -> tuple[str, tuple[Any, ...]]:
        if member == "GetAll":
            return "a{sv}", (props if body[0] in (interface, "") else {},)
        if member == "Get":
            if body[0] in (interface, "") and body[1] in props:
                return "v", (props[body[1]],)
            raise MenuError(f"no property {body[1]}", "org.freedesktop.DBus.Error.InvalidArgs")
        if member == "Set":
            raise MenuError("read-only", "org.freedesktop.DBus.Error.PropertyReadOnly")
        raise MenuError(f"no method {member}", "org.freedesktop.DBus.Error.UnknownMethod")

    def _item_properties(self) -> dict[str, tuple[str, Any]]:
        with self._lock:
            pixmaps, tooltip, status = self._pixmaps, self._tooltip, self._status
        return {
            "Category": ("s", "ApplicationStatus"),
            "Id": ("s", "posture-watch"),
            "Title": ("s", "posture-watch"),
            "Status": ("s", status),
            "WindowId": ("i", 0),
            "IconThemePath": ("s", ""),
            "IconName": ("s", ""),
            "IconPixmap": ("a(iiay)", pixmaps),
            "OverlayIconName": ("s", ""),
            "OverlayIconPixmap": ("a(iiay)", []),
            "AttentionIconName": ("s", ""),
            "AttentionIconPixmap": ("a(iiay)", []),
            "AttentionMovieName": ("s", ""),
            "ToolTip": ("(sa(iiay)ss)", ("", [], tooltip, "")),
            "ItemIsMenu": ("b", True),
            "Menu": ("o", MENU_PATH),
        }

    @staticmethod
    def _introspect(path: str) -> str:
        if path == ITEM_PATH:
            inner = _ITEM_INTROSPECTION + _COMMON_INTROSPECTION
        elif path == MENU_PATH:
            inner = MENU_INTROSPECTION + _COMMON_INTROSPECTION
        elif path == "/":
            inner = f'<node name="{ITEM_PATH[1:]}"/>\n<node name="{MENU_PATH[1:]}"/>\n'
        else:
            inner = ""
        return f"{_DOCTYPE}<node>\n{inner}</node>\n"

    # -- signals -------------------------------------------------------------------------

    def _signal(
        self, path: str, interface: str, name: str, signature: str | None = None,
        body: tuple[Any, ...] = (),
    ) -> None:  # fmt: skip
        if not self._stopping.is_set():
            self._send(new_signal(DBusAddress(path, interface=interface), name, signature, body))

    def _emit_menu(self, name: str, signature: str, body: tuple[Any, ...]) -> None:
        self._signal(MENU_PATH, "com.canonical.dbusmenu", name, signature, body)


__all__ = [
    "ICON_SIZES",
    "SniTrayIcon",
    "icon_pixmaps",
    "session_bus_available",
    "watcher_present",
]
