"""True time for the monitor: monotonic steadiness, wall-clock truth across a suspend.

A laptop's ``CLOCK_MONOTONIC`` stops while it sleeps, and the wall clock can be stepped by
NTP or by hand. Neither alone is right for a day's history: monotonic time stamps the
morning's minutes hours too early after a night's suspend, and the wall clock can run
backwards. :class:`TrueTime` gives epoch seconds that advance with the monotonic clock,
never go backwards, and jump forward when the wall clock shows the machine was asleep.

Pure and clock-free: the caller passes both readings, so tests step it with numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Wall time running ahead of monotonic time by more than this (seconds) is a suspend.
#: NTP slews by milliseconds; a step of a few seconds is rare and harmless to treat so.
SUSPEND_MIN = 5.0


@dataclass(frozen=True)
class Reading:
    """``t`` in epoch seconds; ``slept`` seconds of suspend found since the last reading."""

    t: float
    slept: float = 0.0


class TrueTime:
    """Epoch seconds that follow the monotonic clock and take in a suspend as a jump."""

    def __init__(self, monotonic: float, wall: float, suspend_min: float = SUSPEND_MIN) -> None:
        self.suspend_min = suspend_min
        self._mono0, self._wall0 = monotonic, wall
        self._last = wall

    def read(self, monotonic: float, wall: float) -> Reading:
        """The true time for this pair of clock readings."""
        t = self._wall0 + (monotonic - self._mono0)
        slept = 0.0
        if wall - t > self.suspend_min:  # the machine slept (or the clock was set ahead)
            slept = wall - t
            self._mono0, self._wall0, t = monotonic, wall, wall
        t = max(t, self._last)  # never backwards, whatever the wall clock did
        self._last = t
        return Reading(t, slept)
