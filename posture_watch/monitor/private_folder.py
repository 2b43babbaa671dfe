"""Our private folder in the runtime folder, opened so that no one else can swap it.

The instance lock (:mod:`posture_watch.monitor.instance`) and the control socket
(:mod:`posture_watch.monitor.control`) both live in ``<runtime folder>/posture-watch``.
Without ``$XDG_RUNTIME_DIR`` the runtime folder is ``run`` in our state folder
(``$XDG_STATE_HOME/posture-watch/run``, 0700), never a name in the shared temp folder:
``/tmp/runtime-<uid>`` is a name anyone could take first, to make control fail or stop
the start. Every folder on the way is still opened without following symbolic links and
must be a real folder of ours that no one else may write. The callers go on through the
returned descriptor (``dir_fd``), never through the path again.
"""

from __future__ import annotations

import errno
import os
import stat
from contextlib import suppress
from pathlib import Path

from posture_watch import paths
from posture_watch.core.text import _
from posture_watch.errors import PostureWatchError

#: Our folder inside the runtime folder.
FOLDER = "posture-watch"
#: How a folder is opened: never through a symbolic link, never inherited by a child.
DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


class UnsafeFolderError(PostureWatchError):
    """A folder on the way is not safe to use: a symbolic link or a file, another user's,
    or writable by others. ``problem`` says which, for the caller's own wording."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path, self.problem = path, problem
        super().__init__(
            f"{path}: {problem}",
            hint=_("remove it (someone else may have planted it), then start again"),
        )


#: The runtime folder's name in the state folder, when ``$XDG_RUNTIME_DIR`` is not set.
FALLBACK = "run"


def runtime_dir() -> Path:
    """``$XDG_RUNTIME_DIR``, or ``run`` in our state folder when it is not set."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    return Path(runtime) if runtime else paths.state_dir() / FALLBACK


def open_private_dir(path: Path, parent_fd: int | None, *, create: bool = True) -> int:
    """A descriptor of folder ``path`` (``path.name`` inside ``parent_fd`` when given),
    created 0700 if missing (unless ``create`` is False: then a missing folder raises
    FileNotFoundError); :class:`UnsafeFolderError` unless it is a real folder of ours that
    no one else may write."""
    name = path.name if parent_fd is not None else str(path)
    if create:
        with suppress(FileExistsError):
            os.mkdir(name, 0o700, dir_fd=parent_fd)
    try:
        fd = os.open(name, DIR_FLAGS, dir_fd=parent_fd)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise UnsafeFolderError(path, _("is a symbolic link or a file, not a folder")) from None
        raise
    info = os.fstat(fd)
    problem = None
    if info.st_uid != os.getuid():
        problem = _("belongs to uid {uid}, not to you (uid {your_uid})").format(
            uid=info.st_uid, your_uid=os.getuid()
        )
    elif info.st_mode & 0o022:
        problem = _("others may write to it (mode {mode})").format(
            mode=f"{stat.S_IMODE(info.st_mode):04o}"
        )
    if problem:
        os.close(fd)
        raise UnsafeFolderError(path, problem)
    return fd


def open_runtime_folder(*, create: bool = True) -> int:
    """A descriptor of ``<runtime folder>/posture-watch``, checked to be ours and private.

    ``$XDG_RUNTIME_DIR`` is the session's own folder: made if missing, not second-guessed.
    The state folder's ``run`` is checked like ours. Without ``create`` nothing is made,
    and a missing folder raises FileNotFoundError.
    """
    base = runtime_dir()
    if os.environ.get("XDG_RUNTIME_DIR"):
        if create:
            base.mkdir(mode=0o700, parents=True, exist_ok=True)
        base_fd = os.open(base, DIR_FLAGS)
    else:
        if create:
            base.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        base_fd = open_private_dir(base, None, create=create)
    try:
        return open_private_dir(base / FOLDER, base_fd, create=create)
    finally:
        os.close(base_fd)
