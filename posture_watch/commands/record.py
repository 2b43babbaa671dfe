"""``posture-watch record``: turn pictures or video into a landmark recording (.jsonl).

A recording holds derived numbers only (landmarks per frame), so a session can be kept,
shared and replayed through the whole pipeline without keeping a single picture.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import closing
from pathlib import Path

from posture_watch.commands.analyze import add_model_variant
from posture_watch.core.text import _, ngettext
from posture_watch.offline import enforce_offline_in_cli
from posture_watch.pipeline import landmark_stream
from posture_watch.pose import open_estimator
from posture_watch.progress import Progress
from posture_watch.sources import RecordingWriter
from posture_watch.sources.base import FrameSource
from posture_watch.worker.frames import model_for, need_model, opener, pixels


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("record", help=_("write the landmarks of a source to a .jsonl recording"))
    p.add_argument("source", metavar="SOURCE", help=_("camera index, video, image or folder"))
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.jsonl")
    p.add_argument("--fps", type=float, default=2.0, help=_("replay rate of image folders"))
    p.add_argument("--seconds", type=float, default=None, help=_("stop after this long"))
    p.add_argument("--model", type=Path, metavar="FILE", help=_("pose model file (.task)"))
    add_model_variant(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    enforce_offline_in_cli()  # before the model loads: its telemetry cannot get out
    found = model_for(args.model_variant, args.model)
    with opener([args.source, found]) as frames:  # the camera and the model in the worker
        source = frames.open(args.source, fps=args.fps)
        with source:
            model = need_model(found) if pixels(source) else None
            frames.use_model(model)
            n, people = _record(args, source, model)
    print(
        ngettext(
            "recorded {n} frame, a person in {people}, → {path}",
            "recorded {n} frames, a person in {people}, → {path}",
            n,
        ).format(n=n, people=people, path=args.output)
    )
    return 0


def _record(args: argparse.Namespace, source: FrameSource, model: Path | None) -> tuple[int, int]:
    """Write every frame's landmarks (up to ``--seconds``): frames written, with a person."""
    n = people = 0
    progress = Progress("record", getattr(source, "frame_count", None), enabled=sys.stderr.isatty())
    fps = args.fps if source.is_sequence else None
    with (
        closing(open_estimator(source, model)) as estimator,
        RecordingWriter(args.output, source.label, fps) as writer,
    ):
        for frame, landmarks in landmark_stream(source, estimator):
            if args.seconds is not None and frame.t > args.seconds:
                break
            writer.write(frame.index, frame.t, frame.name, landmarks)
            n += 1
            people += landmarks is not None
            progress.update(n)
    progress.close()
    return n, people
