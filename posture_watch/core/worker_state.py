"""When the monitor worker may hold the camera: the user's pause, the screen lock, a video
call that has the camera, and the back-off after a camera failure.

Why a class of its own: these rules decide what the hours of a day count as (away, not
monitored, or watched) and which events the tray and the console see, and they are easy
to get wrong at their edges (a lock during a pause, a resume while locked, a call that
ends behind a locked screen). Here they are a state machine that does no I/O and reads
no clock, in the manner of h11: the worker loop owns the camera, the waits and the
thread, tells :class:`WorkerState` what happened at true time ``t`` and does what it
returns. Tests step it with numbers.

The rules:

- a pause (:class:`Pause`) and a screen lock (:class:`SetLocked`) each release the
  camera; each is reported when it begins and ends. They are independent: an unlock never
  ends the user's pause, and a pause that ends while the screen is locked is reported as
  resumed only after the unlock. A timed pause ends by itself;
- the locked time counts as *away* (:class:`Away`): a lock long enough is a break;
- a camera held by another program (:meth:`WorkerState.camera_busy`) is a *busy* spell:
  reported once (:class:`CameraBusy`), checked again every ``busy_retry`` seconds, and
  not monitored (:class:`Unmonitored`), neither away nor a break. A lock or pause
  during a call ends the unmonitored stretch (its time is theirs); after it the camera
  is checked again at once;
- a camera that fails otherwise (:meth:`WorkerState.failed`) is retried with doubling
  back-off, and its recovery is reported once (:class:`CameraRecovered`).
"""

from __future__ import annotations

from dataclasses import dataclass

from posture_watch.core.worker_events import (
    CameraBusy,
    CameraFree,
    CameraRecovered,
    CameraUnavailable,
    Pause,
    Paused,
    Resume,
    Resumed,
    ScreenLocked,
    ScreenUnlocked,
    SetLocked,
    Stop,
)

#: While paused or locked, look again this often (seconds): a timed pause's end, or a
#: stop, is noticed within it (a command wakes the wait sooner).
WAIT_SLICE = 1.0
#: While another program holds the camera, check whether it is free again this often.
BUSY_RETRY = 30.0


# -- what the loop does next -------------------------------------------------------------


@dataclass(frozen=True)
class Leave:
    """Stop: the worker ends (reason ``"stop"``)."""


@dataclass(frozen=True)
class Wait:
    """Wait ``seconds`` of true time; a command or a suspend cuts the wait short."""

    seconds: float


@dataclass(frozen=True)
class Open:
    """Open the source and run it. ``check_first``: the camera was busy, so first look
    whether another program still holds it, and if one does, ask again instead."""

    check_first: bool = False


Action = Leave | Wait | Open


# -- what the loop tells the timeline ----------------------------------------------------


@dataclass(frozen=True)
class Away:
    """Count the time up to ``t`` as away (``PostureAnalyzer.away``)."""

    t: float


@dataclass(frozen=True)
class Unmonitored:
    """``since`` to ``until`` was not monitored (``PostureAnalyzer.unmonitored``)."""

    since: float
    until: float


Output = (
    Away
    | Unmonitored
    | CameraBusy
    | CameraFree
    | CameraRecovered
    | CameraUnavailable
    | Paused
    | Resumed
    | ScreenLocked
    | ScreenUnlocked
)
"""Worker events to post, and the timeline's :class:`Away`/:class:`Unmonitored`, in the
order they must be applied."""


@dataclass(frozen=True)
class Step:
    """What to do now, after applying ``out`` in order."""

    action: Action
    out: tuple[Output, ...] = ()


LEAVE = Leave()


@dataclass
class _Busy:
    """A spell of the camera held by another program. ``since`` is the start of the
    stretch not monitored now (None while a lock or pause holds the camera anyway: that
    time counts as theirs); ``next_check`` when to look again."""

    since: float | None
    next_check: float


