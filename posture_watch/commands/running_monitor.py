"""Stop the running posture-watch before ``uninstall`` deletes the files it writes.

A tray left running would go on writing into deleted files (its history, event log and
the report it writes on Quit), or create them again a minute later. So ``uninstall``
first looks for monitors on the histories in our folders: every ``*.lock`` file there
(the default history's, the demo's in the cache folder) is the instance lock of a
history (:mod:`posture_watch.monitor.instance`), and the fallback lock in the runtime
folder is checked too. Each one held is asked to quit over its control socket, as
``posture-watch quit`` does, and ``uninstall`` waits until its lock is free: the tray
writes today's report on Quit, which takes up to :data:`QUIT_WAIT` seconds. One that
does not answer (a console monitor with its control socket off, an older version) is
named with how to stop it, and nothing is removed.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from posture_watch.clock import SYSTEM, Clock
from posture_watch.core.control_protocol import ControlCommand, ControlRequest
from posture_watch.core.text import _
from posture_watch.monitor.control_client import send_request
from posture_watch.monitor.control_socket import ControlError
from posture_watch.monitor.instance import (
    CONSOLE,
    TRAY,
    AlreadyRunningError,
    Holder,
    InstanceLock,
    lock_path,
)

#: Seconds to wait for an asked monitor to end (the tray's report on Quit may take 30 s).
QUIT_WAIT = 40.0
#: How often its lock is looked at meanwhile.
POLL = 0.2
LOCK_SUFFIX = ".lock"


@dataclass(frozen=True)
class RunningMonitor:
    """A monitor holding the lock of ``history``, and what its lock file says of it."""

    history: Path
    holder: Holder

    def describe(self) -> str:
        """``posture-watch (in the tray, pid 4242)``, ``the posture-watch demo (…)``."""
        pid, kind = self.holder.pid, self.holder.kind
        if self.holder.demo:
            if kind == CONSOLE:
                text = _("the posture-watch demo (in a terminal, pid {pid})")
            elif kind == TRAY:
                text = _("the posture-watch demo (in the tray, pid {pid})")
            else:
                text = _("the posture-watch demo (pid {pid})")
        elif kind == CONSOLE:
            text = _("posture-watch (in a terminal, pid {pid})")
        elif kind == TRAY:
            text = _("posture-watch (in the tray, pid {pid})")
        else:
            text = _("posture-watch (pid {pid})")
        return text.format(pid=pid)

    def how_to_stop(self) -> str:
        """What the person can do when it does not quit when asked."""
        if self.holder.kind == CONSOLE:
            return _("stop it with Ctrl+C in its terminal")
        return _("quit it from its tray icon, or end it with `kill {pid}`").format(
            pid=self.holder.pid
        )


def lock_files(roots: list[Path]) -> list[Path]:
    """The ``*.lock`` files in ``roots`` (links not followed), and the runtime lock."""
    found = [lock_path()]
    for root in roots:
        if root.is_symlink() or not root.is_dir():
            continue
        for dirpath, _dirnames, filenames in os.walk(root, followlinks=False):
            found += [Path(dirpath) / n for n in sorted(filenames) if n.endswith(LOCK_SUFFIX)]
    return found


def find_running(roots: list[Path]) -> list[RunningMonitor]:
    """The monitors holding a lock in ``roots`` (or the runtime lock); creates nothing."""
    running = []
    for lock in lock_files(roots):
        history = lock.with_name(lock.name.removesuffix(LOCK_SUFFIX))
        try:
            InstanceLock.check_free(history)
        except AlreadyRunningError as exc:
            running.append(RunningMonitor(history, exc.holder))
    return running


def ask_to_quit(monitor: RunningMonitor) -> bool:
    """Ask ``monitor`` to quit over its control socket; whether it said yes (False: no
    control socket answers for its history, or it refused)."""
    try:
        reply = send_request(ControlRequest(ControlCommand.QUIT), monitor.history)
    except ControlError:
        return False
    return reply.ok


def wait_until_gone(
    monitors: list[RunningMonitor], timeout: float = QUIT_WAIT, clock: Clock = SYSTEM
) -> list[RunningMonitor]:
    """Wait until every monitor has let go of its lock, up to ``timeout`` seconds;
    returns those still running."""
    deadline = clock.monotonic() + timeout
    never = threading.Event()
    left = list(monitors)
    while left:
        left = [m for m in left if _still_running(m.history)]
        if not left or clock.monotonic() >= deadline:
            break
        clock.sleep(POLL, never)
    return left


def _still_running(history: Path) -> bool:
    try:
        InstanceLock.check_free(history)
    except AlreadyRunningError:
        return True
    return False


__all__ = [
    "QUIT_WAIT",
    "RunningMonitor",
    "ask_to_quit",
    "find_running",
    "lock_files",
    "wait_until_gone",
]
