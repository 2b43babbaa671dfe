"""The user's settings file: ``settings.toml`` in the config folder, read and validated.

This is the adapter between the file and the typed values: it finds the file, creates it
with the commented defaults when missing, reads it, and hands its text to the pure checks
(:mod:`posture_watch.core.settings_validation`), which know every key
(:mod:`posture_watch.core.settings_schema`) and build an
:class:`~posture_watch.core.settings.AppConfig`. A wrong key or value is a
:class:`~posture_watch.errors.ConfigError` naming the file, the key and what is allowed;
nothing falls back to the defaults silently. Keys left out of the file keep their
defaults. The ``settings`` command is :mod:`posture_watch.commands.settings`.

The typed values and the schema's functions are importable from here too, as the rest
of the program has always found them.
"""

from __future__ import annotations

import codecs
import errno
import os
import sys
from collections.abc import Callable
from pathlib import Path

from posture_watch import paths
from posture_watch.atomic_file import write_atomic
from posture_watch.core.settings import (
    DAY_MINUTES,
    MINUTE,
    AppConfig,
    CameraConfig,
    PromptConfig,
    QuietHours,
    ReportConfig,
    SamplingConfig,
)
from posture_watch.core.settings_edit import EditRefused, changed_values, edit_settings_text
from posture_watch.core.settings_schema import DEFAULT_TOML, SCHEMA_VERSION, to_toml
from posture_watch.core.settings_validation import config_from_text, config_from_toml
from posture_watch.core.text import _
from posture_watch.errors import ConfigError, StorageError
from posture_watch.private_files import private_folder

FILE_NAME = "settings.toml"


def settings_path() -> Path:
    """The settings file: ``settings.toml`` in the user's config folder."""
    return paths.config_dir() / FILE_NAME


#: Where :func:`load_config` says that it could not create the file (one line).
Warn = Callable[[str], None]


#: The largest settings file read. The commented defaults are about 5 KB; a file of
#: millions of keys took 40 s and 850 MB to parse before this cap.
MAX_SETTINGS_BYTES = 1024 * 1024


def _warn_on_stderr(line: str) -> None:
    print(f"posture-watch: {line}", file=sys.stderr, flush=True)


def load_config(
    path: Path | None = None, *, create: bool = True, warn: Warn | None = None
) -> AppConfig:
    """Read and validate the settings file (default :func:`settings_path`).

    A missing file is first created with the commented defaults when ``create``; without
    ``create`` a missing file means the defaults. A missing file that cannot be created
    (a read-only config folder) is no reason to stop the monitor: the defaults apply and
    ``warn`` (default: one line on stderr) says so. A file that is there but wrong is a
    ConfigError.
    """
    path = settings_path() if path is None else path
    if create:
        try:
            _create_defaults(path)
        except OSError as exc:
            (warn or _warn_on_stderr)(
                _("settings: cannot create {path} ({reason}); using the defaults").format(
                    path=_shown(path), reason=exc.strerror or exc
                )
            )
            return AppConfig.default()
    try:
        with path.open("rb") as file:  # never more than the cap: a huge file is refused
            data = file.read(MAX_SETTINGS_BYTES + 1)
    except FileNotFoundError:
        if create:
            raise ConfigError(
                _("{path}: the settings file disappeared while reading").format(path=path)
            ) from None
        return AppConfig.default()
    except OSError as exc:
        raise ConfigError(
            _("{path}: cannot read the settings file: {reason}").format(
                path=path, reason=exc.strerror
            )
        ) from exc
    if len(data) > MAX_SETTINGS_BYTES:
        raise ConfigError(
            _("{path}: the settings file is larger than {count} KB; is it the right file?").format(
                path=path, count=MAX_SETTINGS_BYTES // 1024
            )
        )
    try:
        text = data.removeprefix(codecs.BOM_UTF8).decode("utf-8")  # editors on Windows add one
    except UnicodeDecodeError as exc:
        raise ConfigError(
            _("{path}: not UTF-8 text (byte {start})").format(path=path, start=exc.start)
        ) from None
    return config_from_text(text, str(path))


def ensure_config_file(path: Path) -> bool:
    """Create ``path`` with :data:`DEFAULT_TOML` if missing (atomically, never replacing
    an existing file); returns whether it was created. For ``settings --path`` and the
    tray's "Open settings", where a file that cannot be made is an error."""
    try:
        return _create_defaults(path)
    except OSError as exc:
        raise StorageError(
            _("{path}: cannot create the settings file: {reason}").format(
                path=path, reason=exc.strerror
            )
        ) from exc


def save_config(path: Path, config: AppConfig) -> AppConfig:
    """Write ``config`` into the settings file ``path``, changing only the values that
    differ from what the file holds now (its comments, order and other keys stay: see
    :mod:`posture_watch.core.settings_edit`), atomically; a missing file starts from the
    commented defaults. Returns what the file now holds (read back). A file that is
    wrong now (a bad hand edit) is a ConfigError: saving over it would hide the mistake.
    """
    ensure_config_file(path)
    text = _read_text(path)
    before = config_from_text(text, str(path))
    changes = changed_values(before, config)
    if not changes:
        return before
    try:
        edited = edit_settings_text(text, changes)
    except EditRefused as exc:
        raise ConfigError(
            _("{path}: cannot change it in place: {problem}").format(path=path, problem=exc),
            hint=_("edit the file by hand (posture-watch settings --path)"),
        ) from None
    after = config_from_text(edited, str(path))
    bom = codecs.BOM_UTF8 if _has_bom(path) else b""
    try:
        write_atomic(path, bom + edited.encode("utf-8"))
    except OSError as exc:
        raise StorageError(
            _("{path}: cannot save the settings: {reason}").format(
                path=path, reason=exc.strerror or exc
            )
        ) from exc
    return after


def _read_text(path: Path) -> str:
    """The settings file's text (no BOM), with the same limits as :func:`load_config`."""
    try:
        data = path.read_bytes()[: MAX_SETTINGS_BYTES + 1]
        return data.removeprefix(codecs.BOM_UTF8).decode("utf-8")
    except OSError as exc:
        raise ConfigError(
            _("{path}: cannot read the settings file: {reason}").format(
                path=path, reason=exc.strerror
            )
        ) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(
            _("{path}: not UTF-8 text (byte {start})").format(path=path, start=exc.start)
        ) from None


def _has_bom(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            return file.read(3) == codecs.BOM_UTF8
    except OSError:
        return False


def _create_defaults(path: Path) -> bool:
    """:func:`ensure_config_file` with the OSError left to the caller."""
    if path.exists():
        return False
    try:
        private_folder(path.parent, paths.config_dir())
    except FileExistsError:  # a file where the folder should be: say that, not "exists"
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR)) from None
    return write_atomic(path, DEFAULT_TOML, replace=False)


def _shown(path: Path) -> str:
    """``~/.config/posture-watch/settings.toml`` rather than the full path, for messages."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except (ValueError, RuntimeError):  # not under home, or no home at all
        return str(path)


__all__ = [
    "DAY_MINUTES",
    "DEFAULT_TOML",
    "FILE_NAME",
    "MINUTE",
    "SCHEMA_VERSION",
    "AppConfig",
    "CameraConfig",
    "PromptConfig",
    "QuietHours",
    "ReportConfig",
    "SamplingConfig",
    "config_from_text",
    "config_from_toml",
    "ensure_config_file",
    "load_config",
    "save_config",
    "settings_path",
    "to_toml",
]
