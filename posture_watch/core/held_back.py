"""Nudges held back by do not disturb, as values: why, the event, and the report's tally.

The rules that hold them back are in :mod:`posture_watch.core.do_not_disturb`; these
values stand apart because the stream (:mod:`posture_watch.core.stream`) records
:class:`PromptHeld` and the report (:mod:`posture_watch.core.report`) counts them, and
neither should import the session's hooks.

A held nudge is stored in the history's ``suppressed`` table like a
:class:`~posture_watch.core.prompt_rules.PromptSuppressed`, with the reason's value as
its ``why``: do not disturb is one more rule that held a due nudge back, the values of
:class:`Disturb` and of :class:`~posture_watch.core.prompt_rules.Why` never overlap, and
older history files need no migration.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from posture_watch.core.prompt_rules import Reason
from posture_watch.core.text import N_, _


class Disturb(StrEnum):
    """Why nudges and break windows wait now (do not disturb)."""

    FULLSCREEN = "fullscreen"  # a full-screen window has the focus (a film, a talk)
    NOTIFICATIONS_PAUSED = "notifications_paused"  # the notification server is inhibited
    CAMERA_LENT = "camera_lent"  # a video call has the camera


#: What each reason is called in the report and the menu, in the order a nudge held back
#: for several reasons at once is counted (under the first one in force, so the counts
#: per reason add up to the nudges held back).
WORDS: dict[Disturb, str] = {
    Disturb.CAMERA_LENT: N_("camera lent to a call"),
    Disturb.FULLSCREEN: N_("full-screen window"),
    Disturb.NOTIFICATIONS_PAUSED: N_("notifications paused"),
}


@dataclass(frozen=True)
class PromptHeld:
    """A nudge was due at ``t`` for ``reason`` and do not disturb held it back because of
    ``why``; recorded like a suppressed prompt (the history's ``suppressed`` table)."""

    t: float
    reason: Reason
    why: Disturb


def first_reason(reasons: Iterable[Disturb]) -> Disturb | None:
    """The reason a nudge held back now is counted under (see :data:`WORDS`)."""
    present = set(reasons)
    return next((why for why in WORDS if why in present), None)


@dataclass(frozen=True)
class HeldRecord:
    """A held-back nudge as the history keeps it: when, for what (a ``Reason`` value)
    and why it waited (a :class:`Disturb` value)."""

    t: float
    reason: str
    why: str


@dataclass(frozen=True)
class HeldTally:
    """Nudges held back in a period, by why they waited, in the order of :data:`WORDS`."""

    by_why: tuple[tuple[Disturb, int], ...] = ()

    @property
    def total(self) -> int:
        return sum(n for _why, n in self.by_why)

    @property
    def parts(self) -> str:
        """``full-screen window 2, notifications paused 1``."""
        return _(", ").join(
            _("{reason} {count}").format(reason=_(WORDS[why]), count=n) for why, n in self.by_why
        )

    def text(self) -> str:
        """``nudges held back: 3 (full-screen window 2, notifications paused 1)``; ``''``
        when none was."""
        if not self.total:
            return ""
        return _("nudges held back: {total} ({parts})").format(total=self.total, parts=self.parts)


def tally_held(records: Iterable[HeldRecord]) -> HeldTally:
    """Count held-back nudges by why; rows with another ``why`` are not ours (skipped)."""
    counts = dict.fromkeys(WORDS, 0)
    for record in records:
        if record.why in counts:
            counts[Disturb(record.why)] += 1
    return HeldTally(tuple((why, n) for why, n in counts.items() if n))


__all__ = [
    "WORDS",
    "Disturb",
    "HeldRecord",
    "HeldTally",
    "PromptHeld",
    "first_reason",
    "tally_held",
]
