"""The typed stream above the worker: what the session takes in and what it gives back.

The monitor worker posts :data:`MonitorEvent` values (a frame's
:class:`~posture_watch.core.analyzer.Verdict`, the timeline's events outside a frame, and
the worker's own events); the menu posts :class:`MenuAction` values; the control socket,
the windows, the notifier and the slow jobs post the small inputs below. All of them
together are a :data:`SessionInput`, which :meth:`posture_watch.core.session.Session.step`
takes with a :class:`Now`, and answers with a list of effects
(:mod:`posture_watch.core.effects`) for its executor (the tray controller or the console
monitor) to carry out. Dispatch is by type, so a value outside these unions is a type
error rather than a silent ``hasattr`` match.

Feedback inputs (:class:`NudgeResult`, :class:`JournalSaved`, :class:`ReportWritten`,
:class:`AutostartState`, :class:`HistoryWritten`) carry what only the executor can learn:
whether the desktop showed a notification, whether a file was written, when the history
has taken a record. They let the rules that depend on those outcomes stay in the session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from posture_watch.core.analyzer import Verdict
from posture_watch.core.break_limits import BreakTimingSet
from posture_watch.core.break_warning import BreakPostponed, BreakSkipped
from posture_watch.core.control_protocol import ControlRequest
from posture_watch.core.dates import minute_of_day
from posture_watch.core.events import Event as TimelineEvent
from posture_watch.core.held_back import Disturb, PromptHeld
from posture_watch.core.journal import JournalEntry
from posture_watch.core.menu import MenuAction
from posture_watch.core.prompt_rules import (
    PromptAnswered,
    PromptDue,
    PromptShown,
    PromptSuppressed,
)
from posture_watch.core.scoring import Baseline
from posture_watch.core.settings import AppConfig
from posture_watch.core.worker_events import (
    CameraBusy,
    CameraFree,
    CameraRecovered,
    CameraUnavailable,
    ClockSet,
    Command,
    FrameSkipped,
    Paused,
    Recalibrated,
    Resumed,
    ScreenLocked,
    ScreenUnlocked,
    SetupChanged,
    SourceEnded,
    Stopped,
    Suspended,
    WorkerCrashed,
    WorkerFailed,
)

#: What the worker posts besides verdicts and timeline events.
WorkerEvent = (
    CameraUnavailable
    | CameraRecovered
    | CameraBusy
    | CameraFree
    | ScreenLocked
    | ScreenUnlocked
    | FrameSkipped
    | Paused
    | Resumed
    | Recalibrated
    | SetupChanged
    | SourceEnded
    | Suspended
    | ClockSet
    | WorkerCrashed
    | WorkerFailed
    | Stopped
)
#: What the prompt rules and do not disturb make of the stream (recorded like the
#: worker's events).
PromptEvent = (
    PromptShown
    | PromptAnswered
    | PromptSuppressed
    | PromptHeld
    | BreakPostponed
    | BreakSkipped
    | BreakTimingSet
)
#: Everything that goes to the event log and the history.
MonitorEvent = Verdict | TimelineEvent | WorkerEvent | PromptEvent


@dataclass(frozen=True)
class Now:
    """The instant of a step, read by the executor from its clock: wall time (epoch s),
    monotonic time (s) and the local date and time of ``wall`` (naive, the process's
    zone), which decides quiet hours, the daily report and the day."""

    wall: float
    mono: float
    local: datetime

    @classmethod
    def at(cls, wall: float, mono: float) -> Now:
        """The instant ``wall``/``mono`` with its local date and time."""
        return cls(wall, mono, datetime.fromtimestamp(wall))

    @property
    def minute_of_day(self) -> int:
        return minute_of_day(self.local)


class WindowKind(StrEnum):
    """The windows that take turns: one open at a time (they would cover each other)."""

    STRETCH = "stretch"
    JOURNAL = "journal"
    CALIBRATE = "calibrate"


#: The error of a :class:`Calibrated` when the user closed the calibration window.
CANCELLED = "cancelled"


@dataclass(frozen=True)
class Notice:
    """A notification to show (the first-run hint, the demo's "what you'll see")."""

    title: str
    body: str


@dataclass(frozen=True)
class Calibrated:
    """The calibration window closed: the new baseline, or the error line
    (:data:`CANCELLED` when the user closed it without saving)."""

    baseline: Baseline | None
    error: str | None = None
    profile: str = "default"


@dataclass(frozen=True)
class ControlAsked:
    """``posture-watch pause 30m`` and friends, from the control socket."""

    request: ControlRequest


@dataclass(frozen=True)
class Tick:
    """Time passed (about every half second): the day, the daily report, the tooltip."""


@dataclass(frozen=True)
class StopAsked:
    """A signal (SIGTERM, Ctrl-C): stop quickly, without today's report."""


@dataclass(frozen=True)
class WorkerLost:
    """The worker thread ended without its last event: the monitor cannot go on."""


@dataclass(frozen=True)
class WindowClosed:
    """A window of :class:`WindowKind` closed: the stretch's answer (``done``,
    ``snoozed``…, None: unanswered), the journal's entry (None: nothing to save)."""

    kind: WindowKind
    answer: str | None = None
    entry: JournalEntry | None = None


@dataclass(frozen=True)
class NudgeResult:
    """Whether the desktop showed the nudge of ``due`` (a frozen or missing notification
    server shows nothing, and then it must not count as a prompt shown), and whether with
    its buttons (``answerable``: the server shows actions, so a press may come)."""

    due: PromptDue
    shown: bool
    answerable: bool = False


@dataclass(frozen=True)
class JournalSaved:
    ok: bool


@dataclass(frozen=True)
class HistoryWritten:
    """The history holds every minute before ``written_to`` (the answer to
    :class:`~posture_watch.core.effects.ReadToday`)."""

    written_to: float


@dataclass(frozen=True)
class ReportWritten:
    """The daily report of ``day`` was written to ``path`` (None: it could not be)."""

    day: date
    path: str | None


@dataclass(frozen=True)
class AutostartState:
    """Start at login as it now is (None: not offered), and why changing it failed."""

    enabled: bool | None
    error: str | None = None


class NudgeAction(StrEnum):
    """A button the person pressed on a notification (where the server shows buttons).

    ``snooze`` and ``stretch`` answer a break nudge (as the stretch window's Snooze and its
    stretch would), ``fine`` answers a posture nudge ("I'm fine"), ``postpone`` and
    ``skip`` answer the warning before a break."""

    SNOOZE = "snooze"
    STRETCH = "stretch"
    FINE = "fine"
    POSTPONE = "postpone"
    SKIP = "skip"


@dataclass(frozen=True)
class NotificationAnswered:
    """The person pressed ``action`` on the notification of the nudge ``prompt_id``
    (:attr:`~posture_watch.core.effects.Notify.prompt_id`)."""

    prompt_id: str
    action: NudgeAction


@dataclass(frozen=True)
class Disturbance:
    """What the desktop watchers see now: every reason to wait (empty: none). Posted
    whenever the set changes; the session adds :attr:`Disturb.CAMERA_LENT` itself from
    the worker's camera events."""

    reasons: frozenset[Disturb] = frozenset()


@dataclass(frozen=True)
class SettingsChanged:
    """The settings file changed while the monitor runs (the preferences window saved
    it, or a hand edit): what it holds now (``config``), or why it cannot be used
    (``error``, one line; ``config`` is then None and the running settings stay)."""

    config: AppConfig | None
    error: str | None = None


SessionInput = (
    MonitorEvent
    | SettingsChanged
    | NotificationAnswered
    | Disturbance
    | MenuAction
    | Notice
    | Calibrated
    | ControlAsked
    | Tick
    | StopAsked
    | WorkerLost
    | WindowClosed
    | NudgeResult
    | JournalSaved
    | HistoryWritten
    | ReportWritten
    | AutostartState
)

__all__ = [
    "CANCELLED",
    "AutostartState",
    "Calibrated",
    "Command",
    "ControlAsked",
    "Disturb",
    "Disturbance",
    "HistoryWritten",
    "JournalSaved",
    "MenuAction",
    "MonitorEvent",
    "Notice",
    "NotificationAnswered",
    "Now",
    "NudgeAction",
    "NudgeResult",
    "PromptEvent",
    "PromptHeld",
    "ReportWritten",
    "SessionInput",
    "SettingsChanged",
    "StopAsked",
    "Tick",
    "TimelineEvent",
    "WindowClosed",
    "WindowKind",
    "WorkerEvent",
    "WorkerLost",
]
