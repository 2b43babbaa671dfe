"""``posture-watch tray``: the monitor in the background with a tray icon (the main job).

The main thread belongs to pystray (macOS requires it); the monitor loop runs on a
worker and the :class:`~posture_watch.tray.controller.TrayController` on its own thread.
Quit, SIGTERM and Ctrl-C all end in the controller's shutdown: the loop stops (releasing
the camera), an open stretch window is closed and recorded as ignored, the icon goes.
"""

from __future__ import annotations

import argparse
import random
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from posture_watch.commands.demo import demo_notice, start_line
from posture_watch.commands.foreground import SIGNAL_EXIT, early_stops, say
from posture_watch.commands.launch import (
    Launched,
    end_demo,
    failure_notice,
    launch,
    tell_desktop,
)
from posture_watch.commands.monitor_options import add_monitor_options
from posture_watch.config import AppConfig
from posture_watch.core.menu import MenuAction
from posture_watch.core.prompt_rules import PromptRules, PromptScheduler
from posture_watch.core.prompts import PromptChooser
from posture_watch.core.status import TrayState
from posture_watch.core.stream import Notice, StopAsked
from posture_watch.core.text import N_, _, pgettext
from posture_watch.core.worker_events import SetLocked
from posture_watch.desktop.do_not_disturb import DisturbWatch
from posture_watch.desktop.icons import draw_icon
from posture_watch.desktop.session_watch import SessionWatch
from posture_watch.errors import PostureWatchError
from posture_watch.model import OWN_MODEL
from posture_watch.monitor.control import ControlServer, relay
from posture_watch.monitor.event_log import EventLog
from posture_watch.monitor.instance import TRAY
from posture_watch.monitor.setup import MonitorSetup
from posture_watch.offline import enforce_offline_in_cli
from posture_watch.prompt_library import load_prompts
from posture_watch.tray.actions import DesktopActions
from posture_watch.tray.backend import TrayIcon, ensure_display
from posture_watch.tray.controller import TrayController
from posture_watch.tray.ports import HistorySink, Notifier, Window
from posture_watch.tray.preload import preload
from posture_watch.tray.settings_watch import SettingsWatch, as_run

#: How long shutdown may wait for the monitor worker (the issue allows 2 s in all).
JOIN_TIMEOUT = 1.5
#: How long Quit may take to write today's report once the icon is gone.
REPORT_TIMEOUT = 30.0


def _open_journal_window() -> Window:
    from posture_watch.desktop.journal_process import JournalWindowProcess

    window = JournalWindowProcess()
    window.start()
    return window


def _save_journal(path: Path, entry: object) -> bool:
    """Add a journal entry with its own short-lived connection (WAL allows a second one)."""
    from posture_watch.history.store import HistoryStore

    try:
        with HistoryStore.open(path) as store:
            store.add_journal(entry)  # type: ignore[arg-type]
    except PostureWatchError as exc:
        print(
            _("posture-watch: journal not saved: {one_line}").format(one_line=exc.one_line()),
            file=sys.stderr,
        )
        return False
    return True


def _open_history(path: Path, started: float, notifier: Notifier) -> HistorySink | None:
    """The SQLite history recorder. When the file is corrupt or locked it keeps today's
    history in memory and says so once, on the console and as a notification."""
    from posture_watch.history.recorder import open_recorder

    def told(title: str) -> Callable[[str], None]:
        def tell(line: str) -> None:
            print(_("posture-watch: {line}").format(line=line), file=sys.stderr, flush=True)
            notifier.notify(title, line)

        return tell

    # the recorder's good news (space again, a deleted file started again) apart
    return open_recorder(
        path,
        started,
        report=told(pgettext("notification", "History unavailable")),
        recovered=told(pgettext("notification", "History saved again")),
    )


class LoginStart:
    """The menu's "Start at login" item over :mod:`posture_watch.desktop.autostart`."""

    def is_enabled(self) -> bool:
        from posture_watch.desktop import autostart

        return autostart.is_enabled()

    def set_enabled(self, enabled: bool) -> None:
        from posture_watch.desktop import autostart

        if enabled:
            autostart.enable()
        else:
            autostart.disable()


