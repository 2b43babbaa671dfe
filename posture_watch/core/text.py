"""The one door every visible word goes through: ``_``, ``ngettext``, ``pgettext`` and
``npgettext`` over the standard library's :mod:`gettext`.

Why here, in the pure core: the session, the prompt rules and the report builder make
visible text, and they must not read files or the environment. So this module only
*forwards*: it holds the translations object that an adapter installed
(:func:`use`; ``posture_watch.i18n`` picks the language and loads the catalogs from the
package at each program's start) and asks it. Until one is installed, and for a message a
catalog lacks, the English text itself comes back (``gettext`` falls back per message,
never to a message id).

Text made at import time would be fixed before the language is chosen, so module-level
tables of words mark their strings with :func:`N_` (extraction finds them; nothing is
translated) and call ``_`` where the text is shown.
"""

from __future__ import annotations

import gettext as _gettext

#: The domain of the package's catalogs (``locale/<lang>/LC_MESSAGES/posture_watch.mo``).
DOMAIN = "posture_watch"

_active: _gettext.NullTranslations = _gettext.NullTranslations()


def use(translations: _gettext.NullTranslations) -> None:
    """Make ``translations`` the one every later call asks (an adapter calls this once
    at start; tests call it to switch language)."""
    global _active
    _active = translations


def active() -> _gettext.NullTranslations:
    """The translations object in use (English when none was installed)."""
    return _active


def language() -> str:
    """The code of the language the installed catalog is written in (its header's
    ``Language``), ``"en"`` when none is installed: for the few rules a catalog cannot
    carry, such as which languages lower-case a word inside a sentence."""
    return str(_active.info().get("language") or "en")


def _(message: str) -> str:
    """``message`` in the person's language."""
    return _active.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of ``singular``/``plural`` that the language uses for ``n``."""
    return _active.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` where the same English word means different things (``context``
    tells them apart: ``"menu"``, ``"tray status"``)."""
    return _active.pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    """:func:`ngettext` with a context."""
    return _active.npgettext(context, singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now (import-time tables)."""
    return message


__all__ = ["DOMAIN", "N_", "_", "active", "language", "ngettext", "npgettext", "pgettext", "use"]
