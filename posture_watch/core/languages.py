"""Which languages a person reads, in order: from the setting, else from the environment.

Pure: the caller passes the setting and a mapping of the environment
(``posture_watch.i18n`` passes ``os.environ``), and gets catalog codes back, best first.
The rules are the ones the peers got wrong in their issue trackers:

- the setting ``language`` wins when it is a code (``"auto"`` means "ask the environment");
- ``LANGUAGE`` is a list (``fr:de``), taken entry by entry, never whole;
- otherwise the first non-empty of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` (``C`` and
  ``POSIX`` mean English);
- ``LC_TIME`` never chooses the language: it is for dates, and a person with English menus
  and German dates set it alone;
- ``de_DE.UTF-8`` asks for ``de_DE``, then ``de``; codes without a catalog are skipped, so
  ``LANGUAGE=xx:fr`` gives French, and English is the end of every list.
"""

from __future__ import annotations

from collections.abc import Mapping

#: The language every message is written in; the last resort of every list.
ENGLISH = "en"

#: The pseudo-locale for testing: accented, longer text, brackets around each message.
PSEUDO = "en@pseudo"

#: Languages with a catalog in the package (``posture_watch/locale/<code>``), English and
#: the pseudo-locale included. The setting ``language`` accepts these or ``"auto"``;
#: ``tests/core/test_languages.py`` checks that the package's catalogs are all listed.
KNOWN: tuple[str, ...] = (ENGLISH, "de", "fr", "es", "pt_BR", "ja", PSEUDO)

#: The environment variables that choose the language, in order after ``LANGUAGE``.
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")

AUTO = "auto"


def normalize(code: str) -> str:
    """``de_DE.UTF-8`` is ``de_DE``, ``pt-br`` is ``pt_BR``, ``en@pseudo`` stays: the
    encoding is dropped, the region upper-cased, a ``@modifier`` kept."""
    code = code.strip()
    base, _, modifier = code.partition("@")
    base = base.split(".", 1)[0].replace("-", "_")
    language, _, region = base.partition("_")
    out = language.lower() + (f"_{region.upper()}" if region else "")
    return f"{out}@{modifier.split('.', 1)[0]}" if modifier else out


def candidates(code: str) -> list[str]:
    """What one locale name asks for, most precise first: ``de_DE.UTF-8`` gives
    ``["de_DE", "de"]``; ``en@pseudo`` gives ``["en@pseudo"]`` (a modifier is the point
    of the name, not a variant to drop); ``C`` and ``POSIX`` give English."""
    if code.strip() in ("C", "POSIX") or code.strip().startswith(("C.", "POSIX.")):
        return [ENGLISH]
    name = normalize(code)
    if not name:
        return []
    if "@" in name:
        return [name]
    language = name.partition("_")[0]
    return [name, language] if language != name else [name]


def from_environment(environ: Mapping[str, str], known: tuple[str, ...] = KNOWN) -> list[str]:
    """The codes the environment asks for, best first.

    ``LANGUAGE`` is the person's list (``fr:de``): when it names a language with a
    catalog, it alone counts, as in GNU gettext (``LANG`` is then the locale of dates,
    not a language the person asked for). Otherwise the first non-empty of ``LC_ALL``,
    ``LC_MESSAGES`` and ``LANG`` does. ``LANGUAGE`` counts even beside ``LANG=C``:
    ``LANGUAGE=fr:de LANG=C`` is a request for French.
    """
    listed = [
        code
        for entry in environ.get("LANGUAGE", "").split(":")
        if entry.strip()
        for code in candidates(entry)
    ]
    if any(code in known for code in listed):
        return listed
    for variable in LOCALE_VARIABLES:
        value = environ.get(variable, "")
        if value.strip():
            return candidates(value)
    return []


def choose(setting: str, environ: Mapping[str, str], known: tuple[str, ...] = KNOWN) -> list[str]:
    """The catalog codes to use, best first, always ending with English.

    ``setting`` is the settings' ``language`` (``"auto"`` or a code): a code we have a
    catalog for replaces the environment (a person who chose German gets English, not
    the desktop's French, where the German catalog lacks a message). Unknown codes are
    skipped; duplicates are dropped.
    """
    asked = [] if setting.strip() in ("", AUTO) else candidates(setting)
    if not any(code in known for code in asked):
        asked = from_environment(environ, known)
    chosen: list[str] = []
    for code in [*asked, ENGLISH]:
        if code in known and code not in chosen:
            chosen.append(code)
        if code == ENGLISH:  # English has every message: nothing after it is used
            break
    return chosen


def is_known(setting: str, known: tuple[str, ...] = KNOWN) -> bool:
    """Whether ``setting`` is a value the ``language`` key accepts."""
    return setting == AUTO or normalize(setting) in known


__all__ = [
    "AUTO",
    "ENGLISH",
    "KNOWN",
    "LOCALE_VARIABLES",
    "PSEUDO",
    "candidates",
    "choose",
    "from_environment",
    "is_known",
    "normalize",
]
