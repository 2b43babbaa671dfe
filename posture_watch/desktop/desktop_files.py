"""Writing the desktop's files and telling the desktop they changed.

The login entry, the menu entry and the icons are files other programs read (the
session's autostart, the menu, the icon theme), so they are written whole or not at all
(:mod:`posture_watch.atomic_file`, mode 0644) and an unchanged file is left alone: then
``enable`` is idempotent and a crash never leaves a half-written entry that the desktop
would reject. Problems become one :class:`~posture_watch.errors.StorageError` line.

After the menu entry or the icons change, the desktop's caches are refreshed with the
tools it has; a missing or failing tool is logged, never raised (the files are right
either way, and the menu catches up at the next login).

When the menu entry goes, so do our lines in the folder's ``mimeinfo.cache`` (which
``update-desktop-database`` wrote when the entry came): the tool writes the cache again
where it is installed, else our lines are edited out by hand; a cache left with nothing
in it, in a folder with no other menu entry, existed only for us and is removed
(:func:`forget_in_mime_cache`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from posture_watch.atomic_file import SHARED, write_atomic
from posture_watch.core.text import _
from posture_watch.errors import StorageError

log = logging.getLogger(__name__)

#: How long a cache-refresh tool may take before it is left behind.
TOOL_TIMEOUT = 20.0
#: The applications folder's index of which entry opens which file type.
MIME_CACHE = "mimeinfo.cache"
MIME_CACHE_HEADER = "[MIME Cache]"


@dataclass
class Removed:
    """What a removal took away: files (and links), then the folders it left empty."""

    files: list[Path] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.files or self.folders)

    def lines(self) -> list[str]:
        """One line per path for a person: ``removed PATH``; a folder ends with ``/``."""
        paths = [str(p) for p in self.files] + [f"{p}/" for p in self.folders]
        return [_("removed {path}").format(path=path) for path in paths]


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
        raise StorageError(
            _("cannot create {path} ({reason})").format(
                path=_where(exc, folder), reason=reason(exc)
            )
        ) from None
    try:
        write_atomic(path, data, mode=SHARED)
    except OSError as exc:
        raise StorageError(
            _("cannot write {path} ({reason})").format(path=path, reason=reason(exc))
        ) from None
    return True


def remove_file(path: Path) -> bool:
    """Delete ``path``; False when it was not there. One-line error otherwise."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise StorageError(
            _("cannot remove {path} ({reason})").format(path=path, reason=reason(exc))
        ) from None
    return True


def reason(exc: OSError) -> str:
    """Why an operation on a file failed, in a few words (``Permission denied``)."""
    return exc.strerror or type(exc).__name__


def _where(exc: OSError, fallback: Path) -> Path:
    return Path(exc.filename) if isinstance(exc.filename, str) else fallback


def prune_empty_folders(path: Path, stop: Path) -> list[Path]:
    """Remove ``path``'s folder and its parents while they are empty, up to (not
    including) ``stop``; returns the folders removed. ``path`` must lie inside ``stop``.
    A folder that is not empty, or cannot be removed, ends the climb quietly."""
    removed: list[Path] = []
    folder = path.parent
    while folder != stop and folder.is_relative_to(stop) and not folder.is_symlink():
        try:
            folder.rmdir()
        except OSError:  # not empty (or not ours to remove): keep it and what holds it
            break
        removed.append(folder)
        folder = folder.parent
    return removed


def forget_in_mime_cache(applications: Path, desktop_file: str) -> Path | None:
    """Take ``desktop_file`` (just removed) out of the folder's ``mimeinfo.cache``.

    With ``update-desktop-database`` installed it has already rewritten the cache (see
    :func:`refresh_caches`); otherwise our lines are edited out here. Returns the cache's
    path when the file itself was removed: it held nothing, and no other menu entry is in
    the folder, so it was there only for us. One-line :class:`StorageError` when it
    cannot be rewritten or removed.
    """
    cache = applications / MIME_CACHE
    try:
        text = cache.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, UnicodeDecodeError) as exc:
        log.info("cannot read %s: %s", cache, exc)
        return None
    kept = _without_entry(text, desktop_file)
    entries = [line for line in kept if line.strip() and line.strip() != MIME_CACHE_HEADER]
    if not entries and not _other_entries(applications):
        return cache if remove_file(cache) else None
    new = "".join(f"{line}\n" for line in kept)
    if new != text:
        update_file(cache, new.encode("utf-8"))
    return None


def _without_entry(text: str, desktop_file: str) -> list[str]:
    """The cache's lines, ``type=a.desktop;b.desktop;`` without ``desktop_file``; a line
    left with no entry goes."""
    lines: list[str] = []
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if not sep or line.startswith("["):
            lines.append(line)
            continue
        names = [n for n in value.split(";") if n]
        if desktop_file not in names:
            lines.append(line)
            continue
        rest = [n for n in names if n != desktop_file]
        if rest:
            lines.append(f"{key}={';'.join(rest)};")
    return lines


def _other_entries(applications: Path) -> bool:
    """Whether any menu entry (``*.desktop``, in subfolders too) is left in the folder."""
    try:
        return any(p.is_file() for p in applications.rglob("*.desktop"))
    except OSError:
        return True  # cannot tell: keep the cache


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


__all__ = [
    "MIME_CACHE",
    "TOOL_TIMEOUT",
    "Removed",
    "forget_in_mime_cache",
    "prune_empty_folders",
    "reason",
    "refresh_caches",
    "remove_file",
    "run_tool",
    "update_file",
]
