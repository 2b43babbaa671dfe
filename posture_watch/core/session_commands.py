"""The session's answers to the tray menu and the control socket.

``posture-watch pause 30m`` and the menu's "Pause for 30 minutes" must do the same thing,
so both are decided here, on the :class:`~posture_watch.core.session.Session` they step,
and the control socket's answers are the menu's actions with a line for the terminal.
Pure, like the session: the effects go to ``out`` for the executor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from posture_watch.core import effects as fx
from posture_watch.core.control_protocol import (
    ControlCommand,
    ControlReply,
    ControlRequest,
    stretch_needs_tray,
)
from posture_watch.core.menu import MenuAction
from posture_watch.core.pause_rules import pause_message, pause_seconds, until_tomorrow
from posture_watch.core.stream import Now, WindowKind
from posture_watch.core.text import _
from posture_watch.core.worker_events import Pause, Resume

if TYPE_CHECKING:
    from posture_watch.core.session import Session

#: The menu's timed pauses, in seconds.
PAUSES = {MenuAction.PAUSE_15: 15 * 60.0, MenuAction.PAUSE_60: 60 * 60.0}


def menu(session: Session, action: MenuAction, now: Now, out: list[fx.Effect]) -> None:
    """A click on the tray menu: the worker commands, windows and reports it asks for."""
    if session.stopped:  # clicks after Quit are dropped
        return
    match action:
        case MenuAction.PAUSE_15 | MenuAction.PAUSE_60:
            out.append(fx.Send(Pause(PAUSES[action])))
        case MenuAction.PAUSE_TOMORROW:
            out.append(fx.Send(Pause(until_tomorrow(now.wall, session.settings.morning))))
        case MenuAction.RESUME:
            out.append(fx.Send(Resume()))
        case MenuAction.STRETCH:
            asked = session.windows.asked(WindowKind.STRETCH)
            if session.scheduler is not None and session.settings.tray and not asked:
                session.show(session.scheduler.stretch_now(session.time(now)), out)
        case MenuAction.CALIBRATE:
            if not session.status.calibrating:
                session.want(WindowKind.CALIBRATE, out)
        case MenuAction.REPORT:
            session.read_today(now, session.today.written_to(now.wall))
            out.append(fx.OpenReport(now.local.date(), session.summary()))
        case MenuAction.JOURNAL:
            session.want(WindowKind.JOURNAL, out)
        case MenuAction.SETTINGS:
            out.append(fx.OpenSettings())
        case MenuAction.PREFERENCES:  # where no window can open, the file in an editor
            out.append(fx.OpenSettings(window=session.settings.windows))
        case MenuAction.AUTOSTART:
            if session.autostart is not None:
                out.append(fx.SetAutostart(not session.autostart))
        case MenuAction.QUIT:  # Quit (not a signal) also writes today's report
            session.stop(out, report=True)


def control(
    session: Session, request: ControlRequest, now: Now, out: list[fx.Effect]
) -> ControlReply:
    """``posture-watch pause 30m`` and friends: what the menu's items do, with a line
    for the terminal."""
    match request.command:
        case ControlCommand.PAUSE:
            morning = session.settings.morning
            out.append(fx.Send(Pause(pause_seconds(request, now.wall, morning))))
            return ControlReply(True, pause_message(request, now.wall, morning))
        case ControlCommand.RESUME:
            out.append(fx.Send(Resume()))
            return ControlReply(True, _("resumed") if session.status.paused else _("not paused"))
        case ControlCommand.STATUS:
            t = session.time(now)
            note = session.status.error or session.dnd.note()  # why nudges wait, if they do
            line = session.status.status_line(t, note=note)
            return ControlReply(True, line, session.status.facts(t))
        case ControlCommand.STRETCH:
            return _stretch(session, now, out)
        case ControlCommand.QUIT if not session.settings.tray:
            session.stop(out)  # the console stops as on SIGTERM
            return ControlReply(True, _("stopping"))
        case ControlCommand.QUIT:
            menu(session, MenuAction.QUIT, now, out)
            return ControlReply(True, _("quitting"))
    return ControlReply(False, _("unknown command {command}").format(command=request.command))


def _stretch(session: Session, now: Now, out: list[fx.Effect]) -> ControlReply:
    if not session.settings.tray:
        return stretch_needs_tray()
    if not session.settings.windows:
        menu(session, MenuAction.STRETCH, now, out)
        return ControlReply(True, _("no window can open here: the stretch came as a notification"))
    if session.windows.stretch_open:
        return ControlReply(True, _("a stretch window is already open"))
    if session.windows.asked(WindowKind.STRETCH):
        return ControlReply(True, _("a stretch window opens when the open window closes"))
    menu(session, MenuAction.STRETCH, now, out)
    if not session.windows.stretch_open:
        return ControlReply(True, _("the stretch window opens when the open window closes"))
    return ControlReply(True, _("stretch window opened"))
