"""The tray's one state thread: monitor events in, icon, prompts and journal out.

Threads, as in Safe Eyes: pystray owns the main thread and only draws; the monitor loop
runs on a worker; everything that changes state happens here, on the controller thread,
which reads one inbox. The worker posts its events, menu clicks post their entry ids,
and a half-second tick polls the stretch window and refreshes the tooltip. So no two
threads ever touch the status, the prompt scheduler or the journal at once.

One window at a time: the stretch, pain-journal and calibration windows would cover each
other (at ``daily_at`` during a break the journal hid the stretch completely), so a window
asked for while another is open waits in a queue and opens when that one closes.

"Today" in the tooltip and the menu's status line is the history's today, read with the
report's own aggregation when the tray starts and whenever the history has taken a new
minute (about once a minute while someone is watched), so it agrees with ``report``.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Protocol

from posture_watch.clock import Clock, SystemClock, local_datetime, local_timezone
from posture_watch.config import AppConfig
from posture_watch.core.analyzer import Verdict
from posture_watch.core.dates import midnight_after
from posture_watch.core.events import (
    BreakEnded,
    BreakStarted,
    LongSittingAlert,
    SittingBoutEnded,
    SlouchAlert,
    StateChanged,
)
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
from posture_watch.core.report import Summary, day_bounds, summarize
from posture_watch.core.scoring import Baseline, PostureState
from posture_watch.core.status import MonitorStatus, TodayFigures, format_minutes
from posture_watch.core.worker_events import (
    CameraBusy,
    CameraFree,
    CameraRecovered,
    CameraUnavailable,
    Command,
    FrameSkipped,
    Pause,
    Paused,
    Recalibrated,
    Resume,
    Resumed,
    ScreenLocked,
    ScreenUnlocked,
    SetBaseline,
    SetupChanged,
    SourceEnded,
    Stopped,
    Suspended,
    WorkerCrashed,
    WorkerFailed,
)
from posture_watch.desktop.icons import draw_icon
from posture_watch.errors import PostureWatchError
from posture_watch.monitor.control import (
    ControlCommand,
    ControlReply,
    ControlRequest,
    PendingControl,
    pause_message,
    pause_seconds,
)
from posture_watch.monitor.event_log import EventLog
from posture_watch.tray.menu import MenuEntry, menu_entries

MONITOR_EVENTS = (
    CameraUnavailable,
    CameraRecovered,
    CameraBusy,
    CameraFree,
    ScreenLocked,
    ScreenUnlocked,
    FrameSkipped,
    Paused,
    Resumed,
    Recalibrated,
    SetupChanged,
    SourceEnded,
    Suspended,
    WorkerCrashed,
    WorkerFailed,
)
#: Timeline events that come on their own, outside a verdict: at a screen lock and unlock
#: (the break a long lock makes), and the open bout at the end.
TIMELINE_EVENTS = (StateChanged, SittingBoutEnded, BreakStarted, BreakEnded)
TICK = 0.5
#: How long shutdown waits for the worker's last events (the open bout, Stopped).
STOP_WAIT = 1.5
DOCK_CHECK_TICKS = 4  # every 2 s: see TrayIcon.keep_docked
#: For the first ticks, every tick: a tray host that dropped the first dock request (trayer
#: did in about 1 launch in 5) gets asked again within a second, not after four.
DOCK_CHECK_EARLY = 20
PAUSES = {"pause-15": 15 * 60.0, "pause-60": 60 * 60.0}
MINUTE = 60
#: The windows that take turns (see the module docstring).
STRETCH, JOURNAL, CALIBRATE = "stretch", "journal", "calibrate"

log = logging.getLogger(__name__)


class Icon(Protocol):
    def update(self, image: object | None, tooltip: str) -> None: ...
    def set_menu(self, entries: list[MenuEntry]) -> None: ...
    def keep_docked(self) -> None: ...
    def stop(self) -> None: ...


class Notifier(Protocol):
    def notify(self, title: str, body: str, *, urgency: str = "normal") -> bool: ...


class HistorySink(Protocol):
    """The SQLite history (``posture_watch.history.recorder.HistoryRecorder``)."""

    def on_event(self, event: object) -> None: ...
    def close(self, t_end: float) -> None: ...


class Worker(Protocol):
    """The monitor loop, as the controller sees it: a command queue, nothing else."""

    def send(self, command: Command) -> None: ...
    def stop(self) -> None: ...


class Autostart(Protocol):
    """Start at login (``posture_watch.desktop.autostart``), for the menu's check item."""

    def is_enabled(self) -> bool: ...
    def set_enabled(self, enabled: bool) -> None: ...


