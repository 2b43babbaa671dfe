"""The tray menu for the backends: the values live in :mod:`posture_watch.core.menu`,
beside the session that decides what a click does; the backends import them from here."""

from __future__ import annotations

from posture_watch.core.menu import SEPARATOR, STATUS, MenuAction, MenuEntry, menu_entries

__all__ = ["SEPARATOR", "STATUS", "MenuAction", "MenuEntry", "menu_entries"]
