"""``posture-watch calibrate``: record the user's own upright posture as a profile.

Guided in the terminal (countdown, what to do), fully usable with no display. From a
camera it samples ``--seconds`` of live frames; from a video the first ``--seconds``; from
an image or a folder of a few pictures, all of them (that is how tests calibrate).

The sampling and the judging are a
:class:`~posture_watch.calibration_session.CalibrationSession`, the same as in the tray's
calibration window, so both refuse the same things (nobody, not frontal, too short,
moving, clearly slouched). A profile that already exists is replaced only by this explicit
command, and the output says so.

Only "you look slouched" may be overruled: a person whose upright head sits low in the
picture (a camera high above the screen) would otherwise be refused forever, so that
refusal names :data:`ACCEPT_LOW_OPTION`, and with it the profile is saved with one warning
line and marked in its meta. Nobody, not frontal, too short and moving stay refusals.
"""

from __future__ import annotations

import argparse
import math
import sys
import threading
from pathlib import Path

from posture_watch.calibration_session import CalibrationSession, save_reference
from posture_watch.clock import SYSTEM
from posture_watch.commands.analyze import add_model_variant
from posture_watch.core.calibration import (
    MIN_LIVE_FRAMES,
    SlouchedReferenceError,
    low_reference_warning,
)
from posture_watch.core.scoring import Baseline
from posture_watch.core.text import _, ngettext
from posture_watch.errors import CalibrationError, ConfigError
from posture_watch.offline import enforce_offline_in_cli
from posture_watch.profiles import profile_path

#: The option that keeps a reference refused only because it looks slouched.
ACCEPT_LOW_OPTION = "--accept-low-head"


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("calibrate", help=_("store your upright posture as a calibration profile"))
    p.add_argument(
        "--source",
        default="0",
        metavar="SOURCE",
        help=_("camera index, video, image or folder (default: camera 0)"),
    )
    p.add_argument("--seconds", type=float, default=10.0, help=_("how long to sample (default 10)"))
    p.add_argument(
        "--profile",
        default="default",
        metavar="NAME",
        help=_("profile name, e.g. laptop or desk (default: default)"),
    )
    p.add_argument("--out", type=Path, metavar="FILE", help=_("write the profile here instead"))
    p.add_argument(
        "--countdown",
        type=int,
        default=None,
        help=_("seconds of countdown before sampling (default: 3 for a camera, else 0)"),
    )
    p.add_argument("--fps", type=float, default=2.0, help=_("replay rate of image folders"))
    p.add_argument("--model", type=Path, metavar="FILE", help=_("pose model file (.task)"))
    p.add_argument(
        ACCEPT_LOW_OPTION,
        dest="accept_low",
        action="store_true",
        help=_(
            "you are sitting upright, but your head sits low in the picture (a camera high "
            "above the screen, a laptop's angle), so calibration says you look slouched: save "
            "the reference anyway, with a warning; slouching is then measured from it"
        ),
    )
    add_model_variant(p)
    p.set_defaults(run=run)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def describe(baseline: Baseline) -> str:
    """``head height 0.62 ± 0.01 shoulder widths, 12 frames``: the reference in words."""
    hh = baseline.stats["head_height"]
    spread = f" ± {hh.spread:.2f}" if math.isfinite(hh.spread) and hh.spread > 0 else ""
    frames = ngettext("{n} frame", "{n} frames", baseline.n_frames).format(n=baseline.n_frames)
    return _("head height {median}{spread} shoulder widths, {frames}").format(
        median=f"{hh.median:.2f}", spread=spread, frames=frames
    )


def run(args: argparse.Namespace) -> int:
    enforce_offline_in_cli()  # before the model loads: its telemetry cannot get out
    if not args.seconds > 0:
        raise ConfigError(
            _("--seconds must be a positive number, got {seconds!r}").format(seconds=args.seconds)
        )
    out = args.out if args.out is not None else profile_path(args.profile)
    opened = CalibrationSession.open(
        args.source,
        profile=args.profile,
        fps=args.fps,
        model=args.model,
        model_variant=args.model_variant,
    )
    with opened as session:
        countdown = args.countdown if args.countdown is not None else (3 if session.live else 0)
        _say(_("Calibration: sit upright, shoulders relaxed, and look at your screen."))
        for n in range(countdown, 0, -1):
            _say(_("  starting in {n}…").format(n=n))
            SYSTEM.sleep(1.0, threading.Event())
        if session.live:
            _say(_("  hold still for {seconds} seconds…").format(seconds=f"{args.seconds:g}"))
        # a video or recording must give what a camera gives, as in the tray's window
        frames = session.sample(args.seconds, min_frames=MIN_LIVE_FRAMES) or []
    try:
        baseline = session.reference(frames, accept_low=args.accept_low, guided=True)
    except SlouchedReferenceError as exc:
        raise CalibrationError(
            str(exc),
            hint=_(
                "{hint}; if you are sitting upright and your camera sits "
                "high, run again with {option}"
            ).format(hint=exc.hint, option=ACCEPT_LOW_OPTION),
        ) from exc
    replaced = out.exists()
    save_reference(baseline, out, session.source.label)
    hh = baseline.stats["head_height"]
    if replaced:
        done = _(
            "replaced profile '{name}' from {frames} "
            "(head height {median} ± {spread} shoulder widths) → {path}"
        )
    else:
        done = _(
            "calibrated profile '{name}' from {frames} "
            "(head height {median} ± {spread} shoulder widths) → {path}"
        )
    counted = ngettext("{n} frame", "{n} frames", baseline.n_frames).format(n=baseline.n_frames)
    print(
        done.format(
            name=args.profile,
            frames=counted,
            median=f"{hh.median:.3f}",
            spread=f"{hh.spread:.3f}",
            path=out,
        )
    )
    warning = low_reference_warning(baseline)
    if warning is not None:
        _say(_("posture-watch: warning: {warning}").format(warning=warning))
    return 0
