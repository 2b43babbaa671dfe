"""Desktop notifications that never steal focus: notify-send on Linux, a callback elsewhere.

A posture nudge must not interrupt typing, so it goes to the desktop's notification server
(a bubble the server places and expires) and never opens a window of our own. On Linux
that is ``notify-send`` (libnotify), run as a short child process with a timeout: a hung or
missing server costs the caller at most ``timeout`` seconds. On other systems the tray
passes a callable (pystray's ``Icon.notify(message, title)``).

Failing to notify is not an error for the tray: :meth:`Notifier.notify` returns False and
logs one line, and never raises. All platform choices live in this one module.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Callable, Mapping
from typing import Protocol

log = logging.getLogger(__name__)

APP_NAME = "posture-watch"
URGENCIES = ("low", "normal", "critical")

#: How long a bubble stays up unless the server decides otherwise (milliseconds).
EXPIRE_MS = 10_000
#: How long the caller may be held up by notify-send (seconds).
TIMEOUT = 2.0


class Notifier(Protocol):
    """Shows one desktop notification; True when it was handed to the desktop."""

    def notify(
        self, title: str, body: str, *, urgency: str = "normal", icon: str | None = None
    ) -> bool: ...


class NotifySendNotifier:
    """Linux: ``notify-send`` talking to the session's notification server over D-Bus.

    ``env`` is the environment for notify-send (None: this process's), which is how tests
    point it at a private session bus. ``executable`` is the program to run.
    """

    def __init__(
        self,
        *,
        expire_ms: int = EXPIRE_MS,
        timeout: float = TIMEOUT,
        env: Mapping[str, str] | None = None,
        executable: str = "notify-send",
    ) -> None:
        self.expire_ms = expire_ms
        self.timeout = timeout
        self.env = dict(env) if env is not None else None
        self.executable = executable

    def command(self, title: str, body: str, *, urgency: str, icon: str | None) -> list[str]:
        """The notify-send command line (``--`` first, so a title like ``-5 min`` is text)."""
        argv = [
            self.executable,
            f"--app-name={APP_NAME}",
            f"--urgency={urgency}",
            f"--expire-time={self.expire_ms}",
            f"--hint=string:desktop-entry:{APP_NAME}",
        ]
        if icon:
            argv.append(f"--icon={icon}")
        return [*argv, "--", title, body]

    def notify(
        self, title: str, body: str, *, urgency: str = "normal", icon: str | None = None
    ) -> bool:
        """Hand the notification to the server; False (logged) when it cannot be shown."""
        _check_urgency(urgency)
        argv = self.command(title, body, urgency=urgency, icon=icon)
        try:
            done = subprocess.run(
                argv,
                env=self.env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=self.timeout,
                check=False,
            )
        except FileNotFoundError:
            return _not_shown(f"{self.executable} is not installed (package libnotify-bin)")
        except subprocess.TimeoutExpired:
            return _not_shown(f"{self.executable} got no answer within {self.timeout:g} s")
        except OSError as exc:
            return _not_shown(f"cannot run {self.executable}: {exc.strerror}")
        if done.returncode != 0:
            reason = _first_line(done.stderr) or f"{self.executable} exited with {done.returncode}"
            return _not_shown(reason)
        return True


class CallbackNotifier:
    """Other systems: a callable shows it, called as ``show(body, title)`` like pystray's
    ``Icon.notify(message, title)``. Urgency and icon are not supported there and ignored.

    With ``show=None`` (nothing to show notifications with) every call returns False.
    """

    def __init__(self, show: Callable[[str, str], object] | None) -> None:
        self.show = show

    def notify(
        self, title: str, body: str, *, urgency: str = "normal", icon: str | None = None
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


def notifier_for_platform(
    show: Callable[[str, str], object] | None = None, *, platform: str = sys.platform
) -> Notifier:
    """notify-send on Linux; elsewhere a :class:`CallbackNotifier` around ``show``."""
    if platform.startswith("linux"):
        return NotifySendNotifier()
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
