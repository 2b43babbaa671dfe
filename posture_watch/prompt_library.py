"""Loads prompts: the packaged guide prompts plus the user's own TOML files.

Users customise by dropping ``*.toml`` files (same layout as the packaged
``posture_watch/prompts/guide_prompts.toml``) into the ``prompts`` folder of their config
folder. A user prompt whose id equals a built-in id replaces it in place; new ids are
added after the built-ins. Files are read in name order, so when two user files define
the same id the later name wins.

This is the adapter edge: file and TOML errors are translated once, here, into
:class:`~posture_watch.errors.ConfigError` naming the file; all validation rules live in
the pure :func:`posture_watch.core.prompts.parse_prompts`.
"""

from __future__ import annotations

import codecs
import tomllib
from importlib.resources import files
from pathlib import Path

from posture_watch.core.prompts import Prompt, parse_prompts
from posture_watch.core.text import N_, _
from posture_watch.errors import ConfigError
from posture_watch.paths import config_dir

BUILTIN_PACKAGE = "posture_watch.prompts"
BUILTIN_FILE = "guide_prompts.toml"
#: Marked ``N_``; translated where the error is made (the language is chosen after import).
_HINT = N_("fix the file, or move it out of the prompts folder to use the built-in prompts")


def user_prompts_dir() -> Path:
    """The folder of the user's own prompt files (may not exist)."""
    return config_dir() / "prompts"


def builtin_prompts() -> list[Prompt]:
    """The prompts shipped with posture-watch, paraphrased from the muscle-knots guide."""
    resource = files(BUILTIN_PACKAGE) / BUILTIN_FILE
    return _parse(resource.read_bytes(), str(resource))


def load_prompts(user_dir: Path | None = None) -> list[Prompt]:
    """Built-in prompts merged with every ``*.toml`` in ``user_dir``.

    ``user_dir`` defaults to :func:`user_prompts_dir`; a missing folder just means no user
    prompts. Raises ConfigError naming the file for an unreadable, malformed or invalid one.
    """
    folder = user_prompts_dir() if user_dir is None else user_dir
    merged = {prompt.id: prompt for prompt in builtin_prompts()}
    for path in _user_files(folder):
        for prompt in _read(path):
            merged[prompt.id] = prompt  # an existing key keeps its place: override in place
    return list(merged.values())


def _user_files(folder: Path) -> list[Path]:
    if not folder.exists():
        return []
    if not folder.is_dir():
        raise ConfigError(
            _("{folder}: the prompts folder is a file, not a folder").format(folder=folder),
            hint=_(_HINT),
        )
    return sorted(path for path in folder.glob("*.toml") if path.is_file())


#: The largest prompts file read, as for the settings file: a hand-made file of millions
#: of entries would take minutes and GBs to parse; the built-in library is about 15 KB.
MAX_PROMPTS_BYTES = 1024 * 1024


def _read(path: Path) -> list[Prompt]:
    try:
        with path.open("rb") as file:
            data = file.read(MAX_PROMPTS_BYTES + 1)
    except OSError as exc:
        raise ConfigError(
            _("{path}: cannot read prompts file: {reason}").format(path=path, reason=exc.strerror)
        ) from exc
    if len(data) > MAX_PROMPTS_BYTES:
        raise ConfigError(
            _("{path}: the prompts file is larger than {size} KB").format(
                path=path, size=MAX_PROMPTS_BYTES // 1024
            ),
            hint=_(_HINT),
        )
    return _parse(data.removeprefix(codecs.BOM_UTF8), str(path))  # a BOM from Windows editors


def _parse(data: bytes, origin: str) -> list[Prompt]:
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(
            _("{origin}: not UTF-8 text ({reason} at byte {byte})").format(
                origin=origin, reason=exc.reason, byte=exc.start
            ),
            hint=_(_HINT),
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            _("{origin}: invalid TOML: {error}").format(origin=origin, error=exc), hint=_(_HINT)
        ) from exc
    try:
        return parse_prompts(doc, origin)
    except ValueError as exc:
        raise ConfigError(str(exc), hint=_(_HINT)) from exc
