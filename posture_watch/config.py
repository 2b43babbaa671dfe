"""The user's settings file: ``settings.toml`` in the config folder, validated on load.

The file uses human units (minutes where people think in minutes); the values here are
seconds, like :class:`~posture_watch.core.settings.Settings`. Every key is declared once in
:data:`_TABLES` with what it allows and a comment; the commented template
(:data:`DEFAULT_TOML`) is generated from the defaults, so the two cannot drift.

A wrong key or value is a :class:`~posture_watch.errors.ConfigError` naming the file, the
key and what is allowed; nothing falls back to the defaults silently. Keys left out of the
file keep their defaults.
"""

from __future__ import annotations

import argparse
import difflib
import errno
import json
import os
import re
import sys
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import time as dtime
from pathlib import Path
from typing import Any

from posture_watch import paths
from posture_watch.atomic_file import write_atomic
from posture_watch.core.settings import Settings
from posture_watch.errors import ConfigError, StorageError

#: Version of the settings file layout; a newer file is refused, not misread.
SCHEMA_VERSION = 1
FILE_NAME = "settings.toml"
MINUTE = 60.0
DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class CameraConfig:
    """Where frames come from: ``"auto"`` (webcam 0 if present, else the demo), a camera
    index such as ``"0"``, or the path of a video or recording; size in pixels.
    ``yield_to_calls``: release the webcam while another program (a video call) uses it,
    and resume when it is free; off, a busy camera stops the monitor with an error."""

    source: str = "auto"
    width: int = 640
    height: int = 480
    yield_to_calls: bool = True


@dataclass(frozen=True)
class SamplingConfig:
    """Seconds between analysed frames: while the state is stable, and while a change is
    being confirmed (denser, so alerts are neither late nor triggered by one frame)."""

    stable_interval: float = 2.0
    confirm_interval: float = 0.25


@dataclass(frozen=True)
class PromptConfig:
    """Check-in prompts: every ``check_every`` seconds (0 = off), at most ``max_per_hour``
    an hour; ``snooze`` seconds of silence when the user snoozes."""

    check_every: float = 45 * MINUTE
    max_per_hour: int = 4
    snooze: float = 10 * MINUTE


@dataclass(frozen=True)
class QuietHours:
    """No prompts or alerts from ``start`` (inclusive) to ``end`` (exclusive), both minutes
    after midnight; the range may wrap midnight (22:00 to 07:00)."""

    enabled: bool = False
    start: int = 22 * 60
    end: int = 7 * 60

    def contains(self, minute_of_day: int) -> bool:
        """Whether quiet hours are in force at ``minute_of_day`` (0-1439); False if disabled."""
        if not 0 <= minute_of_day < DAY_MINUTES:
            raise ValueError(f"minute_of_day must be 0 to {DAY_MINUTES - 1}, got {minute_of_day}")
        if not self.enabled:
            return False
        if self.start <= self.end:
            return self.start <= minute_of_day < self.end
        return minute_of_day >= self.start or minute_of_day < self.end


@dataclass(frozen=True)
class ReportConfig:
    """The daily report: minutes after midnight, or None when turned off; and whether the
    tray then also asks how you feel (the pain journal window)."""

    daily_at: int | None = 17 * 60 + 30
    journal_prompt: bool = True


@dataclass(frozen=True)
class AppConfig:
    """Everything the settings file controls; ``decision`` drives the core state machine."""

    decision: Settings = field(default_factory=Settings)
    camera: CameraConfig = field(default_factory=CameraConfig)
    sampling: SamplingConfig = field(default_factory=SamplingConfig)
    prompts: PromptConfig = field(default_factory=PromptConfig)
    quiet_hours: QuietHours = field(default_factory=QuietHours)
    report: ReportConfig = field(default_factory=ReportConfig)

    @classmethod
    def default(cls) -> AppConfig:
        return cls()


# --- what each key allows --------------------------------------------------------------


class _Invalid(Exception):
    """A value a key does not allow; carries the ``must be ...`` text."""


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


