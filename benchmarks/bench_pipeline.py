"""Where the time goes: per-frame cost of each pipeline stage, and the CLI's end-to-end speed.

Run ``.venv/bin/python benchmarks/bench_pipeline.py [--frames 120] [--repeats 5] [--json F]``.

A 640x480, 30 fps mp4 is built in a temporary folder (deleted on exit; nothing is left on
disk) from the real upright-then-slouching pictures in ``../shared/samples``. Then:

* **stages** - the video is run through the same three steps as ``analyze`` (decode with
  :class:`VideoSource`, :class:`MediaPipeEstimator` in VIDEO mode, :meth:`PostureAnalyzer.step`),
  each timed per frame with ``time.perf_counter``. Each run has a fresh estimator, warmed up
  on a few frames first, and reports the median per stage; over ``--repeats`` runs we give
  the median of those medians and their min/max. Machines are shared and noisy, so medians
  and ratios are what to quote, not single runs or means.
* **end to end** - ``posture-watch analyze VIDEO --format jsonl`` is run as a subprocess,
  once untimed and then ``--repeats`` times, alternating with a 1-frame video whose wall
  time is the process start-up (imports, model check and load, first frame). Frames per
  second are given with and without that start-up.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np

from posture_watch.core.analyzer import PostureAnalyzer
from posture_watch.core.scoring import Baseline
from posture_watch.model import locate_model
from posture_watch.pose import MediaPipeEstimator
from posture_watch.sources import VideoSource
from posture_watch.sources.images import decode_image, natural_key

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
PICTURES = SAMPLES / "slouchingornot" / "images" / "low-isSlouching__high-notSlouching"
WIDTH, HEIGHT, FPS = 640, 480, 30.0
WARMUP_FRAMES = 10
STAGES = ("decode", "pose", "geometry+smoothing")


@dataclass(frozen=True)
class Spread:
    """Median of the per-run figures, with the smallest and largest run."""

    median: float
    min: float
    max: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        return cls(statistics.median(values), min(values), max(values))


@dataclass(frozen=True)
class StageRow:
    """One stage: milliseconds per frame and its share of the per-frame total (0-1)."""

    stage: str
    ms_per_frame: Spread
    share: float


@dataclass(frozen=True)
class EndToEnd:
    """The CLI as a user runs it; times in seconds, rates in frames per second."""

    wall_s: Spread
    startup_s: Spread
    fps: float
    fps_excluding_startup: float | None  # None when start-up swamps the run


@dataclass(frozen=True)
class Machine:
    cpu_count: int | None
    cpu_model: str
    load_average: tuple[float, float, float] | None
    python: str
    mediapipe: str
    opencv: str
    numpy: str


@dataclass(frozen=True)
class Report:
    frames: int
    repeats: int
    warmup_frames: int
    resolution: str
    video_fps: float
    person_found: float  # share of measured frames with a person, 0-1
    machine: Machine
    stages: list[StageRow]
    total_ms_per_frame: float
    end_to_end: EndToEnd


# --- the test video -----------------------------------------------------------------------


def sample_pictures(folder: Path = PICTURES) -> list[np.ndarray]:
    """The upright pictures, then the slouching ones, each resized to 640x480 BGR."""
    if not folder.is_dir():
        raise SystemExit(f"bench_pipeline: sample pictures not found at {folder}")
    images = []
    for label in ("notSlouching", "isSlouching"):
        files = sorted((folder / label).glob("*.jpg"), key=lambda p: natural_key(p.name))
        for file in files:
            image = decode_image(file, str(file))
            images.append(cv2.resize(image, (WIDTH, HEIGHT), interpolation=cv2.INTER_LINEAR))
    if not images:
        raise SystemExit(f"bench_pipeline: no .jpg pictures under {folder}")
    return images


def write_video(path: Path, pictures: Sequence[np.ndarray], n_frames: int) -> Path:
    """An mp4v video of ``n_frames`` frames; each picture holds for an equal run of frames."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FPS, (WIDTH, HEIGHT))
    if not writer.isOpened():
        raise SystemExit(f"bench_pipeline: OpenCV cannot write mp4v video to {path}")
    try:
        for i in range(n_frames):
            writer.write(pictures[i * len(pictures) // n_frames])
    finally:
        writer.release()
    return path


# --- in-process stages --------------------------------------------------------------------


@dataclass(frozen=True)
class StageRun:
    """One pass over the video: median ms per frame of each stage, and frames with a person."""

    medians: dict[str, float]
    people: int
    frames: int


def _warm_up(estimator: MediaPipeEstimator, analyzer: PostureAnalyzer, video: Path) -> float:
    """Push the first frames through both stages; return the time offset for the real pass.

    VIDEO mode needs increasing timestamps, so the measured pass continues after these.
    """
    t = 0.0
    with VideoSource(video) as source:
        for frame, _ in zip(source, range(WARMUP_FRAMES), strict=False):
            assert frame.image is not None
            t = frame.t
            analyzer.step(t, estimator.estimate_image(frame.image, t))
    return t + 1.0 / FPS


def measure_stages(video: Path, model: Path) -> StageRun:
    """Decode, estimate and analyse every frame, timing each stage separately."""
    times: dict[str, list[float]] = {stage: [] for stage in STAGES}
    people = 0
    clock = time.perf_counter
    with MediaPipeEstimator(model, video=True) as estimator:
        analyzer = PostureAnalyzer(Baseline.population())
        offset = _warm_up(estimator, analyzer, video)
        with VideoSource(video) as source:
            frames = iter(source)
            while True:
                t0 = clock()
                frame = next(frames, None)
                t1 = clock()
                if frame is None:
                    break
                assert frame.image is not None
                landmarks = estimator.estimate_image(frame.image, offset + frame.t)
                t2 = clock()
                analyzer.step(offset + frame.t, landmarks)
                t3 = clock()
                for stage, seconds in zip(STAGES, (t1 - t0, t2 - t1, t3 - t2), strict=True):
                    times[stage].append(seconds * 1000.0)
                people += landmarks is not None
    medians = {stage: statistics.median(values) for stage, values in times.items()}
    return StageRun(medians, people, len(times["decode"]))


def stage_rows(runs: Sequence[StageRun]) -> tuple[list[StageRow], float]:
    """Per-stage spreads; shares are of the sum of the stage medians (the returned total)."""
    spreads = {stage: Spread.of([run.medians[stage] for run in runs]) for stage in STAGES}
    total = sum(spread.median for spread in spreads.values())
    rows = [StageRow(stage, spreads[stage], spreads[stage].median / total) for stage in STAGES]
    return rows, total


# --- end to end through the CLI -----------------------------------------------------------


def cli_path() -> Path:
    """The ``posture-watch`` console script of the interpreter running this benchmark."""
    path = Path(sys.executable).with_name("posture-watch")
    if not path.is_file():
        raise SystemExit(f"bench_pipeline: {path} not found; run `pip install -e .` first")
    return path


def time_cli(video: Path, expected_frames: int) -> float:
    """Wall seconds of one ``analyze`` run; fails unless it printed one line per frame."""
    command = [str(cli_path()), "analyze", str(video), "--format", "jsonl", "--uncalibrated"]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"bench_pipeline: {' '.join(command)} failed: {done.stderr.strip()}")
    frame_lines = [ln for ln in done.stdout.splitlines() if '"frame":' in ln]
    if len(frame_lines) != expected_frames:
        raise SystemExit(
            f"bench_pipeline: analyze printed {len(frame_lines)} frames, expected {expected_frames}"
        )
    return wall


def measure_end_to_end(video: Path, one_frame: Path, n_frames: int, repeats: int) -> EndToEnd:
    """Alternate full and 1-frame runs so both see the same machine load."""
    time_cli(video, n_frames)  # untimed: fills the page cache and writes .pyc files
    walls, startups = [], []
    for _ in range(repeats):
        walls.append(time_cli(video, n_frames))
        startups.append(time_cli(one_frame, 1))
    wall, startup = Spread.of(walls), Spread.of(startups)
    # The 1-frame run already paid for one frame, so the difference covers n - 1 frames.
    steady = wall.median - startup.median
    fps_steady = (n_frames - 1) / steady if steady > 0 else None
    return EndToEnd(wall, startup, n_frames / wall.median, fps_steady)


# --- machine and report -------------------------------------------------------------------


def cpu_model() -> str:
    """The ``model name`` line of /proc/cpuinfo, else whatever ``platform`` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() in ("model name", "Hardware", "Processor") and value.strip():
                return value.strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _version(distribution: str, fallback: Callable[[], str]) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return fallback()


def machine() -> Machine:
    import mediapipe

    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return Machine(
        cpu_count=os.cpu_count(),
        cpu_model=cpu_model(),
        load_average=None if load is None else tuple(round(x, 2) for x in load),
        python=platform.python_version(),
        mediapipe=_version("mediapipe", lambda: getattr(mediapipe, "__version__", "?")),
        opencv=cv2.__version__,
        numpy=np.__version__,
    )


def markdown(report: Report) -> str:
    """The figures as the markdown quoted in benchmarks/README.md."""
    m, e = report.machine, report.end_to_end
    steady = "n/a" if e.fps_excluding_startup is None else f"{e.fps_excluding_startup:.1f}"
    lines = [
        f"{report.frames} frames {report.resolution} @ {report.video_fps:g} fps, "
        f"{report.repeats} runs; person found in {100 * report.person_found:.0f}% of frames",
        "",
        "| stage | median ms/frame | min ms | max ms | share |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in report.stages:
        s = row.ms_per_frame
        lines.append(
            f"| {row.stage} | {s.median:.2f} | {s.min:.2f} | {s.max:.2f} | {100 * row.share:.1f}% |"
        )
    lines += [
        f"| **total** | **{report.total_ms_per_frame:.2f}** | | | 100% |",
        "",
        "| end to end (`posture-watch analyze --format jsonl`) | median | min | max |",
        "|---|---:|---:|---:|",
        f"| wall time, {report.frames} frames (s) | {e.wall_s.median:.2f} | "
        f"{e.wall_s.min:.2f} | {e.wall_s.max:.2f} |",
        f"| start-up, 1-frame video (s) | {e.startup_s.median:.2f} | "
        f"{e.startup_s.min:.2f} | {e.startup_s.max:.2f} |",
        f"| frames per second, including start-up | {e.fps:.1f} | | |",
        f"| frames per second, excluding start-up | {steady} | | |",
        "",
        f"Machine: {m.cpu_count} cores, {m.cpu_model}; load average {m.load_average}; "
        f"Python {m.python}, MediaPipe {m.mediapipe}, OpenCV {m.opencv}, NumPy {m.numpy}",
    ]
    return "\n".join(lines)


def run(n_frames: int, repeats: int) -> Report:
    model = locate_model("lite")
    pictures = sample_pictures()
    host = machine()  # load average before we add our own
    with tempfile.TemporaryDirectory(prefix="posture-watch-bench-") as tmp:
        video = write_video(Path(tmp) / "bench.mp4", pictures, n_frames)
        one_frame = write_video(Path(tmp) / "one.mp4", pictures, 1)
        runs = [measure_stages(video, model) for _ in range(repeats)]
        end_to_end = measure_end_to_end(video, one_frame, n_frames, repeats)
    rows, total = stage_rows(runs)
    measured = sum(r.frames for r in runs)
    return Report(
        frames=n_frames,
        repeats=repeats,
        warmup_frames=WARMUP_FRAMES,
        resolution=f"{WIDTH}x{HEIGHT}",
        video_fps=FPS,
        person_found=sum(r.people for r in runs) / measured,
        machine=host,
        stages=rows,
        total_ms_per_frame=total,
        end_to_end=end_to_end,
    )


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--frames", type=_positive, default=120, help="video length (frames)")
    parser.add_argument("--repeats", type=_positive, default=5, help="timed runs per measure")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write figures as JSON")
    args = parser.parse_args(argv)
    if args.frames < 2:
        parser.error("--frames must be at least 2 (one frame is the start-up reference)")
    report = run(args.frames, args.repeats)
    print(markdown(report))
    if args.json is not None:
        args.json.write_text(json.dumps(asdict(report), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
