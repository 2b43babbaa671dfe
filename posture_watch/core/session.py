"""The rules of a monitored day, as one pure state machine: inputs in, effects out.

As h11 does for HTTP (``conn.send(event)`` returns bytes, the caller does the I/O),
:meth:`Session.step` takes one input of the stream (:mod:`posture_watch.core.stream`) and
the instant it happened, and returns what to do (:mod:`posture_watch.core.effects`). It
never reads a clock, opens a file or shows anything; the tray controller and the console
monitor are its executors, so neither decides anything the other does not.

It owns: the status the icon, the tooltip and ``posture-watch status`` show
(:class:`~posture_watch.core.status.MonitorStatus`); the prompt scheduler and today's
counts; the one-window-at-a-time queue (:mod:`posture_watch.core.window_queue`); the day
change and the daily report (:mod:`posture_watch.core.day_timer`); quiet hours; pauses and
the menu's and the control socket's answers
(:mod:`posture_watch.core.session_commands`, with :mod:`posture_watch.core.pause_rules`).

"Today" is the history's today, read through a :class:`TodayReader` with the report's own
aggregation when the session starts and whenever the history has taken a new minute, so
the tooltip agrees with ``posture-watch report``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import tzinfo

from posture_watch.core import do_not_disturb as dnd
from posture_watch.core import effects as fx
from posture_watch.core import nudge_answers as answers
from posture_watch.core import session_fallbacks as fallbacks
from posture_watch.core.analyzer import Verdict
from posture_watch.core.day_timer import DayTimer
from posture_watch.core.events import (
    SittingBoutEnded,
)
from posture_watch.core.menu import MenuAction
from posture_watch.core.nudge_timing import NudgeTiming, why_not
from posture_watch.core.posture_breaks import PostureBreaks, break_nudge
from posture_watch.core.prompt_rules import (
    Answer,
    PromptDue,
    PromptScheduler,
    PromptSuppressed,
    Reason,
    Why,
    nudge_message,
)
from posture_watch.core.prompts import PromptKind, problem_from_features
from posture_watch.core.scoring import PostureState
from posture_watch.core.session_commands import control, menu
from posture_watch.core.session_settings import QuietRule, SessionSettings
from posture_watch.core.settings_apply import follow_settings
from posture_watch.core.status import MonitorStatus
from posture_watch.core.status_rules import follow_worker
from posture_watch.core.stream import (
    CANCELLED,
    AutostartState,
    Calibrated,
    ControlAsked,
    Disturbance,
    HistoryWritten,
    JournalSaved,
    MonitorEvent,
    Notice,
    NotificationAnswered,
    Now,
    NudgeAction,
    NudgeResult,
    PromptEvent,
    ReportWritten,
    SessionInput,
    SettingsChanged,
    StopAsked,
    Tick,
    TimelineEvent,
    WindowClosed,
    WindowKind,
    WorkerEvent,
    WorkerLost,
)
from posture_watch.core.text import N_, _
from posture_watch.core.today import Counts, Today, TodayReader
from posture_watch.core.tray_view import TrayView
from posture_watch.core.window_queue import Waiting, WindowQueue
from posture_watch.core.worker_events import (
    CameraBusy,
    CameraFree,
    ClockSet,
    Pause,
    Reconfigure,
    Resume,
    SetBaseline,
    Stopped,
)

MINUTE = 60
#: The error of a worker thread that ended without saying so.
WORKER_LOST = N_("the monitor worker ended unexpectedly")


class Session:
    """The state above the worker; see the module docstring. One thread steps it."""

    def __init__(
        self,
        settings: SessionSettings,
        scheduler: PromptScheduler | None,
        now: Now,
        tz: tzinfo,
    ) -> None:
        self.settings, self.scheduler, self.tz = settings, scheduler, tz
        self.status = MonitorStatus()
        self.counts = Counts()
        self.windows = WindowQueue()
        self.autostart = settings.autostart
        #: Set by a failed worker (its exit code) or a lost one (1).
        self.exit_code = 0
        #: The session has ended: windows stay shut, verdicts are only recorded.
        self.stopped = False
        #: The worker's last event (:class:`~posture_watch.core.worker_events.Stopped`) came.
        self.worker_done = False
        self.camera_down = False
        self.last_t = now.wall
        #: Wall time minus true time since the wall clock was last set (:class:`ClockSet`).
        self.clock_offset = 0.0
        self._hint = settings.first_run_hint
        self._timer = DayTimer(now.local, settings.daily_at)
        self._started = now.mono
        self.today = Today(tz)
        self._view = TrayView()
        #: The warning before a break, Postpone and Skip, a minute between nudges.
        self.timing = NudgeTiming()
        #: Do not disturb: the reasons nudges wait now and what was held back.
        self.dnd = dnd.hold_back(settings)
        #: Nudges shown with buttons (Snooze, Stretch now, I'm fine) that may be pressed.
        self.answers = answers.NudgeAnswers()
        #: Breaks that follow the posture (opt-in): the break nudge's limit in force.
        self.posture_breaks = PostureBreaks()

    # -- the API ---------------------------------------------------------------------

    def start(self, now: Now, reader: TodayReader | None = None) -> list[fx.Effect]:
        """Begin (the history is open): read today's figures, show the icon."""
        self.today.reader = reader
        self._timer = DayTimer(now.local, self.settings.daily_at)
        self._started = now.mono
        self.read_today(now, now.wall)
        out: list[fx.Effect] = []
        self.time_breaks(now, out)
        if self.settings.tray and not self.settings.windows:
            out.append(fallbacks.no_windows())  # once: a failure a person sees
        self._refresh(now, out)
        return out

    def step(self, item: SessionInput, now: Now) -> list[fx.Effect]:
        """Take one input at ``now``; the effects to carry out, in order."""
        out: list[fx.Effect] = []
        match item:
            case Verdict():
                self._verdict(item, now, out)
            case MenuAction():
                menu(self, item, now, out)
            case ControlAsked(request=request):
                out.append(fx.Reply(control(self, request, now, out)))
            case Tick():
                self._tick(now, out)
                answers.choice_over(self, now, out)  # buttons unanswered: the window (or held)
            case Notice(title=title, body=body):
                out.append(fx.Notify(title, body))
            case Calibrated():
                self._calibrated(item, out)
            case WindowClosed():
                self._window_closed(item, now, out)
            case NudgeResult(due=due, shown=shown):
                if not answers.shown_with_buttons(self, item, out):
                    self._nudge_result(due, shown, out)
            case JournalSaved(ok=ok):
                self._journal_saved(ok, now, out)
            case HistoryWritten(written_to=written_to):
                self.read_today(now, written_to)
            case ReportWritten(path=path):
                if path is not None:
                    out.append(
                        fx.Notify(
                            _("Today's posture report"), _("Written to {path}").format(path=path)
                        )
                    )
            case AutostartState(enabled=enabled, error=error):
                if error is not None:
                    out.append(
                        fx.Notify(
                            _("Start at login"),
                            _("Could not change it: {error}").format(error=error),
                        )
                    )
                self.autostart = enabled
            case SettingsChanged():  # the file changed: the new settings apply now
                self.settings = follow_settings(self.settings, self.scheduler, item, out)
                told = any(
                    isinstance(e, fx.Send) and isinstance(e.command, Reconfigure) for e in out
                )
                self.time_breaks(now, out, worker_reset=told)  # breaks_follow_posture
                self._timer.daily_at = self.settings.daily_at
                dnd.settings_followed(self, now, out)  # hold_when_fullscreen
            case StopAsked():
                self.stop(out)
            case WorkerLost():
                self.status.error, self.exit_code = _(WORKER_LOST), 1
                stopped = _("posture-watch stopped")
                out.append(fx.Notify(stopped, _(WORKER_LOST), urgency="critical"))
                self.stop(out, exit_code=1)
            case NotificationAnswered(action=NudgeAction.POSTPONE | NudgeAction.SKIP):
                self.timing.answered(item.action, self.time(now), self.settings.breaks, out)
            case NotificationAnswered():  # Snooze, Stretch now, I'm fine
                answers.answered(self, item, now, out)
            case Disturbance(reasons=reasons):
                dnd.disturbed(self, reasons, now, out)
            case CameraBusy() | CameraFree():
                self._event(item, now, out)
                dnd.camera_followed(self, now, out)  # a call has the camera: nudges wait
            case _:
                self._event(item, now, out)
        self._refresh(now, out)
        return out

    def time(self, now: Now) -> float:
        """True time for what the session makes (answers, a manual stretch): never before
        the last event, so the prompt rules never go back in time, and on the events'
        clock after the wall clock was set (the history stamps it by the new wall)."""
        return max(now.wall - self.clock_offset, self.last_t)

    def summary(self) -> str:
        """A few lines on today so far (the menu's Today's report shows them when no
        report can be written)."""
        return self.today.text(self.status, self.counts)

    # -- the monitor's events --------------------------------------------------------

    def _verdict(self, verdict: Verdict, now: Now, out: list[fx.Effect]) -> None:
        out.append(fx.Record(verdict))  # the history takes the verdict's own events with it
        if self.stopped:  # no prompts any more, but the minutes count
            return
        t = self.last_t = verdict.t
        if self.exit_code == 0:
            self.status.error = None  # a verdict: the restarted worker runs again
        self.status.observe(t, verdict.state, verdict.sitting_since, reason=verdict.reason)
        minute = int(t // MINUTE)
        if self.today.minute is not None and minute > self.today.minute:
            out.append(fx.ReadToday(minute * MINUTE))  # the history takes the last minute
        self.today.minute = minute
        problem = None
        if verdict.state == PostureState.SLOUCH:
            problem = problem_from_features(verdict.feature_row(), verdict.lean)
        for event in verdict.events:
            out.append(fx.Log(event))
            self.counts.count(event)
        if self.scheduler is None:
            return
        paused, quiet = self.status.paused, self.quiet(now)
        why = why_not(t, verdict.state, self.scheduler, paused=paused, quiet=quiet)
        events = self.timing.before_rules(  # the warning before a break; Postpone, Skip
            t, verdict.sitting_since, verdict.events, self.settings.breaks,
            can_warn=why is None and not self.dnd.reasons, out=out,
        )  # fmt: skip
        for decision in self.scheduler.step(
            t, verdict.state, events, paused=paused, quiet=quiet, problem=problem
        ):
            if isinstance(decision, PromptDue):
                self.show(decision, out)
            else:
                self._journal(decision, out)
        self._release(t, why, out)  # a nudge that waited for the minute to end

    def _event(
        self, event: TimelineEvent | WorkerEvent | PromptEvent, now: Now, out: list[fx.Effect]
    ) -> None:
        """An event on its own: recorded, then what it means for the status."""
        if isinstance(event, TimelineEvent):
            self._timeline_event(event, now, out)
            return
        if isinstance(event, Stopped):  # the worker's last event: for the history only
            self.worker_done = True
            out.append(fx.Record(event))
            return
        self._journal(event, out)
        if isinstance(event, ClockSet):
            self.clock_offset = event.offset
        if isinstance(event, WorkerEvent):
            outcome = follow_worker(self.status, event, self.camera_down)
            self.camera_down = outcome.camera_down
            out += outcome.notify
            if outcome.stop is not None:
                self.exit_code = outcome.stop.exit_code or self.exit_code
                self.stop(out, report=outcome.stop.report, exit_code=self.exit_code)

    def _timeline_event(self, event: TimelineEvent, now: Now, out: list[fx.Effect]) -> None:
        """A timeline event without a frame (the screen locked or unlocked): recorded,
        counted and shown to the prompt rules like a verdict's, so a break taken while
        the screen was locked restarts the long-sitting reminder."""
        self._journal(event, out)
        self.counts.count(event)
        if isinstance(event, SittingBoutEnded):
            self.status.sitting_since = None
        t = self.last_t = max(event.t, self.last_t)  # the rules never go back in time
        if self.scheduler is None:
            return
        paused, quiet = self.status.paused, self.quiet(now)
        for decision in self.scheduler.step(
            t, PostureState.AWAY, (event,), paused=paused, quiet=quiet
        ):
            if isinstance(decision, PromptSuppressed):  # away: nothing is shown
                self._journal(decision, out)

    def _journal(self, event: MonitorEvent, out: list[fx.Effect]) -> None:
        """Every event goes to the event log and to the history."""
        out += [fx.Log(event), fx.Record(event)]

    # -- prompts and windows ---------------------------------------------------------

    def show(self, due: PromptDue, out: list[fx.Effect]) -> None:
        """A nudge is a notification that says why (:func:`nudge_message`), recorded
        once the desktop showed it; a stretch asked for opens only the window. Do not
        disturb may hold it back instead (:mod:`~posture_watch.core.do_not_disturb`)."""
        if dnd.held(self, due, out):
            return
        if due.reason is not Reason.MANUAL and not self.timing.let_through(due, out):
            return  # another nudge went out less than a minute ago: this one waits
        self.counts.prompts += 1
        if due.reason is Reason.MANUAL:
            self._shown_prompt(due, out)
            return
        nudge = break_nudge(due, self.posture_breaks.timing) or nudge_message(due)
        out.append(answers.nudge_notify(self, due, nudge.title, nudge.body))  # with buttons

    def _release(self, t: float, why: Why | None, out: list[fx.Effect]) -> None:
        """Show the nudge that waited for a minute after the last one, once it is over."""
        due = self.timing.release(t, why, out)
        if due is not None:
            self.show(due, out)

    def _nudge_result(self, due: PromptDue, shown: bool, out: list[fx.Effect]) -> None:
        if not shown:  # nobody saw it: the history must not count it as a prompt shown
            self._journal(PromptSuppressed(due.t, due.reason, Why.NOT_SHOWN), out)
            return
        self._shown_prompt(due, out)

    def _shown_prompt(self, due: PromptDue, out: list[fx.Effect]) -> None:
        """Recorded as shown; a break also opens its stretch window."""
        self._journal(due.shown(), out)
        prompt = due.prompt
        stretch = due.stretch or (prompt if prompt.kind is PromptKind.STRETCH else None)
        if stretch is not None and not self.settings.windows:
            if due.reason is Reason.MANUAL:  # a break's nudge carries the steps already
                out.append(fallbacks.stretch_notice(stretch))
        elif stretch is not None and not self.windows.asked(WindowKind.STRETCH):
            self.want(WindowKind.STRETCH, out, stretch.id)

    def want(self, kind: WindowKind, out: list[fx.Effect], stretch_id: str | None = None) -> None:
        """Ask for a window: it opens now or when the open one closes (tray only).
        Where no window can open, the journal and calibration are a notification that
        names the command to run instead (:mod:`~posture_watch.core.session_fallbacks`)."""
        if self.settings.tray and not self.settings.windows:
            notice = fallbacks.command_notice(kind)
            if notice is not None:
                out.append(notice)
        elif self.settings.tray:
            self._open(self.windows.want(kind, stretch_id), out)

    def _open(self, windows: list[Waiting], out: list[fx.Effect]) -> None:
        for window in windows:
            if window.kind is WindowKind.CALIBRATE:  # the window needs the camera
                self.status.calibrating = True
                out.append(fx.Send(Pause(None)))
            out.append(fx.OpenWindow(window.kind, window.stretch_id))

    def _window_closed(self, closed: WindowClosed, now: Now, out: list[fx.Effect]) -> None:
        opened = self.windows.open
        if opened is None or opened.kind is not closed.kind:
            return
        self.windows.close(closed.kind)
        if closed.kind is WindowKind.STRETCH and self.scheduler is not None:
            try:
                answer = Answer(closed.answer or Answer.IGNORED)
            except ValueError:
                answer = Answer.IGNORED
            prompt_id = opened.stretch_id or ""
            self._journal(self.scheduler.answered(self.time(now), prompt_id, answer), out)
        self._open(self.windows.next(), out)
        if closed.entry is not None:
            out.append(fx.SaveJournal(closed.entry))

    def _journal_saved(self, ok: bool, now: Now, out: list[fx.Effect]) -> None:
        if ok:
            self.today.journal_saved_on = now.local.date()
            body = _("Saved. The weekly report sets it against your posture and sitting time.")
        else:
            body = _("Could not save the entry (see the log).")
        out.append(fx.Notify(_("Pain journal"), body))

    def _calibrated(self, result: Calibrated, out: list[fx.Effect]) -> None:
        self.status.calibrating = False
        self.windows.close(WindowKind.CALIBRATE)
        if result.baseline is not None:
            self._hint = None
            out.append(fx.Send(SetBaseline(result.baseline, result.profile)))
            body = _("Your upright posture is the new reference (profile '{profile}').").format(
                profile=result.profile
            )
            out.append(fx.Notify(_("Calibrated"), body))
        elif result.error != CANCELLED:  # the user closed the window: just carry on
            out.append(fx.Notify(_("Calibration failed"), result.error or _("unknown error")))
        if result.baseline is None and self._hint is not None:
            # the first run's calibration was skipped: say once how to do it later
            out.append(fx.Notify(_("Not calibrated yet"), self._hint))
            self._hint = None
        out.append(fx.Send(Resume()))
        self._open(self.windows.next(), out)

    def stop(self, out: list[fx.Effect], *, report: bool = False, exit_code: int = 0) -> None:
        """End the session: windows stay shut; ``report`` writes today's report at the end."""
        self.stopped = True
        self.windows.close_all()
        out.append(fx.Stop(report, exit_code))

    # -- time ------------------------------------------------------------------------

    def _tick(self, now: Now, out: list[fx.Effect]) -> None:
        """The day, the daily report and ``--seconds``, by the clock."""
        if self._timer.new_day(now.local):
            self.status.new_day()
            self.counts = Counts()
            self.today.summary = None
            self.read_today(now, self.today.written_to(now.wall))
            self.time_breaks(now, out, new_day=True)  # the last 7 days' hold time
        if self._timer.report_due(now.local):
            out.append(fx.WriteReport(self._timer.report_day))
            if self.settings.journal_prompt and not self.today.has_journal_entry(now.local.date()):
                dnd.ask_journal(self, out)  # "How do you feel today?" once a day, when free
        if self.scheduler is not None and not self.stopped:  # a nudge that waited
            t, paused, quiet = self.time(now), self.status.paused, self.quiet(now)
            why = why_not(t, self.status.posture, self.scheduler, paused=paused, quiet=quiet)
            self._release(t, why, out)
        stop_after = self.settings.stop_after
        if not self.stopped and stop_after is not None and now.mono - self._started >= stop_after:
            self.stop(out)

    def time_breaks(
        self, now: Now, out: list[fx.Effect], *, worker_reset: bool = False, new_day: bool = False
    ) -> None:
        """The break nudge's limit again (:mod:`~posture_watch.core.posture_breaks`):
        the file's ``sit_max``, or the measured hold time when breaks follow the posture."""
        breaks = self.posture_breaks.refresh(
            self.time(now), now.wall, self.settings.config, self.today.reader,
            self.settings.breaks, out, worker_reset=worker_reset, new_day=new_day,
        )  # fmt: skip
        self.settings = replace(self.settings, breaks=breaks)

    def quiet(self, now: Now) -> bool:
        """Whether quiet hours are in force at ``now`` (by the clock on the wall)."""
        quiet = self.settings.quiet_hours
        return quiet is not None and quiet.contains(now.minute_of_day)

    def read_today(self, now: Now, written_to: float) -> None:
        """Today's figures from the history, written up to ``written_to`` (epoch s)."""
        self.today.read(self.status, now.local.date(), written_to)

    # -- what the tray shows ---------------------------------------------------------

    def _refresh(self, now: Now, out: list[fx.Effect]) -> None:
        """The icon, tooltip and menu, when they changed (the console shows none)."""
        if self.settings.tray:
            note = self.dnd.note()
            out += self._view.changes(self.status, self.time(now), self.autostart, note)


__all__ = ["Counts", "QuietRule", "Session", "SessionSettings", "TodayReader"]
