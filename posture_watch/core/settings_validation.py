"""Checking a settings document: every key known, every value allowed, or one clear line.

A wrong key or value is a :class:`~posture_watch.errors.ConfigError` naming the file, the
key and what is allowed (with a "did you mean" when a key is close to a known one, or
belongs in another table); nothing falls back to the defaults silently. Keys left out of
the document keep their defaults. A TOML syntax error gives the line and column, and a
hint where one applies (a time of day needs quotes).

Pure: the caller reads the file (:mod:`posture_watch.config`) and passes its text, with
``origin`` (the file's name) to start every message.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from posture_watch.core.settings import AppConfig
from posture_watch.core.settings_schema import (
    SCHEMA_VERSION,
    TABLES,
    ClockKey,
    InvalidValue,
    Kind,
    LanguageKey,
    SourceKey,
)
from posture_watch.core.text import _
from posture_watch.errors import ConfigError


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
            except InvalidValue as exc:
                must = _("must be {allowed}").format(allowed=exc)
                raise ConfigError(f"{origin}: [{table}] {key} = {value!r}: {must}") from None
            changes.setdefault(TABLES[table][0], {})[key] = stored
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


def _check_schema_version(value: object, origin: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        must = _("must be a whole number from 1 to {newest}").format(newest=SCHEMA_VERSION)
        raise ConfigError(f"{origin}: schema_version = {value!r}: {must}")
    if value > SCHEMA_VERSION:
        newer = _(
            "written by a newer posture-watch; this version reads schema_version {newest}"
        ).format(newest=SCHEMA_VERSION)
        raise ConfigError(
            f"{origin}: schema_version = {value}: {newer}",
            hint=_("upgrade posture-watch, or move the file aside to start from the defaults"),
        )


def _table_keys(table: str, content: object, origin: str) -> dict[str, Kind]:
    if table not in TABLES:
        close = difflib.get_close_matches(table, TABLES, n=1)
        name = f"[{table}]" if isinstance(content, dict) else table
        tables = ", ".join(f"[{t}]" for t in TABLES)
        if close:
            hint = _("did you mean [{close}]? allowed: schema_version and the tables {tables}")
        else:
            hint = _("allowed: schema_version and the tables {tables}")
        raise ConfigError(
            f"{origin}: " + _("unknown setting {name}").format(name=name),
            hint=hint.format(close=close[0] if close else "", tables=tables),
        )
    if not isinstance(content, dict):
        raise ConfigError(
            f"{origin}: [{table}] = {content!r}: " + _("must be a table"),
            hint=_("write [{table}] on its own line, then its keys").format(table=table),
        )
    return {key: kind for key, (kind, _comment) in TABLES[table][2].items()}


def _unknown_key(table: str, key: str, origin: str) -> ConfigError:
    allowed = TABLES[table][2]
    elsewhere = [t for t, (_attr, _comment, keys) in TABLES.items() if key in keys]
    close = difflib.get_close_matches(key, allowed, n=1)
    if elsewhere:
        hint = _("{key} belongs in [{elsewhere}]; allowed keys in [{table}]: {keys}")
    elif close:
        hint = _("did you mean {close}? allowed keys in [{table}]: {keys}")
    else:
        hint = _("allowed keys in [{table}]: {keys}")
    return ConfigError(
        f"{origin}: " + _("unknown setting {name}").format(name=f"[{table}] {key}"),
        hint=hint.format(
            key=key,
            elsewhere=elsewhere[0] if elsewhere else "",
            close=close[0] if close else "",
            table=table,
            keys=", ".join(allowed),
        ),
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
                hint=_("[posture] and [sitting] mix seconds and minutes; see the comments"),
            ) from None
    return replace(config, **parts)


def _check_cross_fields(config: AppConfig, origin: str) -> None:
    sampling, quiet = config.sampling, config.quiet_hours
    if sampling.confirm_interval > sampling.stable_interval:
        must = _("must not exceed {other} ({stable})").format(
            other="stable_interval", stable=repr(sampling.stable_interval)
        )
        raise ConfigError(
            f"{origin}: [sampling] confirm_interval = {sampling.confirm_interval!r}: {must}"
        )
    if quiet.enabled and quiet.start == quiet.end:
        must = _("must differ from {other}").format(other="start")
        raise ConfigError(
            f"{origin}: [quiet_hours] end = {ClockKey().dump(quiet.end)}: {must}",
            hint=_("to turn quiet hours off, set enabled = false"),
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
    where = _("line {line}, column {column}").format(line=line, column=col)
    return ConfigError(f"{origin}: {where}: {msg}", hint=hint)


_ASSIGNMENT = re.compile(r"\s*(?P<key>[A-Za-z0-9_-]+)\s*=\s*(?P<value>([^\s\"'#][^#]*?)?)\s*(#.*)?")


def _syntax_hint(line: str) -> str | None:
    """A hint for the line TOML could not read, only where one applies: an unquoted
    value of a text key (``start = 22:00``) needs quotes; a number or true/false key
    says what it takes (``sit_max = fifty``); anything else (a missing ``]``) gets none."""
    match = _ASSIGNMENT.fullmatch(line)
    if match is None:
        return None
    key, value = match["key"], match["value"]
    kinds = [keys[key][0] for _attr, _comment, keys in TABLES.values() if key in keys]
    if kinds and (not value or not isinstance(kinds[0], ClockKey | SourceKey | LanguageKey)):
        return _("{key} takes {allowed}").format(key=key, allowed=kinds[0].must)
    if kinds or re.fullmatch(r"[A-Za-z][\w.-]*|[0-9]{1,2}:[0-9]{2}", value):
        return _('text values need quotes: {key} = "{value}"').format(key=key, value=value)
    return None


__all__ = ["config_from_text", "config_from_toml"]
