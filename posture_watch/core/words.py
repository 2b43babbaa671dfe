"""Counted nouns for sentences a person reads: ``1 frame``, ``3 frames``, never ``3 frame(s)``.

Counted words are catalog plurals: a language has its own number of forms (Japanese
one, Polish three), so the whole message goes to ``ngettext`` with the count as a named
placeholder, and the catalog picks the form::

    ngettext("{n} break", "{n} breaks", n).format(n=n)

Write the call out like that where the text is made, so extraction (``pybabel extract``,
whose default keywords include ``ngettext``) finds both forms. :func:`plural` takes the
same two messages for callers that prefer one call; it still accepts the bare English
nouns of older callers (``plural(2, "day")``), which stay English until they move.
Shares in percent are rounded half up here too, as the durations are, and written the
locale's way (:func:`posture_watch.core.formats.percent`: ``13%``, ``13 %`` in German).

The words themselves (nudge, break, sitting spell, ...) are defined in ``docs/words.md``;
``tests/test_words.py`` checks the visible strings against it.
"""

from __future__ import annotations

from posture_watch.core import formats
from posture_watch.core.text import ngettext, npgettext, pgettext

#: The placeholder of the count in a full message (``"{n} day"``).
COUNT = "{n}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``count`` with the noun in the right number.

    With full messages, ``plural(2, "{n} entry", "{n} entries")`` is
    ``ngettext("{n} entry", "{n} entries", 2).format(n=2)``: ``"2 entries"``, in the
    person's language. With a bare English noun (the older form, kept so that callers
    can move one at a time) ``plural(0, "day")`` is ``"0 days"``, in English.
    """
    if COUNT in singular:
        return ngettext(singular, plural_form or singular, count).format(n=count)
    noun = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count} {noun}"


def times(count: int) -> str:
    """``"once"``, ``"twice"``, ``"5 times"``: how often something happened, in words.

    "Twice" has a message of its own (English and many languages have a word for it);
    every other count is one catalog plural, whose first form serves for one.
    """
    if count == 2:
        return pgettext("how often", "twice")
    if count == 0:  # French and Portuguese count 0 with 1: "une fois" would be wrong
        return pgettext("how often", "{n} times").format(n=0)
    return npgettext("how often", "once", "{n} times", count).format(n=count)


def is_yes(answer: str) -> bool:
    """Whether a typed answer to a ``[y/N]`` question means yes: ``y`` or ``yes``, or
    the language's own letter and word (French ``o``/``oui``), any case."""
    words = {"y", "yes", pgettext("answer", "y"), pgettext("answer", "yes")}
    return answer.strip().lower() in {w.strip().lower() for w in words}


def percent(share: float) -> str:
    """``0.125`` is ``"13%"``: a share in whole percent, halves rounded up like every
    figure a person reads (``format(0.125, ".0%")`` gives ``"12%"``), in the locale's
    way of writing a percentage (the formatting hook's, not the catalog's)."""
    return formats.percent(share)
