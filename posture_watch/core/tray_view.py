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

    def changes(
        self, status: MonitorStatus, t: float, autostart: bool | None, note: str | None = None
    ) -> list[Effect]:
        """The icon and menu effects for ``status`` at ``t``, if anything changed; ``note``
        (do not disturb's) follows the state unless an error does."""
        out: list[Effect] = []
        state = status.state
        note = status.error or note
        tooltip = status.tooltip(t, note=note)
        if self._shown != (state, tooltip):
            redraw = self._shown is None or self._shown[0] != state
            out.append(ShowIcon(state, tooltip, redraw))
            self._shown = (state, tooltip)
        line = status.status_line(t, note=note)
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
