"""``posture-watch monitor --no-tray``: the monitor loop with console logging.

The same loop the tray runs, for headless machines and services. It logs one line per
state change, alert, break, camera problem, screen lock, video call and suspend. A
:class:`~posture_watch.desktop.session_watch.SessionWatch` follows the screen lock and
sleep on D-Bus for any source (it is one idle thread; without a bus it says so once), so a
locked screen releases the camera. SIGTERM, SIGHUP or Ctrl-C stop it cleanly within about
a second, releasing the camera and writing the open minute.
"""

from __future__ import annotations

import argparse
import queue
import signal
import sys
import threading
from datetime import datetime
from pathlib import Path

from posture_watch.commands.history_cli import history_path
from posture_watch.commands.monitor_options import add_monitor_options, setup_request
from posture_watch.core.analyzer import Verdict
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
from posture_watch.core.status import MonitorStatus, format_minutes, format_span
from posture_watch.core.worker_events import (
    CameraBusy,
    CameraFree,
    CameraRecovered,
    CameraUnavailable,
    FrameSkipped,
    Pause,
    Paused,
    Resume,
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
from posture_watch.monitor.control import (
    STRETCH_NEEDS_TRAY,
    ControlCommand,
    ControlReply,
    ControlRequest,
    ControlServer,
    PendingControl,
    pause_message,
    pause_seconds,
    relay,
)
from posture_watch.monitor.instance import InstanceLock
from posture_watch.monitor.loop import MonitorLoop
from posture_watch.monitor.setup import MonitorSetup, prepare
from posture_watch.offline import enforce_offline_in_cli


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("monitor", help="run the posture monitor (tray, or console with --no-tray)")
    p.add_argument("--no-tray", action="store_true", help="log to the console, no tray icon")
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
            lines = [describe(e, problem) for e in events]
            if reason is not None:  # "state: unknown" gains why: "state: unknown (too dark)"
                lines = [f"{ln} ({reason})" if ln == "state: unknown" else ln for ln in lines]
            return "\n".join(line for line in lines if line) or None
        case StateChanged(state=state):
            return f"state: {state.value}"
        case SlouchAlert(t=t, episode_start=start):
            why = _lower_first(why_sentence(Reason.SLOUCH, t - start, problem).rstrip("."))
            return f"ALERT slouch: {why} — sit back, shoulders down"
        case LongSittingAlert(t=t, sitting_since=since):
            why = _lower_first(why_sentence(Reason.LONG_SITTING, t - since).rstrip("."))
            return f"ALERT long sitting: {why} — time to stand and move"
        case BreakStarted():
            return "break: away long enough to count as a break"
        case BreakEnded(t=t, away_since=since):
            return f"back from a break of {format_span(t - since)}"
        case CameraUnavailable(reason=reason, retry_in=retry):
            return f"camera unavailable: {reason}; retrying in {retry:.0f} s"
        case CameraRecovered():
            return "camera available again"
        case FrameSkipped(reason=reason):
            return f"skipped a damaged frame: {reason}"
        case ScreenLocked():
            return "screen locked: monitoring paused"
        case ScreenUnlocked(still_paused=still_paused):
            if still_paused:
                return "screen unlocked: still paused"
            return "screen unlocked: monitoring resumed"
        case CameraBusy(by=by, retry_in=retry):
            return (
                f"camera in use by {by or 'another program'}: released it, "
                f"checking again every {retry:.0f} s"
            )
        case CameraFree():
            return "camera free again: monitoring resumed"
        case SetupChanged(matched=None):
            return (
                "your set-up looks different from your calibration: scoring uncalibrated "
                "until you recalibrate (posture-watch calibrate)"
            )
        case SetupChanged(matched=name):
            return f"your set-up matches profile {name!r}: using it"
        case Paused():
            return "paused"
        case Resumed():
            return "resumed"
        case Suspended(since=since):
            slept = format_minutes(event.slept)
            return f"the computer slept for {slept}: counted as away"
        case WorkerCrashed(error=error, restart_in=restart, log_file=log_file):
            return (
                f"worker crashed: {error}; restarting in {restart:.0f} s (traceback in {log_file})"
            )
    return None


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


#: Exit codes after a signal: Ctrl-C is 130 as in any shell; SIGTERM and SIGHUP ask for a
#: normal stop (a service manager or a closed terminal), so they exit 0 after a clean stop.
SIGNAL_EXIT = {signal.SIGINT: 130, signal.SIGTERM: 0, signal.SIGHUP: 0}


def run(args: argparse.Namespace) -> int:
    if not args.no_tray:
        from posture_watch.commands.tray import run as run_tray

        return run_tray(args)
    enforce_offline_in_cli()  # before the model loads: its telemetry cannot get out
    history = history_path(args)
    with InstanceLock.for_history(history):  # before the camera: a second start says so
        setup = prepare(setup_request(args))
        if setup.note:
            print(setup.note, flush=True)
        return _monitor(args, setup, history)


def _monitor(args: argparse.Namespace, setup: MonitorSetup, history: Path) -> int:
    """Run the loop on a worker thread until a signal, ``--seconds`` or the end.

    The worker only posts events; this thread logs them and writes the history, so a slow
    or locked history file never holds up the analysis. A worker that fails makes the
    process exit non-zero with its one line (the traceback is in the log file).
    """
    events: queue.Queue[object] = queue.Queue()
    # console: no restarts; a service manager restarts a process that exits non-zero
    loop = setup.build_loop(events.put, crash_limit=1)
    t0 = loop.started
    recorder = open_recorder(
        history,
        t0,
        report=lambda line: print(f"posture-watch: {line}", file=sys.stderr, flush=True),
    )
    received: list[int] = []

    def on_signal(number: int, _frame: object) -> None:
        received.append(number)
        loop.stop()

    for sig in SIGNAL_EXIT:
        signal.signal(sig, on_signal)
    worker = threading.Thread(target=loop.run, name="posture-watch-monitor", daemon=True)
    calibrated = "calibrated" if setup.baseline.calibrated else "uncalibrated"
    print(f"monitoring {setup.spec} ({calibrated})", flush=True)
    worker.start()
    session = SessionWatch(
        lambda locked, by: loop.send(SetLocked(locked, by)),
        say=say,  # from the watcher's thread: whole lines, never mixed into ours
    ).start()
    # `posture-watch pause 30m` and friends, answered on this thread between events
    server = ControlServer(relay(events.put), history, clock=setup.clock)
    try:
        server.start()
    except PostureWatchError as exc:  # the monitor still works without it
        print(f"posture-watch: control commands unavailable: {exc.one_line()}", flush=True)
    try:
        return _follow(args, setup, loop, worker, events, recorder, received)
    finally:
        server.close()
        session.close()


def line_time(t: float, t0: float, live: bool) -> str:
    """The time in front of a console line: the local clock time (``10:42:13``) for a
    live webcam, whose log is read against the day; seconds into the session
    (``    92.0s``) for a video, a recording or the demo, whose own times are what count."""
    if live:
        return datetime.fromtimestamp(t).strftime("%H:%M:%S")
    return f"{t - t0:8.1f}s"


def say(line: str) -> None:
    """One whole line on stdout. ``print`` writes the text and its newline separately, so
    two threads printing at once (the session watcher's note at start-up and the first
    state line) could run their lines together; one write of the line and its newline
    cannot be split."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def follow_status(status: MonitorStatus, event: object) -> None:
    """Keep the console's status (for ``posture-watch status``) as the tray keeps its own."""
    match event:
        case Verdict(t=t, state=state, sitting_since=since, reason=reason):
            status.observe(t, state, since, reason=reason)
        case Paused():
            status.paused = True
            status.interrupt()
        case Resumed():
            status.paused = False
        case ScreenLocked():
            status.locked = True
            status.interrupt()
        case ScreenUnlocked():
            status.locked = False
        case CameraBusy(by=by):
            status.camera_busy = by
            status.interrupt()
        case CameraFree():
            status.camera_busy = None
        case CameraUnavailable():
            status.camera_busy = None
            status.camera_problem = True
            status.interrupt()
        case CameraRecovered():
            status.camera_problem = False
        case Suspended():
            status.interrupt()


def answer_control(
    request: ControlRequest, loop: MonitorLoop, status: MonitorStatus, wall: float
) -> ControlReply:
    """The console monitor's answers: as the tray's, but no stretch window to open, and
    quit stops like SIGTERM."""
    match request.command:
        case ControlCommand.PAUSE:
            loop.send(Pause(pause_seconds(request, wall)))
            return ControlReply(True, pause_message(request, wall))
        case ControlCommand.RESUME:
            loop.send(Resume())
            return ControlReply(True, "resumed" if status.paused else "not paused")
        case ControlCommand.STATUS:
            return ControlReply(True, status.status_line(wall), status.facts(wall))
        case ControlCommand.STRETCH:
            return STRETCH_NEEDS_TRAY
        case ControlCommand.QUIT:
            loop.stop()
            return ControlReply(True, "stopping")
    return ControlReply(False, f"unknown command {request.command}")


def _follow(
    args: argparse.Namespace,
    setup: MonitorSetup,
    loop: MonitorLoop,
    worker: threading.Thread,
    events: queue.Queue[object],
    recorder: HistoryRecorder,
    received: list[int],
) -> int:
    """Log and record the worker's events until it stops; the exit code."""
    t0 = loop.started
    live = setup.spec.isdigit()  # a webcam: lines read next to the day, by clock time
    start = setup.clock.monotonic()
    code = 0
    stopping = False
    status = MonitorStatus()
    while True:
        elapsed = setup.clock.monotonic() - start
        if not stopping and args.seconds is not None and elapsed >= args.seconds:
            loop.stop()
            stopping = True
        try:
            event = events.get(timeout=0.1)
        except queue.Empty:
            if not worker.is_alive() and events.empty():  # run() always ends with Stopped
                print("posture-watch: the monitor worker ended unexpectedly", file=sys.stderr)
                recorder.close(setup.clock.wall())
                return 1
            continue
        if isinstance(event, PendingControl):
            event.answer(answer_control(event.request, loop, status, setup.clock.wall()))
            continue
        follow_status(status, event)
        recorder.on_event(event)
        line = describe(event)
        if line:
            for part in line.splitlines():
                say(f"[{line_time(event.t, t0, live)}] {part}")  # type: ignore[attr-defined]
        if isinstance(event, WorkerFailed):
            print(f"posture-watch: {event.error}", file=sys.stderr, flush=True)
            code = event.exit_code
        if isinstance(event, Stopped):
            recorder.close(event.t)
            print(
                f"stopped: {event.frames_analysed} frames analysed of {event.frames_seen} read",
                flush=True,
            )
            break
    worker.join(1.0)
    if received and code == 0:
        code = SIGNAL_EXIT.get(signal.Signals(received[0]), 0)
    return code
