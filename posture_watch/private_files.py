"""Folders made 0700 and appended files made 0600, whatever the umask.

The pain journal, the history, profiles, reports, the event log and the log file are
health data: nobody else on the machine reads them. :mod:`posture_watch.atomic_file`
gives every file it writes mode 0600; this module does the same for the two other ways
we touch the disk:

- :func:`private_folder` makes a folder and every missing parent with mode 0700 (a plain
  ``mkdir(parents=True)`` makes the parents with the umask's mode, 0755 under the usual
  022). An existing folder that is ours (inside the application folder the caller names,
  such as ``~/.local/share/posture-watch``) found open to others is tightened to the
  owner's bits, and that is logged once; one of another user's is warned about once. A
  folder the person chose (``--out ~/Documents``, a checkout that happens to be called
  ``posture-watch``) is left as it is: the files we put there are 0600, so others see
  their names at most.
- :func:`open_private_append` opens a log for appending, creating it 0600; an existing one
  of ours found open to others (written by an older version, or by hand) is tightened.

Same layer as ``atomic_file``: plain I/O, no knowledge of where the folders are (the
caller passes its application folder from :mod:`posture_watch.paths`).
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from pathlib import Path
from typing import TextIO

log = logging.getLogger(__name__)

#: Mode of a folder we make: only its owner may list or enter it.
PRIVATE_FOLDER = 0o700
#: Mode of a file we make: only its owner may read or write it.
PRIVATE_FILE = 0o600
#: Folders already told about in the log, so each is told once per process.
_told: set[str] = set()


def private_folder(
    folder: str | os.PathLike[str], app_folder: str | os.PathLike[str] | None = None
) -> Path:
    """Make ``folder`` (and every missing parent) with mode 0700. When ``folder`` is
    ``app_folder`` or inside it, tighten it and its parents up to ``app_folder`` if they
    are open to others. Returns the folder. Raises OSError (NotADirectoryError when a
    file is in the way)."""
    folder = Path(folder)
    missing: list[Path] = []
    probe = folder
    while not os.path.lexists(probe) and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for new in reversed(missing):
        try:
            os.mkdir(new, PRIVATE_FOLDER)
        except FileExistsError:  # made meanwhile by another process: checked below
            continue
        os.chmod(new, PRIVATE_FOLDER)  # mkdir's mode went through the umask
    if not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
    for ours in _own_folders(folder, app_folder):
        _tighten(ours, PRIVATE_FOLDER)
    return folder


def open_private_append(path: str | os.PathLike[str]) -> TextIO:
    """Open ``path`` for appending text (UTF-8), created 0600; an existing file of ours
    that others may read is tightened to 0600 first. The folder must exist."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, PRIVATE_FILE)
    try:
        info = os.fstat(fd)
        if info.st_mode & 0o077 and info.st_uid == os.geteuid():
            os.fchmod(fd, stat.S_IMODE(info.st_mode) & PRIVATE_FILE)
            _tell_once(str(path), info.st_mode, "file")
        return os.fdopen(fd, "a", encoding="utf-8")
    except BaseException:
        os.close(fd)
        raise


def _own_folders(folder: Path, app_folder: str | os.PathLike[str] | None) -> list[Path]:
    """``folder`` and its parents up to ``app_folder``; nothing when ``folder`` is not
    inside it (a folder the person chose)."""
    if app_folder is None:
        return []
    top = Path(os.path.abspath(app_folder))
    chain = [Path(os.path.abspath(folder)), *Path(os.path.abspath(folder)).parents]
    return chain[: chain.index(top) + 1] if top in chain else []


def _tighten(folder: Path, mode: int) -> None:
    try:
        info = folder.stat()
        if not info.st_mode & 0o077:
            return
        if info.st_uid != os.geteuid():
            raise PermissionError(errno.EPERM, "it belongs to another user")
        os.chmod(folder, stat.S_IMODE(info.st_mode) & mode)
        _tell_once(str(folder), info.st_mode, "folder")
    except OSError as exc:  # read-only file system, or another user's: say so once
        if str(folder) not in _told:
            _told.add(str(folder))
            reason = exc.strerror or exc
            log.warning("%s is open to other users and cannot be made private: %s", folder, reason)


def _tell_once(where: str, old_mode: int, kind: str) -> None:
    if where not in _told:
        _told.add(where)
        log.info("made the %s %s private (was %o)", kind, where, stat.S_IMODE(old_mode))


__all__ = ["PRIVATE_FILE", "PRIVATE_FOLDER", "open_private_append", "private_folder"]
