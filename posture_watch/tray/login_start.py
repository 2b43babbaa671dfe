"""Start at login as the session sees it: the menu's check mark, read and changed.

A desktop-entry folder that cannot be read or written must not end the tray: reading
fails to "off" and a failed change comes back as the error line the session shows.
"""

from __future__ import annotations

from posture_watch.core.stream import AutostartState
from posture_watch.core.text import _
from posture_watch.errors import PostureWatchError
from posture_watch.tray.ports import Autostart


def autostart_enabled(autostart: Autostart | None) -> bool | None:
    """Whether the tray starts at login; None when this tray has no such switch."""
    try:
        return None if autostart is None else autostart.is_enabled()
    except OSError:
        return False


def change_autostart(autostart: Autostart | None, enabled: bool) -> AutostartState:
    """Turn start at login on or off; the state afterwards, with the error if it failed."""
    error = None
    try:
        if autostart is None:
            raise PostureWatchError(_("this tray cannot start at login"))
        autostart.set_enabled(enabled)
    except (OSError, PostureWatchError) as exc:
        error = exc.one_line() if isinstance(exc, PostureWatchError) else str(exc)
    return AutostartState(autostart_enabled(autostart), error)
