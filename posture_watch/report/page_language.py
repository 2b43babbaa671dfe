"""The HTML report's ``lang`` and ``dir``: the language its words are in.

A browser picks fonts (Japanese glyphs, a German hyphenation), a screen reader its voice,
and the text its direction from these two attributes, so they must name the language the
page's text was actually translated into. That is the catalog in use
(:func:`posture_watch.core.text.active`): its header's ``Language``, English when no
catalog is installed or it names none. A pseudo-locale (``en@pseudo``) is English text,
accented, so its modifier is dropped.
"""

from __future__ import annotations

from posture_watch.core import text

#: Languages written right to left (ISO 639-1): Arabic, Hebrew, Persian, Urdu, and the
#: few others a catalog might one day add.
RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "ps", "sd", "yi", "dv", "ckb"})


def page_language() -> str:
    """The BCP 47 tag of the active catalog's language: ``"de"``, ``"pt-BR"``, ``"en"``."""
    code = str(text.active().info().get("language") or "en").strip()
    code = code.split("@", 1)[0].split(".", 1)[0].replace("_", "-")
    return code or "en"


def is_rtl(tag: str) -> bool:
    """Whether the language of ``tag`` (``"ar"``, ``"he-IL"``) is written right to left."""
    return tag.split("-", 1)[0].lower() in RTL_LANGUAGES


def html_attributes() -> str:
    """``lang="de"``, or ``lang="ar" dir="rtl"``: the attributes of the page's ``<html>``."""
    tag = page_language()
    return f'lang="{tag}" dir="rtl"' if is_rtl(tag) else f'lang="{tag}"'


__all__ = ["RTL_LANGUAGES", "html_attributes", "is_rtl", "page_language"]
