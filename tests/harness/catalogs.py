"""Translation catalogs for tests: a real GNU .mo built in memory from a dict, and a way
to install a translations object for one test and put the one before back.

Keys are gettext's own: ``"msgid"``, ``"context\\x04msgid"`` (:func:`key` builds it),
``"singular\\x00plural"`` with the forms NUL-joined in the value (or, as Babel writes
plurals, a tuple of the forms on both sides)."""

from __future__ import annotations

import gettext
import io
import struct
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from posture_watch.core import formats, text

HEADER = "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n"


def key(context: str | None, msgid: str) -> str:
    """The .mo key of ``msgid`` in ``context`` (None: no context)."""
    return msgid if context is None else f"{context}\x04{msgid}"


Forms = str | tuple[str, ...]


def mo_bytes(messages: Mapping[Forms, Forms], language: str | None = None) -> bytes:
    """A GNU .mo file (the format gettext reads) holding ``messages`` and a UTF-8 header
    (naming ``language`` when given, as a real catalog's does)."""

    def joined(forms: Forms) -> str:
        return forms if isinstance(forms, str) else "\x00".join(forms)

    header = HEADER + (f"Language: {language}\n" if language else "")
    entries = {"": header, **{joined(k): joined(v) for k, v in messages.items()}}
    keys = sorted(entries)
    ids = [k.encode() for k in keys]
    strs = [entries[k].encode() for k in keys]
    start = 7 * 4 + 16 * len(keys)
    offsets, blob = [], b""
    for data in ids + strs:
        offsets.append((len(data), start + len(blob)))
        blob += data + b"\0"
    n = len(keys)
    header = struct.pack("Iiiiiii", 0x950412DE, 0, n, 28, 28 + 8 * n, 0, 0)
    return header + b"".join(struct.pack("ii", *o) for o in offsets) + blob


def translations(
    messages: Mapping[Forms, Forms], language: str | None = None
) -> gettext.GNUTranslations:
    """``messages`` read back through gettext, as an installed catalog is."""
    return gettext.GNUTranslations(io.BytesIO(mo_bytes(messages, language)))


@contextmanager
def installed(translations: gettext.NullTranslations) -> Iterator[None]:
    """``translations`` answer core.text's calls inside the block; the one before after."""
    before = text.active()
    text.use(translations)
    try:
        yield
    finally:
        text.use(before)


@contextmanager
def language_kept() -> Iterator[None]:
    """Whatever a test installs (i18n.setup installs translations and formats), the
    language and formats before it are back after the block."""
    before = text.active(), formats.active()
    try:
        yield
    finally:
        text.use(before[0])
        formats.use(before[1])
