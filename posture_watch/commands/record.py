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
from posture_watch.core.words import plural
from posture_watch.model import locate_model
from posture_watch.offline import enforce_offline_in_cli
from posture_watch.pipeline import landmark_stream
from posture_watch.pose import open_estimator
from posture_watch.progress import Progress
from posture_watch.sources import RecordingWriter, open_source


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("record", help="write the landmarks of a source to a .jsonl recording")
    p.add_argument("source", metavar="SOURCE", help="camera index, video, image or folder")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.jsonl")
    p.add_argument("--fps", type=float, default=2.0, help="replay rate of image folders")
    p.add_argument("--seconds", type=float, default=None, help="stop after this long")
    p.add_argument("--model", type=Path, metavar="FILE", help="pose model file (.task)")
    add_model_variant(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    enforce_offline_in_cli()  # before the model loads: its telemetry cannot get out
    source = open_source(args.source, fps=args.fps)
    n = people = 0
    with source:
        model = locate_model(args.model_variant, args.model) if source.has_pixels else None
        progress = Progress(
            "record", getattr(source, "frame_count", None), enabled=sys.stderr.isatty()
        )
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
    print(f"recorded {plural(n, 'frame')}, a person in {people}, → {args.output}")
    return 0
