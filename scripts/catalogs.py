"""The catalogs in one command: extract the template, update every language, build the
pseudo-locale, compile the .mo files.

    .venv/bin/python scripts/catalogs.py            # all four steps (run after adding strings)
    .venv/bin/python scripts/catalogs.py check      # is the template up to date? (exit 1 if not)
    .venv/bin/python scripts/catalogs.py extract | update | pseudo | compile

``extract`` runs ``pybabel extract`` with the options of ``[tool.babel.extract_messages]``
in pyproject.toml (keywords ``_ ngettext:1,2 pgettext:1c,2 npgettext:1c,2,3 N_``, and the
prompts extractor for ``guide_prompts.toml``), writing
``posture_watch/locale/posture_watch.pot``. ``update`` merges it into each language's
``.po`` (``pybabel update``). ``pseudo`` writes ``en@pseudo`` from the template
mechanically: accented letters, about 40 % longer, brackets around each message so a cut
shows, every placeholder (``{name}``, ``%s``, ``<b>``) untouched. ``compile`` builds the
``.mo`` files the package loads (``posture_watch/i18n.py``). docs/translating.md is the
volunteer's guide. ``tests/test_catalogs.py`` checks that the committed files are current.
"""

from __future__ import annotations

import contextlib
import math
import re
import sys
import tempfile
from pathlib import Path

import polib
from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "posture_watch" / "locale"
DOMAIN = "posture_watch"
TEMPLATE = LOCALE / f"{DOMAIN}.pot"
PSEUDO = "en@pseudo"

#: What a translation must keep exactly: format fields ({name}, {n:02d}, {{ }}), printf
#: conversions (%s, %(name)d, %%; no space flag, so "{share}% aproximadamente" is a
#: percent sign and a word, not "% a"), markup (<b>, &amp;), and what a person types: the
#: program's name and its options (posture-watch, --no-tray).
PLACEHOLDER = re.compile(
    r"\{\{|\}\}|\{[^{}]*\}"
    r"|%(?:\([^)]*\))?[-#0+]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]"
    r"|<[^<>]+>|&[#\w]+;"
    r"|posture-watch|(?<![\w-])--[a-z][a-z0-9-]*"
)

_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "áƀçđéƒĝĥíĵķĺɱñóƥǫŕšťúṽŵẋýžÁƁÇĐÉƑĜĤÍĴĶĹṀÑÓƤǪŔŠŤÚṼŴẊÝŽ",
)
_VOWELS = set("aeiouyAEIOUY")


def placeholders(text: str) -> list[str]:
    """The placeholders of ``text``, sorted (a translation may move them, not change them)."""
    return sorted(PLACEHOLDER.findall(text))


def pseudo(text: str) -> str:
    """``Pause until {time}`` becomes ``[Ƥááúšéé úñťíí{time} ···]``-like: every letter
    accented, vowels doubled, padded to about 140 %, placeholders kept, in brackets."""
    if not text:
        return text
    out: list[str] = []
    position = 0
    for match in PLACEHOLDER.finditer(text):
        out.append(_accent(text[position : match.start()]))
        out.append(match.group())
        position = match.end()
    out.append(_accent(text[position:]))
    body = "".join(out)
    missing = math.ceil(len(text) * 1.4) - len(body) - 2
    lead = len(text) - len(text.lstrip())
    trail = len(text) - len(text.rstrip())
    inner = body.strip() + (" " + "·" * (missing - 1) if missing > 1 else "")
    return f"{body[:lead]}[{inner}]{body[len(body) - trail :] if trail else ''}"


def _accent(text: str) -> str:
    return "".join(ch.translate(_ACCENTED) * (2 if ch in _VOWELS else 1) for ch in text)


def _pybabel(*args: str) -> None:
    with contextlib.chdir(ROOT):  # Babel reads [tool.babel] from the current folder's pyproject
        CommandLineInterface().run(["pybabel", "--quiet", *args])


