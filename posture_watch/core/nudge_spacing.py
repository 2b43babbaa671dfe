"""Never two nudges within a minute: the second waits, or merges with one already waiting.

A posture nudge and then a break nudge 16 s later reads as nagging, and the second one
is usually dismissed unread. :class:`NudgeSpacer` keeps the time of the last nudge that
went out; a nudge due less than :data:`SPACING` seconds after it waits until the minute is
over. (The warning before a break is no nudge: it only waits for a free minute to start,
and the break after it keeps its own time; see :mod:`posture_watch.core.nudge_timing`.)
Only one nudge waits: when another comes meanwhile, the one that asks more stays (a break
nudge before a posture nudge before a posture check; between equals, the newer, which
describes the moment better) and the other is merged into it, recorded as suppressed with
:attr:`~posture_watch.core.prompt_rules.Why.MERGED` so the history can tell.

A nudge that waited goes out stamped with the time it goes out, its ``lasted`` grown by
the wait, so "You have been sitting for 51 min" stays true. Pure: ``t`` is the events'
true time, given by the caller.
"""

from __future__ import annotations

from dataclasses import replace

from posture_watch.core.prompt_rules import PromptDue, Reason

#: The least time between two nudges, seconds.
SPACING = 60.0
#: Which nudge stays when two wait at once: the higher rank.
_RANK = {Reason.LONG_SITTING: 2, Reason.SLOUCH: 1, Reason.CHECK: 0, Reason.MANUAL: 3}


class NudgeSpacer:
    """Spacing of nudges; see the module docstring."""

    def __init__(self, spacing: float = SPACING) -> None:
        self.spacing = spacing
        self._last: float | None = None
        self._waiting: PromptDue | None = None

    @property
    def waiting(self) -> PromptDue | None:
        """The nudge that waits for the minute to end, if any."""
        return self._waiting

    def free_at(self) -> float | None:
        """When the next nudge may go out (None: now)."""
        return None if self._last is None else self._last + self.spacing

    def free(self, t: float) -> bool:
        """Whether a nudge may go out at ``t`` (none waits, and the last one went out at
        least :attr:`spacing` seconds ago)."""
        return self._waiting is None and (self._last is None or t - self._last >= self.spacing)

    def note(self, t: float) -> None:
        """A nudge went out at ``t``."""
        self._last = t if self._last is None else max(self._last, t)

    def offer(self, due: PromptDue) -> tuple[bool, PromptDue | None]:
        """``due`` wants to go out at ``due.t``: whether it may now (then it is noted),
        and the nudge merged away, if one was (it is not shown)."""
        if self.free(due.t):
            self.note(due.t)
            return True, None
        waiting = self._waiting
        if waiting is None:
            self._waiting = due
            return False, None
        if _RANK[due.reason] >= _RANK[waiting.reason]:
            self._waiting = due
            return False, waiting
        return False, due

    def release(self, t: float) -> PromptDue | None:
        """The waiting nudge, once its minute is over at ``t``, stamped ``t``; the caller
        offers it again (:meth:`offer`) to show it."""
        due = self._waiting
        if due is None or (self._last is not None and t - self._last < self.spacing):
            return None
        self._waiting = None
        lasted = None if due.lasted is None else due.lasted + max(t - due.t, 0.0)
        return replace(due, t=max(t, due.t), lasted=lasted)

    def drop(self) -> PromptDue | None:
        """Give up the waiting nudge (the person paused, left or quiet hours began)."""
        due, self._waiting = self._waiting, None
        return due


__all__ = ["SPACING", "NudgeSpacer"]
