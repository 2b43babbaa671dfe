"""True time for the monitor: monotonic steadiness, wall-clock truth across a suspend.

A laptop's ``CLOCK_MONOTONIC`` stops while it sleeps, and the wall clock can be stepped by
NTP, by hand or by a dual-boot time fix, either way. Neither alone is right for a day's
history: monotonic time stamps the morning's minutes hours too early after a night's
suspend, and the wall clock can run backwards or jump an hour ahead while the person sits
on. So there are two numbers:

- ``t``, the true time the rules run on (sitting spells, breaks, nudges): epoch seconds
  that advance with the elapsed time, sleeps included, and never go backwards. A sleep
  moves it on by the time slept (a break); a step of the wall clock does not move it;
- ``offset``, what to add to ``t`` to stamp the history with the wall clock the person
  reads. It is 0 until the wall clock is stepped by more than :data:`STEP_MIN`, then it
  re-anchors on the new wall time, backwards as well as forwards, so no minute is stamped
  in the future after a step back, and a step ahead is not an hour away from the desk.

A sleep and a step ahead both move the wall clock on; the boot clock tells them apart
(``CLOCK_BOOTTIME`` goes on while the machine sleeps, ``CLOCK_MONOTONIC`` does not). Where
there is no boot clock, a jump ahead counts as a sleep, as before; a jump back is a step.

Pure and clock-free: the caller passes the readings, so tests step it with numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

#: A sleep shorter than this (seconds) is not reported (the rules see a short gap).
SUSPEND_MIN = 5.0
#: The wall clock moving away from true time by more than this (seconds) is a step; NTP
#: slews by milliseconds and jitter of a few seconds is ignored.
STEP_MIN = 5.0


@dataclass(frozen=True)
class Reading:
    """``t``: true time (epoch s); ``slept``: seconds of sleep found since the last
    reading; ``stepped``: seconds the wall clock was set by (0: not set); ``offset``: wall
    stamp minus true time from now on."""

    t: float
    slept: float = 0.0
    stepped: float = 0.0
    offset: float = 0.0

    @property
    def stamp(self) -> float:
        """The wall-clock stamp of ``t`` (what the history keeps)."""
        return self.t + self.offset


class TrueTime:
    """Epoch seconds that follow the elapsed time, take in a sleep as a jump and a wall
    clock step as a new stamp offset."""

    def __init__(
        self,
        monotonic: float,
        wall: float,
        boottime: float | None = None,
        *,
        suspend_min: float = SUSPEND_MIN,
        step_min: float = STEP_MIN,
    ) -> None:
        self.suspend_min, self.step_min = suspend_min, step_min
        self._mono0, self._wall0 = monotonic, wall
        self._asleep = None if boottime is None else boottime - monotonic
        self._last = wall
        self.offset = 0.0

    def read(self, monotonic: float, wall: float, boottime: float | None = None) -> Reading:
        """The true time for these clock readings (``boottime`` None: no boot clock)."""
        t = self._wall0 + (monotonic - self._mono0)
        slept = stepped = 0.0
        if boottime is not None and self._asleep is not None:
            asleep = boottime - monotonic  # grows only while the machine sleeps
            gap, self._asleep = asleep - self._asleep, asleep
            if gap > 0:  # the monotonic clock stood still: time moves on by the sleep
                self._wall0 += gap
                t += gap
                slept = gap if gap >= self.suspend_min else 0.0
        elif wall - (t + self.offset) > self.suspend_min:  # no boot clock: a jump ahead sleeps
            slept = wall - (t + self.offset)
            self._wall0 += slept
            t += slept
        drift = wall - (t + self.offset)
        if abs(drift) > self.step_min:  # the wall clock was set: stamp by it from now on
            stepped = drift
            self.offset += drift
        t = max(t, self._last)  # never backwards
        self._last = t
        return Reading(t, slept, stepped, self.offset)
