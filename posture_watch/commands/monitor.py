"""``posture-watch monitor --no-tray``: the monitor loop with console logging.

The same loop the tray runs, for headless machines and services. It logs one line per
state change, alert, break and camera problem. SIGTERM or Ctrl-C stop it cleanly within
about a second, releasing the camera.
"""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path

from posture_watch import paths
from posture_watch.commands.analyze import add_baseline_options, baseline_from_args
from posture_watch.core.analyzer import PostureAnalyzer, Verdict
from posture_watch.core.events import (
    BreakEnded,
    BreakStarted,
    LongSittingAlert,
    SlouchAlert,
    StateChanged,
)
from posture_watch.core.sampling import AdaptiveSampler
from posture_watch.core.scoring import Baseline
from posture_watch.core.settings import Settings
from posture_watch.errors import ConfigError, SourceError
from posture_watch.model import locate_model
from posture_watch.monitor.events import CameraRecovered, CameraUnavailable, Paused, Resumed
from posture_watch.monitor.instance import InstanceLock
from posture_watch.monitor.loop import MonitorLoop
from posture_watch.sources import open_source
from posture_watch.sources.base import FrameSource

DEMO_SESSION = "demo-session.jsonl"
#: Calibration made from the demo's first upright seconds (samples/make_recordings.py).
DEMO_PROFILE = "demo-profile.json"


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("monitor", help="run the posture monitor (console logging)")
    p.add_argument("--no-tray", action="store_true", help="log to the console, no tray icon")
    p.add_argument(
        "--source",
        default="auto",
        help="'auto' (camera 0, else the demo), a camera index, or a file/folder",
    )
    p.add_argument("--demo", action="store_true", help="replay the bundled demo session")
    p.add_argument("--speed", type=float, default=1.0, help="replay speed factor (tests)")
    p.add_argument("--seconds", type=float, default=None, help="stop after this session time")
    p.add_argument("--fps", type=float, default=2.0, help="replay rate of image folders")
    p.add_argument(
        "--stable-interval",
        type=float,
        default=1.0,
        help="seconds between analysed frames while the state is stable",
    )
    p.add_argument(
        "--confirm-interval",
        type=float,
        default=0.25,
        help="seconds between analysed frames while a change is confirmed",
    )
    add_baseline_options(p)
    p.set_defaults(run=run)


def demo_path() -> Path:
    return paths.SAMPLES_DIR / DEMO_SESSION


def open_first_source(spec: str, demo: bool, fps: float) -> tuple[FrameSource, str, str | None]:
    """Open the source to monitor: ``(source, spec to reopen it, note for the user)``.

    With ``auto`` the webcam is tried first; when there is none the demo is replayed and
    the note says so. The opened source is handed to the loop, not reopened.
    """
    note = None
    if spec == "auto" and not demo:
        try:
            return open_source("0"), "0", None
        except SourceError:
            note = "no webcam found: replaying the demo session instead"
    if demo or spec == "auto":
        return open_source(demo_path()), str(demo_path()), note
    return open_source(spec, fps=fps), spec, None


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
    if not args.speed > 0:
        raise ConfigError(f"--speed must be positive, got {args.speed!r}")
    with InstanceLock():  # before the camera: a second start says "already running"
        first, spec, note = open_first_source(args.source, args.demo, args.fps)
        try:
            if spec == str(demo_path()) and not (
                args.calibration or args.profile or args.uncalibrated
            ):
                args.calibration = paths.SAMPLES_DIR / DEMO_PROFILE
            baseline = baseline_from_args(args)
            model = locate_model(args.model_variant, args.model) if first.has_pixels else None
        except BaseException:
            first.close()
            raise
        if note:
            print(note, flush=True)
        return _monitor(args, first, spec, baseline, model)


def _monitor(
    args: argparse.Namespace,
    first: FrameSource,
    spec: str,
    baseline: Baseline,
    model: Path | None,
) -> int:
    """Run the loop on a worker thread until SIGTERM/Ctrl-C, ``--seconds`` or the end."""
    pending = [first]

    def opener() -> FrameSource:
        return pending.pop() if pending else open_source(spec, fps=args.fps)

    def log(event: object) -> None:
        if isinstance(event, Verdict):
            return
        line = describe(event)
        if line:
            print(f"[{loop.now():8.1f}s] {line}", flush=True)

    loop = MonitorLoop(
        opener,
        PostureAnalyzer(baseline, Settings()),
        log,
        model_path=model,
        sampler=AdaptiveSampler(args.stable_interval, args.confirm_interval),
        speed=args.speed,
    )
    worker = threading.Thread(target=loop.run, name="posture-watch-monitor", daemon=True)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: loop.stop())
    print(
        f"monitoring {spec} ({'calibrated' if baseline.calibrated else 'uncalibrated'})",
        flush=True,
    )
    worker.start()
    while worker.is_alive():
        worker.join(0.1)
        if args.seconds is not None and loop.now() >= args.seconds:
            loop.stop()
    print(
        f"stopped: {loop.frames_analysed} frames analysed of {loop.frames_seen} read",
        flush=True,
    )
    return 0
