"""The tray icon: a StatusNotifierItem where a panel hosts those, else pystray.

:func:`open_tray_icon` chooses at run time. On Linux, when someone owns
``org.kde.StatusNotifierWatcher`` on the session bus (KDE, GNOME with the AppIndicator
extension, waybar and most Wayland panels) the icon is our own StatusNotifierItem
(:mod:`posture_watch.tray.sni`). A Wayland session without an X display also gets the
StatusNotifierItem, which then waits for a panel: XEmbed cannot work there at all.
Everywhere else it is pystray: its Windows and macOS backends, and on X11 its xorg
(XEmbed) backend. That backend has no menus, only a click action, so there a click opens
our own small Tk menu in a child process (:mod:`posture_watch.tray.popup_menu`).
``POSTURE_WATCH_TRAY=sni|xembed`` overrides the choice (for a panel that misbehaves).

Both classes have the same public API, the one the controller and ``commands/tray.py``
use: ``(image, tooltip, on_select)``, :meth:`run`, :meth:`stop`, :meth:`update`,
:meth:`set_menu`, :meth:`keep_docked`, :meth:`notify` and ``native_menu``.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from PIL import Image

from posture_watch.clock import SYSTEM, Clock
from posture_watch.core.text import _
from posture_watch.errors import TrayError
from posture_watch.tray.menu import SEPARATOR, MenuAction, MenuEntry
from posture_watch.tray.preload import program_removed
from posture_watch.tray.x11_runner import X11MainLoopRunner

log = logging.getLogger(__name__)
#: The X11 icon window's size before a tray host sets its own (hosts read it on docking).
XEMBED_SIZE = 24
#: An embedded icon narrower than this (pixels) cannot be seen or clicked: it is repaired.
NARROW = XEMBED_SIZE // 3
#: At most one repair of a narrow icon per this many seconds (a host that keeps
#: squeezing it must not make us flood it).
REPAIR_EVERY = 1.0


class TrayIconBackend(Protocol):
    """What the tray needs from an icon, whichever backend draws it."""

    @property
    def native_menu(self) -> bool:
        """True when the desktop draws the menu itself (StatusNotifierItem)."""
        ...

    def run(self, setup: Callable[[], None]) -> None: ...
    def stop(self) -> None: ...
    def update(self, image: Image.Image | None, tooltip: str) -> None: ...
    def set_menu(self, entries: Sequence[MenuEntry]) -> None: ...
    def keep_docked(self) -> None: ...
    def notify(self, title: str, body: str) -> None: ...


def ensure_display() -> None:
    """Fail early, with a hint, when there is no desktop to show an icon on."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        raise TrayError(
            _("no graphical display (DISPLAY is not set)"),
            hint=_("run it inside your desktop session, or use `posture-watch monitor --no-tray`"),
        )


def choose_backend() -> str:
    """``"sni"`` or ``"pystray"``, as described in the module docstring."""
    wanted = os.environ.get("POSTURE_WATCH_TRAY", "").strip().lower()
    if not sys.platform.startswith("linux") or wanted == "xembed":
        return "pystray"
    if wanted == "sni":
        return "sni"
    from posture_watch.tray import sni

    if sni.watcher_present():
        return "sni"
    if not os.environ.get("DISPLAY") and sni.session_bus_available():
        return "sni"  # Wayland only: wait for a panel rather than fail on X11
    return "pystray"


def open_tray_icon(
    image: Image.Image, tooltip: str, on_select: Callable[[str], None]
) -> TrayIconBackend:
    """The tray icon for this desktop (see :func:`choose_backend`)."""
    ensure_display()
    if choose_backend() == "sni":
        from posture_watch.tray.sni import SniTrayIcon

        log.info("tray icon: StatusNotifierItem")
        return SniTrayIcon(image, tooltip, on_select)
    log.info("tray icon: pystray")
    return PystrayIcon(image, tooltip, on_select)


#: ``commands/tray.py`` calls ``TrayIcon(image, tooltip, on_select)``: the chooser.
TrayIcon = open_tray_icon


