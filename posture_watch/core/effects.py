"""What the session asks its executor to do: small frozen values, no I/O of their own.

:meth:`posture_watch.core.session.Session.step` returns a list of these, in order. The
tray controller carries out all of them; the console monitor records, replies and stops,
and ignores the rest (it has no icon, windows or notifications). An effect that has an
outcome the session needs (a notification shown or not, a report written) is answered
with the matching feedback input of :mod:`posture_watch.core.stream`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from posture_watch.core.control_protocol import ControlReply
from posture_watch.core.journal import JournalEntry
from posture_watch.core.menu import MenuEntry
from posture_watch.core.prompt_rules import PromptDue
from posture_watch.core.status import TrayState
from posture_watch.core.stream import Command, MonitorEvent, NudgeAction, WindowKind


@dataclass(frozen=True)
class Notify:
    """A desktop notification. ``nudge`` is set for a prompt: answer with
    :class:`~posture_watch.core.stream.NudgeResult`.

    ``actions`` are the buttons to offer where the server shows them, in order: the
    action and its label; a press comes back as
    :class:`~posture_watch.core.stream.NotificationAnswered` for ``prompt_id``. Without
    buttons (a server that has none) the body must still say what to do. ``category`` is
    the notification spec's category (``x-posture-watch.posture``, ``.break``,
    ``.warning``, ``.info``)."""

    title: str
    body: str
    urgency: str = "normal"
    nudge: PromptDue | None = None
    actions: tuple[tuple[NudgeAction, str], ...] = ()
    category: str = ""
    prompt_id: str | None = None


@dataclass(frozen=True)
class Send:
    """A command for the monitor worker."""

    command: Command


@dataclass(frozen=True)
class OpenWindow:
    """Open a window (``stretch_id`` names the stretch); it answers with
    :class:`~posture_watch.core.stream.WindowClosed` (the calibration window with
    :class:`~posture_watch.core.stream.Calibrated`)."""

    kind: WindowKind
    stretch_id: str | None = None


@dataclass(frozen=True)
class Log:
    """Write ``event`` to the event log (JSON lines)."""

    event: MonitorEvent


@dataclass(frozen=True)
class Record:
    """Give ``event`` to the history."""

    event: MonitorEvent


@dataclass(frozen=True)
class ReadToday:
    """The history has taken every minute before ``written_to`` once the
    :class:`Record` effects before this one are carried out: then answer with
    :class:`~posture_watch.core.stream.HistoryWritten`, and the session reads today's
    figures (reading before the last record would miss its minute)."""

    written_to: float


@dataclass(frozen=True)
class WriteReport:
    """Write the report of ``day`` (slow: off the state thread); answer with
    :class:`~posture_watch.core.stream.ReportWritten`."""

    day: date


@dataclass(frozen=True)
class OpenReport:
    """Write today's report and open it; ``summary`` is shown when none can be written."""

    day: date
    summary: str


@dataclass(frozen=True)
class OpenSettings:
    """Open the settings file in the person's editor; ``window``: the preferences
    window instead (its saves reach the monitor through the file, as hand edits do)."""

    window: bool = False


@dataclass(frozen=True)
class SetAutostart:
    """Turn Start at login on or off; answer with
    :class:`~posture_watch.core.stream.AutostartState`."""

    enabled: bool


@dataclass(frozen=True)
class SaveJournal:
    """Add a pain-journal entry to the history; answer with
    :class:`~posture_watch.core.stream.JournalSaved`."""

    entry: JournalEntry


@dataclass(frozen=True)
class ShowIcon:
    """The icon's state and tooltip changed (``redraw``: the state did, draw it anew)."""

    state: TrayState
    tooltip: str
    redraw: bool


@dataclass(frozen=True)
class ShowMenu:
    entries: tuple[MenuEntry, ...]


@dataclass(frozen=True)
class Reply:
    """The answer to the :class:`~posture_watch.core.stream.ControlAsked` just stepped."""

    reply: ControlReply


@dataclass(frozen=True)
class Stop:
    """End the session: stop the worker, close the windows and the history, remove the
    icon; then write today's report when ``report`` (Quit, or the end of a replay).
    ``exit_code`` is what the process exits with."""

    report: bool = False
    exit_code: int = 0


Effect = (
    Notify
    | Send
    | OpenWindow
    | Log
    | Record
    | ReadToday
    | WriteReport
    | OpenReport
    | OpenSettings
    | SetAutostart
    | SaveJournal
    | ShowIcon
    | ShowMenu
    | Reply
    | Stop
)

__all__ = [
    "Effect",
    "Log",
    "Notify",
    "OpenReport",
    "OpenSettings",
    "OpenWindow",
    "ReadToday",
    "Record",
    "Reply",
    "SaveJournal",
    "Send",
    "SetAutostart",
    "ShowIcon",
    "ShowMenu",
    "Stop",
    "WriteReport",
]
