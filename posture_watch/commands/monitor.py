"""``posture-watch monitor --no-tray``: the monitor loop with console logging.

The same loop the tray runs, for headless machines and services. It logs one line per
state change, alert, break and camera problem. SIGTERM or Ctrl-C stop it cleanly within
about a second, releasing the camera.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time

from posture_watch.commands.history_cli import history_path
from posture_watch.core.analyzer import Verdict
from posture_watch.core.events import (
    BreakEnded,
    BreakStarted,
    LongSittingAlert,
    SlouchAlert,
    StateChanged,
)
from posture_watch.history import open_recorder
from posture_watch.monitor.events import CameraRecovered, CameraUnavailable, Paused, Resumed
from posture_watch.monitor.instance import InstanceLock
from posture_watch.monitor.setup import MonitorSetup, add_monitor_options, prepare


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("monitor", help="run the posture monitor (tray, or console with --no-tray)")
    p.add_argument("--no-tray", action="store_true", help="log to the console, no tray icon")
    add_monitor_options(p)
    p.set_defaults(run=run)


def describe(event: object) -> str | None:
    """One console line for the events worth logging (None for the rest)."""
    match event:
        case StateChanged(state=state):
            return f"state: {state.value}"
        case SlouchAlert(episode_start=start):
            return f"ALERT slouch: sustained since {start:.0f}s — sit back, shoulders down"
        case LongSittingAlert(sitting_since=since):
            return f"ALERT long sitting: sitting since {since:.0f}s — time to stand and move"
        case BreakStarted():
            return "break: away long enough to count as a break"
        case BreakEnded(away_since=since):
            return f"back from a break that began at {since:.0f}s"
        case CameraUnavailable(reason=reason, retry_in=retry):
            return f"camera unavailable: {reason}; retrying in {retry:.0f}s"
        case CameraRecovered():
            return "camera available again"
        case Paused():
            return "paused"
        case Resumed():
            return "resumed"
    return None


def run(args: argparse.Namespace) -> int:
    if not args.no_tray:
        from posture_watch.commands.tray import run as run_tray

        return run_tray(args)
    with InstanceLock():  # before the camera: a second start says "already running"
        setup = prepare(args)
        if setup.note:
            print(setup.note, flush=True)
        return _monitor(args, setup)


def _monitor(args: argparse.Namespace, setup: MonitorSetup) -> int:
    """Run the loop on a worker thread until SIGTERM/Ctrl-C, ``--seconds`` or the end."""

    def log(event: object) -> None:
        recorder.on_event(event)  # timeline events come once each, after their verdict
        if isinstance(event, Verdict):
            return
        line = describe(event)
        if line:
            print(f"[{loop.now():8.1f}s] {line}", flush=True)

    loop = setup.build_loop(log)
    recorder = open_recorder(
        history_path(args),
        time.time() - loop.now(),
        report=lambda line: print(f"posture-watch: {line}", file=sys.stderr, flush=True),
    )
    worker = threading.Thread(target=loop.run, name="posture-watch-monitor", daemon=True)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: loop.stop())
    calibrated = "calibrated" if setup.baseline.calibrated else "uncalibrated"
    print(f"monitoring {setup.spec} ({calibrated})", flush=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.1)
        if args.seconds is not None and loop.now() >= args.seconds:
            loop.stop()
    t_end = loop.now()
    for event in loop.analyzer.finish(t_end):  # the sitting bout still open
        recorder.on_event(event)
    recorder.close(t_end)
    print(
        f"stopped: {loop.frames_analysed} frames analysed of {loop.frames_seen} read",
        flush=True,
    )
    return 0