@dataclass(frozen=True)
class _Number:
    """A number in ``unit``; stored times ``scale`` (60 turns minutes into seconds)."""

    lo: float
    hi: float
    unit: str = ""
    scale: float = 1.0
    whole: bool = False
    decimal: bool = False  # always written with a decimal point (1.0, 0.25)
    note: str = ""

    @property
    def must(self) -> str:
        kind = "a whole number" if self.whole else "a number"
        unit = f" of {self.unit}" if self.unit else ""
        note = f" ({self.note})" if self.note else ""
        return f"{kind}{unit} between {_num(self.lo)} and {_num(self.hi)}{note}"

    def parse(self, value: object) -> float | int:
        types = (int,) if self.whole else (int, float)
        if isinstance(value, bool) or not isinstance(value, types):
            raise _Invalid(self.must)
        if not self.lo <= value <= self.hi:  # also refuses nan
            raise _Invalid(self.must)
        return value if self.whole else float(value) * self.scale

    def dump(self, stored: float | int) -> str:
        if self.whole:
            return str(stored)
        human = round(stored / self.scale, 6)
        return repr(float(human)) if self.decimal else _num(human)


@dataclass(frozen=True)
class _Bool:
    must: str = "true or false"

    def parse(self, value: object) -> bool:
        if not isinstance(value, bool):
            raise _Invalid(self.must)
        return value

    def dump(self, stored: bool) -> str:
        return "true" if stored else "false"


_HHMM = re.compile(r"([0-9]{1,2}):([0-9]{2})")


@dataclass(frozen=True)
class _Clock:
    """A time of day ``"HH:MM"``, stored as minutes after midnight (None for ``"off"``)."""

    allow_off: bool = False

    @property
    def must(self) -> str:
        off = ' or "off"' if self.allow_off else ""
        return f'a time of day "HH:MM" from "00:00" to "23:59"{off}'

    def parse(self, value: object) -> int | None:
        if self.allow_off and value == "off":
            return None
        if isinstance(value, dtime):  # TOML local time, 22:00:00
            if value.second or value.microsecond or value.tzinfo:
                raise _Invalid(self.must)
            return value.hour * 60 + value.minute
        match = _HHMM.fullmatch(value) if isinstance(value, str) else None
        if match is None or int(match[1]) > 23 or int(match[2]) > 59:
            raise _Invalid(self.must)
        return int(match[1]) * 60 + int(match[2])

    def dump(self, stored: int | None) -> str:
        return '"off"' if stored is None else f'"{stored // 60:02d}:{stored % 60:02d}"'


@dataclass(frozen=True)
class _Source:
    must: str = '"auto", a camera index such as "0", or the path of a video or recording'

    def parse(self, value: object) -> str:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return str(value)
        if not isinstance(value, str) or not value.strip():
            raise _Invalid(self.must)
        return value.strip()

    def dump(self, stored: str) -> str:
        return json.dumps(stored, ensure_ascii=False).replace("\x7f", "\\u007f")


_Kind = _Number | _Bool | _Clock | _Source
_SECONDS = "seconds"
_MINUTES = "minutes"

