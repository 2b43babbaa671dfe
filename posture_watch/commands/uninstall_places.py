"""What ``uninstall`` removes, and removing it without ever leaving our own folders.

posture-watch writes in a few places, all of them named after it:

- the program's parts on the desktop: the login entry
  (``$XDG_CONFIG_HOME/autostart/posture-watch.desktop``), the menu entry and its icons
  (``$XDG_DATA_HOME/applications``, ``$XDG_DATA_HOME/icons/hicolor``) and the caches
  (``$XDG_CACHE_HOME/posture-watch``, the demo's throw-away folder inside);
- the person's data, kept with ``--keep-data``: the config folder (settings, calibration
  profiles, prompt overrides), the data folder (the history with its ``-wal``, ``-shm``,
  ``-journal`` and ``.lock`` files, the event log, the reports, downloaded models) and
  the state folder (the log file).

A folder of ours is removed with everything in it, walked through descriptors
(:func:`os.fwalk`) so that a link inside it is removed as a link and never followed; a
folder that is itself a link is not entered at all, and kept (its target is not ours to
judge). Nothing outside these places is touched, except the folders our desktop files
leave empty (``autostart/``, ``applications/``, ``icons/hicolor/…``), and the desktop's
``mimeinfo.cache`` loses our lines (:mod:`posture_watch.desktop.desktop_files`).

The runtime folder (``$XDG_RUNTIME_DIR/posture-watch``: control sockets and the
fallback lock) is left alone: each monitor removes its socket as it ends, a monitor on a
history elsewhere (``--history``) may still be using it, and the session clears it at
logout.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from posture_watch import paths
from posture_watch.core.text import _
from posture_watch.desktop import autostart
from posture_watch.desktop.desktop_files import Removed, prune_empty_folders, reason
from posture_watch.errors import PostureWatchError


@dataclass(frozen=True)
class Place:
    """One file or folder of ours that ``uninstall`` removes, and what it holds."""

    path: Path
    #: What it is, for a person: "the login entry", "your history, event log, reports…".
    what: str
    #: The person's data: kept with ``--keep-data``.
    data: bool = False
    #: A folder removed with everything in it (else one file).
    folder: bool = False


@dataclass
class Outcome:
    """What a removal did: the paths removed, and one line per path it could not remove."""

    removed: Removed = field(default_factory=Removed)
    problems: list[str] = field(default_factory=list)

    def add(self, other: Outcome) -> None:
        self.removed.files += other.removed.files
        self.removed.folders += other.removed.folders
        self.problems += other.problems


def places() -> list[Place]:
    """Every place posture-watch writes, the program's parts first, then the data.

    Folders named by ``$POSTURE_WATCH_HOME`` (the demo's) are not the person's own: the
    platform's folders are listed whatever it says (the demo's folder is in the caches)."""
    saved = os.environ.pop(paths.HOME_VARIABLE, None)
    try:
        found = [
            Place(autostart.autostart_path(), _("the login entry")),
            Place(autostart.launcher_path(), _("the menu entry")),
            *(
                Place(p, _("an icon, {size}").format(size=size))
                for size, p in autostart.icon_paths().items()
            ),
            Place(paths.cache_dir(), _("caches, with the demo's folder"), folder=True),
            Place(
                paths.config_dir(),
                _("your settings, calibration profiles and prompt overrides"),
                data=True,
                folder=True,
            ),
            Place(
                paths.data_dir(),
                _("your history, event log, reports and downloaded models"),
                data=True,
                folder=True,
            ),
            Place(paths.state_dir(), _("the log file"), data=True, folder=True),
        ]
    finally:
        if saved is not None:
            os.environ[paths.HOME_VARIABLE] = saved
    return _distinct(found)


def _distinct(found: list[Place]) -> list[Place]:
    """One place per path (on macOS the config and data folders are one), and no folder
    inside another one of the list (the outer one takes it along)."""
    kept: list[Place] = []
    for place in found:
        if any(place.path == k.path or place.path.is_relative_to(k.path) for k in kept if k.folder):
            continue
        kept = [k for k in kept if not (place.folder and k.path.is_relative_to(place.path))]
        kept.append(place)
    return kept


def present(place: Place) -> bool:
    """Whether there is something at the place (a broken link counts)."""
    return os.path.lexists(place.path)


def count_files(folder: Path) -> int:
    """Files (and links) in ``folder``, links not followed; 0 for a folder that is a link."""
    if folder.is_symlink() or not folder.is_dir():
        return 0
    total = 0
    for _dirpath, dirnames, filenames, dirfd in os.fwalk(folder, follow_symlinks=False):
        links = [d for d in dirnames if _is_link(d, dirfd)]
        total += len(filenames) + len(links)
    return total


def entries(folder: Path) -> list[Path]:
    """The files and folders directly in ``folder`` (none for a link), sorted."""
    if folder.is_symlink() or not folder.is_dir():
        return []
    try:
        return sorted(folder.iterdir())
    except OSError:
        return []


def _is_link(name: str, dirfd: int) -> bool:
    return stat.S_ISLNK(os.stat(name, dir_fd=dirfd, follow_symlinks=False).st_mode)


def remove_tree(root: Path) -> Outcome:
    """Remove ``root`` and everything in it without following a link anywhere.

    A ``root`` that is a link is left alone (one problem line says where it points); a
    file in its place is removed. Files are listed before the folders that held them.
    """
    out = Outcome()
    try:
        info = os.lstat(root)
    except FileNotFoundError:
        return out
    if stat.S_ISLNK(info.st_mode):
        out.problems.append(
            _(
                "kept {path}: a link to {target}; posture-watch does not delete "
                "through links, remove it yourself"
            ).format(path=root, target=os.readlink(root))
        )
        return out
    if not stat.S_ISDIR(info.st_mode):
        _unlink(root, None, root, out)
        return out
    for dirpath, dirnames, filenames, dirfd in os.fwalk(root, topdown=False, follow_symlinks=False):
        here = Path(dirpath)
        for name in sorted(filenames):
            _unlink(name, dirfd, here / name, out)
        for name in sorted(dirnames):
            if _is_link(name, dirfd):  # listed with the folders, never entered
                _unlink(name, dirfd, here / name, out)
            else:
                _rmdir(name, dirfd, here / name, out)
    _rmdir(root, None, root, out)
    return out


def _unlink(name: str | Path, dirfd: int | None, path: Path, out: Outcome) -> None:
    try:
        os.unlink(name, dir_fd=dirfd)
    except FileNotFoundError:
        return
    except OSError as exc:
        out.problems.append(
            _("cannot remove {path} ({reason})").format(path=path, reason=reason(exc))
        )
        return
    out.removed.files.append(path)


def _rmdir(name: str | Path, dirfd: int | None, path: Path, out: Outcome) -> None:
    try:
        os.rmdir(name, dir_fd=dirfd)
    except FileNotFoundError:
        return
    except OSError as exc:
        out.problems.append(
            _("cannot remove {path}/ ({reason})").format(path=path, reason=reason(exc))
        )
        return
    out.removed.folders.append(path)


def remove_desktop_files() -> Outcome:
    """The login entry, then the menu entry with its icons and its lines in the
    desktop's caches; the folders they leave empty go too."""
    out = Outcome()
    login = autostart.autostart_path()
    try:
        if autostart.disable():
            out.removed.files.append(login)
            out.removed.folders += prune_empty_folders(login, autostart.config_home())
        out.add(Outcome(autostart.remove_launcher()))
    except PostureWatchError as exc:  # a folder we may not write
        out.problems.append(exc.one_line())
    return out


__all__ = [
    "Outcome",
    "Place",
    "count_files",
    "entries",
    "places",
    "present",
    "remove_desktop_files",
    "remove_tree",
]
