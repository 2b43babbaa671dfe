"""core/text forwards every lookup to the installed translations and falls back to the
English text per message, never to a message id."""

from __future__ import annotations

import gettext
import io
import struct

import pytest

from posture_watch.core import text


def _mo(messages: dict[str, str]) -> bytes:
    """A real GNU .mo file in memory (the format gettext reads), from msgid -> msgstr;
    a msgid with a NUL holds singular and plural, its msgstr the forms NUL-joined."""
    head = "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n"
    entries = {"": head, **messages}
    keys = sorted(entries)
    ids = b"".join(k.encode() + b"\0" for k in keys)
    strs = b"".join(entries[k].encode() + b"\0" for k in keys)
    start = 7 * 4 + 16 * len(keys)
    key_table, offset = [], start
    for k in keys:
        key_table += [len(k.encode()), offset]
        offset += len(k.encode()) + 1
    value_table = []
    for k in keys:
        value_table += [len(entries[k].encode()), offset]
        offset += len(entries[k].encode()) + 1
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 28, 28 + 8 * len(keys), 0, 0)
    return (
        header
        + struct.pack(f"{len(key_table)}i", *key_table)
        + struct.pack(f"{len(value_table)}i", *value_table)
        + ids
        + strs
    )


_ENTRIES = {
    "Pause": "Pausieren",
    "menu\x04Quit": "Beenden",
    "{n} break\x00{n} breaks": "{n} Pause\x00{n} Pausen",
    "status\x04{n} nudge\x00{n} nudges": "{n} Hinweis\x00{n} Hinweise",
}


@pytest.fixture
def german():
    before = text.active()
    text.use(gettext.GNUTranslations(io.BytesIO(_mo(_ENTRIES))))
    yield
    text.use(before)


def test_without_a_catalog_the_english_text_comes_back():
    assert text._("Pause") == "Pause"
    assert text.ngettext("{n} break", "{n} breaks", 1) == "{n} break"
    assert text.ngettext("{n} break", "{n} breaks", 2) == "{n} breaks"
    assert text.pgettext("menu", "Quit") == "Quit"
    assert text.N_("Quit") == "Quit"


def test_the_installed_catalog_answers_every_function(german):
    assert text._("Pause") == "Pausieren"
    assert text.pgettext("menu", "Quit") == "Beenden"
    assert text.ngettext("{n} break", "{n} breaks", 1) == "{n} Pause"
    assert text.ngettext("{n} break", "{n} breaks", 5) == "{n} Pausen"
    assert text.npgettext("status", "{n} nudge", "{n} nudges", 2) == "{n} Hinweise"


def test_a_message_the_catalog_lacks_falls_back_to_english_not_an_id(german):
    assert text._("Stretch now") == "Stretch now"
    assert text.pgettext("tray status", "Quit") == "Quit"  # another context: not the menu's
    assert text.npgettext("menu", "{n} nudge", "{n} nudges", 3) == "{n} nudges"
