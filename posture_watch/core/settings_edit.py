"""Changing values in the person's own settings file without losing a word of it.

The preferences window saves into ``settings.toml``, which the person may have edited by
hand: comments, blank lines, keys in another order, a key left out on purpose. Writing
the file again from :func:`~posture_watch.core.settings_schema.to_toml` would throw all
of that away, so only the values that changed are edited, line by line: ``key = value``
inside the right ``[table]`` gets its new value and keeps its comment (at the same column
when it fits); a key the file leaves out is added at the end of its table, with the
schema's comment; a table the file leaves out is added at its end. The file stays the
source of truth: what is not changed is not touched.

What a line edit cannot handle safely (a dotted key such as ``posture.sit_max = 5``, an
inline table, a multi-line string) is refused with :class:`EditRefused` rather than
guessed at; :func:`edit_settings_text` also checks the result: it must parse, and hold
the new values. Pure: text in, text out (the writer is :func:`posture_watch.config.save_config`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping

from posture_watch.core.settings import AppConfig
from posture_watch.core.settings_schema import TABLES

#: table -> key -> the value as the file writes it (the kind's ``dump``: ``50``, ``"22:00"``).
Changes = Mapping[str, Mapping[str, str]]

_TABLE = re.compile(r"\s*\[\s*(?P<name>[A-Za-z0-9_-]+)\s*\]\s*(#.*)?")
_OTHER_TABLE = re.compile(r"\s*\[")
_KEY = re.compile(r"(?P<lead>\s*)(?P<quote>[\"']?)(?P<key>[A-Za-z0-9_-]+)(?P=quote)\s*=\s*")


class EditRefused(ValueError):
    """The file is written in a way a line edit cannot change safely; says where."""


def changed_values(old: AppConfig, new: AppConfig) -> dict[str, dict[str, str]]:
    """The keys whose value differs between ``old`` and ``new``, as the file writes them."""
    out: dict[str, dict[str, str]] = {}
    for table, (attr, _note, keys) in TABLES.items():
        for key, (kind, _comment) in keys.items():
            before = kind.dump(getattr(getattr(old, attr), key))
            after = kind.dump(getattr(getattr(new, attr), key))
            if before != after:
                out.setdefault(table, {})[key] = after
    return out


def edit_settings_text(text: str, changes: Changes) -> str:
    """``text`` with the ``changes`` made; everything else as it was. Raises
    :class:`EditRefused` when a line edit cannot make them safely."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final newline comes back at the end
    left = {table: dict(keys) for table, keys in changes.items() if keys}
    table: str | None = None
    ends: dict[str, int] = {}  # table -> index after its last key line
    for index, line in enumerate(lines):
        header = _TABLE.fullmatch(line)
        if header:
            table = header["name"]
            ends[table] = index + 1
            continue
        if _OTHER_TABLE.match(line):
            table = None  # an array of tables or something unusual: never ours
            continue
        match = _KEY.match(line)
        if match is None:
            continue
        if table is None and match["key"] in left:
            raise EditRefused(f"line {index + 1}: [{match['key']}] written as an inline table")
        if table is None:
            continue
        ends[table] = index + 1
        value = left.get(table, {}).pop(match["key"], None)
        if value is not None:
            lines[index] = _replace_value(line, match.end(), value, index)
    lines = _add_missing(lines, left, ends)
    edited = newline.join(lines) + newline
    _check(edited, changes)
    return edited


def _replace_value(line: str, start: int, value: str, index: int) -> str:
    """``line`` with the value that starts at ``start`` replaced, its comment kept."""
    rest = line[start:]
    if rest.startswith(('"""', "'''")):
        raise EditRefused(f"line {index + 1}: a multi-line text value")
    if rest.startswith("{"):
        raise EditRefused(f"line {index + 1}: an inline table")
    end = _value_end(rest)
    comment = rest[end:]
    stripped = comment.lstrip()
    if not stripped:
        return line[:start] + value
    column = start + end + (len(comment) - len(stripped))  # where the comment started
    head = line[:start] + value
    gap = column - len(head) if len(head) + 2 <= column else 2
    return head + " " * gap + stripped


def _value_end(rest: str) -> int:
    """Where the value at the start of ``rest`` ends (before spaces and a comment)."""
    if rest[:1] in ('"', "'"):
        quote, i = rest[0], 1
        while i < len(rest):
            if quote == '"' and rest[i] == "\\":
                i += 2
                continue
            if rest[i] == quote:
                return i + 1
            i += 1
        return len(rest)
    hash_at = rest.find("#")
    value = rest if hash_at < 0 else rest[:hash_at]
    return len(value.rstrip())


def _add_missing(
    lines: list[str], left: dict[str, dict[str, str]], ends: dict[str, int]
) -> list[str]:
    """Keys the file leaves out, at the end of their table (with the schema's comment);
    tables it leaves out, at the end of the file."""
    additions: list[tuple[int, list[str]]] = []
    appended: list[str] = []
    for table, keys in left.items():
        if not keys:
            continue
        new = [_new_line(table, key, value) for key, value in keys.items()]
        if table in ends:
            additions.append((ends[table], new))
        else:
            note = TABLES[table][1] if table in TABLES else ""
            header = f"[{table}]  # {note}" if note else f"[{table}]"
            appended += ["", header, *new]
    for at, new in sorted(additions, reverse=True):  # from the end: indexes stay right
        lines[at:at] = new
    if appended and lines and not lines[-1].strip():
        appended = appended[1:]
    return lines + appended


def _new_line(table: str, key: str, value: str) -> str:
    comment = TABLES[table][2][key][1] if table in TABLES and key in TABLES[table][2] else ""
    return f"{key} = {value}  # {comment}" if comment else f"{key} = {value}"


def _check(edited: str, changes: Changes) -> None:
    """The edited text parses and holds each new value (else the edit went wrong)."""
    try:
        doc = tomllib.loads(edited)
    except tomllib.TOMLDecodeError as exc:
        raise EditRefused(f"the edited file would not read back: {exc}") from None
    for table, keys in changes.items():
        for key, value in keys.items():
            want = tomllib.loads(f"v = {value}")["v"]
            if doc.get(table, {}).get(key) != want:
                raise EditRefused(f"[{table}] {key} could not be changed by a line edit")


__all__ = ["Changes", "EditRefused", "changed_values", "edit_settings_text"]
