"""Events the monitor worker posts besides the timeline's own, and the commands it takes.

All times are true time in epoch seconds (:class:`~posture_watch.core.true_time.TrueTime`):
stamped on the worker where the event is made, so every subscriber (console, tray,
history, event log) sees the same instant for the same event.

The loop emits one stream, each event once: a :class:`~posture_watch.core.analyzer.Verdict`
carries the timeline events of its frame, everything else arrives on its own. The
commands go the other way, on the loop's own queue.
"""

from __future__ import annotations

from dataclasses import dataclass

from posture_watch.core.scoring import Baseline
from posture_watch.core.settings import Settings


@dataclass(frozen=True)
class CameraUnavailable:
    """The source could not be opened or stopped delivering; retrying in ``retry_in`` s."""

    t: float
    reason: str
    retry_in: float


@dataclass(frozen=True)
class CameraRecovered:
    """The source works again after a :class:`CameraUnavailable`."""

    t: float


@dataclass(frozen=True)
class SourceEnded:
    """A replayed source (video, folder, recording) has no more frames."""

    t: float


@dataclass(frozen=True)
class FrameSkipped:
    """One damaged frame of a file source (a corrupt picture) was left out."""

    t: float
    reason: str


@dataclass(frozen=True)
class Paused:
    """Monitoring is paused (camera released) until ``until`` (epoch s, or None)."""

    t: float
    until: float | None


@dataclass(frozen=True)
class Resumed:
    t: float


@dataclass(frozen=True)
class Suspended:
    """The machine slept from ``since`` to ``t`` (found from the clocks): time away."""

    t: float
    since: float

    @property
    def slept(self) -> float:
        return self.t - self.since


@dataclass(frozen=True)
class ClockSet:
    """The wall clock was set by ``step`` seconds at true time ``t`` (NTP, by hand, a
    dual-boot time fix), found from the clocks: not a sleep, not a break. The rules go on
    in true time; the history stamps later times with ``t + offset`` (``offset`` includes
    ``step``), so nothing is stamped in the future after a step back."""

    t: float
    step: float
    offset: float


@dataclass(frozen=True)
class ScreenLocked:
    """The screen locked (or the machine is about to sleep): the camera is released and
    the time until :class:`ScreenUnlocked` counts as away. ``by`` names the signal's
    source, e.g. ``"org.gnome.ScreenSaver"`` or ``"logind"``."""

    t: float
    by: str


@dataclass(frozen=True)
class ScreenUnlocked:
    """The screen is unlocked again (or the machine woke): monitoring resumes, unless
    the user paused it too (``still_paused``): the pause then goes on until it ends."""

    t: float
    by: str
    still_paused: bool = False


@dataclass(frozen=True)
class CameraBusy:
    """Another program (a video call) uses the webcam, so we released it. The time until
    :class:`CameraFree` is *not monitored*: neither away nor a break. ``by`` says who, as
    far as we can tell (``"zoom (pid 4242)"``, or ``""`` when our own open failed busy);
    the next check is in ``retry_in`` seconds."""

    t: float
    by: str
    retry_in: float


@dataclass(frozen=True)
class CameraFree:
    """The webcam is free again after :class:`CameraBusy`; monitoring resumes."""

    t: float


@dataclass(frozen=True)
class Recalibrated:
    """A new upright reference (profile ``profile``) applies from ``t`` on."""

    t: float
    profile: str


@dataclass(frozen=True)
class SetupChanged:
    """The set-up looks different from the calibration (camera moved, another desk, a
    laptop pulled closer: :mod:`posture_watch.core.setup_drift`), told once per baseline.

    ``matched`` names the saved profile that fits the new set-up, now in use (a
    :class:`Recalibrated` for it comes just before); None when none fits: the frames are
    scored uncalibrated until the user recalibrates. ``reason`` is ``"closer"``,
    ``"farther"`` or ``"moved"`` (``""`` when a profile was found again while scoring
    uncalibrated)."""

    t: float
    matched: str | None
    reason: str = ""


@dataclass(frozen=True)
class WorkerCrashed:
    """An unexpected error stopped the worker; it restarts in ``restart_in`` seconds.

    ``error`` is one line; the traceback is in ``log_file``.
    """

    t: float
    error: str
    restart_in: float
    log_file: str


@dataclass(frozen=True)
class WorkerFailed:
    """The worker cannot go on (a bad model, or a crash loop): the monitor stops.

    ``exit_code`` is what the console monitor exits with (2 for bad input, 1 for a crash
    loop); ``error`` is the one line to show.
    """

    t: float
    error: str
    exit_code: int


@dataclass(frozen=True)
class Stopped:
    """The loop has ended: ``reason`` is ``"stop"``, ``"end"`` (replay over) or ``"failed"``.

    Always the last event; the open sitting bout's events come just before it.
    """

    t: float
    reason: str
    frames_seen: int
    frames_analysed: int


# -- commands, posted to MonitorLoop.send ------------------------------------------------


@dataclass(frozen=True)
class Pause:
    """Release the camera for ``seconds`` of clock time (None: until :class:`Resume`)."""

    seconds: float | None = None


@dataclass(frozen=True)
class Resume:
    pass


@dataclass(frozen=True)
class SetBaseline:
    """Score against a new calibration from now on."""

    baseline: Baseline
    profile: str = "default"


@dataclass(frozen=True)
class SetLocked:
    """From the session watcher: the screen locked (``locked``) or unlocked; ``by`` names
    the signal's source. Independent of :class:`Pause`: unlocking never ends a pause
    the user asked for."""

    locked: bool
    by: str = ""


@dataclass(frozen=True)
class Reconfigure:
    """The settings file changed while the monitor runs (the preferences window, a hand
    edit): decide with ``decision`` from the next frame on (a sitting spell already past
    a shorter ``sit_max`` gets its break nudge at once) and analyse frames at the new
    intervals (seconds). The camera's own settings need a restart; they are not here."""

    decision: Settings
    stable_interval: float
    confirm_interval: float


@dataclass(frozen=True)
class Stop:
    pass


Command = Pause | Resume | SetBaseline | SetLocked | Reconfigure | Stop