class StretchWindow(Protocol):
    def poll(self) -> object | None: ...
    def close(self) -> object | None: ...


#: The error of a :class:`Calibrated` when the user closed the calibration window.
CANCELLED = "cancelled"


@dataclass(frozen=True)
class Notice:
    """A notification to show from the controller thread (the first-run hint, the demo's
    "what you'll see"); posted like a menu click."""

    title: str
    body: str


@dataclass(frozen=True)
class Calibrated:
    """Posted by the calibration thread: the new baseline, or the error line."""

    baseline: Baseline | None
    error: str | None = None
    profile: str = "default"


class TrayController:
    """Turns the monitor's events into icon states, prompts and journal lines."""

    def __init__(
        self,
        loop: Worker,
        config: AppConfig,
        scheduler: PromptScheduler,
        notifier: Notifier,
        journal: EventLog,
        *,
        open_stretch: Callable[[str], StretchWindow],
        actions: TrayActions,
        clock: Clock | None = None,
        stop_after: float | None = None,
        open_history: Callable[[], HistorySink | None] | None = None,
        open_journal: Callable[[], StretchWindow] | None = None,
        save_journal: Callable[[object], bool] | None = None,
        autostart: Autostart | None = None,
        tz: tzinfo | None = None,
        first_run_hint: str | None = None,
    ) -> None:
        self.loop, self.config, self.scheduler = loop, config, scheduler
        self.notifier, self.journal, self.actions = notifier, journal, actions
        self._open_stretch = open_stretch
        self._open_history = open_history
        self._open_journal, self._save_journal = open_journal, save_journal
        self._journal_window: StretchWindow | None = None
        self._autostart = autostart
        self._autostart_on = self._read_autostart()
        self.history: HistorySink | None = None
        self.quit_requested = False
        self.clock = clock or SystemClock()
        self._stop_after = stop_after
        self._started = self.clock.monotonic()
        #: Set from the worker's WorkerFailed: the process exits with it.
        self.exit_code = 0
        self._worker_done = threading.Event()
        self._last_t = self.clock.wall()
        self.status = MonitorStatus()
        self.inbox: queue.Queue[object] = queue.Queue()
        self.icon: Icon | None = None
        self.stopped = threading.Event()
        self._stretch: tuple[str, StretchWindow] | None = None
        self._camera_down = False
        self._day = self._wall().date()
        self._report_minute = 0
        self._reported_on: date | None = None
        self._shown_tooltip = ""
        self._shown_state = None
        self._menu_key: tuple[bool, bool, str, bool | None] | None = None
        self._ticks = 0
        self.counts = {"slouch_alerts": 0, "long_sitting_alerts": 0, "breaks": 0, "prompts": 0}
        #: The local time zone of the history's days (None: the machine's, as the report).
        self._tz = tz
        #: Windows waiting for the open one to close, oldest first (STRETCH carries its id).
        self._waiting: list[tuple[str, str | None]] = []
        self._minute: int | None = None  # the minute of the last verdict (flush detection)
        self._today: Summary | None = None
        self._journal_saved_on: date | None = None
        #: Said when a first-run calibration is cancelled: how to calibrate later.
        self._first_run_hint = first_run_hint

    # -- called from other threads ------------------------------------------------------

    def post(self, item: object) -> None:
        self.inbox.put(item)

    # -- the controller thread ----------------------------------------------------------

    def run(self) -> None:
        """Handle the inbox until Quit (or the end of a replay), then shut everything down."""
        try:
            # opened here: SQLite connections belong to the thread that made them
            self.history = self._open_history() if self._open_history else None
            self._report_minute = self._minute_of_day()
            self._read_today(self.clock.wall())
            self._refresh()
            while not self.stopped.is_set():
                try:
                    item = self.inbox.get(timeout=TICK)
                except queue.Empty:
                    item = None
                if item is not None:
                    self._handle(item)
                self._tick()
        finally:
            self._shutdown()

    def _handle(self, item: object) -> None:
        if isinstance(item, str):
            self._menu(item)
        elif isinstance(item, Verdict):
            self._verdict(item)
        elif isinstance(item, Calibrated):
            self._calibrated(item)
        elif isinstance(item, Notice):
            self.notifier.notify(item.title, item.body)
        elif isinstance(item, PendingControl):
            item.answer(self._control(item.request))
        elif isinstance(item, TIMELINE_EVENTS):
            self._timeline_event(item)
        elif isinstance(item, MONITOR_EVENTS):
            self._monitor_event(item)
        elif isinstance(item, Stopped):
            self._worker_done.set()
            self._record(item)
        elif hasattr(item, "t"):  # the open sitting bout, sent after the last verdict
            self._journal(item)

    def _verdict(self, verdict: Verdict) -> None:
        t = verdict.t
        self._last_t = t
        if self.exit_code == 0:
            self.status.error = None  # a verdict: the restarted worker runs again
        self._record(verdict)  # the history takes the verdict's own events with it
        self.status.observe(t, verdict.state, verdict.sitting_since, reason=verdict.reason)
        minute = int(t // MINUTE)
        if self._minute is not None and minute > self._minute:
            self._read_today(minute * MINUTE)  # the history has just taken the last minute
        self._minute = minute
        problem = None
        if verdict.state == PostureState.SLOUCH:
            problem = problem_from_features(verdict.feature_row(), verdict.lean)
        for event in verdict.events:
            self._log(event)
            self._count(event)
        decisions = self.scheduler.step(
            t,
            verdict.state,
            verdict.events,
            paused=self.status.paused,
            quiet=self._quiet(),
            problem=problem,
        )
        for decision in decisions:
            if isinstance(decision, PromptDue):
                self._show(decision)
            elif isinstance(decision, PromptSuppressed):
                self._journal(decision)
        self._refresh()

    def _timeline_event(
        self, event: StateChanged | SittingBoutEnded | BreakStarted | BreakEnded
    ) -> None:
        """A timeline event without a frame (the screen locked or unlocked): recorded,
        counted and shown to the prompt rules like a verdict's, so a break taken while
        the screen was locked restarts the long-sitting reminder."""
        self._journal(event)
        self._count(event)
        if isinstance(event, SittingBoutEnded):
            self.status.sitting_since = None
        t = max(event.t, self._last_t)  # the rules never go back in time
        self._last_t = t
        for decision in self.scheduler.step(
            t, PostureState.AWAY, (event,), paused=self.status.paused, quiet=self._quiet()
        ):
            if isinstance(decision, PromptSuppressed):  # away: nothing is shown
                self._journal(decision)
        self._refresh()

    def _count(self, event: object) -> None:
        if isinstance(event, SlouchAlert):
            self.counts["slouch_alerts"] += 1
        elif isinstance(event, LongSittingAlert):
            self.counts["long_sitting_alerts"] += 1
        elif isinstance(event, BreakStarted):
            self.counts["breaks"] += 1

    def _monitor_event(self, event: object) -> None:
        self._journal(event)
        match event:
            case Suspended():
                self.status.interrupt()  # the sleep is time away, not sitting
            case WorkerCrashed(error=error, restart_in=restart, log_file=log_file):
                self.status.error = error
                self.status.interrupt()
                self.notifier.notify(
                    "posture-watch hit an error",
                    f"{error}\nRestarting in {restart:.0f} s. Details: {log_file}",
                    urgency="critical",
                )
            case WorkerFailed(error=error, exit_code=code):
                self.status.error = error
                self.exit_code = code
                self.notifier.notify("posture-watch stopped", error, urgency="critical")
                self.stopped.set()
            case CameraUnavailable(reason=reason):
                self.status.camera_busy = None  # a busy spell can end as a real problem
                self.status.camera_problem = True
                self.status.interrupt()
                if not self._camera_down:
                    self.notifier.notify(
                        "Camera unavailable",
                        f"{reason}. posture-watch keeps trying and resumes by itself.",
                    )
                self._camera_down = True
            case CameraRecovered():
                self.status.camera_problem = self._camera_down = False
                self.notifier.notify("Camera back", "posture-watch is watching again.")
            case CameraBusy(by=by):
                # a video call has the camera: a neutral state, no notification (it
                # would show on a shared screen), and the time is not monitored
                self.status.camera_busy = by
                self.status.interrupt()
            case CameraFree():
                self.status.camera_busy = None
            case ScreenLocked():
                self.status.locked = True
                self.status.interrupt()
            case ScreenUnlocked():
                self.status.locked = False
            case SetupChanged(matched=None):
                self.notifier.notify(
                    "Your set-up looks different",
                    "Your set-up looks different from your calibration — recalibrate? "
                    "(Calibrate… in the tray menu.) Until then you are scored uncalibrated.",
                )
            case SetupChanged(matched=name):
                self.notifier.notify(
                    "Set-up recognised", f"Your set-up matches profile '{name}': using it."
                )
            case Paused():
                self.status.paused = True
                self.status.interrupt()
            case Resumed():
                self.status.paused = False
            case SourceEnded():  # the replay is over: end as Quit does, with the report
                self.quit_requested = True
                self.stopped.set()
        self._refresh()

    # -- prompts ------------------------------------------------------------------------

    def _show(self, due: PromptDue) -> None:
        """A nudge is a notification that says why (:func:`nudge_message`); a break also
        opens the stretch window, and a stretch asked for from the menu opens only the
        window (after any other window that is open)."""
        self.counts["prompts"] += 1
        prompt = due.prompt
        stretch = due.stretch or (prompt if prompt.kind is PromptKind.STRETCH else None)
        if due.reason is not Reason.MANUAL:
            nudge = nudge_message(due)
            if not self.notifier.notify(nudge.title, nudge.body):
                # nobody saw it: the history must not count it as a prompt shown
                self._journal(PromptSuppressed(due.t, due.reason, Why.NOT_SHOWN))
                return
        self._journal(due.shown())
        if stretch is not None and not self._stretch_asked():
            self._want(STRETCH, stretch.id)

    # -- windows: one at a time ---------------------------------------------------------

    def _window_open(self) -> bool:
        return (
            self._stretch is not None or self._journal_window is not None or self.status.calibrating
        )

    def _stretch_asked(self) -> bool:
        """A stretch window is open or waiting: another one would only repeat it."""
        return self._stretch is not None or any(k == STRETCH for k, _ in self._waiting)

    def _want(self, kind: str, stretch_id: str | None = None) -> None:
        """Open window ``kind`` now, or once the open one closes (the same kind waits
        only once)."""
        if any(k == kind for k, _ in self._waiting):
            return
        self._waiting.append((kind, stretch_id))
        self._open_next()

    def _open_next(self) -> None:
        while self._waiting and not self._window_open():
            kind, stretch_id = self._waiting.pop(0)
            if kind == STRETCH and stretch_id is not None:
                self._stretch = (stretch_id, self._open_stretch(stretch_id))
            elif kind == JOURNAL and self._open_journal is not None:
                self._journal_window = self._open_journal()
            elif kind == CALIBRATE:
                self._start_calibration()

    def _poll_stretch(self) -> None:
        if self._stretch is None:
            return
        prompt_id, window = self._stretch
        result = window.poll()
        if result is not None:
            self._stretch = None
            self._answered(prompt_id, str(getattr(result, "answer", "ignored")))
            self._open_next()

    def _answered(self, prompt_id: str, answer: str) -> None:
        try:
            value = Answer(answer)
        except ValueError:
            value = Answer.IGNORED
        self._journal(self.scheduler.answered(self._now(), prompt_id, value))

    # -- menu ---------------------------------------------------------------------------

    def _menu(self, entry: str) -> None:
        t = self._now()
        if entry in PAUSES:
            self.loop.send(Pause(PAUSES[entry]))
        elif entry == "pause-tomorrow":
            wall = self.clock.wall()
            self.loop.send(Pause(midnight_after(wall) - wall))
        elif entry == "resume":
            self.loop.send(Resume())
        elif entry == "stretch":
            if not self._stretch_asked():
                self._show(self.scheduler.stretch_now(t))
        elif entry == "calibrate":
            self.calibrate()
        elif entry == "report":
            self._read_today(self._written_to())
            self.actions.open_report(self.notifier, self._wall().date(), self.summary())
        elif entry == "journal":
            self._want(JOURNAL)
        elif entry == "settings":
            self.actions.open_settings(self.notifier)
        elif entry == "autostart":
            self._toggle_autostart()
        elif entry == "quit":
            self.quit_requested = True  # Quit (not a signal) also writes today's report
            self.stopped.set()
        elif entry == "stop":  # a signal: stop quickly
            self.stopped.set()
        self._refresh()

    def _control(self, request: ControlRequest) -> ControlReply:
        """``posture-watch pause 30m`` and friends, from the control socket: what the
        menu's items do, with a line for the terminal."""
        match request.command:
            case ControlCommand.PAUSE:
                wall = self.clock.wall()
                self.loop.send(Pause(pause_seconds(request, wall)))
                reply = ControlReply(True, pause_message(request, wall))
            case ControlCommand.RESUME:
                was_paused = self.status.paused
                self.loop.send(Resume())
                reply = ControlReply(True, "resumed" if was_paused else "not paused")
            case ControlCommand.STATUS:
                t = self._now()
                line = self.status.status_line(t, note=self.status.error)
                reply = ControlReply(True, line, self.status.facts(t))
            case ControlCommand.STRETCH:
                if self._stretch is not None:
                    return ControlReply(True, "a stretch window is already open")
                if self._stretch_asked():
                    return ControlReply(True, "a stretch window opens when the open window closes")
                self._menu("stretch")
                if self._stretch is None:
                    reply = ControlReply(
                        True, "the stretch window opens when the open window closes"
                    )
                else:
                    reply = ControlReply(True, "stretch window opened")
            case ControlCommand.QUIT:
                self._menu("quit")
                reply = ControlReply(True, "quitting")
            case _:
                reply = ControlReply(False, f"unknown command {request.command}")
        self._refresh()
        return reply

    def _read_autostart(self) -> bool | None:
        if self._autostart is None:
            return None
        try:
            return self._autostart.is_enabled()
        except OSError:
            return False

    def _toggle_autostart(self) -> None:
        if self._autostart is None:
            return
        want = not self._autostart_on
        try:
            self._autostart.set_enabled(want)
        except (OSError, PostureWatchError) as exc:
            reason = exc.one_line() if isinstance(exc, PostureWatchError) else str(exc)
            self.notifier.notify("Start at login", f"Could not change it: {reason}")
        self._autostart_on = self._read_autostart()

    def calibrate(self) -> None:
        """Open the guided calibration window (the menu's Calibrate…, and the first run
        without any profile), after any other window that is open; the monitor releases
        the camera meanwhile."""
        if self.status.calibrating:
            return
        self._want(CALIBRATE)
        self._refresh()

    def _start_calibration(self) -> None:
        self.status.calibrating = True
        self.loop.send(Pause(None))
        self.actions.calibrate(self.post)

    def _calibrated(self, result: Calibrated) -> None:
        self.status.calibrating = False
        if result.baseline is not None:
            self._first_run_hint = None
            self.loop.send(SetBaseline(result.baseline, result.profile))
            self.notifier.notify(
                "Calibrated",
                f"Your upright posture is the new reference (profile '{result.profile}').",
            )
        elif result.error != CANCELLED:  # the user closed the window: just carry on
            self.notifier.notify("Calibration failed", result.error or "unknown error")
        if result.baseline is None and self._first_run_hint is not None:
            # the first run's calibration was skipped: say once how to do it later
            self.notifier.notify("Not calibrated yet", self._first_run_hint)
            self._first_run_hint = None
        self.loop.send(Resume())
        self._open_next()
        self._refresh()

    def summary(self) -> str:
        """A few lines on today so far, with the report's figures when there is a history
        (the menu's Today's report shows them when no report can be written)."""
        today = self._today
        share = self.status.upright_share
        upright = f"{share:.0%} of your sitting time" if share is not None else "not measured yet"
        watched = format_minutes(self.status.monitored_today)
        if today is None:  # no history: what this launch saw
            lines = [
                f"Watched since posture-watch started: {watched}",
                f"Upright: {upright}",
                f"Slouching reminders: {self.counts['slouch_alerts']}, "
                f"break reminders: {self.counts['long_sitting_alerts']}",
                f"Breaks taken: {self.counts['breaks']}, nudges shown: {self.counts['prompts']}",
            ]
        else:
            nudges = today.prompts.asked + today.prompts.notifications
            lines = [
                f"Watched today: {watched}",
                f"Upright: {upright}",
                f"Slouching reminders: {today.slouch_alerts}, "
                f"break reminders: {today.long_sitting_alerts}",
                f"Breaks taken: {today.breaks}, nudges shown: {nudges}",
            ]
        return "\n".join(lines)

    # -- today, from the history --------------------------------------------------------

    def _written_to(self) -> float:
        """Up to when the history holds whole minutes (the start of the current one)."""
        return (self._minute * MINUTE) if self._minute is not None else self.clock.wall()

    def _read_today(self, written_to: float) -> None:
        """Read today's figures from the history with the report's aggregation and hand
        them to the status; the history covers every minute before ``written_to``."""
        store = getattr(self.history, "store", None)
        if store is None or not hasattr(store, "read_history"):
            return
        day = self._wall().date()
        tz = self._timezone()
        try:
            history = store.read_history(*day_bounds(day, tz))
        except PostureWatchError as exc:  # locked or damaged: keep the last figures
            log.warning("cannot read today's figures from the history: %s", exc)
            return
        self._today = summarize(history, day, tz)
        self.status.set_today(
            TodayFigures(self._today.upright_s, self._today.slouch_s, self._today.monitored_s),
            written_to,
        )

    def _timezone(self) -> tzinfo:
        if self._tz is None:
            self._tz = local_timezone()
        return self._tz

    def _journal_today(self) -> bool:
        """Whether today already has a pain-journal entry in the history."""
        if self._journal_saved_on == self._wall().date():
            return True
        store = getattr(self.history, "store", None)
        if store is None or not hasattr(store, "journal_entries"):
            return False
        try:
            return bool(store.journal_entries(*day_bounds(self._wall().date(), self._timezone())))
        except PostureWatchError:
            return False

    # -- housekeeping -------------------------------------------------------------------

    def _tick(self) -> None:
        self._poll_stretch()
        self._poll_journal()
        self._ticks += 1
        early = self._ticks <= DOCK_CHECK_EARLY
        if self.icon is not None and (early or self._ticks % DOCK_CHECK_TICKS == 0):
            self.icon.keep_docked()
        today = self._wall().date()
        if today != self._day:
            self._day = today
            self.status.new_day()
            self.counts = dict.fromkeys(self.counts, 0)
            self._today = None
            self._read_today(self._written_to())
        self._daily_report()
        elapsed = self.clock.monotonic() - self._started
        if self._stop_after is not None and elapsed >= self._stop_after:
            self.stopped.set()
        self._refresh()

    def _quiet(self) -> bool:
        return self.config.quiet_hours.contains(self._minute_of_day())

    def _journal(self, event: object) -> None:
        """Every event goes to the journal file and to the history."""
        self._log(event)
        self._record(event)

    def _log(self, event: object) -> None:
        self.journal.write(event, self._wall())

    def _record(self, event: object) -> None:
        if self.history is not None:
            self.history.on_event(event)

    def _wall(self) -> datetime:
        """Local date and time from the injected clock (quiet hours, reports, midnight)."""
        return local_datetime(self.clock)

    def _now(self) -> float:
        """Epoch seconds for events the controller makes (answers, manual stretches)."""
        return max(self.clock.wall(), self._last_t)

    def _minute_of_day(self) -> int:
        now = self._wall()
        return now.hour * 60 + now.minute

    def _daily_report(self) -> None:
        """Write today's report when the clock passes ``[report] daily_at``, once a day
        (the hour repeated when the clocks go back, or a clock set back, passes it again)."""
        due = self.config.report.daily_at
        now = self._minute_of_day()
        previous, self._report_minute = self._report_minute, now
        crossed = previous < due <= now or (now < previous and due <= now) if due else False
        today = self._wall().date()
        if due is not None and crossed and self._reported_on != today:
            self._reported_on = today
            path = self.actions.write_report(today)
            if path is not None:
                self.notifier.notify("Today's posture report", f"Written to {path}")
            if self.config.report.journal_prompt and not self._journal_today():
                self._want(JOURNAL)  # "How do you feel today?" once a day, not twice

    # -- the pain journal ---------------------------------------------------------------

    def _poll_journal(self) -> None:
        if self._journal_window is None:
            return
        result = self._journal_window.poll()
        if result is None:
            return
        self._journal_window = None
        self._open_next()
        entry = getattr(result, "entry", lambda _t: None)(self._wall().timestamp())
        if entry is not None and self._save_journal is not None:
            if self._save_journal(entry):
                self._journal_saved_on = self._wall().date()
                self.notifier.notify("Pain journal", "Saved. The weekly report sets it against "
                                     "your posture and sitting time.")  # fmt: skip
            else:
                self.notifier.notify("Pain journal", "Could not save the entry (see the log).")

    def _refresh(self) -> None:
        """Redraw the icon, tooltip and menu when they changed."""
        if self.icon is None:
            return
        state = self.status.state
        tooltip = self.status.tooltip(self._now(), note=self.status.error)
        if state != self._shown_state or tooltip != self._shown_tooltip:
            image = draw_icon(state) if state != self._shown_state else None
            self.icon.update(image, tooltip)
            self._shown_state, self._shown_tooltip = state, tooltip
        line = self.status.status_line(self._now(), note=self.status.error)
        key = (self.status.paused, self.status.calibrating, line, self._autostart_on)
        if key != self._menu_key:
            self.icon.set_menu(
                menu_entries(
                    paused=key[0], calibrating=key[1], status=line, autostart=self._autostart_on
                )
            )
            self._menu_key = key

    def _drain_worker(self) -> None:
        """Take the worker's last events (the open sitting bout, Stopped), so the history
        gets them; waits at most :data:`STOP_WAIT` seconds."""
        polls = round(STOP_WAIT / 0.05)  # in real time, whatever clock the tests inject
        while not self._worker_done.is_set() and polls > 0:
            try:
                item = self.inbox.get(timeout=0.05)
            except queue.Empty:
                polls -= 1
                continue
            if isinstance(item, Verdict):
                self._record(item)  # no prompts any more, but the minutes count
            elif not isinstance(item, str):  # menu clicks after Quit are dropped
                self._handle(item)

    def _shutdown(self) -> None:
        self.loop.stop()
        self._drain_worker()
        if self._stretch is not None:
            prompt_id, window = self._stretch
            result = window.close()
            self._stretch = None
            self._answered(prompt_id, str(getattr(result, "answer", "ignored")))
        if self._journal_window is not None:
            self._journal_window.close()  # unanswered: nothing to save
            self._journal_window = None
        self._waiting.clear()
        self.actions.close()  # an open calibration window: nothing saved
        if self.history is not None:
            self.history.close(self._now())
        if self.icon is not None:
            self.icon.stop()
        if self.quit_requested:  # after the icon is gone: the user sees Quit at once
            self.actions.write_report(self._wall().date())


class TrayActions(Protocol):
    """Slow or platform-specific menu actions, run off the controller thread."""

    def calibrate(self, post: Callable[[object], None]) -> None: ...
    def open_settings(self, notifier: Notifier) -> None: ...
    def open_report(self, notifier: Notifier, today: date, summary: str) -> None: ...
    def write_report(self, today: date) -> Path | None: ...
    def close(self) -> None: ...
