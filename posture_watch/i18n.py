"""The person's language, set up once at each program's start: catalogs and Babel formats.

Every program posture-watch starts (the CLI, the child processes of the stretch,
journal, calibration and preferences windows, and the sandboxed camera worker) calls
:func:`setup` before it shows a word. It chooses the languages (the settings'
``[general] language``, else the environment:
:func:`posture_watch.core.languages.choose`, never ``LC_TIME``), loads the package's
catalogs (``posture_watch/locale/<code>/LC_MESSAGES/posture_watch.mo``, so a
wheel or pipx install carries them) and installs them in the pure core
(:func:`posture_watch.core.text.use`), with Babel's dates, clock times and numbers for
the same language (:func:`posture_watch.core.formats.use`).

A message a catalog lacks comes out in English (``gettext`` falls back per message),
never as a message id; a language without a catalog is skipped.
"""

from __future__ import annotations

import gettext
import itertools
import os
import tomllib
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from pathlib import Path

from posture_watch.config import MAX_SETTINGS_BYTES, settings_path
from posture_watch.core import formats as core_formats
from posture_watch.core import text
from posture_watch.core.languages import AUTO, ENGLISH, PSEUDO, choose

#: The package's catalogs: ``<code>/LC_MESSAGES/posture_watch.mo`` (and the ``.po`` beside).
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def setting_language(path: Path | None = None) -> str:
    """The settings file's ``[general] language``, or ``"auto"`` when the file is missing,
    unreadable or wrong: a bad settings file is reported by the command that loads it,
    in the language chosen from the environment, never here."""
    try:
        with (path or settings_path()).open("rb") as file:
            raw = file.read(MAX_SETTINGS_BYTES + 1)
        if len(raw) > MAX_SETTINGS_BYTES:  # the command that loads it says so
            return AUTO
        data = tomllib.loads(raw.decode("utf-8-sig"))  # a BOM from Windows editors
        value = data.get("general", {}).get("language", AUTO)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, AttributeError):
        return AUTO
    return value if isinstance(value, str) else AUTO


def catalog_path(code: str, locale_dir: Path = LOCALE_DIR) -> Path:
    """Where the compiled catalog of ``code`` lives."""
    return locale_dir / code / "LC_MESSAGES" / f"{text.DOMAIN}.mo"


def load(languages: Sequence[str], locale_dir: Path = LOCALE_DIR) -> gettext.NullTranslations:
    """The catalogs of ``languages`` chained best first (a message missing in the first
    is looked up in the next, and finally comes out in English)."""
    found: list[gettext.GNUTranslations] = []
    for code in languages:
        path = catalog_path(code, locale_dir)
        if code != ENGLISH and path.is_file():
            with path.open("rb") as file:
                found.append(gettext.GNUTranslations(file))
    if not found:
        return gettext.NullTranslations()
    for better, fallback in itertools.pairwise(found):
        better.add_fallback(fallback)
    return found[0]


class BabelFormats(core_formats.Formats):
    """Dates, clock times and numbers as the CLDR data of one locale writes them."""

    def __init__(self, code: str) -> None:
        from babel import Locale

        self.locale = Locale.parse(code)
        self.tag = code.replace("_", "-")
        self.rtl = self.locale.text_direction == "rtl"

    def clock(self, moment: datetime | time, *, seconds: bool = False) -> str:
        from babel.dates import format_time

        return format_time(moment, "medium" if seconds else "short", locale=self.locale)

    def day_month(self, day: date, *, year: bool = False) -> str:
        from babel.dates import format_skeleton

        return format_skeleton("yMMMd" if year else "MMMd", day, locale=self.locale)

    def long_date(self, day: date) -> str:
        from babel.dates import format_date

        return format_date(day, "full", locale=self.locale)

    def short_date(self, day: date, *, year: bool = False) -> str:
        from babel.dates import format_skeleton

        return format_skeleton("yMMMEd" if year else "MMMEd", day, locale=self.locale)

    def weekday(self, day: date, *, short: bool = True) -> str:
        from babel.dates import get_day_names

        names = get_day_names("abbreviated" if short else "wide", locale=self.locale)
        return str(names[day.weekday()])

    def number(self, value: float, *, digits: int = 0) -> str:
        from babel.numbers import format_decimal

        pattern = "0." + "0" * digits if digits else "0"
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, share: float) -> str:
        from babel.numbers import format_percent

        from posture_watch.core.durations import round_half_up

        return format_percent(round_half_up(share * 100) / 100, locale=self.locale)


def formats_for(languages: Sequence[str]) -> core_formats.Formats:
    """Babel's formats for the first language, or today's English ones for English and
    the pseudo-locale (whose point is the text, and whose tests pin English figures)."""
    first = languages[0] if languages else ENGLISH
    if first in (ENGLISH, PSEUDO):
        return core_formats.Formats()
    try:
        return BabelFormats(first)
    except Exception:  # no Babel or its data (a sandbox): English figures, never a crash
        return core_formats.Formats()


def setup(
    language: str | None = None,
    environ: Mapping[str, str] | None = None,
    locale_dir: Path = LOCALE_DIR,
) -> list[str]:
    """Choose the languages and install their catalogs and formats; returns the codes
    chosen, best first (always ending in ``"en"``).

    ``language``: the setting's value when the caller has it; ``None`` reads the settings
    file (:func:`setting_language`). ``environ`` defaults to :data:`os.environ`.
    """
    setting = setting_language() if language is None else language
    languages = choose(setting, os.environ if environ is None else environ)
    text.use(load(languages, locale_dir))
    core_formats.use(formats_for(languages))
    if environ is None:  # a program's start, not a test asking for a language
        share(languages, locale_dir)
    return languages


def share(languages: Sequence[str], locale_dir: Path = LOCALE_DIR) -> None:
    """Let the rest of the process and its children speak the chosen languages.

    Python's argparse (the CLI's ``usage:``, ``options`` and errors) asks
    :func:`gettext.gettext`, which reads the global text domain and ``LANGUAGE``: so the
    domain is ours, and ``LANGUAGE`` names the choice (the setting included). The child
    processes (the windows, the camera worker, whose sandbox may not let it read the
    settings) inherit ``LANGUAGE`` and choose the same."""
    gettext.bindtextdomain(text.DOMAIN, str(locale_dir))
    gettext.textdomain(text.DOMAIN)
    os.environ["LANGUAGE"] = ":".join(languages)


__all__ = [
    "LOCALE_DIR",
    "BabelFormats",
    "catalog_path",
    "formats_for",
    "load",
    "setting_language",
    "setup",
    "share",
]
