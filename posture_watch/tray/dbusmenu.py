"""The tray menu as a ``com.canonical.dbusmenu`` object, for StatusNotifierItem hosts.

A StatusNotifierItem only names a menu object (its ``Menu`` property); the host (KDE,
GNOME's AppIndicator extension, waybar through libdbusmenu) reads the items from it with
``GetLayout`` and reports clicks with ``Event``. This module is the protocol logic only:
it turns our :class:`~posture_watch.tray.menu.MenuEntry` values into the dbusmenu layout
(version 3) and a click back into an entry id. The D-Bus connection, and so which thread
calls what, belongs to :mod:`posture_watch.tray.sni`; keeping the two apart lets the
layout rules be read, and tested, without a bus.

Item ids are small integers (0 is the root). An entry keeps its number for the life of
the menu even when the menu is rebuilt (Pause becomes Resume, the status line changes),
so a host's open menu stays consistent and a click that raced a rebuild still lands on
the entry the user saw.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

from posture_watch.tray.menu import SEPARATOR, MenuEntry

log = logging.getLogger(__name__)

INTERFACE = "com.canonical.dbusmenu"
PATH = "/MenuBar"
VERSION = 3

#: A dbusmenu layout node: (id, properties, children as variants of nodes).
Layout = tuple[int, dict[str, tuple[str, Any]], list[tuple[str, Any]]]
#: What the menu asks its connection to send: (signal name, signature, body).
Emit = Callable[[str, str, tuple[Any, ...]], None]

INTROSPECTION = """\
<interface name="com.canonical.dbusmenu">
  <property name="Version" type="u" access="read"/>
  <property name="TextDirection" type="s" access="read"/>
  <property name="Status" type="s" access="read"/>
  <property name="IconThemePath" type="as" access="read"/>
  <method name="GetLayout">
    <arg type="i" name="parentId" direction="in"/>
    <arg type="i" name="recursionDepth" direction="in"/>
    <arg type="as" name="propertyNames" direction="in"/>
    <arg type="u" name="revision" direction="out"/>
    <arg type="(ia{sv}av)" name="layout" direction="out"/>
  </method>
  <method name="GetGroupProperties">
    <arg type="ai" name="ids" direction="in"/>
    <arg type="as" name="propertyNames" direction="in"/>
    <arg type="a(ia{sv})" name="properties" direction="out"/>
  </method>
  <method name="GetProperty">
    <arg type="i" name="id" direction="in"/>
    <arg type="s" name="name" direction="in"/>
    <arg type="v" name="value" direction="out"/>
  </method>
  <method name="Event">
    <arg type="i" name="id" direction="in"/>
    <arg type="s" name="eventId" direction="in"/>
    <arg type="v" name="data" direction="in"/>
    <arg type="u" name="timestamp" direction="in"/>
  </method>
  <method name="EventGroup">
    <arg type="a(isvu)" name="events" direction="in"/>
    <arg type="ai" name="idErrors" direction="out"/>
  </method>
  <method name="AboutToShow">
    <arg type="i" name="id" direction="in"/>
    <arg type="b" name="needUpdate" direction="out"/>
  </method>
  <method name="AboutToShowGroup">
    <arg type="ai" name="ids" direction="in"/>
    <arg type="ai" name="updatesNeeded" direction="out"/>
    <arg type="ai" name="idErrors" direction="out"/>
  </method>
  <signal name="ItemsPropertiesUpdated">
    <arg type="a(ia{sv})" name="updatedProps"/>
    <arg type="a(ia{sas})" name="removedProps"/>
  </signal>
  <signal name="LayoutUpdated">
    <arg type="u" name="revision"/>
    <arg type="i" name="parent"/>
  </signal>
  <signal name="ItemActivationRequested">
    <arg type="i" name="id"/>
    <arg type="u" name="timestamp"/>
  </signal>