#: table -> (AppConfig attribute, comment, {key: (kind, comment)}); keys are field names.
_TABLES: dict[str, tuple[str, str, dict[str, tuple[_Kind, str]]]] = {
    "camera": ("camera", "where frames come from", {
        "source": (_Source(), '"auto" (webcam 0 if present, else the demo), a camera index '
                   'like "0", or a video/recording path'),
        "width": (_Number(160, 3840, "pixels", whole=True), "pixels requested from the webcam"),
        "height": (_Number(120, 2160, "pixels", whole=True), "pixels requested from the webcam"),
        "yield_to_calls": (_Bool(), "true or false: let go of the webcam while a video call "
                           "uses it"),
    }),
    "sampling": ("sampling", "how often frames are analysed", {
        "stable_interval": (_Number(0.1, 60, _SECONDS, decimal=True),
                            "seconds between analysed frames while the state is stable"),
        "confirm_interval": (_Number(0.05, 10, _SECONDS, decimal=True),
                             "seconds between analysed frames while a change is confirmed"),
    }),
    "posture": ("decision", "when slouching counts", {
        "slouch_after": (_Number(1, 3600, _SECONDS), "seconds of slouching before an alert"),
        "glance_max": (_Number(0, 600, _SECONDS),
                       "seconds; a shorter dip (keyboard, phone) never counts"),
        "slouch_cooldown": (_Number(0, 240, _MINUTES, MINUTE),
                            "minutes without another slouch alert after one"),
    }),
    "sitting": ("decision", "long sitting and breaks", {
        "absence_grace": (_Number(0, 3600, _SECONDS),
                          "seconds; shorter absences do not interrupt sitting"),
        "break_min": (_Number(1, 240, _MINUTES, MINUTE), "minutes away that count as a break"),
        "sit_max": (_Number(1, 480, _MINUTES, MINUTE),
                    "minutes of sitting without a break before a reminder"),
    }),
    "prompts": ("prompts", "reminders: nudges, break reminders and posture check-ins", {
        "check_every": (_Number(0, 480, _MINUTES, MINUTE, note="0 = off"),
                        "minutes between posture check-ins, 0 = off"),
        "max_per_hour": (_Number(1, 60, whole=True), "at most this many reminders an hour"),
        "snooze": (_Number(1, 240, _MINUTES, MINUTE), "minutes of silence after a snooze"),
    }),
    "quiet_hours": ("quiet_hours", "no reminders in this range (may wrap midnight)", {
        "enabled": (_Bool(), "true or false"),
        "start": (_Clock(), '"HH:MM", 24-hour clock'),
        "end": (_Clock(), '"HH:MM", exclusive'),
    }),
    "report": ("report", "the daily summary", {
        "daily_at": (_Clock(allow_off=True), '"HH:MM", or "off" to disable'),
        "journal_prompt": (_Bool(), "true or false: also ask how you feel (pain journal)"),
    }),
}  # fmt: skip


# --- reading ---------------------------------------------------------------------------


def config_from_toml(doc: Mapping[str, Any], origin: str) -> AppConfig:
    """Validate a parsed TOML document; ``origin`` (the file) starts every error message."""
    _check_schema_version(doc.get("schema_version", SCHEMA_VERSION), origin)
    changes: dict[str, dict[str, Any]] = {}
    for table, content in doc.items():
        if table == "schema_version":
            continue
        keys = _table_keys(table, content, origin)
        for key, value in content.items():
            kind = keys.get(key)
            if kind is None:
                raise _unknown_key(table, key, origin)
            try:
                stored = kind.parse(value)
            except _Invalid as exc:
                raise ConfigError(f"{origin}: [{table}] {key} = {value!r}: must be {exc}") from None
            changes.setdefault(_TABLES[table][0], {})[key] = stored
    config = _build(changes, origin)
    _check_cross_fields(config, origin)
    return config


def config_from_text(text: str, origin: str) -> AppConfig:
    """Parse and validate TOML text; syntax errors give line and column."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(exc, text, origin) from None
    return config_from_toml(doc, origin)


def settings_path() -> Path:
    """The settings file: ``settings.toml`` in the user's config folder."""
    return paths.config_dir() / FILE_NAME


#: Where :func:`load_config` says that it could not create the file (one line).
Warn = Callable[[str], None]


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
                f"settings: cannot create {_shown(path)} ({exc.strerror or exc}); "
                "using the defaults"
            )
            return AppConfig.default()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if create:
            raise ConfigError(f"{path}: the settings file disappeared while reading") from None
        return AppConfig.default()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the settings file: {exc.strerror}") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    return config_from_text(text, str(path))


