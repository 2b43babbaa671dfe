"""Desktop notifications that never steal focus, and the buttons a person may answer them with.

A nudge must not interrupt typing, so it goes to the desktop's notification server (a
bubble the server places and expires) and never opens a window of our own. On Linux we
speak ``org.freedesktop.Notifications`` over D-Bus ourselves, with jeepney (pure Python,
already used for the tray icon), rather than running ``notify-send``: one connection
both sends the bubbles and hears the answers, which servers such as dunst and GNOME
Shell send only to the connection that asked (``ActionInvoked`` is unicast), so a child
process that exits after sending could never hear them. On other systems the tray passes
a callable (pystray's ``Icon.notify(message, title)``), which has no buttons.

What each bubble carries, from the notification spec:

- the app name ``posture-watch`` and the ``desktop-entry`` hint (servers group by it);
- the app icon: its name when ``posture-watch launcher install`` put it in the icon
  theme, else its pixels as the ``image-data`` hint (no temporary files to clean up);
- a ``category`` (``x-posture-watch.posture``, ``.break``, ``.warning``: the spec's own
  categories are for mail, calls and devices, none fits, and it asks for an ``x-vendor.``
  prefix) and the ``urgency`` hint;
- buttons (``actions``) only where the server lists ``actions`` in ``GetCapabilities``;
  elsewhere the caller sends none and the body alone says what to do;
- ``replaces_id``: a nudge replaces the bubble of the same kind still on screen (the
  break nudge replaces the warning before it) instead of stacking a second one;
- an expiry of :data:`EXPIRE_MS`, or :data:`ANSWER_EXPIRE_MS` for a bubble with buttons
  (time to reach for one).

A press comes back as ``ActionInvoked(id, action)`` on the same connection; the id is
mapped back to the nudge's ``prompt_id`` and given to ``on_answer`` as
:class:`~posture_watch.core.stream.NotificationAnswered` (the tray posts it to its inbox).
``NotificationClosed`` forgets the id. The signals are read by the connection's own
receiver thread and handed to a listener thread, so ``on_answer`` never runs on the
caller's thread and never holds the bus up.

The answer to :meth:`DBusNotifier.notify` must be true, because the tray records a nudge
as shown only when it returns True: only an id from the server counts. A server that is
stopped or hung costs at most ``timeout`` seconds; then the connection is dropped (a
late reply has nobody to reach) and the next call opens a new one. The bubble itself is
sent only after the server has answered a cheap question (``GetCapabilities``), as
libnotify does: sent to a frozen server, it would appear when the server runs again,
although the tray had not counted it as shown. Failing to notify is
not an error for the tray: ``notify`` returns False and logs one line, and never raises.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from jeepney import DBusAddress, HeaderFields, MatchRule, Message, MessageFlag, new_method_call
from jeepney.bus_messages import message_bus
from jeepney.io.common import RouterClosed
from jeepney.io.threading import DBusRouter, open_dbus_connection
from jeepney.wrappers import DBusErrorResponse, unwrap_msg

from posture_watch.core.stream import NotificationAnswered, NudgeAction

log = logging.getLogger(__name__)

APP_NAME = "posture-watch"
URGENCIES = ("low", "normal", "critical")
#: How long a bubble without buttons stays up unless the server decides otherwise (ms).
EXPIRE_MS = 10_000
#: A bubble with buttons stays longer: time to read it and reach for one (ms).
ANSWER_EXPIRE_MS = 30_000
#: How long the caller may be held up by the bus or the server (seconds).
TIMEOUT = 2.0
#: The app icon's size when sent as pixels (the spec's icons are 48 px at most, mostly).
ICON_PIXELS = 48

SERVER = DBusAddress(
    "/org/freedesktop/Notifications",
    bus_name="org.freedesktop.Notifications",
    interface="org.freedesktop.Notifications",
)
#: Bubbles of these categories replace each other (the break nudge takes the place of
#: the warning before it); any other category replaces its own kind only.
_SHARED_PLACE = {"x-posture-watch.warning": "x-posture-watch.break"}

Actions = Sequence[tuple[str, str]]
OnAnswer = Callable[[NotificationAnswered], None]


class Notifier(Protocol):
    """Shows one desktop notification; True only when the desktop took it."""

    def notify(
        self,
        title: str,
        body: str,
        *,
        urgency: str = "normal",
        actions: Actions = (),
        category: str = "",
        prompt_id: str | None = None,
    ) -> bool: ...

    def offers_actions(self) -> bool: ...


class DBusNotifier:
    """Linux: ``org.freedesktop.Notifications`` on the session bus (see the module doc).

    ``bus`` is ``"SESSION"`` (the address from the environment) or a D-Bus address, which
    is how tests point it at a private bus. ``on_answer`` receives the buttons pressed,
    on the listener thread. ``timeout`` bounds each call (seconds). ``quiet`` leaves the
    failures out of the log (a one-off notice whose caller says what failed itself).
    """

    def __init__(
        self,
        *,
        bus: str = "SESSION",
        on_answer: OnAnswer | None = None,
        timeout: float = TIMEOUT,
        expire_ms: int = EXPIRE_MS,
        quiet: bool = False,
    ) -> None:
        self.bus, self.on_answer, self.timeout, self.expire_ms = bus, on_answer, timeout, expire_ms
        self.quiet = quiet
        self._lock = threading.Lock()  # the connection and the maps below
        self._router: DBusRouter | None = None
        self._signals: queue.Queue[Message | None] | None = None
        self._prompts: dict[int, str] = {}  # bubble id -> the nudge's prompt_id
        self._places: dict[str, int] = {}  # replace key -> the bubble showing it
        #: What the last GetCapabilities said, for the next bubble only (None: ask again):
        #: True, the server answered just now; False, it did not (a frozen server then
        #: costs the tray one timeout, not two).
        self._asked: bool | None = None
        self._failure = ""  # why the last call got no answer

    # -- the API ---------------------------------------------------------------------

    def notify(
        self,
        title: str,
        body: str,
        *,
        urgency: str = "normal",
        actions: Actions = (),
        category: str = "",
        prompt_id: str | None = None,
    ) -> bool:
        """True when the server took the bubble and gave it an id; otherwise False and
        one log line (no bus, no server, server hung or refusing)."""
        _check_urgency(urgency)
        place = _SHARED_PLACE.get(category, category)
        with self._lock:
            replaces = self._places.get(place, 0) if place else 0
        expire = ANSWER_EXPIRE_MS if actions else self.expire_ms
        flat = [text for pair in actions for text in pair]
        hints = bubble_hints(urgency, category)
        icon = app_icon(hints)
        message = new_method_call(
            SERVER,
            "Notify",
            "susssasa{sv}i",
            (APP_NAME, replaces, icon, title, body, flat, hints, expire),
        )
        # a server that cannot answer this cheap question now never gets the bubble: sent
        # to a frozen server, it would show up later, when the tray had not counted it
        with self._lock:
            asked, self._asked = self._asked, None
        if asked is False:
            if not self.quiet:
                _not_shown(self._failure)
            return False
        if not asked and self._call(new_method_call(SERVER, "GetCapabilities")) is None:
            return False
        reply = self._call(message)
        if reply is None:
            return False
        bubble = reply[0] if reply and isinstance(reply[0], int) else 0
        if bubble <= 0:
            if not self.quiet:
                _not_shown(f"the server returned no notification id ({reply!r:.40})")
            return False
        with self._lock:
            if place:
                self._places[place] = bubble
            self._prompts.pop(bubble, None)  # a replaced bubble answers for its new prompt
            if prompt_id is not None and actions:
                self._prompts[bubble] = prompt_id
        return True

    def offers_actions(self) -> bool:
        """Whether the server shows buttons (``actions`` in ``GetCapabilities``), asked
        anew each time: the server may have been replaced since the last nudge."""
        reply = self._call(new_method_call(SERVER, "GetCapabilities"), quiet=True)
        with self._lock:
            self._asked = reply is not None
        return reply is not None and bool(reply) and "actions" in reply[0]

    def close(self) -> None:
        """Hang up and end the listener thread (a later call opens a new connection)."""
        with self._lock:
            self._hang_up()

    # -- the connection --------------------------------------------------------------

    def _call(self, message: Message, *, quiet: bool = False) -> tuple[Any, ...] | None:
        """The reply's body, or None (logged unless ``quiet``) when there is none in time."""
        try:
            router = self._connect()
            return tuple(unwrap_msg(router.send_and_get_reply(message, timeout=self.timeout)))
        except TimeoutError:
            with self._lock:  # a late reply must not reach a later call
                self._hang_up()
            reason = f"the notification server gave no answer within {self.timeout:g} s"
        except DBusErrorResponse as exc:
            reason = f"{exc.name}: {_first_line(str(exc.data[0]) if exc.data else '')}"
        except (OSError, ValueError, KeyError, RouterClosed) as exc:
            with self._lock:
                self._hang_up()
            reason = f"no session bus ({type(exc).__name__}: {_first_line(str(exc))})"
        self._failure = reason
        if not (quiet or self.quiet):
            _not_shown(reason)
        return None

    def _connect(self) -> DBusRouter:
        """The open connection, or a new one listening for the server's signals."""
        with self._lock:
            router = self._router
            if router is not None and router.is_open():
                return router
            self._hang_up()
            conn = open_dbus_connection(self.bus, auth_timeout=self.timeout)
            router = _Router(conn)
            signals: queue.Queue[Message | None] = queue.Queue()
            rule = MatchRule(type="signal", interface=SERVER.interface, path=SERVER.object_path)
            router.filter(rule, queue=signals)
            self._router, self._signals = router, signals
            threading.Thread(
                target=self._listen, args=(signals,), name="notification-answers", daemon=True
            ).start()
            # servers that broadcast their signals (not only to us) need the match on the bus
            router.send_and_get_reply(message_bus.AddMatch(rule), timeout=self.timeout)
            return router

    def _hang_up(self) -> None:
        """Close the connection and stop its listener (the lock is held)."""
        router, signals = self._router, self._signals
        self._router = self._signals = None
        self._prompts.clear()
        self._places.clear()
        if signals is not None:
            signals.put(None)
        if router is not None:
            router.close()
            router.conn.close()

    # -- the answers -----------------------------------------------------------------

    def _listen(self, signals: queue.Queue[Message | None]) -> None:
        while (message := signals.get()) is not None:
            try:
                self._signal(message)
            except Exception:  # one bad signal (or answer handler) must not end the thread
                log.exception("notification answers: a signal could not be handled")

    def _signal(self, message: Message) -> None:
        member = message.header.fields.get(HeaderFields.member)
        body = message.body
        if member == "NotificationClosed" and body:
            with self._lock:
                self._prompts.pop(body[0], None)
                for place, bubble in list(self._places.items()):
                    if bubble == body[0]:
                        del self._places[place]
        elif member == "ActionInvoked" and len(body) == 2:
            with self._lock:
                prompt_id = self._prompts.pop(body[0], None)
                router = self._router
            if prompt_id is not None and router is not None:
                # answered: its buttons mean nothing now (dunst 1.9 leaves the bubble up)
                close = new_method_call(SERVER, "CloseNotification", "u", (body[0],))
                close.header.flags |= MessageFlag.no_reply_expected
                router.send(close)
            try:
                action = NudgeAction(body[1])
            except ValueError:  # "default" (a click on the bubble) or another program's
                return
            if prompt_id is not None and self.on_answer is not None:
                log.info("notification answered: %s on %s", action, prompt_id)
                self.on_answer(NotificationAnswered(prompt_id, action))


