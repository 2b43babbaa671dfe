"""The catalogs: the template holds every message of the code and the prompts, every
translation keeps its placeholders, and the pseudo-locale is complete and installed.

When a test here fails after you added or changed a visible string, regenerate the
catalogs with one command (docs/translating.md):

    .venv/bin/python scripts/catalogs.py
"""

from __future__ import annotations

import ast
import gettext
import importlib.util
import io
from collections import Counter
from pathlib import Path

import polib
import pytest

from posture_watch import i18n
from posture_watch.core import formats
from posture_watch.core.languages import KNOWN, PSEUDO
from posture_watch.core.text import _, npgettext, pgettext
from posture_watch.prompts.extract import extract_prompts
from tests.harness.catalogs import language_kept

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "posture_watch" / "locale"
TEMPLATE = LOCALE / "posture_watch.pot"
REGENERATE = "run: .venv/bin/python scripts/catalogs.py (docs/translating.md)"


def _script():
    spec = importlib.util.spec_from_file_location("catalogs", ROOT / "scripts" / "catalogs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


catalogs = _script()


def _po_files() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/posture_watch.po"))


@pytest.fixture
def restore():
    with language_kept():
        yield


def test_template_holds_every_message_of_the_code():
    """Strings added anywhere (by any issue) need the template regenerated."""
    new, gone = catalogs.missing_from_template()
    shown = sorted(f"{c + ' | ' if c else ''}{m}" for c, m in new)
    assert not new, f"{len(new)} messages are not in the template; {REGENERATE}: {shown[:20]}"
    stale = sorted(f"{c + ' | ' if c else ''}{m}" for c, m in gone)
    assert not gone, f"{len(gone)} messages are no longer in the code; {REGENERATE}: {stale[:20]}"


KEYWORDS = {"_", "N_", "ngettext", "pgettext", "npgettext"}


def test_no_message_is_written_inside_an_f_string():
    """``f"{_('Slouching by hour')}"``: pybabel does not look inside an f-string's fields,
    so such a message never reaches the template, and shows in English in every
    language (the German report's screenshot caught one). Name it first, then format."""
    found = []
    for path in sorted((ROOT / "posture_watch").rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.JoinedStr):
                continue
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Name)
                    and call.func.id in KEYWORDS
                    and any(isinstance(a, ast.Constant) for a in call.args)
                ):
                    found.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert not found, found


def test_every_placeholder_survives_translation():
    """Like Safe Eyes' validate_po.py: a translation keeps each {field}, %s, tag and
    option of its message; a plural form keeps those of the singular or the plural."""
    broken = []
    for po in _po_files():
        for entry in polib.pofile(str(po)):
            if "fuzzy" in entry.flags:
                continue
            if entry.msgid_plural:
                allowed = [
                    Counter(catalogs.placeholders(entry.msgid)),
                    Counter(catalogs.placeholders(entry.msgid_plural)),
                ]
                for form, translated in entry.msgstr_plural.items():
                    if translated and Counter(catalogs.placeholders(translated)) not in allowed:
                        broken.append(f"{po.parent.parent.name}: {entry.msgid!r} [{form}]")
            elif entry.msgstr and catalogs.placeholders(entry.msgstr) != catalogs.placeholders(
                entry.msgid
            ):
                broken.append(f"{po.parent.parent.name}: {entry.msgid!r} -> {entry.msgstr!r}")
    assert not broken, broken[:20]


def test_every_catalog_is_a_known_language_and_compiled():
    for po in _po_files():
        code = po.parent.parent.name
        assert code in KNOWN, f"{code}: add it to core/languages.py KNOWN"
        mo = po.with_suffix(".mo")
        assert mo.is_file(), f"{code}: no .mo; {REGENERATE}"
        compiled = gettext.GNUTranslations(io.BytesIO(mo.read_bytes()))
        for entry in polib.pofile(str(po)):
            if entry.obsolete:  # kept for the translator (#~), never compiled
                continue
            if entry.msgstr and not entry.msgid_plural and "fuzzy" not in entry.flags:
                key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
                assert compiled._catalog.get(key) == entry.msgstr, f"{code}: stale .mo"


#: The languages the package ships complete (issue 20), besides English and the pseudo one.
SHIPPED = ("de", "fr", "es", "pt_BR", "ja")


@pytest.mark.parametrize("code", SHIPPED)
def test_each_shipped_language_is_complete(code):
    """Every message of the template translated (each plural form too), nothing fuzzy
    (a fuzzy entry is left out of the .mo: English would show), plural rules gettext
    can read."""
    po = LOCALE / code / "LC_MESSAGES" / "posture_watch.po"
    catalog = polib.pofile(str(po))
    have = {(e.msgctxt, e.msgid): e for e in catalog if not e.obsolete}
    template = [e for e in polib.pofile(str(TEMPLATE)) if catalogs._ours(e)]
    missing = [e.msgid for e in template if (e.msgctxt, e.msgid) not in have]
    assert not missing, f"{code}: {len(missing)} not in the catalog: {missing[:5]}; {REGENERATE}"
    fuzzy = [e.msgid for e in have.values() if "fuzzy" in e.flags]
    assert not fuzzy, f"{code}: {len(fuzzy)} fuzzy: {fuzzy[:5]}"
    empty = [
        e.msgid
        for e in have.values()
        if not (all(e.msgstr_plural.values()) if e.msgid_plural else e.msgstr)
    ]
    assert not empty, f"{code}: {len(empty)} untranslated: {empty[:5]}"
    plural_forms = catalog.metadata["Plural-Forms"]
    count = int(plural_forms.split("nplurals=")[1].split(";")[0])
    rule = gettext.c2py(plural_forms.split("plural=")[1].rstrip(";"))
    assert {rule(n) for n in range(200)} == set(range(count)), plural_forms


