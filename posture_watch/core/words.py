"""Counted nouns for sentences a person reads: ``1 frame``, ``3 frames``, never ``3 frame(s)``.

One small helper instead of ``(s)`` in every message; irregular plurals are passed in.
Shares in percent are rounded half up here too, as the durations are.

The words themselves (nudge, break, sitting spell, ...) are defined in ``docs/words.md``;
``tests/test_words.py`` checks the visible strings against it.
"""

from __future__ import annotations

from posture_watch.core.durations import round_half_up


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``count`` with the noun in the right number: ``plural(1, "day")`` is ``"1 day"``,
    ``plural(0, "day")`` is ``"0 days"``, ``plural(2, "entry", "entries")`` is ``"2 entries"``."""
    noun = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count} {noun}"


def times(count: int) -> str:
    """``"once"``, ``"twice"``, ``"5 times"``: how often something happened, in words."""
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def percent(share: float) -> str:
    """``0.125`` is ``"13%"``: a share in whole percent, halves rounded up like every
    figure a person reads (``format(0.125, ".0%")`` gives ``"12%"``)."""
    return f"{round_half_up(share * 100)}%"
