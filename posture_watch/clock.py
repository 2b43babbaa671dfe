"""The one place that reads the time: an injected clock with monotonic and wall time.

Everything else takes a :class:`Clock` as an argument, so a test can replay a whole day,
a suspend, a DST change or midnight without waiting and without freezing anything, and
the suite passes on any date. Three implementations:

- :class:`SystemClock`: the machine's clocks, for live runs;
- :class:`ScaledClock`: both clocks run ``speed`` times faster from the moment it is made
  (replays faster than real time, as ``--speed`` asks);
- :class:`ManualClock`: virtual time for tests; sleeping advances it at once, and
  :meth:`ManualClock.suspend` moves the wall and boot clocks but not the monotonic one,
  as a laptop's sleep does (``CLOCK_MONOTONIC`` stops while the machine sleeps,
  ``CLOCK_BOOTTIME`` does not), and :meth:`ManualClock.set_wall` steps the wall clock
  alone, as NTP or a dual-boot time fix does.

``boottime()`` is what tells the two apart: a wall-clock jump with no matching gap
between the boot and monotonic clocks is a clock change, not a sleep. Where the system
has no boot clock it is None, and a jump ahead of the wall clock counts as a sleep.

``sleep(seconds, wake)`` is part of the clock because only the clock knows how long a
second of its time takes: it waits up to ``seconds`` of clock time and returns True as
soon as ``wake`` is set (a command or a stop request arrived). ``take(inbox, seconds)``
is the same for a queue: the tray controller and the console monitor wait on their inbox
with it, so under a :class:`ManualClock` they never wait on real time.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from datetime import date, datetime, tzinfo
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

T = TypeVar("T")

#: The boot clock's id where the platform has one (Linux), else None.
_BOOTTIME: int | None = getattr(time, "CLOCK_BOOTTIME", None)


def _take(inbox: queue.Queue[T], real_seconds: float) -> T | None:
    try:
        return inbox.get(timeout=max(0.0, real_seconds))
    except queue.Empty:
        return None


class Clock(Protocol):
    """Monotonic seconds (stop during a suspend), boot seconds (run on through a
    suspend; None where unknown) and wall time (epoch seconds)."""

    def monotonic(self) -> float: ...

    def boottime(self) -> float | None: ...

    def wall(self) -> float: ...

    def sleep(self, seconds: float, wake: threading.Event) -> bool: ...

    def take(self, inbox: queue.Queue[T], seconds: float) -> T | None: ...


def local_datetime(clock: Clock) -> datetime:
    """The clock's wall time as a naive local datetime (DST is the time zone's business)."""
    return datetime.fromtimestamp(clock.wall())


class SystemClock:
    """The machine's clocks."""

    def monotonic(self) -> float:
        return time.monotonic()

    def boottime(self) -> float | None:
        """``CLOCK_BOOTTIME`` (Linux): monotonic, but it goes on while the machine sleeps."""
        if _BOOTTIME is None:
            return None
        return time.clock_gettime(_BOOTTIME)

    def wall(self) -> float:
        return time.time()

    def sleep(self, seconds: float, wake: threading.Event) -> bool:
        return wake.wait(max(0.0, seconds))

    def take(self, inbox: queue.Queue[T], seconds: float) -> T | None:
        """The next item of ``inbox``, waiting up to ``seconds``; None if none came."""
        return _take(inbox, seconds)


class ScaledClock:
    """Both clocks run ``speed`` times faster than ``base`` from the moment of creation."""

    def __init__(
        self,
        speed: float,
        base: Clock | None = None,
        *,
        origin: tuple[float, float, float | None] | None = None,
    ) -> None:
        """``origin`` (monotonic, wall, boottime of ``base``) is the moment the scaling
        starts, when not now: the camera worker passes its parent's, so that both
        processes read the same replay time (the monotonic and boot clocks are shared by
        every process of the machine)."""
        if not speed > 0:
            raise ValueError(f"speed must be positive, got {speed!r}")
        self.speed = speed
        self.base = base or SystemClock()
        if origin is None:
            origin = (self.base.monotonic(), self.base.wall(), self.base.boottime())
        self._mono0, self._wall0, self._boot0 = origin

    @property
    def origin(self) -> tuple[float, float, float | None]:
        """Where the scaling started: monotonic, wall and boot time of ``base``."""
        return self._mono0, self._wall0, self._boot0

    def monotonic(self) -> float:
        return self._mono0 + (self.base.monotonic() - self._mono0) * self.speed

    def boottime(self) -> float | None:
        boot = self.base.boottime()
        if boot is None or self._boot0 is None:
            return None
        return self._boot0 + (boot - self._boot0) * self.speed

    def wall(self) -> float:
        return self._wall0 + (self.base.wall() - self._wall0) * self.speed

    def sleep(self, seconds: float, wake: threading.Event) -> bool:
        return self.base.sleep(seconds / self.speed, wake)

    def take(self, inbox: queue.Queue[T], seconds: float) -> T | None:
        return self.base.take(inbox, seconds / self.speed)


class ManualClock:
    """Virtual time for tests: nothing moves unless the test (or a sleeper) moves it.

    ``sleep`` advances both clocks by the requested time and returns at once (after
    yielding the processor, so other threads get a turn), which makes a worker loop run
    an hour of replay in a fraction of a second. Thread-safe.
    """

    def __init__(self, wall: float, monotonic: float = 1000.0) -> None:
        self._wall, self._mono = float(wall), float(monotonic)
        self._boot = float(monotonic)
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        with self._lock:
            return self._mono

    def boottime(self) -> float | None:
        with self._lock:
            return self._boot

    def wall(self) -> float:
        with self._lock:
            return self._wall

    def advance(self, seconds: float) -> None:
        """Time passes normally: both clocks move on."""
        with self._lock:
            self._mono += seconds
            self._boot += seconds
            self._wall += seconds

    def suspend(self, seconds: float) -> None:
        """The machine sleeps: the wall and boot clocks move on, the monotonic one does not."""
        with self._lock:
            self._wall += seconds
            self._boot += seconds

    def set_wall(self, wall: float) -> None:
        """Someone sets the wall clock (NTP, a user): the monotonic and boot clocks are
        untouched."""
        with self._lock:
            self._wall = float(wall)

    def sleep(self, seconds: float, wake: threading.Event) -> bool:
        if wake.is_set():
            return True
        self.advance(max(0.0, seconds))
        return wake.wait(0.0005)

    def take(self, inbox: queue.Queue[T], seconds: float) -> T | None:
        """The next item of ``inbox`` if one is there (after yielding the processor);
        None at once otherwise: no real waiting, and the clock does not move (the test,
        or a sleeping worker, moves it)."""
        return _take(inbox, 0.0005)


#: The clock of this process, for the command-line commands that ask what day it is.
#: Long-running parts (the monitor, the tray) take theirs as an argument instead.
SYSTEM = SystemClock()


def today(clock: Clock = SYSTEM) -> date:
    """The local date on ``clock``."""
    return local_datetime(clock).date()


def local_timezone() -> tzinfo:
    """The machine's time zone with its daylight-saving rules, not just today's offset.

    ``$TZ`` first, then ``/etc/localtime``; where neither names a zone (Windows), the
    current fixed offset.
    """
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    try:
        with open("/etc/localtime", "rb") as f:
            return ZoneInfo.from_file(f, key="localtime")
    except (OSError, ValueError):
        return datetime.fromtimestamp(SYSTEM.wall()).astimezone().tzinfo or ZoneInfo("UTC")
