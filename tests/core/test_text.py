"""core/text forwards every lookup to the installed translations and falls back to the
English text per message, never to a message id."""

from __future__ import annotations

import pytest

from posture_watch.core import text
from tests.harness.catalogs import installed, translations

_ENTRIES = {
    "Pause": "Pausieren",
    "menu\x04Quit": "Beenden",
    "{n} break\x00{n} breaks": "{n} Pause\x00{n} Pausen",
    "status\x04{n} nudge\x00{n} nudges": "{n} Hinweis\x00{n} Hinweise",
}


@pytest.fixture
def german():
    with installed(translations(_ENTRIES)):
        yield


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