class _Router(DBusRouter):
    """jeepney's router, able to say whether its receiver thread still runs (a bus that
    went away ends it, and the next call must open a new connection)."""

    def is_open(self) -> bool:
        return self._rcv_thread.is_alive()

    def _receiver(self) -> None:
        try:
            super()._receiver()
        except (OSError, ValueError) as exc:  # the bus went away: one line, no traceback
            log.info("notifications: the session bus connection ended (%s)", exc)


def bubble_hints(urgency: str, category: str) -> dict[str, tuple[str, Any]]:
    """The spec's hints for a bubble: urgency (0 low, 1 normal, 2 critical), the desktop
    entry it belongs to and, when given, its category."""
    hints: dict[str, tuple[str, Any]] = {
        "urgency": ("y", URGENCIES.index(urgency)),
        "desktop-entry": ("s", APP_NAME),
    }
    if category:
        hints["category"] = ("s", category)
    return hints


def app_icon(hints: dict[str, tuple[str, Any]]) -> str:
    """The ``app_icon`` argument: the icon theme's name when the icon is installed there;
    otherwise ``''`` and the pixels go into ``hints`` as ``image-data``."""
    from posture_watch.desktop.autostart import ICON_NAME, icon_paths

    if icon_paths()["48x48"].exists():
        return ICON_NAME
    hints["image-data"] = ("(iiibiiay)", _icon_pixels())
    return ""