def _check_schema_version(value: object, origin: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(
            f"{origin}: schema_version = {value!r}: must be a whole number from 1 to "
            f"{SCHEMA_VERSION}"
        )
    if value > SCHEMA_VERSION:
        raise ConfigError(
            f"{origin}: schema_version = {value}: written by a newer posture-watch; this "
            f"version reads schema_version {SCHEMA_VERSION}",
            hint="upgrade posture-watch, or move the file aside to start from the defaults",
        )


def _table_keys(table: str, content: object, origin: str) -> dict[str, _Kind]:
    if table not in _TABLES:
        close = difflib.get_close_matches(table, _TABLES, n=1)
        maybe = f"did you mean [{close[0]}]? " if close else ""
        name = f"[{table}]" if isinstance(content, dict) else table
        tables = ", ".join(f"[{t}]" for t in _TABLES)
        raise ConfigError(
            f"{origin}: unknown setting {name}",
            hint=f"{maybe}allowed: schema_version and the tables {tables}",
        )
    if not isinstance(content, dict):
        raise ConfigError(
            f"{origin}: [{table}] = {content!r}: must be a table",
            hint=f"write [{table}] on its own line, then its keys",
        )
    return {key: kind for key, (kind, _) in _TABLES[table][2].items()}


def _unknown_key(table: str, key: str, origin: str) -> ConfigError:
    allowed = _TABLES[table][2]
    elsewhere = [t for t, (_, _, keys) in _TABLES.items() if key in keys]
    close = difflib.get_close_matches(key, allowed, n=1)
    if elsewhere:
        maybe = f"{key} belongs in [{elsewhere[0]}]; "
    else:
        maybe = f"did you mean {close[0]}? " if close else ""
    return ConfigError(
        f"{origin}: unknown setting [{table}] {key}",
        hint=f"{maybe}allowed keys in [{table}]: " + ", ".join(allowed),
    )


def _build(changes: dict[str, dict[str, Any]], origin: str) -> AppConfig:
    config = AppConfig.default()
    parts: dict[str, Any] = {}
    for attr, values in changes.items():
        try:
            parts[attr] = replace(getattr(config, attr), **values)
        except ValueError as exc:  # Settings.__post_init__: cross-field rules
            raise ConfigError(
                f"{origin}: {exc}",
                hint="[posture] and [sitting] mix seconds and minutes; see the comments",
            ) from None
    return replace(config, **parts)


def _check_cross_fields(config: AppConfig, origin: str) -> None:
    sampling, quiet = config.sampling, config.quiet_hours
    if sampling.confirm_interval > sampling.stable_interval:
        raise ConfigError(
            f"{origin}: [sampling] confirm_interval = {sampling.confirm_interval!r}: must not "
            f"exceed stable_interval ({sampling.stable_interval!r})"
        )
    if quiet.enabled and quiet.start == quiet.end:
        raise ConfigError(
            f"{origin}: [quiet_hours] end = {_Clock().dump(quiet.end)}: must differ from start",
            hint="to turn quiet hours off, set enabled = false",
        )


_AT = re.compile(r"(?P<msg>.*) \(at line (?P<line>\d+), column (?P<col>\d+)\)", re.S)


def _syntax_error(exc: tomllib.TOMLDecodeError, text: str, origin: str) -> ConfigError:
    """tomllib (3.11) only puts the position into its message; take it out again."""
    lines = text.replace("\r\n", "\n").split("\n")
    match = _AT.fullmatch(str(exc))
    if match:
        line, col, msg = int(match["line"]), match["col"], match["msg"]
    else:  # "(at end of document)": point after the last character
        msg = str(exc).removesuffix(" (at end of document)")
        line, col = len(lines), str(len(lines[-1]) + 1)
    hint = _syntax_hint(lines[line - 1]) if 0 < line <= len(lines) else None
    return ConfigError(f"{origin}: line {line}, column {col}: {msg}", hint=hint)


_ASSIGNMENT = re.compile(r"\s*(?P<key>[A-Za-z0-9_-]+)\s*=\s*(?P<value>([^\s\"'#][^#]*?)?)\s*(#.*)?")


def _syntax_hint(line: str) -> str | None:
    """A hint for the line TOML could not read, only where one applies: an unquoted
    value of a text key (``start = 22:00``) needs quotes; a number or true/false key
    says what it takes (``sit_max = fifty``); anything else (a missing ``]``) gets none."""
    match = _ASSIGNMENT.fullmatch(line)
    if match is None:
        return None
    key, value = match["key"], match["value"]
    kinds = [keys[key][0] for _attr, _comment, keys in _TABLES.values() if key in keys]
    if kinds and (not value or not isinstance(kinds[0], _Clock | _Source)):
        return f"{key} takes {kinds[0].must}"
    if kinds or re.fullmatch(r"[A-Za-z][\w.-]*|[0-9]{1,2}:[0-9]{2}", value):
        return f'text values need quotes: {key} = "{value}"'
    return None


# --- writing ---------------------------------------------------------------------------


def to_toml(config: AppConfig, *, header: str = "") -> str:
    """``config`` as commented TOML in the file's units; parsing it gives ``config`` back."""
    out = [f"# {line}".rstrip() for line in header.splitlines()]
    out += [""] if out else []
    out += [f"schema_version = {SCHEMA_VERSION}  # layout of this file; do not change"]
    for table, (attr, table_note, keys) in _TABLES.items():
        part = getattr(config, attr)
        lines = [f"{key} = {kind.dump(getattr(part, key))}" for key, (kind, _) in keys.items()]
        width = max(len(line) for line in lines)
        out += ["", f"[{table}]  # {table_note}"]
        out += [
            f"{line:<{width}}  # {note}"
            for line, (_, note) in zip(lines, keys.values(), strict=True)
        ]
    return "\n".join(out) + "\n"


DEFAULT_TOML: str = to_toml(
    AppConfig.default(),
    header=(
        "posture-watch settings. Created with the defaults; edit the values, then run\n"
        "    posture-watch settings --check\n"
        "A wrong key or value stops posture-watch with a message naming it; nothing is\n"
        "ignored. Times are in the units given in each comment."
    ),
)


def ensure_config_file(path: Path) -> bool:
    """Create ``path`` with :data:`DEFAULT_TOML` if missing (atomically, never replacing
    an existing file); returns whether it was created. For ``settings --path`` and the
    tray's "Open settings", where a file that cannot be made is an error."""
    try:
        return _create_defaults(path)
    except OSError as exc:
        raise StorageError(f"{path}: cannot create the settings file: {exc.strerror}") from exc


def _create_defaults(path: Path) -> bool:
    """:func:`ensure_config_file` with the OSError left to the caller."""
    if path.exists():
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a file where the folder should be: say that, not "exists"
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR)) from None
    return write_atomic(path, DEFAULT_TOML, replace=False)


