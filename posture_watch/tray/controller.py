"""The tray's state thread: the executor of the session's effects.

Threads, as in Safe Eyes: pystray owns the main thread and only draws; the monitor loop
runs on a worker; this controller thread reads one inbox, steps the pure
:class:`~posture_watch.core.session.Session` with each item, and carries out the effects
it returns (notifications, worker commands, windows, the history, the icon). Slow work
(the daily report with matplotlib, saving a journal entry) runs on a thread of its own
and posts its result back to the inbox. Every wait takes its timeout from the injected
clock (:meth:`~posture_watch.clock.Clock.take`), so under a ``ManualClock`` nothing waits
on real time. The main thread learns how it ended through :attr:`finished`.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from datetime import date, tzinfo
from typing import Any, cast

from posture_watch.clock import Clock, SystemClock, local_datetime, local_timezone
from posture_watch.config import AppConfig
from posture_watch.core import effects as fx
from posture_watch.core.break_warning import BreakRules
from posture_watch.core.control_protocol import ControlReply
from posture_watch.core.journal import JournalEntry
from posture_watch.core.menu import MenuAction
from posture_watch.core.prompt_rules import PromptScheduler
from posture_watch.core.session import Session, SessionSettings
from posture_watch.core.status import TrayState
from posture_watch.core.stream import (
    AutostartState,
    ControlAsked,
    HistoryWritten,
    JournalSaved,
    Notice,
    Now,
    NudgeResult,
    ReportWritten,
    SessionInput,
    Tick,
    WindowClosed,
    WindowKind,
    WorkerLost,
)
from posture_watch.core.text import _, pgettext
from posture_watch.desktop.child_window import can_open_windows
from posture_watch.desktop.icons import draw_icon
from posture_watch.history.recorder import HistoryRecorder
from posture_watch.history.today import RecorderToday
from posture_watch.monitor.control import PendingControl
from posture_watch.monitor.event_log import EventLog
from posture_watch.tray.login_start import autostart_enabled, change_autostart
from posture_watch.tray.ports import (
    Autostart,
    HistorySink,
    Icon,
    Notifier,
    TrayActions,
    Window,
    Worker,
)
from posture_watch.tray.settings_watch import INTERVAL, SettingsWatch

TICK = 0.5
#: While nothing is watched (paused, screen locked, camera lent to a call) and no window
#: is open, the loop wakes every 2 s instead (an inbox item still wakes it at once): a
#: paused tray then costs about a quarter of the CPU (bench_idle.py --tray).
IDLE_TICK = 2.0
#: The icon states in which nothing is watched.
QUIET = (TrayState.PAUSED, TrayState.LOCKED, TrayState.CAMERA_BUSY)
#: How long shutdown waits for the worker's last events (the open bout, Stopped).
STOP_WAIT = 1.5
DOCK_CHECK_TICKS = 4  # every 2 s: see TrayIcon.keep_docked
#: For the first ticks, every tick: a tray host that dropped the first dock request (trayer
#: did in about 1 launch in 5) gets asked again within a second, not after four.
DOCK_CHECK_EARLY = 20

__all__ = ["TrayController"]
log = logging.getLogger(__name__)


class TrayController:
    """Steps the session with the inbox and carries out its effects."""

    def __init__(
        self,
        loop: Worker,
        config: AppConfig,
        scheduler: PromptScheduler,
        notifier: Notifier,
        journal: EventLog,
        *,
        open_stretch: Callable[[str], Window],
        actions: TrayActions,
        clock: Clock | None = None,
        stop_after: float | None = None,
        open_history: Callable[[], HistorySink | None] | None = None,
        open_journal: Callable[[], Window] | None = None,
        save_journal: Callable[[object], bool] | None = None,
        autostart: Autostart | None = None,
        tz: tzinfo | None = None,
        first_run_hint: str | None = None,
        worker_alive: Callable[[], bool] | None = None,
        windows: bool | None = None,
        settings_watch: SettingsWatch | None = None,
        on_settings: Callable[[AppConfig], None] | None = None,
        open_preferences: Callable[[], Window] | None = None,
    ) -> None:
        """``settings_watch`` follows the settings file (new settings apply at once);
        ``on_settings`` hands new settings to what the tray itself uses (the stretch
        window's snooze, the report's sitting limit); ``open_preferences`` opens the
        preferences window (None: the menu's Preferences… opens the file)."""
        self.loop, self.notifier, self.journal, self.actions = loop, notifier, journal, actions
        self.clock = clock or SystemClock()
        self.open_stretch, self.open_journal = open_stretch, open_journal
        self.open_history, self.save_journal = open_history, save_journal
        self.autostart, self.worker_alive = autostart, worker_alive
        self.inbox: queue.Queue[object] = queue.Queue()
        self.icon: Icon | None = None
        self.history: HistorySink | None = None
        self.stopped = threading.Event()
        #: Quit (or the end of a replay) asked for today's report at the end.
        self.quit_requested = threading.Event()
        #: Set once run() has shut everything down: then exit_code and error are final.
        self.finished = threading.Event()
        self.exit_code = 0
        self.error: str | None = None
        self.windows: dict[WindowKind, Window] = {}
        self.settings_watch, self.on_settings = settings_watch, on_settings
        self.open_preferences = open_preferences
        #: The preferences window, open beside the others (it takes no turn).
        self.preferences: Window | None = None
        self._login_next = 0.0  # when to look at the autostart entry again
        settings = SessionSettings(
            quiet_hours=config.quiet_hours,
            daily_at=config.report.daily_at,
            journal_prompt=config.report.journal_prompt,
            stop_after=stop_after,
            first_run_hint=first_run_hint,
            autostart=autostart_enabled(autostart),
            morning=config.pause.morning,
            config=config,
            breaks=BreakRules.from_config(config),
            windows=can_open_windows() if windows is None else windows,
        )
        self.session = Session(settings, scheduler, self.now(), tz or local_timezone())

    def post(self, item: object) -> None:
        """From any thread: a monitor event, a menu id, a control request, a result."""
        self.inbox.put(item)

    def now(self) -> Now:
        return Now.at(self.clock.wall(), self.clock.monotonic())

    def run(self) -> None:
        """Handle the inbox until Quit (or the end of a replay), then shut everything down."""
        try:
            # opened here: SQLite connections belong to the thread that made them
            self.history = self.open_history() if self.open_history else None
            recorder = self.history if isinstance(self.history, HistoryRecorder) else None
            reader = RecorderToday(recorder) if recorder is not None else None
            self.carry_out(self.session.start(self.now(), reader))
            ticks = 0
            while not self.stopped.is_set():
                quiet = self.quiet()
                item = self.clock.take(self.inbox, IDLE_TICK if quiet else TICK)
                if item is not None:
                    self.take(item)
                self.poll_windows()
                ticks += 1
                early, due = ticks <= DOCK_CHECK_EARLY, ticks % DOCK_CHECK_TICKS == 0
                if self.icon and (early or due or quiet):  # about every 2 s either way
                    self.icon.keep_docked()
                self.step(Tick())
                self.follow_settings()
                self.follow_login()
                if item is None and self.worker_lost():
                    self.step(WorkerLost())
        finally:
            self.shutdown()
            self.error = self.session.status.error
            self.finished.set()

    def quiet(self) -> bool:
        """Nothing watched and no window open: the loop may wake less often."""
        return self.session.status.state in QUIET and not self.windows and self.preferences is None

    def take(self, item: object) -> None:
        """One inbox item: menu ids come as strings, control requests wait for a reply."""
        if isinstance(item, PendingControl):
            self.carry_out(self.session.step(ControlAsked(item.request), self.now()), item)
        elif isinstance(item, str):  # the entry id a backend hands back
            if item in list(MenuAction):
                self.step(MenuAction(item))
        else:
            self.step(cast(SessionInput, item))  # the worker's events and our own inputs

    def step(self, item: SessionInput) -> None:
        self.carry_out(self.session.step(item, self.now()))

    def carry_out(self, effects: list[fx.Effect], pending: PendingControl | None = None) -> None:
        for effect in effects:
            match effect:
                case fx.Notify():
                    self.notify(effect)
                case fx.Send(command=command):
                    self.loop.send(command)
                case fx.Log(event=event):
                    self.journal.write(event, local_datetime(self.clock))
                case fx.Record(event=event) if self.history is not None:
                    self.history.on_event(event)
                case fx.ReadToday(written_to=written_to):  # the records above are written
                    self.step(HistoryWritten(written_to))
                case fx.OpenWindow(kind=kind, stretch_id=stretch_id):
                    self.open_window(kind, stretch_id)
                case fx.WriteReport(day=day):
                    failed = Notice(
                        pgettext("notification", "Today's posture report"),
                        _("Could not write it; see the log."),
                    )
                    self.in_background(self.write_report, day, failed)
                case fx.OpenReport(day=day, summary=summary):
                    self.actions.open_report(self.notifier, day, summary)
                case fx.OpenSettings(window=True) if self.open_preferences is not None:
                    self.show_preferences()
                case fx.OpenSettings():
                    self.actions.open_settings(self.notifier)
                case fx.SetAutostart(enabled=enabled):
                    self.step(change_autostart(self.autostart, enabled))
                case fx.SaveJournal(entry=entry) if self.save_journal is not None:
                    self.in_background(self.save_entry, entry, JournalSaved(False))
                case fx.ShowIcon(state=state, tooltip=tooltip, redraw=redraw) if self.icon:
                    self.icon.update(draw_icon(state) if redraw else None, tooltip)
                case fx.ShowMenu(entries=entries) if self.icon:
                    self.icon.set_menu(list(entries))
                case fx.Reply(reply=reply) if pending is not None:
                    pending.answer(reply)
                case fx.Stop(report=report, exit_code=code):
                    if report:
                        self.quit_requested.set()
                    self.exit_code = code or self.exit_code
                    self.stopped.set()
        if pending is not None:  # no reply: never leave the client waiting
            pending.answer(ControlReply(False, _("the monitor is stopping")))

    def notify(self, note: fx.Notify) -> None:
        """Show a notification; its buttons only where the server shows buttons (asked
        each time), and a nudge's outcome back to the session. A press comes back through
        the inbox as :class:`~posture_watch.core.stream.NotificationAnswered`."""
        buttons = bool(note.actions) and self.notifier.offers_actions()
        actions = [(str(action), label) for action, label in note.actions] if buttons else []
        shown = self.notifier.notify(
            note.title,
            note.body,
            urgency=note.urgency,
            actions=actions,
            category=note.category,
            prompt_id=note.prompt_id,
        )
        if note.nudge is not None:
            self.step(NudgeResult(note.nudge, shown, answerable=shown and buttons))

    # -- windows and slow work ---------------------------------------------------------

    def open_window(self, kind: WindowKind, stretch_id: str | None) -> None:
        if kind is WindowKind.STRETCH and stretch_id is not None:
            self.windows[kind] = self.open_stretch(stretch_id)
        elif kind is WindowKind.JOURNAL and self.open_journal is not None:
            self.windows[kind] = self.open_journal()
        elif kind is WindowKind.CALIBRATE:
            self.actions.calibrate(self.post)  # answers with a Calibrated post
        else:
            self.step(WindowClosed(kind))

    def show_preferences(self) -> None:
        """Open the preferences window, once: a second Preferences… leaves it be."""
        if self.preferences is None and self.open_preferences is not None:
            self.preferences = self.open_preferences()

    def follow_settings(self, *, now: bool = False) -> None:
        """Look at the settings file (every two seconds, or ``now``); a change goes to
        the tray's own users of it and to the session."""
        if self.settings_watch is None:
            return
        change = self.settings_watch.poll(self.clock.monotonic(), now=now)
        if change is None:
            return
        if change.config is not None and self.on_settings is not None:
            self.on_settings(change.config)
        self.step(change)

    def follow_login(self) -> None:
        """Every two seconds, whether Start at login is on: ``settings --edit`` (or the
        preferences window) may have changed it, and the menu's check item follows."""
        mono = self.clock.monotonic()
        if self.settings_watch is None or self.autostart is None or mono < self._login_next:
            return
        self._login_next = mono + INTERVAL
        enabled = autostart_enabled(self.autostart)
        if enabled != self.session.autostart:
            self.step(AutostartState(enabled))

    def poll_windows(self) -> None:
        if self.preferences is not None and self.preferences.poll() is not None:
            self.preferences = None
            self.follow_settings(now=True)  # its last save applies without waiting
            self._login_next = 0.0  # its Start at login tab: the menu follows at once
        for kind, window in list(self.windows.items()):
            result = window.poll()
            if result is not None:
                del self.windows[kind]
                self.step(self.closed(kind, result))

    def closed(self, kind: WindowKind, result: object) -> WindowClosed:
        """A window's result as the session's input (an entry stamped now)."""
        answer = str(getattr(result, "answer", "ignored"))
        make_entry = getattr(result, "entry", None)
        entry = make_entry(self.clock.wall()) if callable(make_entry) else None
        return WindowClosed(kind, answer, entry if kind is WindowKind.JOURNAL else None)

    def write_report(self, day: date) -> ReportWritten:
        path = self.actions.write_report(day)
        return ReportWritten(day, None if path is None else str(path))

    def save_entry(self, entry: JournalEntry) -> JournalSaved:
        return JournalSaved(self.save_journal is not None and self.save_journal(entry))

    def in_background(
        self, job: Callable[[Any], SessionInput], arg: object, failed: SessionInput
    ) -> None:
        """Run ``job(arg)`` off this thread; its result comes back through the inbox. One
        that raises is never silent: the log gets its traceback, the session ``failed``."""

        def run() -> None:
            try:
                self.post(job(arg))
            except Exception:
                log.exception("tray: %s failed", getattr(job, "__name__", "a job"))
                self.post(failed)

        threading.Thread(target=run, name="tray-job", daemon=True).start()

    # -- the end -----------------------------------------------------------------------

    def worker_lost(self) -> bool:
        """The worker thread ended without its last event (the console notices it too)."""
        alive = self.worker_alive
        done = self.session.worker_done
        return alive is not None and not done and not alive() and self.inbox.empty()

    def drain_worker(self) -> None:
        """Take the worker's last events (the open sitting bout, Stopped), so the history
        gets them; waits at most :data:`STOP_WAIT` seconds of clock time, and not at all
        once the worker thread has ended and its events are taken."""
        deadline = self.clock.monotonic() + STOP_WAIT
        while not self.session.worker_done and self.clock.monotonic() < deadline:
            item = self.clock.take(self.inbox, 0.05)
            if item is not None:
                self.take(item)
            elif not (self.worker_alive and self.worker_alive()) and self.inbox.empty():
                return

    def shutdown(self) -> None:
        self.loop.stop()
        self.drain_worker()
        stretch = self.windows.pop(WindowKind.STRETCH, None)
        if stretch is not None:  # recorded as ignored (or what it said)
            self.step(self.closed(WindowKind.STRETCH, stretch.close() or object()))
        journal = self.windows.pop(WindowKind.JOURNAL, None)
        if journal is not None:
            journal.close()  # unanswered: nothing to save
        self.actions.close()  # an open calibration window: nothing saved
        if self.preferences is not None:
            self.preferences.close()  # what it saved is in the file already
        if self.history is not None:
            self.history.close(self.session.time(self.now()))
        if self.icon is not None:
            self.icon.stop()
        if self.quit_requested.is_set():  # after the icon is gone: the user sees Quit at once
            self.actions.write_report(local_datetime(self.clock).date())
