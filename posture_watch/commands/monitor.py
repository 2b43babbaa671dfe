"""``posture-watch monitor --no-tray``: the monitor loop with console logging.

The same loop the tray runs, for headless machines and services. It logs one line per
state change, alert, break, camera problem, screen lock, video call and suspend. A
:class:`~posture_watch.desktop.session_watch.SessionWatch` follows the screen lock and
sleep on D-Bus for any source (it is one idle thread; without a bus it says so once), so a
locked screen releases the camera. SIGTERM, SIGHUP or Ctrl-C stop it cleanly within about
a second, releasing the camera and writing the open minute. So does a closed or full
output (``| head -1``, a log reader that died, ``> /dev/full``): then it exits with
:data:`~posture_watch.commands.foreground.EXIT_OUTPUT_LOST`, never 0 and never with a
thread's traceback (every line goes through one
:class:`~posture_watch.commands.foreground.ConsoleOutput`).

The status ``posture-watch status`` reads and the control socket's answers come from the
same :class:`~posture_watch.core.session.Session` the tray steps, with windows off: this
module only carries out what a console can (record, reply, stop) and prints the lines.
"""

from __future__ import annotations

import argparse
import queue
import signal
import threading
from datetime import datetime
from pathlib import Path

from posture_watch.clock import local_timezone
from posture_watch.commands.demo import start_line
from posture_watch.commands.foreground import (
    EXIT_OUTPUT_LOST,
    SIGNAL_EXIT,
    ConsoleOutput,
    early_stops,
)
from posture_watch.commands.launch import end_demo, launch
from posture_watch.commands.monitor_options import add_monitor_options
from posture_watch.core import effects as fx
from posture_watch.core import formats
from posture_watch.core.analyzer import Verdict
from posture_watch.core.durations import format_minutes, format_span
from posture_watch.core.events import (
    BreakEnded,
    BreakStarted,
    LongSittingAlert,
    SlouchAlert,
    StateChanged,
)
from posture_watch.core.prompt_rules import Reason, why_sentence
from posture_watch.core.prompts import Problem, problem_from_features
from posture_watch.core.scoring import PostureState
from posture_watch.core.session import Session, SessionSettings
from posture_watch.core.stream import ControlAsked, Now, Tick, WorkerLost
from posture_watch.core.text import _, language, pgettext
from posture_watch.core.worker_events import (
    CameraBusy,
    CameraFree,
    CameraRecovered,
    CameraUnavailable,
    FrameSkipped,
    Paused,
    Resumed,
    ScreenLocked,
    ScreenUnlocked,
    SetLocked,
    SetupChanged,
    Stopped,
    Suspended,
    WorkerCrashed,
    WorkerFailed,
)
from posture_watch.desktop.session_watch import SessionWatch
from posture_watch.errors import PostureWatchError
from posture_watch.history import open_recorder
from posture_watch.history.recorder import HistoryRecorder
from posture_watch.monitor.control import ControlServer, PendingControl, relay
from posture_watch.monitor.instance import CONSOLE
from posture_watch.monitor.loop import MonitorLoop
from posture_watch.monitor.remote_loop import RemoteLoop
from posture_watch.monitor.setup import MonitorSetup
from posture_watch.offline import enforce_offline_in_cli
from posture_watch.tray.settings_watch import SettingsWatch, as_run

#: Seconds between the console's own steps when no event comes (``--seconds``, the
#: settings file, a pause running out). 1 s, not 0.1 s: a paused console then costs
#: 0.01 instead of 0.11 CPU s a minute (``benchmarks/bench_idle.py``).
TICK = 1.0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "monitor", help=_("run the posture monitor (tray, or console with --no-tray)")
    )
    p.add_argument("--no-tray", action="store_true", help=_("log to the console, no tray icon"))
    add_monitor_options(p)
    p.set_defaults(run=run)


