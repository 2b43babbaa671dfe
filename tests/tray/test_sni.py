"""The StatusNotifierItem and its DBusMenu on a real private ``dbus-daemon``.

The panel side is played by a small StatusNotifierWatcher written here on jeepney (a
real peer on the bus, the part that waybar, KDE or GNOME's extension play on a desktop;
``tests/tray/wayland`` runs the item against waybar itself). These tests cover what a
panel cannot show quickly: registering when the watcher appears late or restarts, the
menu's layout, clicks, check items and errors, and the backend chooser.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jeepney import DBusAddress, MatchRule, MessageType, new_method_call
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection
from jeepney.io.threading import ReceiveStopped
from jeepney.io.threading import open_dbus_connection as open_threaded
from jeepney.wrappers import new_method_return
from PIL import Image

from posture_watch.core.status import TrayState
from posture_watch.desktop.icons import draw_icon
from posture_watch.tray import backend
from posture_watch.tray.menu import SEPARATOR, MenuEntry
from posture_watch.tray.sni import ICON_SIZES, SniTrayIcon, icon_pixmaps
from tests.harness.bus import PrivateBus, need_dbus
from tests.harness.processes import wait_for

WATCHER = "org.kde.StatusNotifierWatcher"
MENU = "com.canonical.dbusmenu"


@pytest.fixture
def bus(tmp_path: Path, monkeypatch) -> Iterator[str]:
    """A private session bus; DBUS_SESSION_BUS_ADDRESS points at it for the test."""
    need_dbus()
    with PrivateBus(tmp_path) as private:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", private.address)
        yield private.address


class Watcher:
    """A minimal org.kde.StatusNotifierWatcher: owns the name, records registrations."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []  # (sender, service)
        self.conn = open_threaded("SESSION")
        reply = self._blocking_call(message_bus.RequestName(WATCHER, 4))
        assert reply == (1,), reply
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _blocking_call(self, message: Any) -> tuple:
        serial = next(self.conn.outgoing_serial)
        self.conn.send(message, serial=serial)
        while True:
            msg = self.conn.receive(timeout=5)
            if msg.header.fields.get(5) == serial:
                return msg.body

    def _serve(self) -> None:
        try:
            while True:
                msg = self.conn.receive()
                if msg.header.message_type is MessageType.method_call:
                    if msg.header.fields.get(3) == "RegisterStatusNotifierItem":
                        self.items.append((msg.header.fields[7], msg.body[0]))
                    self.conn.send(new_method_return(msg))
        except (ReceiveStopped, OSError, ValueError):  # closed by close()
            pass

    def close(self) -> None:
        self.conn.close()
        self.thread.join(timeout=5)


class Running:
    """An SniTrayIcon served on a thread, as ``posture-watch tray`` serves it on main."""

    def __init__(self, entries: list[MenuEntry]) -> None:
        self.selected: list[str] = []
        self.entries = entries
        self.icon = SniTrayIcon(draw_icon(TrayState.UPRIGHT), "upright", self.on_select)
        self.icon.set_menu(entries)
        self.started = threading.Event()
        self.thread = threading.Thread(target=self.icon.run, args=(self.started.set,))
        self.thread.start()
        assert self.started.wait(5)

    def on_select(self, entry_id: str) -> None:
        """Like the controller: a check item toggles and the menu is rebuilt."""
        self.selected.append(entry_id)
        self.entries = [
            MenuEntry(e.id, e.label, e.enabled, not e.checked)
            if e.id == entry_id and e.checked is not None
            else e
            for e in self.entries
        ]
        self.icon.set_menu(self.entries)

    def call(self, path: str, interface: str, member: str, sig: str | None = None,
             body: tuple = ()) -> Any:  # fmt: skip
        address = DBusAddress(path, bus_name=self.icon.service_name, interface=interface)
        with open_dbus_connection("SESSION") as conn:
            reply = conn.send_and_get_reply(new_method_call(address, member, sig, body), timeout=5)
        return reply

    def menu(self, member: str, sig: str | None = None, body: tuple = ()) -> tuple:
        reply = self.call("/MenuBar", MENU, member, sig, body)
        assert reply.header.message_type is MessageType.method_return, reply.body
        return reply.body

    def layout(self) -> list[tuple[int, dict[str, Any]]]:
        _rev, (_root, _props, children) = self.menu("GetLayout", "iias", (0, -1, []))
        return [(n, {k: v for k, (_s, v) in p.items()}) for _sig, (n, p, _c) in children]

    def stop(self) -> None:
        self.icon.stop()
        self.thread.join(timeout=5)
        assert not self.thread.is_alive()


ENTRIES = [
    MenuEntry("status", "Upright · sitting 23 min · 87% upright today", enabled=False),
    MenuEntry(SEPARATOR, ""),
    MenuEntry("pause-15", "Pause for 15 min"),
    MenuEntry("autostart", "Start at login", checked=False),
    MenuEntry(SEPARATOR, ""),
    MenuEntry("quit", "Quit"),
]


@pytest.fixture
def running(bus: str) -> Iterator[Running]:
    item = Running(list(ENTRIES))
    try:
        yield item
    finally:
        item.stop()


