"""The history file as a file: private, still the one we opened, and a full disk told apart.

The history holds health data (the pain journal's notes), so its file and SQLite's side
files (``-wal``, ``-shm``, ``-journal``) are 0600 whatever the umask: the file is created
0600 before SQLite opens it, and SQLite gives its side files the main file's mode. A file
found more open than that is tightened, or said once when it is not ours to change.

A file deleted or replaced while the monitor runs (``rm history.sqlite3*``, a restore from
a backup) would otherwise take the rest of the session with it: SQLite keeps writing
into the unlinked inode. :class:`FileIdentity` is the device and inode the store opened,
checked before each batch of writes.

A full disk is not a damaged file: it passes when space is freed, so its writes wait
like a locked file's (:func:`is_disk_full`).
"""

from __future__ import annotations

import errno
import fcntl
import os
import sqlite3
import stat
import threading
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from posture_watch.core.text import _

#: SQLite's side files, beside the history: the write-ahead log, its index, the journal.
SIDE_FILES = ("-wal", "-shm", "-journal")
PRIVATE = 0o600
#: Fewer free bytes than this on the history's file system count as a full disk when
#: SQLite reports only an I/O error (a WAL index page, or a few pages of the log).
NEARLY_FULL = 64 * 1024


def history_files(path: Path) -> list[Path]:
    """The history file and its side files (existing or not)."""
    return [path, *(path.with_name(path.name + suffix) for suffix in SIDE_FILES)]


def make_private(path: Path) -> str | None:
    """Create the history file 0600 if it is missing, and tighten it and its side files
    to 0600 if they are more open. Returns a line to say once when a file is more open
    but not ours to change; None otherwise. A folder we cannot write is left to SQLite,
    which says so in its own words."""
    problem = None
    for file in history_files(path):
        try:
            info = os.stat(file)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or not stat.S_IMODE(info.st_mode) & 0o077:
            continue
        try:
            if info.st_uid != os.getuid():
                raise PermissionError(errno.EPERM, "not yours")
            os.chmod(file, PRIVATE)
        except OSError:
            problem = problem or _(
                "history: {path} can be read by other users (mode {mode}) and cannot be made "
                "private; move the history to a folder of yours"
            ).format(path=file, mode=f"{stat.S_IMODE(info.st_mode):o}")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, PRIVATE)
    except OSError:
        pass  # there already, or the folder cannot be written: SQLite will say
    else:
        os.close(fd)
    return problem


@dataclass(frozen=True)
class FileIdentity:
    """The device and inode of the file a store opened."""

    device: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> FileIdentity | None:
        """The identity of ``path`` now; None when there is no such file."""
        try:
            info = os.stat(path)
        except OSError:
            return None
        return cls(info.st_dev, info.st_ino)


def side_identities(path: Path) -> dict[Path, FileIdentity]:
    """The side files of ``path`` that exist now, with their identities."""
    found = {}
    for side in history_files(path)[1:]:
        identity = FileIdentity.of(side)
        if identity is not None:
            found[side] = identity
    return found


def remove_stale_side_files(opened: dict[Path, FileIdentity]) -> None:
    """Remove the side files a closed store left beside a history that was replaced:
    SQLite keeps the ``-wal`` of a database file that moved, and opening the new file
    would replay the old file's pages into it. Only the very files the store had open
    (same device and inode) are removed."""
    for side, identity in opened.items():
        if FileIdentity.of(side) == identity:
            with suppress(FileNotFoundError):
                side.unlink()


#: The history files this process holds ``flock`` on: identity -> (fd, holders).
_HELD: dict[FileIdentity, tuple[int, int]] = {}
_HELD_LOCK = threading.Lock()


class HeldByAnother(Exception):
    """Another process holds the history file's ``flock`` (``fd`` is open on it, to ask
    who); the caller closes ``fd``."""

    def __init__(self, fd: int) -> None:
        super().__init__("the history file is held by another process")
        self.fd = fd


def hold_history_file(path: Path) -> FileIdentity | None:
    """Hold ``flock`` on the history file at ``path`` (following links) for as long as
    something in this process needs it, so that one file is one history whatever path
    reaches it: a hard link has its own ``.lock`` name, not its own inode. SQLite locks
    with POSIX locks, which ``flock`` never meets. Returns the identity to pass to
    :func:`release_history_file`, or None when there is no such file (nothing is
    created). Raises :class:`HeldByAnother` when another process holds it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError:
        return None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        return None
    identity = FileIdentity(info.st_dev, info.st_ino)
    with _HELD_LOCK:
        if identity in _HELD:  # ours already: never a second fd (it would conflict)
            os.close(fd)
            held, holders = _HELD[identity]
            _HELD[identity] = (held, holders + 1)
            return identity
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise HeldByAnother(fd) from None
        except BaseException:
            os.close(fd)
            raise
        _HELD[identity] = (fd, 1)
    return identity


def release_history_file(identity: FileIdentity | None) -> None:
    """Let go of one hold from :func:`hold_history_file`; the last one unlocks. Call it
    once SQLite no longer has the file open: closing any descriptor of a file drops the
    POSIX locks this process holds on it."""
    if identity is None:
        return
    with _HELD_LOCK:
        fd, holders = _HELD.pop(identity, (-1, 0))
        if holders > 1:
            _HELD[identity] = (fd, holders - 1)
        elif fd >= 0:
            os.close(fd)


#: The first bytes of every SQLite database file.
SQLITE_MAGIC = b"SQLite format 3\x00"


def is_sqlite_file(path: Path) -> bool:
    """Whether ``path`` still starts as a SQLite database (True when it cannot be read:
    that is SQLite's to say). One 16-byte read: cheap enough before each batch."""
    try:
        with open(path, "rb") as file:
            head = file.read(len(SQLITE_MAGIC))
    except OSError:
        return True
    return head == SQLITE_MAGIC


def is_disk_full(exc: sqlite3.Error, path: Path | None) -> bool:
    """Whether a failed statement failed for lack of space: SQLite's ``SQLITE_FULL``, or
    an I/O error on a file system with (nearly) no space left."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF == sqlite3.SQLITE_FULL:
        return True
    if "disk is full" in str(exc):
        return True
    io_error = (code is not None and code & 0xFF == sqlite3.SQLITE_IOERR) or "disk I/O" in str(exc)
    return io_error and path is not None and free_bytes(path.parent) < NEARLY_FULL


def free_bytes(folder: Path) -> float:
    """Bytes an ordinary user may still write in ``folder``'s file system (inf if unknown)."""
    try:
        info = os.statvfs(folder)
    except OSError:
        return float("inf")
    if info.f_favail == 0 and info.f_files > 0:
        return 0.0  # no inode left is full too
    return float(info.f_bavail * info.f_frsize)
