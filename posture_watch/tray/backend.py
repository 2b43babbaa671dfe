"""The one platform adapter over pystray: show an icon, a tooltip and a menu.

pystray picks its backend when it is imported: AppIndicator when PyGObject and the
AppIndicator library are present (GNOME with the AppIndicator extension, KDE, most
panels), plain X11 (xorg) otherwise, and the native ones on Windows and macOS. The xorg
backend has no menus, only a click action, so there a click opens our own small Tk menu
in a child process (:mod:`posture_watch.tray.popup_menu`). Everything platform-specific
stays in this module.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any

from PIL import Image

from posture_watch.errors import TrayError
from posture_watch.tray.menu import SEPARATOR, MenuEntry
from posture_watch.tray.x11_runner import X11MainLoopRunner

log = logging.getLogger(__name__)


def ensure_display() -> None:
    """Fail early, with a hint, when there is no desktop to show an icon on."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        raise TrayError(
            "no graphical display (DISPLAY is not set)",
            hint="run it inside your desktop session, or use `posture-watch monitor --no-tray`",
        )


def _import_pystray() -> Any:
    ensure_display()
    try:
        if sys.platform.startswith("linux"):
            # python-xlib's locks, in case pystray itself uses its display from another
            # thread; our own updates run on its loop (see x11_runner)
            import Xlib.threaded  # noqa: F401
        import pystray
    except Exception as exc:  # pystray fails at import time when it cannot reach a display
        raise TrayError(
            f"cannot start the tray icon: {exc}",
            hint="use `posture-watch monitor --no-tray` on machines without a desktop",
        ) from exc
    return pystray


class TrayIcon:
    """A tray icon whose image, tooltip and menu can be changed from any thread."""

    def __init__(self, image: Image.Image, tooltip: str, on_select: Callable[[str], None]):
        self._pystray = _import_pystray()
        self._on_select = on_select
        self._entries: list[MenuEntry] = []
        self._popup: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()
        self._icon = self._pystray.Icon("posture-watch", image, tooltip, menu=self._menu())
        self._runner: X11MainLoopRunner | None = None
        self._unembedded_checks = 0
        if hasattr(self._icon, "_message_handlers") and hasattr(self._icon, "_window"):
            self._runner = X11MainLoopRunner(self._icon)  # pystray's xorg backend

    def _on_ui_thread(self, job: Callable[[], None]) -> None:
        """Run ``job`` where the backend wants it: X11 jobs on its main loop; the other
        backends' setters are safe to call from any thread."""
        if self._runner is not None:
            self._runner.call(job)
        else:
            job()

    @property
    def native_menu(self) -> bool:
        return bool(self._icon.HAS_MENU)

    def run(self, setup: Callable[[], None]) -> None:
        """Show the icon and block (on the main thread) until :meth:`stop`."""

        def _setup(icon: Any) -> None:
            self._on_ui_thread(lambda: setattr(icon, "visible", True))
            self._on_ui_thread(self._listen_for_clicks)
            setup()

        try:
            self._icon.run(setup=_setup)
        finally:
            if self._runner is not None:
                self._runner.close()

    def _listen_for_clicks(self) -> None:
        """pystray's xorg window does not select button presses, so a click on the icon
        never reaches it; ask the X server for them (python-xlib calls on its window)."""
        window = getattr(self._icon, "_window", None)
        if self.native_menu or window is None or not hasattr(window, "change_attributes"):
            return
        from Xlib import X

        window.change_attributes(
            event_mask=X.ExposureMask | X.StructureNotifyMask | X.ButtonPressMask
        )
        self._icon._display.flush()

    def keep_docked(self) -> None:
        """Ask again to be embedded when the tray host ignored the first request.

        A tray host that is still starting (a panel restarting, or trayer under load)
        can own the tray selection yet drop the dock request, leaving the icon unseen.
        Called every few seconds; re-docks only after two checks found the icon window
        still a child of the root window. X11 only; other backends manage themselves.
        """
        if self._runner is not None:
            self._runner.call(self._redock_if_needed)

    def _redock_if_needed(self) -> None:
        icon = self._icon
        try:
            embedded = icon._window.query_tree().parent.id != icon._display.screen().root.id
        except Exception as exc:  # the window is going away: nothing to keep
            log.debug("cannot check the tray embedding: %s", exc)
            return
        self._unembedded_checks = 0 if embedded else self._unembedded_checks + 1
        if self._unembedded_checks >= 2:
            self._unembedded_checks = 0
            icon._systray_manager = None
            try:
                icon._assert_docked()
            except AssertionError:
                log.info("no tray host yet; will try again")

    def stop(self) -> None:
        self._close_popup()
        self._on_ui_thread(self._icon.stop)

    def update(self, image: Image.Image | None, tooltip: str) -> None:
        """A new tooltip, and a new image unless ``image`` is None (unchanged)."""

        def job() -> None:
            if image is not None:
                self._icon.icon = image
            self._icon.title = tooltip

        self._on_ui_thread(job)

    def notify(self, title: str, body: str) -> None:
        """The backend's own notification (Windows and macOS; Linux uses notify-send)."""
        self._icon.notify(body, title)

    def set_menu(self, entries: Sequence[MenuEntry]) -> None:
        self._entries = list(entries)
        if self.native_menu:
            menu = self._menu()

            def job() -> None:
                self._icon.menu = menu
                self._icon.update_menu()

            self._on_ui_thread(job)

    # -- menus -------------------------------------------------------------------------

    def _menu(self) -> Any:
        pystray = self._pystray
        items = [
            pystray.Menu.SEPARATOR
            if e.id == SEPARATOR
            else pystray.MenuItem(e.label, self._action(e.id), enabled=e.enabled)
            for e in self._entries
        ]
        # The xorg backend has no menu: its click runs the default item, our popup.
        popup = pystray.MenuItem("Menu", lambda: self._open_popup(), default=True, visible=False)
        return pystray.Menu(popup, *items)

    def _action(self, entry_id: str) -> Callable[[], None]:
        return lambda: self._on_select(entry_id)

    def _open_popup(self) -> None:
        """Open the Tk menu in a child process; its choice comes back on a watcher thread."""
        with self._lock:
            if self._popup is not None and self._popup.poll() is None:
                return
            entries = [e.__dict__ for e in self._entries]
            self._popup = subprocess.Popen(
                [sys.executable, "-m", "posture_watch.tray.popup_menu", json.dumps(entries)],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            popup = self._popup
        threading.Thread(target=self._await_popup, args=(popup,), daemon=True).start()

    def _await_popup(self, popup: subprocess.Popen[str]) -> None:
        out, _ = popup.communicate()
        choice = out.strip()
        if popup.returncode == 0 and choice and any(e.id == choice for e in self._entries):
            self._on_select(choice)
        elif popup.returncode not in (0, -15):
            log.warning("tray menu exited with code %s", popup.returncode)

    def _close_popup(self) -> None:
        with self._lock:
            popup = self._popup
        if popup is not None and popup.poll() is None:
            popup.terminate()