def describe(event: object, problem: Problem | None = None) -> str | None:
    """One console line for the events worth logging (None for the rest); the caller
    puts the session time in front. Alerts say what was seen
    and for how long, in the words of the tray's nudges; ``problem`` is what a slouch
    looked like (a verdict works it out from its own frame)."""
    match event:
        case Verdict(events=events, reason=reason, state=state):
            if state == PostureState.SLOUCH:
                problem = problem_from_features(event.feature_row(), event.lean)
            lines = [
                # "state: unknown" gains why: "state: unknown (too dark)"
                pgettext("console", "state: {state} ({reason})").format(
                    state=state_word(e.state), reason=reason
                )
                if reason is not None
                and isinstance(e, StateChanged)
                and e.state == PostureState.UNKNOWN
                else describe(e, problem)
                for e in events
            ]
            return "\n".join(line for line in lines if line) or None
        case StateChanged(state=state):
            return pgettext("console", "state: {state}").format(state=state_word(state))
        case SlouchAlert(t=t, episode_start=start):
            why = _lower_first(why_sentence(Reason.SLOUCH, t - start, problem).rstrip("."))
            # "ALERT slouch: " is the line's fixed key, which scripts look for
            # (docs/words.md): it stays as it is; what follows is for the person
            return "ALERT slouch: " + pgettext(
                "console", "{why} — sit back, shoulders down"
            ).format(why=why)
        case LongSittingAlert(t=t, sitting_since=since):
            why = _lower_first(why_sentence(Reason.LONG_SITTING, t - since).rstrip("."))
            return "ALERT long sitting: " + pgettext(
                "console", "{why} — time to stand and move"
            ).format(why=why)
        case BreakStarted():
            return pgettext("console", "break: away long enough to count as a break")
        case BreakEnded(t=t, away_since=since):
            return pgettext("console", "back from a break of {span}").format(
                span=format_span(t - since)
            )
        case CameraUnavailable(reason=reason, retry_in=retry):
            return pgettext(
                "console", "camera unavailable: {reason}; retrying in {seconds} s"
            ).format(reason=reason, seconds=f"{retry:.0f}")
        case CameraRecovered():
            return pgettext("console", "camera available again")
        case FrameSkipped(reason=reason):
            return pgettext("console", "skipped a damaged frame: {reason}").format(reason=reason)
        case ScreenLocked():
            return pgettext("console", "screen locked: monitoring paused")
        case ScreenUnlocked(still_paused=still_paused):
            if still_paused:
                return pgettext("console", "screen unlocked: still paused")
            return pgettext("console", "screen unlocked: monitoring resumed")
        case CameraBusy(by=by, retry_in=retry):
            return pgettext(
                "console",
                "camera in use by {program}: released it, checking again every {seconds} s",
            ).format(program=by or pgettext("console", "another program"), seconds=f"{retry:.0f}")
        case CameraFree():
            return pgettext("console", "camera free again: monitoring resumed")
        case SetupChanged(matched=None):
            return pgettext(
                "console",
                "your set-up looks different from your calibration: scoring uncalibrated "
                "until you recalibrate (posture-watch calibrate)",
            )
        case SetupChanged(matched=name):
            return pgettext("console", "your set-up matches profile {name}: using it").format(
                name=repr(name)
            )
        case Paused():
            return pgettext("console", "paused")
        case Resumed():
            return pgettext("console", "resumed")
        case Suspended(since=since):
            slept = format_minutes(event.slept)
            return pgettext("console", "the computer slept for {span}: counted as away").format(
                span=slept
            )
        case WorkerCrashed(error=error, restart_in=restart, log_file=log_file):
            return pgettext(
                "console",
                "worker crashed: {error}; restarting in {seconds} s (traceback in {file})",
            ).format(error=error, seconds=f"{restart:.0f}", file=log_file)
    return None


def state_word(state: PostureState) -> str:
    """The console's word for ``state`` (its stable key in English)."""
    match state:
        case PostureState.UPRIGHT:
            return pgettext("posture state", "upright")
        case PostureState.SLOUCH:
            return pgettext("posture state", "slouch")
        case PostureState.AWAY:
            return pgettext("posture state", "away")
        case PostureState.UNKNOWN:
            return pgettext("posture state", "unknown")
    return str(state.value)


def _lower_first(text: str) -> str:
    """English reads "ALERT slouch: slouching for 2 min"; other languages keep their
    sentence's first letter (German nouns and "Sie" stay capitals)."""
    return text[:1].lower() + text[1:] if language().startswith("en") else text


def run(args: argparse.Namespace) -> int:
    if not args.no_tray:
        from posture_watch.commands.tray import run as run_tray

        return run_tray(args)
    enforce_offline_in_cli()  # before the model loads: its telemetry cannot get out
    out = ConsoleOutput()
    with launch(args, CONSOLE) as launched:  # before the camera: a second start says so
        setup = launched.setup
        if setup.note:
            out.say(setup.note)
        if launched.demo_folder is not None:
            out.say(start_line(args.speed, launched.demo_folder))
        code = _monitor(args, setup, launched.history, out, launched.settings)
        if launched.demo_folder is not None:  # a console has no desktop to notify
            end_demo(launched, args.open_report, notify=False)
    if out.lost.is_set():
        out.warn(
            pgettext(
                "console", "{why}: stopped, with the open minute written to the history"
            ).format(why=out.lost_why)
        )
        return code or EXIT_OUTPUT_LOST
    return code


