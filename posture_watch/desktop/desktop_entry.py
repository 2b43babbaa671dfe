"""The Desktop Entry format: how a value and a command line are written and read back.

The login entry and the menu entry are files in the freedesktop Desktop Entry format,
whose quoting rules are easy to get subtly wrong: an ``Exec`` argument with a space, a
quote or a ``%`` must be quoted one way, then the whole value escaped another way, and
field codes (``%U``) dropped when reading. A wrong escape makes the desktop skip the
entry silently at the next login, when nobody is looking, so the codec lives apart from
what the entries say (:mod:`posture_watch.desktop.autostart`) and is tested round trip.

Everything here is text in, text out, except :func:`read_entry`, which reads one file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from posture_watch.core.text import _
from posture_watch.errors import ConfigError

# Desktop Entry spec, "The Exec key": arguments with these characters must be quoted.
_RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")
# ... and inside double quotes these are preceded by a backslash.
_QUOTED_ESCAPES = frozenset('"`$\\')


def quote_exec_arg(arg: str) -> str:
    """One ``Exec`` argument, quoted by the Desktop Entry spec's rules when needed.

    The result still needs :func:`escape_string` when it goes into a file.
    """
    if arg and not any(c in _RESERVED for c in arg):
        quoted = arg
    else:
        quoted = '"' + "".join("\\" + c if c in _QUOTED_ESCAPES else c for c in arg) + '"'
    return quoted.replace("%", "%%")


def exec_line(argv: Sequence[str]) -> str:
    """The ``Exec`` value (before string escaping) that runs ``argv``."""
    return " ".join(quote_exec_arg(checked_text(arg)) for arg in argv)


def escape_string(value: str) -> str:
    """A value of type string as written in the file (``\\`` doubled, no raw newlines)."""
    out = value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
    out = out.replace("\r", "\\r")
    return "\\s" + out[1:] if out.startswith(" ") else out


def unescape_string(value: str) -> str:
    """The inverse of :func:`escape_string` (``\\s``, ``\\n``, ``\\t``, ``\\r``, ``\\\\``)."""
    out: list[str] = []
    chars = iter(value)
    for c in chars:
        if c != "\\":
            out.append(c)
            continue
        nxt = next(chars, "")
        out.append({"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}.get(nxt, "\\" + nxt))
    return "".join(out)


def split_exec(value: str) -> list[str]:
    """The arguments of an ``Exec`` value (after :func:`unescape_string`).

    Field codes (``%f``, ``%U`` ...) are dropped, ``%%`` is a percent sign. Raises
    :class:`ValueError` on an unterminated quote.
    """
    args: list[str] = []
    current: list[str] = []
    has_arg = False
    quoted = False
    i = 0
    while i < len(value):
        c = value[i]
        if quoted:
            if c == "\\" and i + 1 < len(value) and value[i + 1] in _QUOTED_ESCAPES:
                current.append(value[i + 1])
                i += 1
            elif c == '"':
                quoted = False
            else:
                current.append(c)
        elif c == '"':
            quoted = has_arg = True
        elif c == " ":
            if has_arg:
                args.append("".join(current))
            current, has_arg = [], False
        else:
            current.append(c)
            has_arg = True
        i += 1
    if quoted:
        raise ValueError("unterminated quote in Exec")
    if has_arg:
        args.append("".join(current))
    return [arg for arg in (_drop_field_codes(a) for a in args) if arg is not None]


def _drop_field_codes(arg: str) -> str | None:
    out: list[str] = []
    i = 0
    while i < len(arg):
        if arg[i] == "%" and i + 1 < len(arg):
            if arg[i + 1] == "%":
                out.append("%")
            elif len(arg) == 2:
                return None  # a field code alone is removed with its argument
            i += 2
            continue
        out.append(arg[i])
        i += 1
    return "".join(out)


def checked_text(text: str) -> str:
    """``text`` if a desktop file can carry it: valid UTF-8, no control characters."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ConfigError(
            _("{text} is not valid UTF-8, which a desktop entry cannot hold").format(
                text=repr(text)
            ),
            hint=_("install posture-watch in a folder whose name is plain text"),
        ) from None
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise ConfigError(
            _("{text} contains control characters, which a desktop entry cannot hold").format(
                text=repr(text)
            ),
            hint=_("install posture-watch in a folder whose name is plain text"),
        )
    return text


def parse_entry(text: str) -> dict[str, str]:
    """The unlocalised keys of the ``[Desktop Entry]`` group of ``text``, values as
    written (string escapes not undone; the first of a repeated key counts)."""
    keys: dict[str, str] = {}
    group = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            group = line[1:-1]
            continue
        if group != "Desktop Entry" or "=" not in line:
            continue
        key, value = raw.split("=", 1)
        key = key.strip()
        if "[" not in key:
            keys.setdefault(key, value.lstrip())
    return keys


def read_entry(path: Path) -> dict[str, str]:
    """:func:`parse_entry` of the file at ``path``.

    Raises :class:`OSError` when unreadable, :class:`UnicodeDecodeError` when not UTF-8.
    """
    return parse_entry(path.read_text(encoding="utf-8"))


__all__ = [
    "checked_text",
    "escape_string",
    "exec_line",
    "parse_entry",
    "quote_exec_arg",
    "read_entry",
    "split_exec",
    "unescape_string",
]
