"""Writing the desktop's files and telling the desktop they changed.

The login entry, the menu entry and the icons are files other programs read (the
session's autostart, the menu, the icon theme), so they are written whole or not at all
(:mod:`posture_watch.atomic_file`, mode 0644) and an unchanged file is left alone: then
``enable`` is idempotent and a crash never leaves a half-written entry that the desktop
would reject. Problems become one :class:`~posture_watch.errors.StorageError` line.

After the menu entry or the icons change, the desktop's caches are refreshed with the
tools it has; a missing or failing tool is logged, never raised (the files are right
either way, and the menu catches up at the next login).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
from pathlib import Path

from posture_watch.atomic_file import SHARED, write_atomic
from posture_watch.errors import StorageError

log = logging.getLogger(__name__)

#: How long a cache-refresh tool may take before it is left behind.
TOOL_TIMEOUT = 20.0


def update_file(path: Path, data: bytes) -> bool:
    """Make ``path`` hold ``data`` (mode 0644), atomically.

    Returns False when the file already held exactly ``data`` (left untouched). Raises
    :class:`StorageError` in one line when the folder cannot be created or written.
    """
    try:
        if path.is_file() and not path.is_symlink() and path.read_bytes() == data:
            return False
    except OSError:
        pass  # unreadable: try to replace it, and report that if it fails
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create {_where(exc, folder)} ({reason(exc)})") from None
    try:
        write_atomic(path, data, mode=SHARED)
    except OSError as exc:
        raise StorageError(f"cannot write {path} ({reason(exc)})") from None
    return True


def remove_file(path: Path) -> bool:
    """Delete ``path``; False when it was not there. One-line error otherwise."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise StorageError(f"cannot remove {path} ({reason(exc)})") from None
    return True


def reason(exc: OSError) -> str:
    """Why an operation on a file failed, in a few words (``Permission denied``)."""
    return exc.strerror or type(exc).__name__


def _where(exc: OSError, fallback: Path) -> Path:
    return Path(exc.filename) if isinstance(exc.filename, str) else fallback


def run_tool(argv: list[str]) -> None:
    """Run a cache-refresh tool if installed; its failure is logged, never raised."""
    exe = shutil.which(argv[0])
    if exe is None:
        log.debug("%s not installed; skipped", argv[0])
        return
    try:
        proc = subprocess.run(
            [exe, *argv[1:]],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=TOOL_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.info("%s failed: %s", argv[0], exc)
        return
    if proc.returncode != 0:
        log.info("%s exited with %d: %s", argv[0], proc.returncode, proc.stderr.strip())


def refresh_caches(applications: Path, theme: Path) -> None:
    """Tell the desktop that the menu entries in ``applications`` or the icons of the
    ``theme`` folder changed, with the tools it has.

    ``update-desktop-database`` runs on the applications folder. The icon folder's
    modification time is bumped, which makes GTK and Qt rescan it; the icon cache is
    rebuilt only where one already exists (as ``xdg-icon-resource`` does), because a
    cache created here would hide other programs' icons that never refresh it.
    """
    if applications.is_dir():
        run_tool(["update-desktop-database", "-q", str(applications)])
    if not theme.is_dir():
        return
    with contextlib.suppress(OSError):
        os.utime(theme)
    if (theme / "icon-theme.cache").exists():
        index = [] if (theme / "index.theme").exists() else ["--ignore-theme-index"]
        run_tool(["gtk-update-icon-cache", "-q", "-f", *index, str(theme)])


__all__ = ["TOOL_TIMEOUT", "reason", "refresh_caches", "remove_file", "run_tool", "update_file"]