def _version() -> str:
    import tomllib

    return str(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"])


def extract(output: Path = TEMPLATE) -> Path:
    """Write the template (every message of the code and the prompts) to ``output``."""
    output.parent.mkdir(parents=True, exist_ok=True)
    _pybabel("extract", "--version", _version(), "-o", str(output))
    _brace_only(output)
    _add_argparse(output)
    return output


#: Where the messages of Python's argparse are said to come from in the template.
ARGPARSE = "argparse.py"


def _add_argparse(path: Path) -> None:
    """Add Python's argparse messages (``usage:``, ``options``, ``show this help message
    and exit``, its errors): the CLI's help and errors are posture-watch's text too.
    argparse asks :func:`gettext.gettext`, which ``posture_watch.i18n`` points at our
    catalogs. They are the messages of the Python that runs this script."""
    import argparse

    from babel.messages.extract import extract_from_file

    template = polib.pofile(str(path), wrapwidth=100)
    found = extract_from_file("python", argparse.__file__, keywords={"_": None, "ngettext": (1, 2)})
    for line, message, _comments, _context in found:
        singular, plural = message if isinstance(message, tuple) else (message, "")
        entry = template.find(singular, msgctxt=None)
        if entry is None:
            entry = polib.POEntry(
                msgid=singular,
                msgid_plural=plural,
                comment="Python's argparse: the command line's help and errors",
                flags=["python-format"] if "%" in singular else [],
            )
            if plural:
                entry.msgstr_plural = {0: "", 1: ""}
            template.append(entry)
        entry.occurrences.append((ARGPARSE, str(line)))
    template.save(str(path))


def _ours(entry: polib.POEntry) -> bool:
    """Whether a message comes from posture-watch (not only from Python's argparse, whose
    messages differ between Python versions)."""
    return any(file != ARGPARSE for file, _line in entry.occurrences)


def _brace_only(path: Path) -> None:
    """Drop Babel's guess ``python-format`` from messages formatted with ``.format``.

    Babel flags ``head {drop}% lower`` as printf-style too (``% lo`` reads as a
    conversion), and then refuses every translation that moves the ``%``. posture-watch
    formats its messages with ``str.format`` (named fields, docs/translating.md), so the
    brace flag is the true one."""
    template = polib.pofile(str(path), wrapwidth=100)
    for entry in template:
        if "python-brace-format" in entry.flags and "python-format" in entry.flags:
            entry.flags.remove("python-format")
    template.save(str(path))


def languages() -> list[str]:
    """The languages with a catalog (``locale/<code>/LC_MESSAGES/posture_watch.po``)."""
    return sorted(p.parent.parent.name for p in LOCALE.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def update() -> None:
    """Merge the template into each translated language (not the generated pseudo one)."""
    for code in languages():
        if code != PSEUDO:
            _pybabel("update", "-i", str(TEMPLATE), "-d", str(LOCALE), "-D", DOMAIN, "-l", code)


def make_pseudo() -> Path:
    """Write ``en@pseudo``'s .po from the template."""
    template = polib.pofile(str(TEMPLATE))
    catalog = polib.POFile(wrapwidth=100)
    catalog.metadata = {
        "Project-Id-Version": f"posture-watch {_version()}",
        "Language": PSEUDO,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
        "X-Generator": "scripts/catalogs.py (generated: do not edit)",
    }
    for entry in template:
        copy = polib.POEntry(
            msgid=entry.msgid,
            msgctxt=entry.msgctxt,
            msgid_plural=entry.msgid_plural,
            flags=[f for f in entry.flags if f != "fuzzy"],
        )
        if entry.msgid_plural:
            copy.msgstr_plural = {0: pseudo(entry.msgid), 1: pseudo(entry.msgid_plural)}
        else:
            copy.msgstr = pseudo(entry.msgid)
        catalog.append(copy)
    path = LOCALE / PSEUDO / "LC_MESSAGES" / f"{DOMAIN}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog.save(str(path))
    return path


def compile_all() -> None:
    """Build every language's .mo beside its .po (fuzzy entries left out, as msgfmt and
    pybabel do). polib, not ``pybabel compile``: Babel re-guesses printf placeholders
    from the English (``head {drop}% lower`` holds ``% lo``) and reports a German
    ``{drop} % niedriger`` as broken; tests/test_catalogs.py checks the real
    placeholders."""
    for code in languages():
        po = LOCALE / code / "LC_MESSAGES" / f"{DOMAIN}.po"
        catalog = polib.pofile(str(po))
        for entry in [e for e in catalog if "fuzzy" in e.flags]:
            catalog.remove(entry)
        catalog.save_as_mofile(str(po.with_suffix(".mo")))


def missing_from_template() -> tuple[set[tuple[str | None, str]], set[tuple[str | None, str]]]:
    """(messages the code has that the template lacks, messages the template has that
    the code no longer has), as (context, message id)."""
    with tempfile.TemporaryDirectory() as folder:
        fresh = polib.pofile(str(extract(Path(folder) / "fresh.pot")))
    committed = polib.pofile(str(TEMPLATE))
    now = {(e.msgctxt, e.msgid) for e in fresh if _ours(e)}
    then = {(e.msgctxt, e.msgid) for e in committed if _ours(e)}
    return now - then, then - now


def check() -> int:
    """0 when the template holds exactly the code's messages; else 1, listing them."""
    new, gone = missing_from_template()
    for context, message in sorted(new, key=str):
        print(f"not in the template: {context + ' | ' if context else ''}{message!r}")
    for context, message in sorted(gone, key=str):
        print(f"no longer in the code: {context + ' | ' if context else ''}{message!r}")
    if new or gone:
        print("run: .venv/bin/python scripts/catalogs.py", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str]) -> int:
    steps = {"extract": extract, "update": update, "pseudo": make_pseudo, "compile": compile_all}
    if argv == ["check"]:
        return check()
    if any(step not in steps for step in argv):
        print(__doc__, file=sys.stderr)
        return 2
    for name in argv or list(steps):
        steps[name]()
    print(f"catalogs: {', '.join(argv or steps)} done ({', '.join(languages())})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
