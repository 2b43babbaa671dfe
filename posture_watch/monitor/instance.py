"""One monitor per user: an advisory lock file in the user's runtime folder.

``flock`` is released by the kernel when the process dies, so a crash never leaves a
stale lock behind (unlike a bare PID file).
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from pathlib import Path

from posture_watch.errors import PostureWatchError


class AlreadyRunningError(PostureWatchError):
    """Another posture-watch monitor holds the lock."""

    exit_code = 3


def lock_path() -> Path:
    """``$XDG_RUNTIME_DIR/posture-watch/monitor.lock``, or a per-user temp folder."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = Path(runtime) if runtime else Path(tempfile.gettempdir()) / f"runtime-{os.getuid()}"
    return base / "posture-watch" / "monitor.lock"


class InstanceLock:
    """Context manager holding the per-user monitor lock."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or lock_path()
        self._fd: int | None = None

    def __enter__(self) -> InstanceLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise AlreadyRunningError(
                f"posture-watch is already running (pid {owner})",
                hint="use its tray icon, or stop it first",
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the lock
            self._fd = None