def _uncalibrated_start(args: argparse.Namespace, setup: MonitorSetup) -> bool:
    """No profile at all, none chosen, and not the demo (which brings its own): the
    desktop should say that calibrating helps."""
    from posture_watch.desktop.calibration_process import needs_first_calibration

    chosen = args.calibration is not None or args.profile is not None
    chosen = chosen or bool(getattr(args, "uncalibrated", False))
    return (
        not setup.demo
        and not chosen
        and not setup.baseline.calibrated
        and needs_first_calibration()
    )


def _first_run(setup: MonitorSetup, uncalibrated: bool) -> bool:
    """The first run with a webcam and no profile at all: calibrating is the first thing
    to do, so the tray opens the calibration window by itself (not for replays, nor when
    a calibration was chosen, nor while the camera is missing)."""
    return uncalibrated and bool(getattr(setup.first, "live", False))


#: The first-run hint: without a profile the desktop would give no sign that calibrating
#: helps (only the terminal says "uncalibrated"). Marked with N_: :func:`calibrate_hint`
#: is the one shown, in the person's language (chosen after import).
CALIBRATE_HINT = Notice(
    N_("Calibrate for better nudges"),
    N_(
        "posture-watch is comparing you with typical people until you calibrate. Sit upright "
        "and choose Calibrate… in the tray menu: it takes about 10 seconds."
    ),
)


