"""Start the tray at login, and list posture-watch in the desktop's application menu.

A posture monitor only helps when it runs, and people forget to start it. Every Linux
desktop (GNOME, KDE, XFCE, MATE, Cinnamon, LXQt, and systemd's xdg-autostart generator)
starts the programs described by desktop entries in ``$XDG_CONFIG_HOME/autostart``
(freedesktop Desktop Application Autostart spec), and lists in its menu the entries in
``$XDG_DATA_HOME/applications`` with their icon from ``$XDG_DATA_HOME/icons/hicolor``.
So "start at login" is one small file, and turning it off is removing that file.

The entry must keep working when nobody is looking, at the next login:

- ``Exec`` is the absolute path of *this* installation's ``posture-watch`` script (the
  one beside ``sys.executable`` in a venv or pipx install), because the login session's
  ``PATH`` rarely contains a venv. It is quoted by the Desktop Entry spec's rules, so a
  path with spaces or quotes survives.
- ``TryExec`` names the same program: when the venv is deleted, the desktop skips the
  entry silently instead of failing at every login; ``status`` warns about it.
- ``X-GNOME-Autostart-Delay`` and ``X-KDE-autostart-after=panel`` let the panel and its
  tray host come up first, so the icon appears reliably (the tray also re-docks when the
  host is late).

Files are written atomically and an unchanged file is left alone
(:mod:`posture_watch.desktop.desktop_files`), so ``enable`` is idempotent and a crash never
leaves a half-written entry that the desktop would reject. Problems writing them become
one :class:`~posture_watch.errors.StorageError` line (exit code 2). The quoting rules of
the files live in :mod:`posture_watch.desktop.desktop_entry`.

Public API for the tray's "Start at login" item: :func:`is_enabled`, :func:`enable`,
:func:`disable`, :func:`status`, :func:`install_launcher`, :func:`remove_launcher`.
"""

from __future__ import annotations

import gettext
import logging
import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

from posture_watch import i18n
from posture_watch.core.languages import PSEUDO
from posture_watch.core.text import DOMAIN, N_, _
from posture_watch.desktop.desktop_entry import (
    checked_text,
    escape_string,
    exec_line,
    read_entry,
    split_exec,
    unescape_string,
)
from posture_watch.desktop.desktop_files import (
    Removed,
    forget_in_mime_cache,
    prune_empty_folders,
    reason,
    remove_file,
    update_file,
)
from posture_watch.desktop.desktop_files import refresh_caches as refresh_folders
from posture_watch.errors import ConfigError, StorageError

log = logging.getLogger(__name__)

#: Desktop file name (autostart and launcher) and icon name.
APP_ID = "posture-watch"
DESKTOP_FILE = f"{APP_ID}.desktop"
ICON_NAME = APP_ID
#: Seconds GNOME waits after login before starting the tray (the panel comes up first).
AUTOSTART_DELAY = 5
#: The command the entries run: the tray.
TRAY_ARGS: tuple[str, ...] = ("tray",)


# -- where the files go --------------------------------------------------------------


def config_home() -> Path:
    """``$XDG_CONFIG_HOME`` (default ``~/.config``)."""
    return Path(platformdirs.user_config_dir())


def data_home() -> Path:
    """``$XDG_DATA_HOME`` (default ``~/.local/share``)."""
    return Path(platformdirs.user_data_dir())


def autostart_path() -> Path:
    """The login entry: ``$XDG_CONFIG_HOME/autostart/posture-watch.desktop``."""
    return config_home() / "autostart" / DESKTOP_FILE


def launcher_path() -> Path:
    """The menu entry: ``$XDG_DATA_HOME/applications/posture-watch.desktop``."""
    return data_home() / "applications" / DESKTOP_FILE


def icon_theme_dir() -> Path:
    """The user's hicolor theme folder, where every icon theme falls back to."""
    return data_home() / "icons" / "hicolor"


