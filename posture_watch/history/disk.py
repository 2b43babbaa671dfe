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
import os
import sqlite3
import stat
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

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
            problem = problem or (
                f"history: {file} can be read by other users "
                f"(mode {stat.S_IMODE(info.st_mode):o}) and cannot be made private; "
                "move the history to a folder of yours"
            )
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