def calibrate_hint() -> Notice:
    """:data:`CALIBRATE_HINT` in the person's language."""
    return Notice(_(CALIBRATE_HINT.title), _(CALIBRATE_HINT.body))


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tray", help=_("run the posture monitor with a tray icon (the main job)"))
    add_monitor_options(p)
    p.add_argument("--events", type=Path, metavar="FILE", help=_("the event log (JSON lines)"))
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Start the tray; a start that fails says so in a notification too (the tray that
    starts at login has nobody reading its stderr)."""
    try:
        with launch(args, TRAY, before=_desktop_ready) as launched:
            setup = launched.setup
            if setup.note:
                print(setup.note, flush=True)
            if launched.demo_folder is not None:
                print(start_line(args.speed, launched.demo_folder), flush=True)
            code = _run_tray(args, setup, launched)
            if launched.demo_folder is not None:
                end_demo(launched, getattr(args, "open_report", False), notify=True)
            return code
    except PostureWatchError as exc:
        tell_desktop(failure_notice(exc))
        raise


def _desktop_ready() -> None:
    """Before the camera: the icon needs a display, and the model's telemetry must not
    get out (the launcher opens the report and settings in apps that are not filtered)."""
    ensure_display()
    enforce_offline_in_cli(launcher=True)


def _run_tray(args: argparse.Namespace, setup: MonitorSetup, launched: Launched) -> int:
    from posture_watch.desktop.notify import notifier_for_platform
    from posture_watch.desktop.stretch_process import StretchWindowProcess

    # what Quit loads, while the files are there: a tray outlives its uninstall; joined
    # before returning, so no daemon thread is inside matplotlib while Python shuts down
    warm_up = preload()
    config = setup.config
    uncalibrated = _uncalibrated_start(args, setup)
    first_run = _first_run(setup, uncalibrated)
    scheduler = PromptScheduler(
        PromptRules.from_config(config.prompts),
        PromptChooser(load_prompts(), seed=random.randrange(2**32)),
    )
    journal = EventLog(getattr(args, "events", None))
    snooze_minutes = [config.prompts.snooze / 60]  # the settings file may change it
    stretch_sound = [config.prompts.stretch_sound]

    def open_stretch(prompt_id: str) -> Window:
        window = StretchWindowProcess(
            prompt_id, snooze_minutes=snooze_minutes[0], sound=stretch_sound[0]
        )
        window.start()
        return window

    def open_preferences() -> Window:
        from posture_watch.desktop.preferences_process import PreferencesWindowProcess

        window = PreferencesWindowProcess(launched.settings)
        window.start()
        return window

    def on_settings(new: AppConfig) -> None:
        snooze_minutes[0] = new.prompts.snooze / 60
        stretch_sound[0] = new.prompts.stretch_sound
        actions.sit_max = new.decision.sit_max

    history = history_file = launched.history
    controller: TrayController
    worker: threading.Thread
    icon = TrayIcon(
        draw_icon(TrayState.STARTING), "posture-watch: starting", lambda e: controller.post(e)
    )
    loop = setup.build_loop(lambda event: controller.post(event))
    actions = DesktopActions(
        setup.spec,
        args.profile or "default",
        launched.settings,
        history_file,
        config.decision.sit_max,
        model=setup.model,
        allow_own_model=args.model_variant == OWN_MODEL,
    )
    controller = TrayController(
        loop,
        config,
        scheduler,
        # pystray's own notifications off Linux; a button pressed comes to the inbox
        notifier_for_platform(icon.notify, on_answer=lambda answer: controller.post(answer)),
        journal,
        open_stretch=open_stretch,
        actions=actions,
        clock=setup.clock,
        stop_after=args.seconds,
        open_history=lambda: _open_history(history_file, loop.started, controller.notifier),
        open_journal=_open_journal_window,
        save_journal=lambda entry: _save_journal(history_file, entry),
        autostart=LoginStart(),
        first_run_hint=calibrate_hint().body if first_run else None,
        worker_alive=lambda: worker.is_alive(),
        settings_watch=SettingsWatch(
            launched.settings,
            adjust=as_run(setup, args.stable_interval, args.confirm_interval),
            running=config,
        ),
        on_settings=on_settings,
        open_preferences=open_preferences,
    )
    controller.icon = icon
    worker = threading.Thread(target=loop.run, name="posture-watch-monitor", daemon=True)
    control = threading.Thread(target=controller.run, name="posture-watch-tray", daemon=True)
    received: list[int] = []

    def on_signal(number: int, _frame: object) -> None:
        received.append(number)
        controller.post(StopAsked())  # like Quit, but without the report: exit stays quick

    for sig in SIGNAL_EXIT:
        signal.signal(sig, on_signal)
    for number in early_stops():  # a SIGTERM while starting stops as one now would
        on_signal(number, None)
    if setup.baseline.calibrated:
        started = _("monitoring {source} (calibrated) with a tray icon")
    else:
        started = _("monitoring {source} (uncalibrated) with a tray icon")
    print(started.format(source=setup.spec), flush=True)

    def start() -> None:
        worker.start()
        control.start()
        if setup.demo:
            decision, no_webcam = config.decision, setup.note is not None
            notice = demo_notice(
                args.speed, decision.slouch_after, decision.sit_max, no_webcam=no_webcam
            )
            controller.post(notice)
        if first_run:
            controller.post(MenuAction.CALIBRATE)  # as the menu's Calibrate…: the window
        elif uncalibrated:
            controller.post(calibrate_hint())  # another source, or no camera yet

    # `posture-watch pause 30m` and friends; after the instance lock, so a second tray
    # still exits 3 before it touches the socket
    server = ControlServer(relay(controller.post), history, clock=setup.clock)
    # the screen lock and sleep release the camera (one line when a bus is missing)
    session = SessionWatch(
        lambda locked, by: loop.send(SetLocked(locked, by)),
        say=lambda line: say(_("posture-watch: {line}").format(line=line)),  # from its thread
    )
    # do not disturb: a full-screen window or paused notifications hold nudges back
    disturb = DisturbWatch(
        controller.post,
        say=lambda line: say(_("posture-watch: {line}").format(line=line)),
        resting=controller.quiet,  # nothing to hold back while nothing is watched
    )
    try:
        session.start()
        disturb.start()
        try:
            server.start()
        except PostureWatchError as exc:  # the monitor still works without it
            print(
                _("posture-watch: control commands unavailable: {one_line}").format(
                    one_line=exc.one_line()
                ),
                flush=True,
            )
        icon.run(start)
    finally:
        session.close()
        disturb.close()
        server.close()
        controller.post(StopAsked())
        loop.stop()
        # Quit from the menu writes today's report after the icon has gone: wait for it
        control.join(REPORT_TIMEOUT if controller.quit_requested.is_set() else JOIN_TIMEOUT)
        worker.join(JOIN_TIMEOUT)
        warm_up.join(REPORT_TIMEOUT)
        journal.close()
    counts = loop.counts()  # one snapshot, safe even if the worker has not ended yet
    if not setup.demo:  # the demo says what happened instead (commands/demo.py)
        print(
            _("stopped: {analysed} frames analysed of {seen} read").format(
                analysed=counts.analysed, seen=counts.seen
            ),
            flush=True,
        )
    if controller.finished.is_set() and controller.exit_code:  # its results are final
        print(
            _("posture-watch: {error}").format(error=controller.error), file=sys.stderr, flush=True
        )
        return controller.exit_code
    return SIGNAL_EXIT.get(signal.Signals(received[0]), 0) if received else 0