def icon_paths() -> dict[str, Path]:
    """Where each icon goes, by hicolor size folder (``"16x16"`` ... ``"scalable"``)."""
    from posture_watch.desktop.app_icon import ICON_SIZES

    theme = icon_theme_dir()
    paths = {f"{n}x{n}": theme / f"{n}x{n}" / "apps" / f"{ICON_NAME}.png" for n in ICON_SIZES}
    paths["scalable"] = theme / "scalable" / "apps" / f"{ICON_NAME}.svg"
    return paths


# -- which program to run -------------------------------------------------------------


@dataclass(frozen=True)
class Program:
    """The command line that starts this installation of posture-watch (without ``tray``)."""

    argv: tuple[str, ...]

    @property
    def executable(self) -> Path:
        """The file that must exist for the entry to work (``TryExec``)."""
        return Path(self.argv[0])


def find_program(python: str | os.PathLike[str] | None = None) -> Program:
    """This installation's ``posture-watch`` as an absolute command line.

    In order: the ``posture-watch`` script beside ``python`` (default
    ``sys.executable``; a venv or pipx install), the one on ``PATH``, else
    ``python -m posture_watch.cli``. ``python`` is made absolute but not resolved: a
    venv's ``python`` is a symlink to the system interpreter, and only the link knows
    the venv.
    """
    interpreter = python if python is not None else sys.executable
    if interpreter:
        beside = Path(os.path.abspath(interpreter)).parent / APP_ID
        if _is_executable(beside):
            return Program((str(beside),))
    found = shutil.which(APP_ID)
    if found:
        return Program((os.path.abspath(found),))
    if interpreter:
        return Program((os.path.abspath(interpreter), "-m", "posture_watch.cli"))
    raise ConfigError(
        _("cannot find the posture-watch program to start at login"),
        hint=_("install it with pip or pipx so that a posture-watch script exists"),
    )


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


# -- the entries ----------------------------------------------------------------------

_COMMENT = N_("Notices sustained slouching and long sitting, and suggests stretch breaks")
_GENERIC_NAME = N_("Posture monitor")
_AUTOSTART_COMMENT = N_("Start the posture monitor in the tray at login")
_KEYWORDS = "posture;slouch;ergonomics;neck;back;sitting;stretch;break;webcam;"


def languages(locale_dir: Path = i18n.LOCALE_DIR) -> list[str]:
    """The codes of the catalogs the package carries (``de``, ``pt_BR``; not the
    pseudo-locale, which is for tests)."""
    if not locale_dir.is_dir():
        return []
    return sorted(
        folder.name
        for folder in locale_dir.iterdir()
        if folder.name != PSEUDO and i18n.catalog_path(folder.name, locale_dir).is_file()
    )


def localized(key: str, english: str, locale_dir: Path = i18n.LOCALE_DIR) -> list[str]:
    """``key[de]=…`` lines for ``english`` in every language carried: the desktop shows
    each person their own, whatever language the entry was written in."""
    lines = []
    for code in languages(locale_dir):
        catalog = gettext.translation(DOMAIN, locale_dir, languages=[code], fallback=True)
        shown = catalog.gettext(english)
        if shown and shown != english:
            lines.append(f"{key}[{code}]={escape_string(checked_text(shown))}")
    return lines


def _entry(
    program: Program,
    *,
    comment: str,
    extra: Sequence[str],
    locale_dir: Path = i18n.LOCALE_DIR,
) -> str:
    tryexec = escape_string(checked_text(str(program.executable)))
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.0",
        f"Name={APP_ID}",
        f"GenericName={_GENERIC_NAME}",
        *localized("GenericName", _GENERIC_NAME, locale_dir),
        f"Comment={comment}",
        *localized("Comment", comment, locale_dir),
        f"Icon={ICON_NAME}",
        f"TryExec={tryexec}",
        f"Exec={escape_string(exec_line([*program.argv, *TRAY_ARGS]))}",
        "Terminal=false",
        "StartupNotify=false",
        *extra,
    ]
    return "\n".join(lines) + "\n"


