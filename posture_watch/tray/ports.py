"""What the tray controller drives, as small Protocols: each has a real adapter
(pystray icon, desktop notifier, SQLite recorder, monitor loop, child windows) and a
stand-in in the tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from posture_watch.core.menu import MenuEntry
from posture_watch.core.stream import Command

if TYPE_CHECKING:
    from PIL import Image


class Icon(Protocol):
    def update(self, image: Image.Image | None, tooltip: str) -> None: ...
    def set_menu(self, entries: Sequence[MenuEntry]) -> None: ...
    def keep_docked(self) -> None: ...
    def stop(self) -> None: ...


class Notifier(Protocol):
    """The desktop's notifications (``posture_watch.desktop.notify``): True when shown;
    ``actions`` (action, label) only where :meth:`offers_actions` said the server shows
    buttons."""

    def notify(
        self,
        title: str,
        body: str,
        *,
        urgency: str = "normal",
        actions: Sequence[tuple[str, str]] = (),
        category: str = "",
        prompt_id: str | None = None,
    ) -> bool: ...

    def offers_actions(self) -> bool: ...


class HistorySink(Protocol):
    """The SQLite history (``posture_watch.history.recorder.HistoryRecorder``)."""

    def on_event(self, event: object) -> None: ...
    def close(self, t_end: float) -> None: ...


class Worker(Protocol):
    """The monitor loop, as the controller sees it: a command queue, nothing else."""

    def send(self, command: Command) -> None: ...
    def stop(self) -> None: ...


class Autostart(Protocol):
    """Start at login (``posture_watch.desktop.autostart``), for the menu's check item."""

    def is_enabled(self) -> bool: ...
    def set_enabled(self, enabled: bool) -> None: ...


class Window(Protocol):
    """A child window (stretch, pain journal): polled until it has a result."""

    def poll(self) -> object | None: ...
    def close(self) -> object | None: ...


class TrayActions(Protocol):
    """Slow or platform-specific menu actions, run off the controller thread."""

    def calibrate(self, post: Callable[[object], None]) -> None: ...
    def open_settings(self, notifier: Notifier) -> None: ...
    def open_report(self, notifier: Notifier, today: date, summary: str) -> None: ...
    def write_report(self, today: date) -> Path | None: ...
    def close(self) -> None: ...


__all__ = [
    "Autostart",
    "HistorySink",
    "Icon",
    "Notifier",
    "TrayActions",
    "Window",
    "Worker",
]