class WorkerState:
    """The worker's pause, lock and camera state, stepped with true time ``t``.

    The loop calls :meth:`command` for each command it takes, :meth:`next` to learn what
    to do, and :meth:`opened`, :meth:`camera_busy`, :meth:`failed` with what came of
    opening or running the source. :attr:`holding` is cheap enough to ask on every
    grabbed frame. ``start`` is the true time the worker began; the timeline is taken to
    be accounted for up to it.
    """

    def __init__(
        self,
        start: float,
        *,
        busy_retry: float = BUSY_RETRY,
        retry_first: float = 1.0,
        retry_max: float = 30.0,
    ) -> None:
        self.busy_retry = busy_retry
        self.retry_first, self.retry_max = retry_first, retry_max
        self._stopping = False
        self._paused = False
        self._pause_until: float | None = None
        self._locked = False  # as the session watcher last said
        self._lock_pending = False  # a lock not yet sat out (set on lock, cleared on unlock)
        self._lock_t = 0.0
        self._lock_by = self._unlock_by = ""
        self._sitting = False  # between the first and the last step of a sit-out
        self._lock_shown = self._pause_shown = False
        self._busy: _Busy | None = None
        self._retry = retry_first
        self._unavailable = False
        self._last = start

    # -- inputs ---------------------------------------------------------------------

    def command(self, command: Pause | Resume | SetLocked | Stop, t: float) -> None:
        """Take one command at ``t``; what it changes shows in :attr:`holding` and the
        next :meth:`next`."""
        match command:
            case Stop():
                self._stopping = True
            case Pause(seconds=seconds):
                self._paused = True
                self._pause_until = None if seconds is None else t + seconds
            case Resume():
                self._paused = False
            case SetLocked(locked=True, by=by):
                if not self._locked:
                    self._locked = self._lock_pending = True
                    self._lock_t, self._lock_by = t, by
            case SetLocked(locked=False, by=by):
                self._locked, self._unlock_by = False, by

    @property
    def stopping(self) -> bool:
        return self._stopping

    @property
    def holding(self) -> bool:
        """True when an open source must be left now: a stop, a pause or a lock."""
        return self._stopping or self._paused or self._lock_pending

    @property
    def busy(self) -> bool:
        """True during a spell of the camera held by another program."""
        return self._busy is not None

    @property
    def accounted(self) -> float:
        """The true time up to which the timeline has been told what happened (the last
        analysed frame, or the end of a lock or of a stretch not monitored)."""
        return self._last

    def frame_time(self, t: float) -> float:
        """The time to analyse a frame at: never before what is accounted for."""
        return max(t, self._last)

    def analysed(self, t: float) -> None:
        """A frame was analysed at ``t`` (from :meth:`frame_time`)."""
        self._last = t

    # -- what to do -----------------------------------------------------------------

    def next(self, t: float) -> Step:
        """What the loop does now: leave, wait (paused, locked, or the camera still
        busy) or open the source."""
        out: list[Output] = []
        if not self._sitting:
            if self._stopping:
                return Step(LEAVE)
            if self._paused or self._lock_pending:
                self._sitting = True
                self._hold_busy(t, out)
        if self._sitting:
            action = self._sit_out(t, out)
            if action is not None:
                return Step(action, tuple(out))
        if self._busy is not None:
            left = self._busy.next_check - t
            if left > 0:
                return Step(Wait(left), tuple(out))
            self._busy.next_check = t + self.busy_retry
            return Step(Open(check_first=True), tuple(out))
        return Step(Open(), tuple(out))

    def _sit_out(self, t: float, out: list[Output]) -> Action | None:
        """One look while paused or locked: report what began or ended; the action, or
        None when the camera may be used again."""
        if self._lock_pending and not self._lock_shown:
            out.append(ScreenLocked(self._lock_t, self._lock_by))
            self._away(max(self._lock_t, self._last), out)
            self._lock_shown = True
        if self._paused and not self._pause_shown:
            out.append(Paused(t, self._pause_until))
            self._pause_shown = True
        if self._paused and self._pause_until is not None and t >= self._pause_until:
            self._paused = False
        if self._stopping:
            return LEAVE
        if self._lock_shown and not self._locked:
            out.append(ScreenUnlocked(t, self._unlock_by, still_paused=self._paused))
            self._away(max(t, self._last), out)
            self._lock_pending = self._lock_shown = False
        if self._pause_shown and not self._paused and not self._lock_shown:
            out.append(Resumed(t))
            self._pause_shown = False
        if self._paused or self._lock_pending:
            return Wait(WAIT_SLICE)
        self._sitting = False
        if self._busy is not None:  # still taken? not monitored again, checked at once
            self._busy.since, self._busy.next_check = t, t
        return None

    def _away(self, t: float, out: list[Output]) -> None:
        out.append(Away(t))
        self._last = max(self._last, t)

    def _hold_busy(self, t: float, out: list[Output]) -> None:
        """A lock or pause begins during a call: the time not monitored ends here (the
        lock's time is away, the pause's as before)."""
        if self._busy is not None and self._busy.since is not None:
            self._unmonitored(self._busy.since, t, out)
            self._busy.since = None

    def _unmonitored(self, since: float, t: float, out: list[Output]) -> None:
        out.append(Unmonitored(since, t))
        self._last = max(self._last, t)

    # -- what came of opening or running the source ----------------------------------

    def opened(self, t: float) -> tuple[Output, ...]:
        """The source opened: a busy spell or a failure is over."""
        out: list[Output] = []
        if self._busy is not None:
            self._end_busy(t, out)
            out.append(CameraFree(t))
        if self._unavailable:
            out.append(CameraRecovered(t))
            self._unavailable, self._retry = False, self.retry_first
        return tuple(out)

    def camera_busy(self, t: float, by: str) -> tuple[Output, ...]:
        """Another program holds the camera (``by``: who, "" when unknown): the source
        was closed, or could not be opened."""
        if self._busy is None:
            self._busy = _Busy(since=t, next_check=t + self.busy_retry)
            return (CameraBusy(t, by, self.busy_retry),)
        self._busy.next_check = t + self.busy_retry  # a trial open failed busy
        return ()

    def failed(self, t: float, reason: str) -> Step:
        """The source failed (not busy: unplugged, missing): report it and wait, twice as
        long each time. A busy spell ends here, without :class:`CameraFree`."""
        out: list[Output] = []
        if self._busy is not None:
            self._end_busy(t, out)
        self._unavailable = True
        out.append(CameraUnavailable(t, reason, self._retry))
        wait = Wait(self._retry)
        self._retry = min(self._retry * 2, self.retry_max)
        return Step(wait, tuple(out))

    def _end_busy(self, t: float, out: list[Output]) -> None:
        assert self._busy is not None
        if self._busy.since is not None:
            self._unmonitored(self._busy.since, t, out)
        self._busy = None

    def restarted(self) -> None:
        """The worker restarts after a crash: the failure back-off starts again."""
        self._unavailable, self._retry = False, self.retry_first

    def finish(self, t: float) -> tuple[Output, ...]:
        """The worker ends at ``t``: a call still on was not monitored up to here."""
        out: list[Output] = []
        if self._busy is not None and self._busy.since is not None:
            out.append(Unmonitored(self._busy.since, t))
        return tuple(out)