</interface>
"""


class MenuError(Exception):
    """A request named an item or property the menu does not have (a D-Bus error reply)."""

    def __init__(self, message: str, name: str = "com.canonical.dbusmenu.Error.UnknownId"):
        super().__init__(message)
        self.name = name


def item_properties(entry: MenuEntry) -> dict[str, tuple[str, Any]]:
    """The dbusmenu properties of one entry; defaults (enabled, visible) are left out."""
    if entry.id == SEPARATOR:
        return {"type": ("s", "separator")}
    props: dict[str, tuple[str, Any]] = {"label": ("s", entry.label.replace("_", "__"))}
    if not entry.enabled:
        props["enabled"] = ("b", False)
    if entry.checked is not None:
        props["toggle-type"] = ("s", "checkmark")
        props["toggle-state"] = ("i", 1 if entry.checked else 0)
    return props


class DBusMenu:
    """The menu's items and revision; every method is safe to call from any thread.

    ``on_select`` gets the entry id of a clicked, enabled item. ``emit`` sends a signal on
    the menu's object (``LayoutUpdated`` after :meth:`set_entries`); it may be called with
    the menu's lock released only, so it may block briefly on the connection.
    """

    def __init__(self, on_select: Callable[[str], None], emit: Emit) -> None:
        self._on_select = on_select
        self._emit = emit
        self._lock = threading.Lock()
        self._numbers: dict[str, int] = {}
        self._items: dict[int, MenuEntry] = {}
        self._order: list[int] = []
        self.revision = 1

    # -- our side ----------------------------------------------------------------------

    def set_entries(self, entries: Sequence[MenuEntry]) -> None:
        """Replace the items; hosts hear of it through ``LayoutUpdated``."""
        with self._lock:
            items: dict[int, MenuEntry] = {}
            order: list[int] = []
            separators = 0
            for entry in entries:
                key = entry.id
                if entry.id == SEPARATOR:
                    separators += 1
                    key = f"{SEPARATOR}{separators}"
                number = self._numbers.setdefault(key, len(self._numbers) + 1)
                items[number] = entry
                order.append(number)
            if items == self._items and order == self._order:
                return
            self._items, self._order = items, order
            self.revision += 1
            revision = self.revision
        self._emit("LayoutUpdated", "ui", (revision, 0))

    def entries(self) -> list[MenuEntry]:
        with self._lock:
            return [self._items[n] for n in self._order]

    # -- the host's side (D-Bus methods) -------------------------------------------------

    def _props(self, number: int, names: Sequence[str]) -> dict[str, tuple[str, Any]]:
        if number == 0:
            props: dict[str, tuple[str, Any]] = {"children-display": ("s", "submenu")}
        elif number in self._items:
            props = item_properties(self._items[number])
        else:
            raise MenuError(f"no menu item {number}")
        return {k: v for k, v in props.items() if k in names} if names else props

    def get_layout(self, parent: int, depth: int, names: Sequence[str]) -> tuple[int, Layout]:
        """``GetLayout``: our menu is flat, so only the root has children."""
        with self._lock:
            props = self._props(parent, names)
            children: list[tuple[str, Any]] = []
            if parent == 0 and depth != 0:
                children = [("(ia{sv}av)", (n, self._props(n, names), [])) for n in self._order]
            return self.revision, (parent, props, children)

    def get_group_properties(
        self, ids: Sequence[int], names: Sequence[str]
    ) -> list[tuple[int, dict[str, tuple[str, Any]]]]:
        """``GetGroupProperties``: unknown ids are skipped; no ids means every item."""
        with self._lock:
            wanted = list(ids) or [0, *self._order]
            return [(n, self._props(n, names)) for n in wanted if n == 0 or n in self._items]

    def get_property(self, number: int, name: str) -> tuple[str, Any]:
        with self._lock:
            props = self._props(number, ())
        if name in props:
            return props[name]
        defaults: dict[str, tuple[str, Any]] = {
            "enabled": ("b", True),
            "visible": ("b", True),
            "type": ("s", "standard"),
            "label": ("s", ""),
        }
        if name in defaults:
            return defaults[name]
        raise MenuError(f"menu item {number} has no property {name!r}",
                        "com.canonical.dbusmenu.Error.UnknownProperty")  # fmt: skip

    def event(self, number: int, event_id: str) -> None:
        """``Event``: a click on an enabled item selects its entry; the rest is ignored."""
        with self._lock:
            if number != 0 and number not in self._items:
                raise MenuError(f"no menu item {number}")
            entry = self._items.get(number)
        if event_id != "clicked" or entry is None:
            return
        if entry.id == SEPARATOR or not entry.enabled:
            log.debug("ignored a click on the inactive menu item %r", entry.id)
            return
        self._on_select(entry.id)

    def event_group(self, events: Sequence[tuple[int, str, Any, int]]) -> list[int]:
        """``EventGroup``: the ids that were not found (the rest are handled)."""
        errors = []
        for number, event_id, _data, _timestamp in events:
            try:
                self.event(number, event_id)
            except MenuError:
                errors.append(number)
        if errors and len(errors) == len(events):
            raise MenuError(f"no menu items {errors}")
        return errors

    def about_to_show(self, number: int) -> bool:
        """``AboutToShow``: the layout is always current, so no update is ever needed."""
        with self._lock:
            if number != 0 and number not in self._items:
                raise MenuError(f"no menu item {number}")
        return False

    def about_to_show_group(self, ids: Sequence[int]) -> tuple[list[int], list[int]]:
        with self._lock:
            errors = [n for n in ids if n != 0 and n not in self._items]
        return [], errors

    def properties(self) -> dict[str, tuple[str, Any]]:
        """The object's D-Bus properties (``org.freedesktop.DBus.Properties``)."""
        return {
            "Version": ("u", VERSION),
            "TextDirection": ("s", "ltr"),
            "Status": ("s", "normal"),
            "IconThemePath": ("as", []),
        }

    def call(self, member: str, body: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
        """Dispatch one method call: (reply signature, reply body), or :class:`MenuError`."""
        if member == "GetLayout":
            revision, layout = self.get_layout(*body)
            return "u(ia{sv}av)", (revision, layout)
        if member == "GetGroupProperties":
            return "a(ia{sv})", (self.get_group_properties(*body),)
        if member == "GetProperty":
            return "v", (self.get_property(*body),)
        if member == "Event":
            self.event(body[0], body[1])
            return "", ()
        if member == "EventGroup":
            return "ai", (self.event_group(body[0]),)
        if member == "AboutToShow":
            return "b", (self.about_to_show(body[0]),)
        if member == "AboutToShowGroup":
            return "aiai", self.about_to_show_group(body[0])
        raise MenuError(f"no method {member}", "org.freedesktop.DBus.Error.UnknownMethod")
