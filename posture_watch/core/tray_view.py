"""What the tray shows of the status: the icon's state, its tooltip and the menu, sent
only when they changed (redrawing an unchanged icon flickers on some panels)."""

from __future__ import annotations

from posture_watch.core.effects import Effect, ShowIcon, ShowMenu
from posture_watch.core.menu import menu_entries
from posture_watch.core.status import MonitorStatus, TrayState


class TrayView:
    """Remembers what was last shown."""

    def __init__(self) -> None:
        self._shown: tuple[TrayState, str] | None = None
        self._menu_key: tuple[bool, bool, str, bool | None] | None = None

    def changes(self, status: MonitorStatus, t: float, autostart: bool | None) -> list[Effect]:
        """The icon and menu effects for ``status`` at ``t``, if anything changed."""
        out: list[Effect] = []
        state = status.state
        tooltip = status.tooltip(t, note=status.error)
        if self._shown != (state, tooltip):
            redraw = self._shown is None or self._shown[0] != state
            out.append(ShowIcon(state, tooltip, redraw))
            self._shown = (state, tooltip)
        line = status.status_line(t, note=status.error)
        key = (status.paused, status.calibrating, line, autostart)
        if key != self._menu_key:
            entries = menu_entries(
                paused=status.paused, calibrating=status.calibrating, status=line,
                autostart=autostart,
            )  # fmt: skip
            out.append(ShowMenu(tuple(entries)))
            self._menu_key = key
        return out


__all__ = ["TrayView"]