def _monitor(
    args: argparse.Namespace,
    setup: MonitorSetup,
    history: Path,
    out: ConsoleOutput,
    settings_file: Path | None = None,
) -> int:
    """Run the loop on a worker thread until a signal, ``--seconds`` or the end;
    ``settings_file`` is followed (a change applies at once, as in the tray).

    The worker only posts events; this thread logs them and writes the history, so a slow
    or locked history file never holds up the analysis. A worker that fails makes the
    process exit non-zero with its one line (the traceback is in the log file).
    """
    events: queue.Queue[object] = queue.Queue()
    # console: no restarts; a service manager restarts a process that exits non-zero
    loop = setup.build_loop(events.put, crash_limit=1)
    t0 = loop.started
    recorder = open_recorder(history, t0, report=out.warn)
    received: list[int] = []

    def on_signal(number: int, _frame: object) -> None:
        received.append(number)
        loop.stop()

    for sig in SIGNAL_EXIT:
        signal.signal(sig, on_signal)
    received.extend(early_stops())  # a SIGTERM while starting stops as one now would
    worker = threading.Thread(target=loop.run, name="posture-watch-monitor", daemon=True)
    out.on_lost = loop.stop  # a closed or full output stops the monitor as a signal does
    if received or out.lost.is_set():  # already while starting
        loop.stop()
    if setup.baseline.calibrated:
        out.say(pgettext("console", "monitoring {source} (calibrated)").format(source=setup.spec))
    else:
        out.say(pgettext("console", "monitoring {source} (uncalibrated)").format(source=setup.spec))
    worker.start()
    session = SessionWatch(
        lambda locked, by: loop.send(SetLocked(locked, by)),
        say=out.say,  # from the watcher's thread: whole lines, never mixed into ours
    ).start()
    # `posture-watch pause 30m` and friends, answered on this thread between events
    server = ControlServer(relay(events.put), history, clock=setup.clock, report=out.warn)
    try:
        server.start()
    except PostureWatchError as exc:  # the monitor still works without it
        out.say(
            _("posture-watch: control commands unavailable: {one_line}").format(
                one_line=exc.one_line()
            )
        )
    try:
        watch = None
        if settings_file is not None:
            adjust = as_run(setup, args.stable_interval, args.confirm_interval)
            watch = SettingsWatch(settings_file, adjust=adjust, say=out.say, running=setup.config)
        return follow(args, setup, loop, worker, events, recorder, received, out, watch)
    finally:
        server.close()
        session.close()


def line_time(t: float, t0: float, live: bool) -> str:
    """The time in front of a console line: the local clock time (``10:42:13``) for a
    live webcam, whose log is read against the day; seconds into the session
    (``    92.0s``) for a video, a recording or the demo, whose own times are what count."""
    if live:
        return formats.clock(datetime.fromtimestamp(t), seconds=True)
    return f"{t - t0:8.1f}s"


def follow(
    args: argparse.Namespace,
    setup: MonitorSetup,
    loop: MonitorLoop | RemoteLoop,
    worker: threading.Thread,
    events: queue.Queue[object],
    recorder: HistoryRecorder,
    received: list[int],
    out: ConsoleOutput,
    watch: SettingsWatch | None = None,
) -> int:
    """Step the session with the worker's events until the worker stops, carrying out
    what a console can (record, reply, stop) and printing a line for each event worth
    it; the exit code."""
    clock, t0 = setup.clock, loop.started
    live = setup.spec.isdigit()  # a webcam: lines read next to the day, by clock time

    def now() -> Now:
        return Now.at(clock.wall(), clock.monotonic())

    morning = setup.config.pause.morning  # "pause until-tomorrow" as the tray reckons it
    settings = SessionSettings(
        tray=False, stop_after=args.seconds, morning=morning, config=setup.config
    )
    session = Session(settings, None, now(), local_timezone())  # no prompts, no windows
    session.start(now())
    code = 0
    while True:
        _carry_out(session.step(Tick(), now()), loop, recorder)  # --seconds
        change = watch.poll(clock.monotonic()) if watch is not None else None
        if change is not None:  # the settings file changed: it applies now
            _carry_out(session.step(change, now()), loop, recorder)
        event = clock.take(events, TICK)  # an event wakes it at once
        if event is None:
            if not worker.is_alive() and events.empty():  # run() always ends with Stopped
                _carry_out(session.step(WorkerLost(), now()), loop, recorder)
                out.warn(str(session.status.error))
                recorder.close(clock.wall())
                return session.exit_code
            continue
        if isinstance(event, PendingControl):
            asked = ControlAsked(event.request)
            _carry_out(session.step(asked, now()), loop, recorder, event)
            continue
        _carry_out(session.step(event, now()), loop, recorder)  # type: ignore[arg-type]
        line = describe(event)
        if line:
            for part in line.splitlines():
                out.say(f"[{line_time(event.t, t0, live)}] {part}")  # type: ignore[attr-defined]
        if isinstance(event, WorkerFailed):
            out.warn(str(event.error))
            code = event.exit_code
        if isinstance(event, Stopped):
            recorder.close(event.t)
            if not setup.demo:  # the demo says what happened instead (commands/demo.py)
                out.say(
                    _("stopped: {analysed} frames analysed of {seen} read").format(
                        analysed=event.frames_analysed, seen=event.frames_seen
                    )
                )
            break
    worker.join(1.0)
    if received and code == 0:
        code = SIGNAL_EXIT.get(signal.Signals(received[0]), 0)
    return code


def _carry_out(
    effects: list[fx.Effect],
    loop: MonitorLoop | RemoteLoop,
    recorder: HistoryRecorder,
    pending: PendingControl | None = None,
) -> None:
    """The console's part of the session's effects: it has no icon, windows or
    notifications (its lines come from :func:`describe`)."""
    for effect in effects:
        match effect:
            case fx.Record(event=event):
                recorder.on_event(event)
            case fx.Send(command=command):
                loop.send(command)
            case fx.Reply(reply=reply) if pending is not None:
                pending.answer(reply)
            case fx.Stop():
                loop.stop()