def test_pixmaps_are_argb32_in_network_byte_order_in_every_size():
    image = Image.new("RGBA", (64, 64), (10, 20, 30, 200))
    pixmaps = icon_pixmaps(image)
    assert [(w, h) for w, h, _ in pixmaps] == [(s, s) for s in ICON_SIZES]
    for width, height, data in pixmaps:
        assert len(data) == 4 * width * height
        assert data[:4] == bytes([200, 10, 20, 30])  # A, R, G, B


def test_the_item_registers_when_a_watcher_appears_and_again_after_it_restarts(
    running: Running,
):
    assert running.icon.registered_as is None  # nobody to register with yet
    first = Watcher()
    try:
        wait_for(lambda: first.items, 5, "the registration")
        assert first.items[0][1] == f"org.kde.StatusNotifierItem-{os.getpid()}-1"
    finally:
        first.close()
    second = Watcher()
    try:
        wait_for(lambda: second.items, 5, "the registration with the new watcher")
        assert second.items[0][1] == running.icon.service_name
    finally:
        second.close()
    props = running.call(
        "/StatusNotifierItem", "org.freedesktop.DBus.Properties", "GetAll", "s",
        ("org.kde.StatusNotifierItem",),
    ).body[0]  # fmt: skip
    assert props["Menu"] == ("o", "/MenuBar") and props["ItemIsMenu"] == ("b", True)
    assert props["ToolTip"][1][2] == "upright"
    assert [(w, h) for w, h, _ in props["IconPixmap"][1]] == [(s, s) for s in ICON_SIZES]


def test_new_icon_and_tooltip_signals_carry_the_change(running: Running):
    with open_dbus_connection("SESSION") as conn:
        rule = MatchRule(type="signal", interface="org.kde.StatusNotifierItem")
        conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=5)
        running.icon.update(draw_icon(TrayState.SLOUCH), "slouching")
        names = {conn.receive(timeout=5).header.fields[3] for _ in range(2)}
    assert names == {"NewIcon", "NewToolTip"}
    props = running.call(
        "/StatusNotifierItem", "org.freedesktop.DBus.Properties", "Get", "ss",
        ("org.kde.StatusNotifierItem", "IconPixmap"),
    ).body[0][1]  # fmt: skip
    width, _h, data = props[-1]
    centre = 4 * (width * (width // 2) + 4)  # a pixel inside the disc, left of the glyph
    assert tuple(data[centre + 1 : centre + 4]) == (240, 140, 0)  # the slouch orange


def test_the_menu_starts_with_the_status_line_and_clicks_reach_on_select(running: Running):
    items = running.layout()
    assert items[0][1] == {"label": ENTRIES[0].label, "enabled": False}
    assert items[1][1] == {"type": "separator"}
    number = {p.get("label"): n for n, p in items}

    running.menu("Event", "isvu", (items[0][0], "clicked", ("s", ""), 0))  # disabled
    running.menu("Event", "isvu", (number["Pause for 15 min"], "hovered", ("s", ""), 0))
    running.menu("Event", "isvu", (number["Pause for 15 min"], "clicked", ("s", ""), 0))
    assert running.selected == ["pause-15"]

    assert running.menu("AboutToShow", "i", (0,)) == (False,)
    assert running.menu("GetProperty", "is", (number["Quit"], "label")) == (("s", "Quit"),)
    props = running.call("/MenuBar", "org.freedesktop.DBus.Properties", "GetAll", "s", (MENU,))
    assert props.body[0]["Version"] == ("u", 3)
    unknown = running.call("/MenuBar", MENU, "Event", "isvu", (999, "clicked", ("s", ""), 0))
    assert unknown.header.message_type is MessageType.error


def test_a_check_item_toggles_and_hosts_hear_of_the_new_layout(running: Running):
    number, props = next((n, p) for n, p in running.layout() if p.get("label") == "Start at login")
    assert props["toggle-type"] == "checkmark" and props["toggle-state"] == 0
    revision = running.menu("GetLayout", "iias", (0, -1, []))[0]
    with open_dbus_connection("SESSION") as conn:
        rule = MatchRule(type="signal", interface=MENU, member="LayoutUpdated")
        conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=5)
        running.menu("EventGroup", "a(isvu)", ([(number, "clicked", ("s", ""), 0)],))
        signal = conn.receive(timeout=5)
    assert signal.body == (revision + 1, 0)
    assert dict(running.layout())[number]["toggle-state"] == 1
    assert running.selected == ["autostart"]


def test_the_chooser_uses_sni_when_a_watcher_owns_the_name(bus: str, monkeypatch):
    monkeypatch.delenv("POSTURE_WATCH_TRAY", raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("DISPLAY", ":99")
    assert backend.choose_backend() == "pystray"  # X11 and no watcher: XEmbed
    watcher = Watcher()
    try:
        assert backend.choose_backend() == "sni"
        monkeypatch.setenv("POSTURE_WATCH_TRAY", "xembed")
        assert backend.choose_backend() == "pystray"
    finally:
        watcher.close()
    monkeypatch.delenv("POSTURE_WATCH_TRAY")
    monkeypatch.delenv("DISPLAY")
    assert backend.choose_backend() == "sni"  # Wayland: wait for a panel on the bus
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
    assert backend.choose_backend() == "pystray"  # no bus at all
