"""Has a video call taken the camera? The worker's per-frame check, cheap enough to ask
about every grabbed frame.

Why apart from the loop: it is the one piece of camera yielding that does I/O (an
inotify watch on the node and a ``/proc`` scan), so the rules of yielding stay pure in
:mod:`~posture_watch.core.worker_state` and this check is tested on its own with a real
process holding a file open.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from posture_watch.sources.camera_users import OpenWatch, other_users

#: While a live camera runs, look for another program holding it this often (seconds)...
BUSY_CHECK = 1.0
#: With an inotify watch on the node, the /proc scan runs only after someone opened or
#: closed it, and on this slow timer as a backstop (an open through another node).
BUSY_BACKSTOP = 30.0


class CameraTaken(Exception):
    """Raised inside a source's frame loop when another process holds the camera: leaving
    the ``with source`` block closes it at once. ``by`` says who."""

    def __init__(self, by: str) -> None:
        super().__init__(by)
        self.by = by


def holders(device: Path | None) -> str:
    """Who else holds the camera ``device``, as far as the scan can tell ("" when
    nobody, or the node is unknown)."""
    if device is None:
        return ""
    return ", ".join(str(user) for user in other_users(device))


class TakenCheck:
    """Is another process holding the camera? Called on every grabbed frame, so it must
    cost next to nothing: the ``/proc`` scan (a few ms, ~50 ms on a crowded desktop) runs
    at most every ``every`` seconds, and with an inotify watch on the node only after an
    open or close of it, plus every :data:`BUSY_BACKSTOP` seconds. ``device`` None: a
    check that never looks (not yielding, or not a live camera)."""

    def __init__(self, device: Path | None, now: Callable[[], float], every: float) -> None:
        self._device, self._now, self._every = device, now, every
        self._watch = OpenWatch.start(device) if device is not None else None
        t = now()
        self._next, self._backstop, self._dirty = t + every, t + BUSY_BACKSTOP, True
        self.scans = 0

    def __call__(self) -> None:
        """Raise :class:`CameraTaken` when a due scan finds another holder."""
        if self._device is None:
            return
        now = self._now()
        if self._watch is None or self._watch.changed() or now >= self._backstop:
            self._dirty = True
        if not self._dirty or now < self._next:
            return
        self._next, self._backstop, self._dirty = now + self._every, now + BUSY_BACKSTOP, False
        self.scans += 1
        users = other_users(self._device)
        if users:
            raise CameraTaken(", ".join(str(user) for user in users))

    def close(self) -> None:
        if self._watch is not None:
            self._watch.close()
            self._watch = None