class _DockFailures(logging.Filter):
    """pystray logs every failed dock (no tray host: at each host exit, and at each icon
    change until one returns) as an error with a traceback. That is expected, and we keep
    re-docking (:meth:`PystrayIcon.keep_docked`): say it once, at info, and drop the rest."""

    def __init__(self) -> None:
        super().__init__()
        self.said = False

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage() != "Failed to dock icon":
            return True
        if not self.said:
            self.said = True
            log.info("no tray host to dock the icon in; it docks again when one appears")
        return False


_DOCK_FAILURES = _DockFailures()


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
            _("cannot start the tray icon: {error}").format(error=exc),
            hint=_("use `posture-watch monitor --no-tray` on machines without a desktop"),
        ) from exc
    pystray_log = logging.getLogger("pystray._base")
    if _DOCK_FAILURES not in pystray_log.filters:
        pystray_log.addFilter(_DOCK_FAILURES)
    return pystray


class PystrayIcon:
    """A pystray icon whose image, tooltip and menu can be changed from any thread."""

    def __init__(
        self,
        image: Image.Image,
        tooltip: str,
        on_select: Callable[[str], None],
        clock: Clock = SYSTEM,
    ):
        self._pystray = _import_pystray()
        self._on_select = on_select
        self._entries: list[MenuEntry] = []
        self._popup: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()
        self._icon = self._pystray.Icon("posture-watch", image, tooltip, menu=self._menu())
        self._runner: X11MainLoopRunner | None = None
        self._unembedded_checks = 0
        self._clock = clock
        self._last_repair: float | None = None
        #: How often a narrow icon was repaired (for the log and the tests' figures).
        self.repairs = 0
        if hasattr(self._icon, "_message_handlers") and hasattr(self._icon, "_window"):
            self._give_window_a_size()
            self._dock_only_once()
            self._watch_size()
            self._runner = X11MainLoopRunner(self._icon)  # pystray's xorg backend

    def _give_window_a_size(self) -> None:
        """pystray creates its X11 icon window 1x1 with WM_NORMAL_HINTS that claim a
        program-specified size of "0 by 0" (python-xlib writes the old width and height
        fields as padding). A tray host that sizes the icon from those (trayer, in about
        2 launches of 5) keeps a 1-pixel-wide icon for good. Give the window a real size,
        and hints that say so, before it asks to be docked. Written as the raw 18-field
        WM_SIZE_HINTS, because python-xlib's helper cannot set those two fields."""
        from Xlib import Xatom, Xutil

        window, size = self._icon._window, XEMBED_SIZE
        window.configure(width=size, height=size)
        flags = Xutil.PSize | Xutil.PMinSize | Xutil.PBaseSize
        # flags, x, y, width, height, min w/h, max w/h, increments, aspects, base w/h, gravity
        hints = [flags, 0, 0, size, size, size, size, 0, 0, 0, 0, 0, 0, 0, 0, size, size, 0]
        window.change_property(Xatom.WM_NORMAL_HINTS, Xatom.WM_SIZE_HINTS, 32, hints)
        self._icon._display.flush()

    def _dock_only_once(self) -> None:
        """Ask the tray host to dock the icon only when it is not docked already.

        pystray's xorg backend sends SYSTEM_TRAY_REQUEST_DOCK again at *every* icon
        change (its ``_update_icon`` calls ``_assert_docked``). trayer does not ignore a
        request for a window it already holds: it moves the icon into a new GtkSocket,
        which now and then comes up 1 pixel wide and stays so (seen in about 1 launch in
        6; in 5 of 17 launches that opened Calibrate…, whose calibrating icon and the
        icons after it are more changes). So the request goes out only while the icon
        window is still a child of the root window.
        """
        icon = self._icon
        dock = icon._assert_docked

        def assert_docked() -> None:
            if icon._systray_manager is not None and self._embedded():
                return
            dock()

        icon._assert_docked = assert_docked

    def _embedded(self) -> bool:
        """True when a tray host holds the icon window (its parent is not the root)."""
        icon = self._icon
        return bool(icon._window.query_tree().parent.id != icon._display.screen().root.id)

    def _watch_size(self) -> None:
        """Repair a narrow icon when the tray host resizes it (ConfigureNotify), for the
        whole run and at no cost while nothing changes; :meth:`keep_docked` checks too."""
        from Xlib import X

        icon = self._icon
        draw = icon._message_handlers[X.ConfigureNotify]

        def on_configure(event: Any) -> None:
            draw(event)
            if event.window.id == icon._window.id and event.width < NARROW:
                self._repair_if_narrow()

        icon._message_handlers[X.ConfigureNotify] = on_configure

    def _repair_if_narrow(self) -> None:
        """Make the tray host size a squeezed icon again (on pystray's loop thread).

        Re-sending the size hints or resizing our window does not help: the host's
        socket keeps the 1-pixel size it chose. Saying "not mapped", then "mapped" again
        in ``_XEMBED_INFO`` does: the socket unmaps the icon, maps it, and asks for its
        size afresh (tried on trayer: 24 px every time).
        """
        icon = self._icon
        try:
            if not self._embedded() or icon._window.get_geometry().width >= NARROW:
                return
        except Exception as exc:  # the window is going away: nothing to repair
            log.debug("cannot check the icon's size: %s", exc)
            return
        now = self._clock.monotonic()
        if self._last_repair is not None and now - self._last_repair < REPAIR_EVERY:
            return
        self._last_repair = now
        self.repairs += 1
        log.info("the tray host squeezed the icon to a sliver; asking it to map it again")
        info = icon._xembed_info
        icon._window.change_property(info, info, 32, [icon._XEMBED_VERSION, 0])
        icon._display.sync()
        icon._window.change_property(info, info, 32, [icon._XEMBED_VERSION, icon._XEMBED_MAPPED])
        icon._display.flush()

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
        """Ask again to be embedded when the tray host ignored the first request, and
        repair an icon the host squeezed to a sliver.

        A tray host that is still starting (a panel restarting, or trayer under load)
        can own the tray selection yet drop the dock request, leaving the icon unseen.
        Called every few seconds for the whole run (the controller's slow check, beside
        the ConfigureNotify watch of :meth:`_watch_size`); re-docks only after two checks
        found the icon window still a child of the root window (also after the host
        exited and another one started). X11 only; the StatusNotifierItem registers
        again by itself.
        """
        if self._runner is not None:
            self._runner.call(self._redock_if_needed)

    def _redock_if_needed(self) -> None:
        icon = self._icon
        try:
            embedded = self._embedded()
        except Exception as exc:  # the window is going away: nothing to keep
            log.debug("cannot check the tray embedding: %s", exc)
            return
        self._unembedded_checks = 0 if embedded else self._unembedded_checks + 1
        if embedded:
            self._repair_if_narrow()
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
        """The backend's own notification (Windows and macOS; Linux: desktop/notify)."""
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
            else pystray.MenuItem(
                e.label,
                self._action(e.id),
                enabled=e.enabled,
                checked=None if e.checked is None else (lambda _item, c=e.checked: c),
            )
            for e in self._entries
        ]
        # The xorg backend has no menu: its click runs the default item, our popup.
        popup = pystray.MenuItem("Menu", lambda: self._open_popup(), default=True, visible=False)
        return pystray.Menu(popup, *items)

    def _action(self, entry_id: str) -> Callable[[], None]:
        return lambda: self._on_select(entry_id)

    def _open_popup(self) -> None:
        """Open the Tk menu in a child process, or close it when it is open (a click on the
        icon while the menu shows); the choice comes back on a watcher thread."""
        if program_removed():  # uninstalled while running: no menu can start; quit
            log.warning("posture-watch's files are gone (uninstalled?): a click quits")
            self._on_select(MenuAction.QUIT)
            return
        with self._lock:
            if self._popup is not None and self._popup.poll() is None:
                self._popup.terminate()  # a second click on the icon closes the menu
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