_PIXELS: list[tuple[int, int, int, bool, int, int, bytes]] = []


def _icon_pixels() -> tuple[int, int, int, bool, int, int, bytes]:
    """The app icon as the spec's ``image-data``: width, height, row stride, has alpha,
    bits per sample, channels, RGBA bytes (drawn once)."""
    if not _PIXELS:
        from posture_watch.desktop.app_icon import draw_app_icon

        size = ICON_PIXELS
        data = draw_app_icon(size).convert("RGBA").tobytes()
        _PIXELS.append((size, size, size * 4, True, 8, 4, data))
    return _PIXELS[0]


class CallbackNotifier:
    """Other systems: a callable shows it, called as ``show(body, title)`` like pystray's
    ``Icon.notify(message, title)``. Urgency, category and buttons are not supported
    there and ignored (the caller asks :meth:`offers_actions` and sends none).

    With ``show=None`` (nothing to show notifications with) every call returns False.
    """

    def __init__(self, show: Callable[[str, str], object] | None) -> None:
        self.show = show

    def notify(
        self,
        title: str,
        body: str,
        *,
        urgency: str = "normal",
        actions: Actions = (),
        category: str = "",
        prompt_id: str | None = None,
    ) -> bool:
        """Pass the notification to the callable; False (logged) if there is none or it fails."""
        _check_urgency(urgency)
        if self.show is None:
            return _not_shown("no way to show notifications on this system")
        try:
            self.show(body, title)
        except Exception as exc:  # a tray backend's own failure must not reach the tray
            return _not_shown(f"{type(exc).__name__}: {_first_line(str(exc))}")
        return True

    def offers_actions(self) -> bool:
        return False


def notifier_for_platform(
    show: Callable[[str, str], object] | None = None,
    *,
    on_answer: OnAnswer | None = None,
    platform: str | None = None,
) -> Notifier:
    """D-Bus on Linux (answers go to ``on_answer``); elsewhere a :class:`CallbackNotifier`
    around ``show``."""
    import sys

    if (platform or sys.platform).startswith("linux"):
        return DBusNotifier(on_answer=on_answer)
    return CallbackNotifier(show)


def _check_urgency(urgency: str) -> None:
    # a wrong urgency is a bug in the caller, not a desktop problem: say so loudly
    if urgency not in URGENCIES:
        raise ValueError(f"urgency must be one of {', '.join(URGENCIES)}, got {urgency!r}")


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def _not_shown(reason: str) -> bool:
    log.warning("notification not shown: %s", reason)
    return False


__all__ = [
    "ANSWER_EXPIRE_MS",
    "APP_NAME",
    "EXPIRE_MS",
    "CallbackNotifier",
    "DBusNotifier",
    "Notifier",
    "app_icon",
    "bubble_hints",
    "notifier_for_platform",
]
