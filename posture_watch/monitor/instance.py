"""One monitor per history: an advisory lock file beside the history it writes.

``flock`` is released by the kernel when the process dies, so a crash never leaves a
stale lock behind (unlike a bare PID file).

Two monitors writing one history would interleave their minutes, and two sessions may
well see different ``$XDG_RUNTIME_DIR`` values (a service and a desktop login), so the
lock follows the history: :meth:`InstanceLock.for_history` locks ``<history>.lock``
beside it. Only when that folder cannot be written does it fall back to the runtime
lock, ``$XDG_RUNTIME_DIR/posture-watch/monitor.lock`` (without that variable, a private
``runtime-<uid>`` folder in the temp folder), which ``InstanceLock()`` also uses.

Those folders may be reachable by other users (a shared ``/tmp``), so the lock file is
opened without following symbolic links and must be a regular file that we own with no
other hard link; our own folders must be ours and writable by no one else. Anything else
is refused in one line rather than written through. The PID is written only once the
lock is held, so a start that is refused or finds the monitor running changes nothing.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
from pathlib import Path

from posture_watch.errors import PostureWatchError
from posture_watch.monitor.private_folder import (
    FOLDER,
    UnsafeFolderError,
    open_runtime_folder,
    runtime_dir,
)

LOCK_NAME = "monitor.lock"
_FILE_FLAGS = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NOCTTY | os.O_NONBLOCK


class AlreadyRunningError(PostureWatchError):
    """Another posture-watch monitor holds the lock."""

    exit_code = 3


class LockFileError(PostureWatchError):
    """The lock file or its folder is unsafe to use (a symbolic link, another user's, a
    folder others may write) or cannot be created at all."""


def lock_path() -> Path:
    """The runtime lock: ``<runtime folder>/posture-watch/monitor.lock``."""
    return runtime_dir() / FOLDER / LOCK_NAME


def history_lock_path(history: Path) -> Path:
    """``<history file name>.lock`` beside the history file."""
    history = Path(history).expanduser()
    return history.with_name(history.name + ".lock")


class InstanceLock:
    """Context manager holding the monitor lock.

    ``InstanceLock()`` is the runtime lock; ``InstanceLock(path)`` locks ``path``
    (creating its folder 0700); :meth:`for_history` is what the monitor should use. After
    ``__enter__``, :attr:`path` is the file actually locked and :attr:`fallback_reason`
    says why the runtime lock was used instead of the history's (None if it was not).
    """

    def __init__(self, path: Path | None = None, *, fall_back: bool = False) -> None:
        self.path = path if path is not None else lock_path()
        self._runtime = path is None
        self._fall_back = fall_back and not self._runtime
        self.fallback_reason: str | None = None
        self._fd: int | None = None

    @classmethod
    def for_history(cls, history: Path) -> InstanceLock:
        """The lock of the history file ``history``: two monitors on one history collide
        whatever their ``$XDG_RUNTIME_DIR``. Falls back to the runtime lock when the
        history's folder cannot be created or written (a read-only data folder)."""
        return cls(history_lock_path(history), fall_back=True)

    def __enter__(self) -> InstanceLock:
        if self._runtime:
            fd = _open_runtime_lock(self.path)
        else:
            try:
                fd = _open_beside(self.path)
            except OSError as exc:
                if not self._fall_back:
                    raise _cannot_create(self.path, exc) from exc
                self.fallback_reason = f"{self.path}: {exc.strerror or exc}"
                self.path = lock_path()
                fd = _open_runtime_lock(self.path)
        self._fd = _hold(fd)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the lock
            self._fd = None


def _hold(fd: int) -> int:
    """Take the lock on ``fd``, then (and only then) write our PID into it."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        owner = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
        os.close(fd)
        raise AlreadyRunningError(
            f"posture-watch is already running (pid {owner})",
            hint="use its tray icon, or stop it first",
        ) from None
    except BaseException:
        os.close(fd)
        raise
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    return fd


def _open_beside(path: Path) -> int:
    """Open the lock file ``path`` in a folder the user chose (created 0700 if missing).

    An OSError means the folder cannot be used (the caller may fall back); an unsafe
    lock file is a :class:`LockFileError`.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return _open_lock_file(path, str(path), None)


def _open_runtime_lock(path: Path) -> int:
    """Open the runtime lock ``path``, its folders created 0700 and checked to be private."""
    try:
        folder_fd = open_runtime_folder()
        try:
            return _open_lock_file(path, path.name, folder_fd)
        finally:
            os.close(folder_fd)
    except UnsafeFolderError as exc:
        raise _unsafe(exc.path, exc.problem) from None
    except OSError as exc:
        raise _cannot_create(path, exc) from exc


def _open_lock_file(path: Path, name: str, dir_fd: int | None) -> int:
    """Open (or create, 0600) the lock file without following a symbolic link, and
    refuse anything but a regular file of ours with a single link. Truncates nothing."""
    try:
        before = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        before = None
    if before is not None and not stat.S_ISREG(before.st_mode):  # never open a FIFO or device
        raise _unsafe(path, _kind(before.st_mode))
    try:
        fd = os.open(name, _FILE_FLAGS, 0o600, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _unsafe(path, "is a symbolic link") from None
        if exc.errno == errno.EISDIR:
            raise _unsafe(path, "is a folder") from None
        raise
    info = os.fstat(fd)
    problem = None
    if not stat.S_ISREG(info.st_mode):
        problem = _kind(info.st_mode)
    elif info.st_uid != os.getuid():
        problem = f"belongs to uid {info.st_uid}, not to you (uid {os.getuid()})"
    elif info.st_nlink != 1:
        problem = f"has {info.st_nlink - 1} other hard link(s)"
    if problem:
        os.close(fd)
        raise _unsafe(path, problem)
    return fd


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "is a symbolic link"
    if stat.S_ISDIR(mode):
        return "is a folder"
    return "is not a regular file"


def _unsafe(path: Path, problem: str) -> LockFileError:
    return LockFileError(
        f"{path}: {problem}; refusing to use it as the monitor's lock file",
        hint="remove it (someone else may have planted it), then start again",
    )


def _cannot_create(path: Path, exc: OSError) -> LockFileError:
    return LockFileError(
        f"{path}: cannot create the monitor's lock file: {exc.strerror or exc}",
        hint="check that the folder exists and that you may write to it",
    )
