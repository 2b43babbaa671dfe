"""The break nudge's limit when breaks follow your posture (opt-in), and its stored record.

With ``[prompts] breaks_follow_posture = true`` the long-sitting break nudge no longer
comes after the fixed ``sit_max``: it comes at the person's measured hold time (the
median minutes from a break to the first sustained slouch,
:func:`posture_watch.core.posture_decay.hold_estimate`, over the sitting spells of the
last :data:`LOOKBACK` seconds) plus :data:`MARGIN`, so the nudge lands just after the
posture usually fades rather than before it: a break offered while the person still sits
well is one they learn to skip. The limit is bounded: never below :data:`FLOOR` (a
shorter hold means the calibration or the chair needs a look, not a break every ten
minutes) and never above ``sit_max`` (the person's own limit stays the longest they sit).
Until at least :data:`MIN_SPELLS` spells are measured, ``sit_max`` stays and the nudge
says what the setting waits for (:func:`waiting_sentence`).

:class:`BreakTimingSet` is what the history keeps (the ``break_timing`` table: keys and
numbers, never words), so the week report can set days with and without it side by side
(:mod:`posture_watch.core.break_comparison`). The session's side is
:mod:`posture_watch.core.posture_breaks`. Pure, and free of the stream's types, so the
history's and the report's modules can import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from posture_watch.core.durations import format_minutes
from posture_watch.core.text import _, ngettext

#: Added to the measured hold time, seconds: the nudge comes just after the posture
#: usually fades (5 min: about the spread of a person's hold times from day to day).
MARGIN = 5 * 60.0
#: The earliest a break nudge that follows the posture may come, seconds.
FLOOR = 20 * 60.0
#: Sitting spells needed before a hold time is followed here or stated by the report
#: (:mod:`posture_watch.core.posture_decay` uses this one number too).
MIN_SPELLS = 5
#: How far back the hold time is measured, seconds (7 days).
LOOKBACK = 7 * 24 * 3600.0

#: The stored modes (``break_timing.mode``): the setting as it was.
FIXED, POSTURE = "fixed", "posture"


class Hold(Protocol):
    """A measured hold time (:class:`posture_watch.core.posture_decay.HoldEstimate`)."""

    @property
    def minutes(self) -> float | None: ...
    @property
    def spells(self) -> int: ...


@runtime_checkable
class HoldReader(Protocol):
    """The history's hold time over ``[start, end)`` (epoch s); None when the history
    cannot be read now (``posture_watch.history.today.RecorderToday`` has it)."""

    def hold(self, start: float, end: float) -> Hold | None: ...


@dataclass(frozen=True)
class BreakTimingSet:
    """The break nudge's limit was set at ``t``: ``mode`` is :data:`FIXED` or
    :data:`POSTURE` (the setting), ``limit`` the seconds of sitting used, ``hold`` the
    measured minutes it rests on (None: off, or too few spells yet) and ``spells`` how
    many sitting spells were measured."""

    t: float
    mode: str
    limit: float
    hold: float | None = None
    spells: int = 0

    @property
    def follows(self) -> bool:
        """Whether the limit followed the posture (on, with enough spells)."""
        return self.mode == POSTURE and self.hold is not None


def break_limit(t: float, follow: bool, sit_max: float, hold: Hold | None) -> BreakTimingSet:
    """The break nudge's limit at ``t``: ``sit_max`` (seconds) when ``follow`` is off or
    fewer than :data:`MIN_SPELLS` spells are measured, else the hold time plus
    :data:`MARGIN`, kept between :data:`FLOOR` and ``sit_max``.

    >>> class H:
    ...     minutes, spells = 30.0, 6
    >>> break_limit(0.0, True, 3000.0, H()).limit / 60
    35.0
    """
    if not follow:
        return BreakTimingSet(t, FIXED, sit_max)
    spells = hold.spells if hold is not None else 0
    minutes = hold.minutes if hold is not None else None
    if minutes is None or spells < MIN_SPELLS:  # too few, or posture outlasted the spells
        return BreakTimingSet(t, POSTURE, sit_max, None, spells)
    limit = min(max(minutes * 60.0 + MARGIN, FLOOR), sit_max)
    return BreakTimingSet(t, POSTURE, limit, minutes, spells)


def hold_sentence(timing: BreakTimingSet) -> str:
    """Why the break nudge comes now, when it follows the posture; ``''`` otherwise.

    >>> hold_sentence(BreakTimingSet(0.0, POSTURE, 2400.0, 34.6, 7))
    'Your posture usually fades after about 35 min; time for a short break.'
    """
    if not timing.follows or timing.hold is None:
        return ""
    # Translators: {duration} is the measured hold time, such as "35 min".
    text = _("Your posture usually fades after about {duration}; time for a short break.")
    return text.format(duration=format_minutes(timing.hold * 60.0))


def waiting_sentence(timing: BreakTimingSet) -> str:
    """Why the limit is ``sit_max`` while the setting is on: too few spells yet, or
    posture held through most of them (no median); ``''`` otherwise.

    >>> waiting_sentence(BreakTimingSet(0.0, POSTURE, 3000.0, None, 2))
    'Breaks follow your posture once 5 sitting spells are measured (2 so far).'
    >>> waiting_sentence(BreakTimingSet(0.0, POSTURE, 3000.0, None, 6))
    'Your posture held through most of your sitting spells.'
    """
    if timing.mode != POSTURE or timing.hold is not None:
        return ""
    if timing.spells >= MIN_SPELLS:
        return _("Your posture held through most of your sitting spells.")
    # Translators: {needed} and {count} are numbers of sitting spells in the last 7 days.
    text = ngettext(
        "Breaks follow your posture once {needed} sitting spell is measured ({count} so far).",
        "Breaks follow your posture once {needed} sitting spells are measured ({count} so far).",
        MIN_SPELLS,
    )
    return text.format(needed=MIN_SPELLS, count=timing.spells)


__all__ = [
    "FIXED",
    "FLOOR",
    "LOOKBACK",
    "MARGIN",
    "MIN_SPELLS",
    "POSTURE",
    "BreakTimingSet",
    "Hold",
    "HoldReader",
    "break_limit",
    "hold_sentence",
    "waiting_sentence",
]
