"""The tray menu as plain values, shared by every backend.

Backends with native menus (AppIndicator, Windows, macOS) build them from these entries;
the plain X11 backend has no menus, so a click opens :mod:`posture_watch.tray.popup_menu`
with the same entries. The controller only ever sees the entry ids.
"""

from __future__ import annotations

from dataclasses import dataclass

SEPARATOR = "-"


@dataclass(frozen=True)
class MenuEntry:
    id: str
    label: str
    enabled: bool = True
    #: A check item when not None (``True``: ticked), e.g. "Start at login".
    checked: bool | None = None


def menu_entries(
    *, paused: bool, calibrating: bool, status: str = "", autostart: bool | None = None
) -> list[MenuEntry]:
    """The menu for the current situation: Pause items while running, Resume while paused.

    ``status`` becomes a first, disabled line: most StatusNotifierItem hosts (GNOME's
    AppIndicator extension, KDE) show no tooltip, so the menu is where the state is read.
    ``autostart`` adds the "Start at login" check item (None: not offered here).
    """
    entries: list[MenuEntry] = []
    if status:
        entries += [MenuEntry("status", status, enabled=False), MenuEntry(SEPARATOR, "")]
    if paused:
        entries.append(MenuEntry("resume", "Resume"))
    else:
        entries += [
            MenuEntry("pause-15", "Pause for 15 min"),
            MenuEntry("pause-60", "Pause for 1 h"),
            MenuEntry("pause-tomorrow", "Pause until tomorrow"),
        ]
    entries += [
        MenuEntry(SEPARATOR, ""),
        MenuEntry("stretch", "Stretch now"),
        MenuEntry("calibrate", "Calibrate…", enabled=not calibrating),
        MenuEntry("report", "Today's report"),
        MenuEntry("journal", "Pain journal…"),
        MenuEntry("settings", "Open settings"),
    ]
    if autostart is not None:
        entries.append(MenuEntry("autostart", "Start at login", checked=autostart))
    entries += [
        MenuEntry(SEPARATOR, ""),
        MenuEntry("quit", "Quit"),
    ]
    return entries