def _shown(path: Path) -> str:
    """``~/.config/posture-watch/settings.toml`` rather than the full path, for messages."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except (ValueError, RuntimeError):  # not under home, or no home at all
        return str(path)


# --- the ``posture-watch settings`` command --------------------------------------------


def add_settings_command(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Add ``settings [--path | --check] [--config FILE]``; ``args.run`` is
    :func:`run_settings_command`."""
    parser = subparsers.add_parser(
        "settings",
        help="show the effective settings, or locate or check the settings file",
        description="Without an option: print the effective settings as TOML.",
    )
    parser.set_defaults(run=run_settings_command)
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--path",
        dest="show_path",
        action="store_true",
        help="print the settings file's path (creating it with the defaults if missing)",
    )
    which.add_argument(
        "--check", action="store_true", help="validate the settings file; print 'ok PATH'"
    )
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="show, locate or check this settings file instead of your settings.toml "
        "(the file other commands take with --config)",
    )
    return parser


def run_settings_command(args: argparse.Namespace) -> int:
    """Run ``posture-watch settings``; returns the exit code (0), errors are ConfigError.

    A file named with ``--config`` is never created: one that does not exist is an error,
    where the user's own missing file means the defaults (and ``--path`` creates it)."""
    named = args.config is not None
    path = args.config if named else settings_path()
    if named and not path.is_file():
        raise ConfigError(f"{path}: no such settings file")
    if args.show_path:
        if not named:
            ensure_config_file(path)
        print(path)
    elif args.check:
        load_config(path, create=False)
        missing = "" if path.exists() else " (no file yet: the defaults apply)"
        print(f"ok {path}{missing}")
    else:
        config = load_config(path)
        sys.stdout.write(to_toml(config, header=f"effective settings from {path}"))
    return 0
