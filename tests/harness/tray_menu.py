"""Choosing an entry of the X11 tray's menu (our Tk popup: trayer's plain X11 tray has
no menus) by clicking, as a person does: for the tray tests, the docking benchmark and
the README's screenshots."""

from __future__ import annotations

from posture_watch.core.menu import SEPARATOR, menu_entries
from tests.harness.xsession import XSession


def choose_menu_entry(session: XSession, entry_id: str, *, paused: bool = False) -> None:
    """Click the tray icon, then the popup menu's entry ``entry_id``.

    The popup stacks equal-height buttons and 5-pixel separators inside a 1-pixel border,
    so an entry's centre follows from the window's height and the entries before it.
    """
    x, y, width, height = session.tray_geometry()
    done = session.run(
        "xdotool", "mousemove", str(x + width // 2), str(y + height // 2), "click", "1"
    )
    assert done.returncode == 0, done.stderr
    menu = session.wait_window("^posture-watch menu$", timeout=20)  # 10 s failed once, cores busy
    # the tray's menu: the status line first, the "Start at login" check item; only the
    # number and order of rows matter here, not their labels
    entries = menu_entries(paused=paused, calibrating=False, status="status", autostart=False)
    separators = sum(e.id == SEPARATOR for e in entries)
    _, _, _, menu_height = session.window_geometry(menu)
    button = (menu_height - 2 - 5 * separators) / (len(entries) - separators)
    top = 1.0
    for entry in entries:
        if entry.id == entry_id:
            session.click(menu, 20, int(top + button / 2))
            return
        top += 5 if entry.id == SEPARATOR else button
    raise AssertionError(f"no menu entry {entry_id!r}")