def autostart_entry(program: Program) -> str:
    """The text of the login entry that starts ``program tray``."""
    header = (
        "# Written by 'posture-watch autostart on'; 'posture-watch autostart off' removes it.\n"
    )
    return header + _entry(
        program,
        comment=_AUTOSTART_COMMENT,
        extra=[
            "X-GNOME-Autostart-enabled=true",
            f"X-GNOME-Autostart-Delay={AUTOSTART_DELAY}",
            "X-KDE-autostart-after=panel",
        ],
    )


def launcher_entry(program: Program) -> str:
    """The text of the application-menu entry that starts ``program tray``."""
    header = "# Written by 'posture-watch launcher install'; 'launcher remove' removes it.\n"
    return header + _entry(
        program,
        comment=_COMMENT,
        extra=["Categories=Utility;", f"Keywords={_KEYWORDS}"],
    )


# -- the public API -----------------------------------------------------------------


@dataclass(frozen=True)
class EntryStatus:
    """What a desktop entry on disk runs, and whether that still exists."""

    path: Path
    #: The file is there.
    present: bool
    #: The ``Exec`` value (string escapes undone), or None when absent or unreadable.
    exec_line: str | None = None
    #: ``exec_line`` split into arguments.
    argv: tuple[str, ...] = ()
    #: The program it starts, as an absolute path when it can be found.
    target: Path | None = None
    #: That program exists and may be executed.
    target_exists: bool = False
    #: Why the file does not count (unreadable, not UTF-8, no Exec, turned off ...).
    problem: str | None = None


@dataclass(frozen=True)
class AutostartStatus(EntryStatus):
    """The login entry: :class:`EntryStatus` plus whether the desktop will start it."""

    #: Present, well-formed and not turned off (``Hidden=true`` or
    #: ``X-GNOME-Autostart-enabled=false``, e.g. by GNOME's Startup Applications).
    enabled: bool = False


@dataclass(frozen=True)
class LauncherStatus(EntryStatus):
    """The menu entry plus its icons."""

    icons: dict[str, Path] = field(default_factory=dict)
    missing_icons: tuple[str, ...] = ()


def refresh_caches() -> None:
    """Tell the desktop that the menu entry or the icons changed (see
    :func:`posture_watch.desktop.desktop_files.refresh_caches`)."""
    refresh_folders(launcher_path().parent, icon_theme_dir())


def _entry_status(path: Path) -> tuple[EntryStatus, dict[str, str]]:
    try:
        keys = read_entry(path)
    except (FileNotFoundError, NotADirectoryError):
        return EntryStatus(path, present=False), {}
    except UnicodeDecodeError:
        return EntryStatus(path, present=True, problem=_("not valid UTF-8")), {}
    except OSError as exc:
        return EntryStatus(
            path, present=True, problem=_("unreadable ({reason})").format(reason=reason(exc))
        ), {}
    if "Exec" not in keys:
        return EntryStatus(path, present=True, problem=_("no Exec line")), keys
    line = unescape_string(keys["Exec"])
    try:
        argv = tuple(split_exec(line))
    except ValueError as exc:
        return EntryStatus(path, present=True, exec_line=line, problem=str(exc)), keys
    target: Path | None = None
    if argv:
        first = argv[0]
        if os.path.isabs(first):
            target = Path(first)
        elif found := shutil.which(first):
            target = Path(found)
    exists = target is not None and _is_executable(target)
    return EntryStatus(path, True, line, argv, target, exists), keys


def status() -> AutostartStatus:
    """The login entry as it is on disk (never raises for a damaged file)."""
    base, keys = _entry_status(autostart_path())
    problem = base.problem
    if problem is None and keys.get("Hidden", "").strip() == "true":
        problem = _("turned off (Hidden=true)")
    if problem is None and keys.get("X-GNOME-Autostart-enabled", "").strip() == "false":
        problem = _("turned off (X-GNOME-Autostart-enabled=false)")
    enabled = base.present and problem is None
    return AutostartStatus(**{**_values(base), "problem": problem}, enabled=enabled)


