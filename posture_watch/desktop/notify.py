"""Desktop notifications that never steal focus: notify-send on Linux, a callback elsewhere.

A posture nudge must not interrupt typing, so it goes to the desktop's notification server
(a bubble the server places and expires) and never opens a window of our own. On Linux
that is ``notify-send`` (libnotify), run as a short child process with a timeout: a hung or
missing server costs the caller at most ``timeout`` seconds. On other systems the tray
passes a callable (pystray's ``Icon.notify(message, title)``).

The answer must be true, because the tray records a prompt as shown only when
:meth:`Notifier.notify` returns True: notify-send runs with ``--print-id`` (libnotify
0.7.9 or newer), and only an exit status of 0 together with the id the server gave the
bubble counts as shown. A server that is stopped or hung (dunst under SIGSTOP: the call
blocks) costs ``timeout`` seconds, after which notify-send and anything it started are
killed and reaped. Its output goes to temporary files, not pipes, so a helper it leaves
behind (D-Bus autolaunch) cannot keep the call waiting for the end of the output.

Failing to notify is not an error for the tray: :meth:`Notifier.notify` returns False and
logs one line, and never raises. All platform choices live in this one module.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Protocol

log = logging.getLogger(__name__)

APP_NAME = "posture-watch"
URGENCIES = ("low", "normal", "critical")

#: How long a bubble stays up unless the server decides otherwise (milliseconds).
EXPIRE_MS = 10_000
#: How long the caller may be held up by notify-send (seconds).
TIMEOUT = 2.0
#: How long to wait for notify-send to be reaped once it has been sent SIGKILL (seconds).
REAP_TIMEOUT = 0.5


class Notifier(Protocol):
    """Shows one desktop notification; True only when the desktop took it."""

    def notify(
        self, title: str, body: str, *, urgency: str = "normal", icon: str | None = None
    ) -> bool: ...


class NotifySendNotifier:
    """Linux: ``notify-send`` talking to the session's notification server over D-Bus.

    ``env`` is the environment for notify-send (None: this process's), which is how tests
    point it at a private session bus. ``executable`` is the program to run. ``timeout``
    bounds each call (seconds): after it notify-send is killed and the call returns at
    once (at worst :data:`REAP_TIMEOUT` later, if notify-send is slow to die).
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
        """The notify-send command line (``--`` first, so a title like ``-5 min`` is text).

        ``--print-id`` makes notify-send print the id the server gave the bubble, the proof
        that a server answered.
        """
        argv = [
            self.executable,
            "--print-id",
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
        """True when the server took the notification and gave it an id; otherwise False
        and one log line (no server, no bus, server hung, notify-send missing or failing)."""
        _check_urgency(urgency)
        argv = self.command(title, body, urgency=urgency, icon=icon)
        try:
            done = run_bounded(argv, self.env, self.timeout)
        except FileNotFoundError:
            return _not_shown(f"{self.executable} is not installed (package libnotify-bin)")
        except subprocess.TimeoutExpired:
            return _not_shown(f"{self.executable} got no answer within {self.timeout:g} s")
        except OSError as exc:
            return _not_shown(f"cannot run {self.executable}: {exc.strerror or exc}")
        if done.returncode != 0:
            reason = _first_line(done.stderr) or f"{self.executable} exited with {done.returncode}"
            return _not_shown(reason)
        if _notification_id(done.stdout) is None:
            printed = _first_line(done.stdout)[:40] or "nothing"
            return _not_shown(f"the server returned no notification id ({printed!r})")
        return True


@dataclass(frozen=True)
class Finished:
    """A child process that ended by itself: its return code and what it printed."""

    returncode: int
    stdout: str
    stderr: str


def run_bounded(argv: Sequence[str], env: Mapping[str, str] | None, timeout: float) -> Finished:
    """Run ``argv`` for at most ``timeout`` seconds and return how it ended.

    Why not ``subprocess.run(timeout=...)``: it reads pipes until every holder has closed
    them, so a helper the child started and left running would hold the caller up after
    the child itself had answered, and on a timeout it kills only the child, not what the
    child started. Here the child gets a process group of its own and writes to temporary
    files. On a timeout (or any exception while waiting, Ctrl-C included) the whole group
    gets SIGKILL, which also ends a stopped process, and the child is reaped before the
    exception (TimeoutExpired) goes on. OSError (e.g. FileNotFoundError) when ``argv[0]``
    cannot be run.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            list(argv),
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        try:
            returncode = proc.wait(timeout=timeout)
        except BaseException:
            _kill_group(proc)
            raise
        return Finished(returncode, _read(out), _read(err))


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the child's process group and reap the child (no zombie stays behind)."""
    # the group is the child's own (start_new_session); it may have ended meanwhile
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    # SIGKILL is not delayed by a stopped or hung process; a child stuck in the kernel
    # even so is left to subprocess, which reaps it at a later Popen
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=REAP_TIMEOUT)


def _read(handle: IO[bytes]) -> str:
    handle.seek(0)
    return handle.read().decode("utf-8", errors="replace")


def _notification_id(stdout: str) -> int | None:
    """The id ``--print-id`` printed; None unless it is a positive integer (libnotify
    prints 0 when the server never answered)."""
    text = stdout.strip()
    return int(text) if text.isdigit() and int(text) > 0 else None


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
