"""``posture-watch calibrate``: record the user's own upright posture as a profile.

Guided in the terminal (countdown, what to do), fully usable with no display. From a
camera it samples ``--seconds`` of live frames; from a video the first ``--seconds``; from
an image or a folder of a few pictures, all of them (that is how tests calibrate).

:func:`reference_from` turns the sampled landmarks into a profile's baseline or refuses
with the reason (nobody, not frontal, too short, moving, clearly slouched); the tray's
calibration window uses the same function, so both refuse the same things. A profile that
already exists is replaced only by this explicit command, and the output says so.

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
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from posture_watch.clock import SYSTEM
from posture_watch.commands.analyze import add_model_variant
from posture_watch.core.analyzer import score_frames
from posture_watch.core.calibration import (
    SlouchedReferenceError,
    calibrate,
    low_reference_warning,
)
from posture_watch.core.landmarks import Landmarks
from posture_watch.core.scoring import Baseline
from posture_watch.core.words import plural
from posture_watch.errors import CalibrationError, ConfigError
from posture_watch.model import locate_model
from posture_watch.offline import enforce_offline_in_cli
from posture_watch.pipeline import landmark_stream
from posture_watch.pose import PoseEstimator, open_estimator
from posture_watch.profiles import profile_path, save_profile
from posture_watch.sources import open_source
from posture_watch.sources.base import FrameSource

#: A folder or video with at most this many frames is a few pictures: one good frame suffices.
MAX_STILLS = 4
#: The option that keeps a reference refused only because it looks slouched.
ACCEPT_LOW_OPTION = "--accept-low-head"


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("calibrate", help="store your upright posture as a calibration profile")
    p.add_argument(
        "--source",
        default="0",
        metavar="SOURCE",
        help="camera index, video, image or folder (default: camera 0)",
    )
    p.add_argument("--seconds", type=float, default=10.0, help="how long to sample (default 10)")
    p.add_argument(
        "--profile",
        default="default",
        metavar="NAME",
        help="profile name, e.g. laptop or desk (default: default)",
    )
    p.add_argument("--out", type=Path, metavar="FILE", help="write the profile here instead")
    p.add_argument(
        "--countdown",
        type=int,
        default=None,
        help="seconds of countdown before sampling (default: 3 for a camera, else 0)",
    )
    p.add_argument("--fps", type=float, default=2.0, help="replay rate of image folders")
    p.add_argument("--model", type=Path, metavar="FILE", help="pose model file (.task)")
    p.add_argument(
        ACCEPT_LOW_OPTION,
        dest="accept_low",
        action="store_true",
        help="you are sitting upright, but your head sits low in the picture (a camera high "
        "above the screen, a laptop's angle), so calibration says you look slouched: save "
        "the reference anyway, with a warning; slouch alerts are then measured from it",
    )
    add_model_variant(p)
    p.set_defaults(run=run)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def collect(
    source: FrameSource, seconds: float, estimator: PoseEstimator
) -> list[tuple[float, Landmarks | None]]:
    """Time and landmarks of the frames within the first ``seconds`` of a sequence (all
    stills).

    They come through the same path as ``analyze`` and the monitor, so a covered lens
    counts as nobody here too, and the profile is built from what they will measure.
    """
    frames: list[tuple[float, Landmarks | None]] = []
    for frame, landmarks in landmark_stream(source, estimator):
        if source.is_sequence and frames and frame.t > seconds:
            break
        frames.append((frame.t, landmarks))
    return frames


def is_live(source: FrameSource) -> bool:
    """True for a live camera (which is sampled for seconds, never taken as stills)."""
    return bool(getattr(source, "live", False))


def reference_from(
    frames: list[tuple[float, Landmarks | None]],
    *,
    live: bool,
    sequence: bool,
    profile: str,
    accept_low: bool = False,
) -> Baseline:
    """The upright reference from sampled ``(t, landmarks)`` frames, or CalibrationError.

    A live camera must give enough frames over enough seconds; a single picture or a
    folder or video of at most :data:`MAX_STILLS` frames may calibrate from one good frame.
    Every refusal applies, the population check for a clearly slouched reference included
    (:class:`~posture_watch.core.calibration.SlouchedReferenceError`) unless
    ``accept_low``: then such a reference is returned, marked in its meta.
    """
    person, features, _, _ = score_frames([lm for _, lm in frames], Baseline.population())
    stills = not live and (not sequence or len(frames) <= MAX_STILLS)
    times = np.array([t for t, _ in frames], dtype=float) if live else None
    return calibrate(
        person,
        features,
        stills=stills,
        profile=profile,
        live_times=times,
        refuse_slouched=True,
        accept_low=accept_low,
    )


def describe(baseline: Baseline) -> str:
    """``head height 0.62 ± 0.01 shoulder widths, 12 frames``: the reference in words."""
    hh = baseline.stats["head_height"]
    spread = f" ± {hh.spread:.2f}" if math.isfinite(hh.spread) and hh.spread > 0 else ""
    frames = plural(baseline.n_frames, "frame")
    return f"head height {hh.median:.2f}{spread} shoulder widths, {frames}"


def profile_meta(source_label: str) -> dict[str, str]:
    """What a profile records about its making: when, and from which source."""
    created = datetime.fromtimestamp(SYSTEM.wall(), UTC).isoformat(timespec="seconds")
    return {"created": created, "source": source_label}


def run(args: argparse.Namespace) -> int:
    enforce_offline_in_cli()  # before the model loads: its telemetry cannot get out
    if not args.seconds > 0:
        raise ConfigError(f"--seconds must be a positive number, got {args.seconds!r}")
    out = args.out if args.out is not None else profile_path(args.profile)
    source = open_source(args.source, fps=args.fps)
    is_camera = is_live(source)
    countdown = args.countdown if args.countdown is not None else (3 if is_camera else 0)
    with source:
        model = locate_model(args.model_variant, args.model) if source.has_pixels else None
        # the model loads before the countdown: a bad model file fails before the user poses
        with closing(open_estimator(source, model)) as estimator:
            _say("Calibration: sit upright, shoulders relaxed, and look at your screen.")
            for n in range(countdown, 0, -1):
                _say(f"  starting in {n}…")
                SYSTEM.sleep(1.0, threading.Event())
            if is_camera:
                _say(f"  hold still for {args.seconds:g} seconds…")
            frames = collect(source, args.seconds, estimator)
    try:
        baseline = reference_from(
            frames,
            live=is_camera,
            sequence=source.is_sequence,
            profile=args.profile,
            accept_low=args.accept_low,
        )
    except SlouchedReferenceError as exc:
        raise CalibrationError(
            str(exc),
            hint=f"{exc.hint}; if you are sitting upright and your camera sits high, "
            f"run again with {ACCEPT_LOW_OPTION}",
        ) from exc
    replaced = out.exists()
    save_profile(baseline, out, meta=profile_meta(source.label))
    hh = baseline.stats["head_height"]
    verb = "replaced" if replaced else "calibrated"
    print(
        f"{verb} profile '{args.profile}' from {plural(baseline.n_frames, 'frame')} "
        f"(head height {hh.median:.3f} ± {hh.spread:.3f} shoulder widths) → {out}"
    )
    warning = low_reference_warning(baseline)
    if warning is not None:
        _say(f"posture-watch: warning: {warning}")
    return 0
