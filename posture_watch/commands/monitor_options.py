"""The command-line options of ``tray`` and ``monitor``, and the request they make.

Both commands start the same monitor: they share these options, and turn the parsed
namespace into a :class:`~posture_watch.monitor.setup.SetupRequest` of plain values, so the
monitor layer below never sees argparse.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from posture_watch.commands.analyze import add_baseline_options
from posture_watch.commands.history_cli import add_history_option
from posture_watch.core.text import _
from posture_watch.monitor.setup import SetupRequest


def add_monitor_options(p: argparse.ArgumentParser) -> None:
    """Options of ``tray`` and ``monitor``; unset ones come from the settings file."""
    p.add_argument(
        "--source",
        default=None,
        help=_(
            "'auto' (camera 0, else the demo), a camera index, or a video/recording/folder "
            "(default: the settings file's camera.source)"
        ),
    )
    p.add_argument(
        "--demo",
        action="store_true",
        help=_(
            "replay the bundled demo session (about 5 min) in a throw-away folder: your own "
            "history, calibration and reports are not touched"
        ),
    )
    p.add_argument(
        "--open-report",
        action="store_true",
        help=_(
            "at the end of the demo, open its report in the browser (its path is always printed)"
        ),
    )
    p.add_argument("--config", type=Path, metavar="FILE", help=_("settings file to use"))
    p.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help=_(
            "play a video, folder or recording this many times faster than real time "
            "(default 1; a camera is always live)"
        ),
    )
    p.add_argument("--seconds", type=float, default=None, help=_("stop after this session time"))
    p.add_argument("--fps", type=float, default=2.0, help=_("replay rate of image folders"))
    add_history_option(p)
    p.add_argument(
        "--stable-interval",
        type=float,
        default=None,
        help=_(
            "while your posture stays the same, analyse one frame every this many seconds "
            "(default 2; lower reacts faster, higher saves CPU)"
        ),
    )
    p.add_argument(
        "--confirm-interval",
        type=float,
        default=None,
        help=_(
            "while a change of posture is being confirmed, analyse one frame every this "
            "many seconds (default 0.25)"
        ),
    )
    add_baseline_options(p)


def setup_request(args: argparse.Namespace) -> SetupRequest:
    """What :func:`add_monitor_options` parsed, as the monitor's set-up takes it."""
    return SetupRequest(
        source=args.source,
        demo=args.demo,
        config_file=args.config,
        speed=args.speed,
        fps=args.fps,
        stable_interval=args.stable_interval,
        confirm_interval=args.confirm_interval,
        calibration=args.calibration,
        profile=args.profile,
        uncalibrated=args.uncalibrated,
        model=args.model,
        model_variant=args.model_variant,
    )