def is_enabled() -> bool:
    """Whether the desktop will start posture-watch at the next login (cheap; never raises)."""
    try:
        return status().enabled
    except Exception:  # the tray's menu asks on its own thread: a check mark, not a crash
        log.exception("cannot read the autostart entry")
        return False


def enable(*, launcher: bool = True, python: str | os.PathLike[str] | None = None) -> Path:
    """Start ``posture-watch tray`` at login; returns the entry's path. Idempotent.

    With ``launcher`` (the default) the application-menu entry and icons are installed
    too, so the login item shows the icon. ``python`` picks the installation (default
    this one, see :func:`find_program`). Raises :class:`StorageError` in one line when a
    folder cannot be written; the login entry is written first and stays.
    """
    program = find_program(python)
    path = autostart_path()
    update_file(path, autostart_entry(program).encode("utf-8"))
    if launcher:
        try:
            install_launcher(program)
        except StorageError as exc:
            raise StorageError(
                _("start at login is on, but the menu entry failed: {error}").format(error=exc),
                hint=exc.hint,
            ) from None
    return path


def disable() -> bool:
    """Stop starting posture-watch at login: removes only the login entry.

    Returns False when there was none. The menu entry and icons stay.
    """
    return remove_file(autostart_path())


def install_launcher(program: Program | None = None) -> list[Path]:
    """Install the application-menu entry and the icons; returns every installed path.

    Idempotent: files already as they should be are left alone.
    """
    from posture_watch.desktop.app_icon import app_icon_png, app_icon_svg

    program = program or find_program()
    written: list[Path] = []
    for size_dir, path in icon_paths().items():
        if size_dir == "scalable":
            data = app_icon_svg().encode("utf-8")
        else:
            data = app_icon_png(int(size_dir.split("x", 1)[0]))
        update_file(path, data)
        written.append(path)
    # The entry last: the menu never lists posture-watch before its icon is there.
    entry = launcher_path()
    update_file(entry, launcher_entry(program).encode("utf-8"))
    written.append(entry)
    refresh_caches()
    return written


def remove_launcher() -> Removed:
    """Remove the application-menu entry and the icons; returns what was removed.

    Also goes: our lines in the applications folder's ``mimeinfo.cache`` (the file too,
    when it was there only for us) and the folders the files leave empty, up to
    ``$XDG_DATA_HOME``.
    """
    files = [launcher_path(), *icon_paths().values()]
    removed = Removed([p for p in files if remove_file(p)])
    if not removed:
        return removed
    refresh_caches()
    cache = forget_in_mime_cache(launcher_path().parent, DESKTOP_FILE)
    if cache is not None:
        removed.files.append(cache)
        files.append(cache)
    for path in files:
        removed.folders += prune_empty_folders(path, data_home())
    return removed


def launcher_status() -> LauncherStatus:
    """The menu entry and which icons are installed."""
    base, _keys = _entry_status(launcher_path())
    icons = {k: p for k, p in icon_paths().items() if p.is_file()}
    missing = tuple(k for k in icon_paths() if k not in icons)
    return LauncherStatus(**_values(base), icons=icons, missing_icons=missing)


def _values(entry: EntryStatus) -> dict[str, Any]:
    return {f.name: getattr(entry, f.name) for f in fields(EntryStatus)}


__all__ = [
    "APP_ID",
    "AUTOSTART_DELAY",
    "AutostartStatus",
    "EntryStatus",
    "LauncherStatus",
    "Program",
    "autostart_entry",
    "autostart_path",
    "disable",
    "enable",
    "find_program",
    "icon_paths",
    "install_launcher",
    "is_enabled",
    "launcher_entry",
    "launcher_path",
    "launcher_status",
    "refresh_caches",
    "remove_launcher",
    "status",
]
