"""Rebuild the landmark recordings in this folder from ../shared/samples.

The demo recording and its calibration are package data (``posture_watch/demo/``, so a
wheel install can replay them); ``demo-*`` here are symlinks to them, kept for tests.

Each labelled session of real webcam pictures is replayed in time order (upright pictures,
then slouching ones, each in capture order), one picture standing for 4 s of sitting, and
only the landmarks are written: the pictures themselves never enter the repository.

    .venv/bin/python samples/make_recordings.py
"""

from __future__ import annotations

import csv
from pathlib import Path

from posture_watch import paths
from posture_watch.cli import main as main_cli
from posture_watch.model import locate_model
from posture_watch.pose import MediaPipeEstimator
from posture_watch.sources import RecordingWriter
from posture_watch.sources.images import decode_image

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "samples"
SECONDS_PER_PICTURE = 4.0
DEMO_AWAY_FRAMES, DEMO_AWAY_STEP = 75, 2.0  # 150 s away: a break
OUTPUTS = {
    "slouchingornot/high": "slouchingornot-high.jsonl",
    "slouchingornot/middle": "slouchingornot-middle.jsonl",
}


def capture_index(path: Path) -> int:
    return int(path.stem.rsplit("-", 1)[-1])


def session_pictures(session: str) -> list[Path]:
    with open(SHARED / "labels.csv", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["session"] == session]
    ordered = []
    for label in ("upright", "slouch"):
        paths = [SHARED / r["path"] for r in rows if r["label"] == label]
        ordered += sorted(paths, key=capture_index)
    return ordered


def record_demo(model: Path) -> None:
    """The tray demo: upright, a sustained slouch, a 2.5 min break away, upright again."""
    pictures = session_pictures("slouchingornot/high")
    upright = pictures[:15]
    demo = paths.DEMO_DIR / "demo-session.jsonl"
    plan: list[tuple[float, Path | None]] = []
    t = 0.0
    for path in pictures + [None] * DEMO_AWAY_FRAMES + upright:
        plan.append((t, path))
        t += SECONDS_PER_PICTURE if path is not None else DEMO_AWAY_STEP
    with (
        MediaPipeEstimator(model, video=True) as estimator,
        RecordingWriter(demo, "demo: ../shared/samples", None) as writer,
    ):
        for i, (t, path) in enumerate(plan):
            if path is None:
                writer.write(i, t, "", None)
                continue
            landmarks = estimator.estimate_image(decode_image(path, str(path)), t)
            writer.write(i, t, path.relative_to(SHARED).as_posix(), landmarks)
    print(f"demo-session.jsonl: {len(plan)} frames, {t:.0f} s")
    profile = paths.DEMO_DIR / "demo-profile.json"
    main_cli(
        [
            "calibrate",
            "--source",
            str(demo),
            "--seconds",
            "8",
            "--profile",
            "demo",
            "--out",
            str(profile),
        ]
    )


def main() -> None:
    model = locate_model("lite")
    record_demo(model)
    for session, name in OUTPUTS.items():
        pictures = session_pictures(session)
        with (
            MediaPipeEstimator(model, video=True) as estimator,
            RecordingWriter(
                HERE / name, f"../shared/samples ({session})", 1 / SECONDS_PER_PICTURE
            ) as writer,
        ):
            for i, path in enumerate(pictures):
                t = i * SECONDS_PER_PICTURE
                landmarks = estimator.estimate_image(decode_image(path, str(path)), t)
                writer.write(i, t, path.relative_to(SHARED).as_posix(), landmarks)
        print(f"{name}: {len(pictures)} pictures")


if __name__ == "__main__":
    main()
