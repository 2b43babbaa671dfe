"""Run code on pystray's X11 main-loop thread, the only thread that may use its display.

pystray's xorg backend changes its icon from other threads by posting to its own X
connection and waiting for the main loop to answer. Sharing one python-xlib connection
between threads can deadlock (a reply read by the wrong thread; seen here under load as a
draw stuck in ``get_geometry`` while our thread waited for the loop). So the tray never
touches pystray's connection from another thread: jobs go into a queue, and a client
message sent over a *second* connection of our own wakes the main loop, which runs them.
On the main loop thread pystray's setters act directly. This is the "run on the UI
thread" helper of Safe Eyes, for X11.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)
ATOM = "_POSTURE_WATCH_RUN"


class X11MainLoopRunner:
    """Call :meth:`call` from any thread; the job runs on pystray's main-loop thread.

    Create it after the pystray icon and before ``icon.run()``, on the same thread.
    """

    def __init__(self, icon: Any) -> None:
        from Xlib import X, display

        self._jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._atom = icon._display.intern_atom(ATOM)
        previous = icon._message_handlers[X.ClientMessage]

        def on_client_message(event: Any) -> None:
            if event.client_type == self._atom:
                self._drain()
            else:
                previous(event)

        icon._message_handlers[X.ClientMessage] = on_client_message
        self._lock = threading.Lock()
        self._conn = display.Display(icon._display.get_display_name())
        self._window = self._conn.create_resource_object("window", icon._window.id)

    def call(self, job: Callable[[], None]) -> None:
        """Queue ``job`` and wake the main loop (never blocks on it)."""
        from Xlib import X
        from Xlib.error import XError
        from Xlib.protocol import event

        self._jobs.put(job)
        message = event.ClientMessage(
            window=self._window, client_type=self._atom, data=(32, [0, 0, 0, 0, 0])
        )
        with self._lock:
            try:
                self._window.send_event(message, event_mask=X.NoEventMask)
                self._conn.flush()
            except (XError, OSError) as exc:  # the icon window is gone: we are stopping
                log.debug("cannot wake the tray loop: %s", exc)

    def _drain(self) -> None:
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            try:
                job()
            except Exception:  # one failed redraw must not end the tray
                log.exception("tray update failed")

    def close(self) -> None:
        with self._lock:
            self._conn.close()
