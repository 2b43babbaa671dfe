"""A stretch's holds as a value: which side and repetition is next, and how long is left.

The stretch window (:mod:`posture_watch.desktop.stretch_window`) shows one hold at a time
from :class:`HoldCountdown`; the person starts each hold and it ends by itself. Nothing
here reads a clock or draws: every method takes ``now`` (monotonic seconds), so tests step
it with plain numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import StrEnum

from posture_watch.core.text import N_, _

#: The sides of a two-sided stretch, in the order they are held in each repetition. The
#: status keeps these English words as keys; :func:`hold_texts` translates them.
SIDES = (N_("Left side"), N_("Right side"))


class HoldPhase(StrEnum):
    """Where a stretch's holds stand."""

    READY = "ready"  # waiting for the person to press Start hold
    HOLDING = "holding"
    FINISHED = "finished"  # every repetition held


@dataclass(frozen=True)
class HoldStatus:
    """What the window shows: ``repetition`` is 1-based (the last one once finished),
    ``seconds_left`` belongs to the hold under way (the full hold when ready, 0 when
    finished), ``side`` is "" for a one-sided stretch, else the side held now."""

    phase: HoldPhase
    repetition: int
    repetitions: int
    repetitions_done: int
    seconds_left: float
    side: str = ""
    hold_seconds: float = 0.0

    @property
    def fraction_left(self) -> float:
        """How much of the hold is still to go, 0 to 1 (what the ring shows)."""
        if self.hold_seconds <= 0 or self.phase is HoldPhase.FINISHED:
            return 0.0
        return max(0.0, min(1.0, self.seconds_left / self.hold_seconds))


@dataclass(frozen=True)
class HoldCountdown:
    """The hold timer as a value; every method takes ``now`` (monotonic seconds).

    The person starts each hold; it ends by itself after ``hold_seconds``. A repetition is
    one hold per side (``sides`` 1 or 2: left, then right), so ``holds`` counts the holds
    done. Reads no clock and needs no Tk, so tests step it with plain numbers.
    """

    hold_seconds: float
    repetitions: int
    holds: int = 0
    started_at: float | None = None
    sides: int = 1

    def __post_init__(self) -> None:
        if self.hold_seconds <= 0 or self.repetitions <= 0:
            raise ValueError("hold_seconds and repetitions must be > 0")
        if self.sides not in (1, 2):
            raise ValueError("sides must be 1 or 2")
        if not 0 <= self.holds <= self.repetitions * self.sides:
            raise ValueError("holds must be between 0 and repetitions x sides")

    @property
    def done(self) -> int:
        """Whole repetitions done (every side held)."""
        return self.holds // self.sides

    def settle(self, now: float) -> HoldCountdown:
        """Count the hold under way as done once its time is up."""
        if self.started_at is not None and now >= self.started_at + self.hold_seconds:
            return replace(self, holds=self.holds + 1, started_at=None)
        return self

    def start(self, now: float) -> HoldCountdown:
        """Begin the next hold; no change while one is under way or when all are done."""
        settled = self.settle(now)
        if settled.started_at is not None or settled.finished:
            return settled
        return replace(settled, started_at=now)

    @property
    def finished(self) -> bool:
        """Every side of every repetition held."""
        return self.holds >= self.repetitions * self.sides

    def status(self, now: float) -> HoldStatus:
        """Phase, repetition, side and seconds left at ``now``."""
        s = self.settle(now)
        hold = s.hold_seconds
        if s.finished:
            return HoldStatus(HoldPhase.FINISHED, s.repetitions, s.repetitions, s.done, 0.0,
                              hold_seconds=hold)  # fmt: skip
        side = SIDES[s.holds % 2] if s.sides == 2 else ""
        repetition = s.holds // s.sides + 1
        if s.started_at is None:
            return HoldStatus(HoldPhase.READY, repetition, s.repetitions, s.done, hold, side, hold)
        left = min(hold, s.started_at + hold - now)
        return HoldStatus(HoldPhase.HOLDING, repetition, s.repetitions, s.done, left, side, hold)


def hold_texts(status: HoldStatus) -> tuple[str, str]:
    """The repetition line ("Left side · 2 of 3") and the line under it."""
    if status.phase is HoldPhase.FINISHED:
        return _("Well done: all {n} repetitions held.").format(n=status.repetitions), ""
    side = _(status.side) if status.side else ""  # gettext("") is the catalog header
    numbers = {"side": side, "n": status.repetition, "of": status.repetitions}
    if status.side:
        repetition = _("{side} · {n} of {of}").format(**numbers)
    else:
        repetition = _("Repetition {n} of {of}").format(**numbers)
    if status.phase is HoldPhase.HOLDING:
        return repetition, _("Hold… {seconds} s").format(seconds=math.ceil(status.seconds_left))
    return repetition, _("Hold for {seconds} s, then relax.").format(
        seconds=f"{status.seconds_left:g}"
    )


def ring_seconds(status: HoldStatus) -> str:
    """The number in the ring: whole seconds left, rounded up; a tick once finished."""
    if status.phase is HoldPhase.FINISHED:
        return "✓"
    return str(math.ceil(status.seconds_left))


__all__ = ["SIDES", "HoldCountdown", "HoldPhase", "HoldStatus", "hold_texts", "ring_seconds"]
