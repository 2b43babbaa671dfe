"""The tray menu as plain values: the actions a person can pick, and the entries shown.

Backends with native menus (AppIndicator, Windows, macOS) build them from
:class:`MenuEntry` values; the plain X11 backend has no menus, so a click opens
:mod:`posture_watch.tray.popup_menu` with the same entries. A click comes back as the
entry's id, which is a :class:`MenuAction` value: the session
(:mod:`posture_watch.core.session`) decides what it does, so the menu lives in the core
beside it rather than in the tray adapter.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from posture_watch.core.text import pgettext

SEPARATOR = "-"
#: The id of the menu's first, disabled line: the status, for hosts without tooltips.
STATUS = "status"


class MenuAction(StrEnum):
    """What a menu item asks for; the values are the entry ids the backends hand back."""

    PAUSE_15 = "pause-15"
    PAUSE_60 = "pause-60"
    PAUSE_TOMORROW = "pause-tomorrow"
    RESUME = "resume"
    STRETCH = "stretch"
    CALIBRATE = "calibrate"
    REPORT = "report"
    JOURNAL = "journal"
    SETTINGS = "settings"
    PREFERENCES = "preferences"
    AUTOSTART = "autostart"
    QUIT = "quit"


@dataclass(frozen=True)
class MenuEntry:
    #: A :class:`MenuAction` value, :data:`STATUS` or :data:`SEPARATOR`.
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
        entries += [MenuEntry(STATUS, status, enabled=False), MenuEntry(SEPARATOR, "")]
    if paused:
        entries.append(MenuEntry(MenuAction.RESUME, pgettext("menu", "Resume")))
    else:
        entries += [
            MenuEntry(MenuAction.PAUSE_15, pgettext("menu", "Pause for 15 min")),
            MenuEntry(MenuAction.PAUSE_60, pgettext("menu", "Pause for 1 h")),
            MenuEntry(MenuAction.PAUSE_TOMORROW, pgettext("menu", "Pause until tomorrow")),
        ]
    entries += [
        MenuEntry(SEPARATOR, ""),
        MenuEntry(MenuAction.STRETCH, pgettext("menu", "Stretch now")),
        MenuEntry(MenuAction.CALIBRATE, pgettext("menu", "Calibrate…"), enabled=not calibrating),
        MenuEntry(MenuAction.REPORT, pgettext("menu", "Today's report")),
        MenuEntry(MenuAction.JOURNAL, pgettext("menu", "Pain journal…")),
        MenuEntry(MenuAction.PREFERENCES, pgettext("menu", "Preferences…")),
        MenuEntry(MenuAction.SETTINGS, pgettext("menu", "Open settings")),
    ]
    if autostart is not None:
        entries.append(
            MenuEntry(MenuAction.AUTOSTART, pgettext("menu", "Start at login"), checked=autostart)
        )
    entries += [
        MenuEntry(SEPARATOR, ""),
        MenuEntry(MenuAction.QUIT, pgettext("menu", "Quit")),
    ]
    return entries


__all__ = ["SEPARATOR", "STATUS", "MenuAction", "MenuEntry", "menu_entries"]
