"""Right answers in real rooms: balanced accuracy per room or camera condition, before and
after the issue-10 preprocessing, with its CPU cost per analysed frame.

Run ``.venv/bin/python benchmarks/bench_conditions.py [--search] [--json F]``.

Every labelled frontal picture in ``../shared/samples/labels.csv`` becomes a 640x480
webcam frame and then one variant per condition (:mod:`conditions`: dim room, underexposed,
heavy JPEG, low resolution, farther away, off-centre, tilted, defocus, mirrored; seeded,
in memory, never written). Each variant goes through the product's own frame path
(:func:`posture_watch.pipeline.frame_landmarks`, the pose model in IMAGE mode) and is
judged as an unrelated still:

* **uncalibrated**: against the population baseline;
* **calibrated**: against a calibration made, per session, from the first three untouched
  upright frames of that session (two in the session that has only two), exactly as
  ``posture-watch calibrate`` makes it from stills.

Balanced accuracy is the mean of the share of upright pictures called upright and the share
of slouch pictures called slouch; ``unknown`` or ``away`` on a labelled picture counts as
wrong. **before** is the old preprocessing (shrink to at most 1280 px), **after** the
product's :data:`posture_watch.pose.PREPROCESSING`. ``--search`` adds the other candidates
that were measured to choose it.

CPU: ``time.process_time`` (all of MediaPipe's threads) around each frame's preprocessing
and model call; the median over every analysed frame, in IMAGE mode (each still on its
own, person detection every time) and in VIDEO mode (the monitor's tracking mode, the clean
frames as one sequence, three passes).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bench_pipeline import machine
from conditions import (
    CONDITIONS,
    Picture,
    calibration_pictures,
    evaluate,
    load_pictures,
    variant,
)

from posture_watch.model import locate_model
from posture_watch.pipeline import frame_landmarks
from posture_watch.pose import (
    LEGACY_PREPROCESSING,
    PREPROCESSING,
    MediaPipeEstimator,
    Preprocessing,
)
from posture_watch.sources.base import Frame

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
CANDIDATES = {
    "before: <=1280 px": LEGACY_PREPROCESSING,
    "after: 320 px + denoise if noisy, brighten if dark, sharpen if soft": PREPROCESSING,
}
SEARCH = {
    "320 px + denoise if noisy (part 1)": Preprocessing(max_side=320, denoise_above=2.0),
    "part 1 + brighten if dark": Preprocessing(
        max_side=320, denoise_above=2.0, brighten_below=110.0
    ),
    "part 1 + sharpen if soft": Preprocessing(max_side=320, denoise_above=2.0, sharpen_below=20.0),
    "256 px": Preprocessing(max_side=256),
    "320 px": Preprocessing(max_side=320),
    "384 px": Preprocessing(max_side=384),
    "480 px": Preprocessing(max_side=480),
    "320 px + CLAHE 2": Preprocessing(max_side=320, clahe=2.0),
    "256 px + denoise if noisy": Preprocessing(max_side=256, denoise_above=2.0),
    "384 px + denoise if noisy": Preprocessing(max_side=384, denoise_above=2.0),
}


@dataclass
class Result:
    name: str
    preprocessing: dict
    accuracy: dict[str, tuple[float, float]]  # condition -> (uncalibrated, calibrated)
    refused: dict[str, list[str]]
    image_cpu_ms: float
    video_cpu_ms: float


def _timed(estimator: MediaPipeEstimator, image, t: float, cpu: list[float]):
    start = time.process_time()
    landmarks = frame_landmarks(Frame(0, t, image), estimator)
    cpu.append(1000 * (time.process_time() - start))
    return landmarks


def measure(name: str, pre: Preprocessing, model: Path, pictures: list[Picture]) -> Result:
    """Accuracy in every condition and CPU per frame with preprocessing ``pre``."""
    calib = calibration_pictures(pictures)
    accuracy, refused, image_cpu = {}, {}, []
    with MediaPipeEstimator(model, video=False, preprocessing=pre) as estimator:
        estimator.estimate_image(pictures[0].frame, 0.0)  # warm-up: graph start, caches
        calibration = {
            s: [frame_landmarks(Frame(0, 0.0, p.frame), estimator) for p in chosen]
            for s, chosen in calib.items()
        }
        for condition in CONDITIONS:
            landmarks = [_timed(estimator, variant(condition, p), 0.0, image_cpu) for p in pictures]
            outcome = evaluate(pictures, landmarks, calibration)
            accuracy[condition] = (outcome.uncalibrated, outcome.calibrated)
            if outcome.refused:
                refused[condition] = list(outcome.refused)
    video_cpu: list[float] = []
    webcam = [p for p in pictures if p.frame.shape[:2] == (480, 640)]
    for _ in range(3):
        with MediaPipeEstimator(model, video=True, preprocessing=pre) as estimator:
            estimator.estimate_image(webcam[0].frame, 0.0)
            for i, p in enumerate(webcam, start=1):
                _timed(estimator, p.frame, i / 2, video_cpu)
    return Result(
        name,
        asdict(pre),
        accuracy,
        refused,
        statistics.median(image_cpu),
        statistics.median(video_cpu),
    )


def print_tables(results: list[Result]) -> None:
    before, after = results[0], results[1]
    print("\nBalanced accuracy per condition (uncalibrated / calibrated on 3 untouched upright")
    print("frames per session; unknown or away on a labelled picture counts as wrong):\n")
    print("| condition | before, uncal. | after, uncal. | before, cal. | after, cal. |")
    print("|---|---:|---:|---:|---:|")
    for condition in CONDITIONS:
        bu, bc = before.accuracy[condition]
        au, ac = after.accuracy[condition]
        print(f"| {condition} | {bu:.2f} | **{au:.2f}** | {bc:.2f} | **{ac:.2f}** |")
    worst_u = min(a[0] for a in after.accuracy.values())
    worst_c = min(a[1] for a in after.accuracy.values())
    print(f"\nafter, worst condition: uncalibrated {worst_u:.2f} (aim 0.90), ", end="")
    print(f"calibrated {worst_c:.2f} (aim 0.95)")
    for r in results:
        for condition, sessions in r.refused.items():
            print(f"note: {r.name}, {condition}: calibration refused for {', '.join(sessions)}")

    print("\nCPU per analysed frame (ms, median; preprocessing + model):\n")
    print("| preprocessing | IMAGE mode | VIDEO mode | VIDEO vs before | mean uncal. | mean cal. |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in results:
        mean_u = statistics.mean(a[0] for a in r.accuracy.values())
        mean_c = statistics.mean(a[1] for a in r.accuracy.values())
        ratio = r.video_cpu_ms / before.video_cpu_ms
        print(
            f"| {r.name} | {r.image_cpu_ms:.1f} | {r.video_cpu_ms:.1f} | {ratio:.2f}x "
            f"| {mean_u:.3f} | {mean_c:.3f} |"
        )
    if len(results) > 2:
        print("\nEvery candidate, uncalibrated / calibrated:\n")
        print("| condition | " + " | ".join(r.name for r in results) + " |")
        print("|---|" + "---:|" * len(results))
        for condition in CONDITIONS:
            cells = [
                f"{r.accuracy[condition][0]:.2f} / {r.accuracy[condition][1]:.2f}" for r in results
            ]
            print(f"| {condition} | " + " | ".join(cells) + " |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--search", action="store_true", help="also measure the other candidates")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if not (SAMPLES / "labels.csv").is_file():
        print(f"bench_conditions: sample pictures not found in {SAMPLES}", file=sys.stderr)
        return 2
    model = locate_model("lite")
    pictures = load_pictures(SAMPLES)
    candidates = CANDIDATES | (SEARCH if args.search else {})
    results = []
    for name, pre in candidates.items():
        print(f"measuring {name} ...", file=sys.stderr, flush=True)
        results.append(measure(name, pre, model, pictures))
    n_up = sum(p.label == "upright" for p in pictures)
    print(f"{len(pictures)} labelled pictures ({n_up} upright, {len(pictures) - n_up} slouch) ")
    print(f"in {len({p.session for p in pictures})} sessions, {len(CONDITIONS)} conditions")
    print_tables(results)
    m = machine()
    print(f"\nMachine: {m}")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