def test_the_shipped_catalogs_follow_language_and_never_lc_time(restore):
    """``LANGUAGE=fr:de LANG=C`` shows French from the real catalog; ``LC_TIME`` alone
    leaves English; ``LANGUAGE=xx:ja`` skips the unknown code."""
    french = next(
        e.msgstr
        for e in polib.pofile(str(LOCALE / "fr" / "LC_MESSAGES" / "posture_watch.po"))
        if e.msgctxt == "menu" and e.msgid == "Quit"
    )
    assert i18n.setup("auto", {"LANGUAGE": "fr:de", "LANG": "C"}) == ["fr", "de", "en"]
    assert pgettext("menu", "Quit") == french != "Quit"
    assert i18n.setup("auto", {"LC_TIME": "de_DE.UTF-8", "LANG": "C"}) == ["en"]
    assert pgettext("menu", "Quit") == "Quit"
    i18n.setup("auto", {"LANGUAGE": "xx:ja", "LANG": "C"})
    assert pgettext("menu", "Quit") == "終了"


def test_pseudo_locale_is_complete():
    template = polib.pofile(str(TEMPLATE))
    pseudo = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(_pseudo_po()))}
    missing = [e.msgid for e in template if (e.msgctxt, e.msgid) not in pseudo]
    assert not missing, f"{missing[:10]}; {REGENERATE}"
    for entry in pseudo.values():
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        assert all(form.strip().startswith("[") for form in forms), entry.msgid


def test_pseudo_installed_through_i18n_accents_every_message(restore):
    assert i18n.setup(PSEUDO, {"LANG": "C"}) == [PSEUDO, "en"]
    shown = _("Chin tucks")  # a built-in prompt's title, translated where shown
    assert shown.startswith("[") and shown.endswith("]")
    assert "Çĥííñ ťúúçķš" in shown
    entry = next(e for e in polib.pofile(str(TEMPLATE)) if e.msgctxt and not e.msgid_plural)
    assert pgettext(entry.msgctxt, entry.msgid) == catalogs.pseudo(entry.msgid)
    plural = next(e for e in polib.pofile(str(TEMPLATE)) if e.msgctxt and e.msgid_plural)
    assert npgettext(plural.msgctxt, plural.msgid, plural.msgid_plural, 3) == catalogs.pseudo(
        plural.msgid_plural
    )
    assert formats.clock(__import__("datetime").time(14, 5)) == "14:05"  # figures stay English


def test_pseudo_text_keeps_placeholders_and_is_longer():
    message = "Paused until {time}: run posture-watch resume --now, %s left, <b>{n:02d}</b>"
    shown = catalogs.pseudo(message)
    assert catalogs.placeholders(shown) == catalogs.placeholders(message)
    assert shown.startswith("[") and shown.endswith("]")
    assert len(shown) >= 1.4 * len(message)
    assert "Ƥááúúšééđ" in shown and "Paused" not in shown
    assert catalogs.pseudo("  two lines\nhere ").startswith("  [")
    assert catalogs.pseudo("") == ""


def test_the_keywords_take_every_form_and_context():
    """pyproject's keywords (no defaults): a plural keeps both forms, a context its
    context (a bare ``ngettext`` once took the singular alone)."""
    import tomllib

    from babel.messages.extract import extract
    from babel.messages.frontend import parse_keywords

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    keywords = parse_keywords(config["tool"]["babel"]["extract_messages"]["keywords"].split())
    source = (
        b'_("Pause")\nN_("Resume")\npgettext("menu", "Quit")\n'
        b'ngettext("{n} break", "{n} breaks", n)\nnpgettext("report", "{n} day", "{n} days", n)\n'
    )
    found = [
        (message, context)
        for _line, message, _c, context in extract("python", io.BytesIO(source), keywords)
    ]
    assert found == [
        ("Pause", None),
        ("Resume", None),
        ("Quit", "menu"),
        (("{n} break", "{n} breaks"), None),
        (("{n} day", "{n} days"), "report"),
    ]


def test_prompt_extractor_finds_every_visible_field():
    toml = (
        b'[[prompt]]\nid = "chin-tuck"\nkind = "stretch"\ntitle = "Chin tucks"\n'
        b'text = "Slide your chin back."\nsource = "Guide \xe2\x80\xba Stretching"\n'
        b'steps = ["Sit upright.", "Glide your chin back."]\nanswers = ["forward_head"]\n'
    )
    found = list(extract_prompts(io.BytesIO(toml), {}, [], {}))
    assert [(m, c) for _line, _f, m, c in found] == [
        ("Chin tucks", ["prompt chin-tuck: title"]),
        ("Slide your chin back.", ["prompt chin-tuck: text"]),
        ("Sit upright.", ["prompt chin-tuck: steps 1"]),
        ("Glide your chin back.", ["prompt chin-tuck: steps 2"]),
        ("Guide › Stretching", ["prompt chin-tuck: source"]),
    ]
    assert found[0][0] == 4  # the line, for the translator's tools


def _pseudo_po() -> Path:
    return LOCALE / PSEUDO / "LC_MESSAGES" / "posture_watch.po"
