"""A Babel extractor for prompt files: the words a person reads in ``guide_prompts.toml``.

The built-in prompts are data, not code, so ``pybabel extract`` cannot see them through
``_()`` calls. This extractor (registered in ``pyproject.toml`` under
``[tool.babel.extractors]``) hands each prompt's ``title``, ``text``, ``source`` and
``steps`` to the catalog template, with a comment naming the prompt and the field, so a
translator knows which stretch a step belongs to. The prompts are translated where they
are shown (``Prompt.translated`` in :mod:`posture_watch.core.prompts` calls ``_()`` on
the same fields); ids, kinds and answers are stored keys and are never extracted.

Only the standard library: pybabel imports it without the rest of posture-watch.
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

#: The fields of a prompt a person reads, in the order they are shown.
VISIBLE = ("title", "text", "steps", "source")

#: (line, funcname, message, comments), as Babel's extractors yield them.
Message = tuple[int, str | None, str, list[str]]


def extract_prompts(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Message]:
    """Every visible text of every ``[[prompt]]`` in the file, with its line."""
    raw = fileobj.read().decode("utf-8")
    lines = raw.splitlines()
    for prompt in tomllib.loads(raw).get("prompt", []):
        ident = prompt.get("id", "?")
        for field in VISIBLE:
            value = prompt.get(field)
            texts = value if isinstance(value, list) else [value]
            for number, text in enumerate(texts, start=1):
                if not isinstance(text, str) or not text:
                    continue
                where = f"{field} {number}" if field == "steps" else field
                yield _line(lines, text), None, text, [f"prompt {ident}: {where}"]


def _line(lines: list[str], text: str) -> int:
    """The first line holding ``text`` (as TOML writes it between quotes), else 1."""
    quoted = text.replace("\\", "\\\\").replace('"', '\\"')
    return next((n for n, line in enumerate(lines, start=1) if quoted in line), 1)


__all__ = ["VISIBLE", "extract_prompts"]
