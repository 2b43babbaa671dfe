"""What the monitor costs: CPU and memory of adaptive sampling against analysing at 10 fps.

Run ``.venv/bin/python benchmarks/bench_monitor.py [--minutes 4] [--repeats 3] [--speed 4]``.

A 640x480, 30 fps Motion-JPEG session video (``--codec mp4v`` for MPEG-4) is built in a
temporary folder (deleted on exit; nothing is left on disk) from the real pictures of one
session in ``../shared/samples``: upright, a sustained slouch (long enough for a slouch
alert), away (an empty frame: nobody in the picture), upright again. A calibration
profile is made from its first upright picture.

Then the real CLI, ``posture-watch monitor --no-tray --source VIDEO --calibration PROFILE
--speed S``, is run as a separate process for each design:

* **ours** - the default adaptive sampling (a verdict every 2 s while the state is stable,
  four a second while a change is being confirmed) and, since issue 21, the still gate
  (the pose model runs only when the picture moved since its last run, or every 10 s);
* **naive** - ``--stable-interval 0.1 --confirm-interval 0.1``: every 3rd frame of the
  30 fps video, 10 fps analysed, the default of other posture apps (a fixed rate, so
  the still gate is off: every sampled frame goes through the model).

Each run's CPU seconds (user + system) and peak RSS come from ``os.wait4``; alert times
come from the lines it prints. A ``--seconds 0`` run of each design measures the fixed
start-up cost (imports, model load, first frame decoded); it is taken off the CPU
before it is given per minute of monitored session time. The designs alternate order, and figures
are medians over ``--repeats``. The replay runs ``--speed`` times faster than real time;
the benchmark checks that the naive design kept up (otherwise its alerts would come late
and flatter ours) and says so when it did not.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import cv2
import numpy as np
from bench_pipeline import Machine, Spread, cli_path, machine

from posture_watch.core.settings import Settings
from posture_watch.sources.video import INTRA_CODECS, fourcc_of

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
SESSION = "slouchingornot/high"
WIDTH, HEIGHT, FPS = 640, 480, 30.0
#: Grey of the canvas around each picture, and of the empty (away) frames.
BACKGROUND = 40
#: Length of the away stretch, in pictures' worth of time.
AWAY_UNITS = 15
#: The slouch must outlast the alert delay by this much for the alert to be safe.
SLOUCH_MARGIN_S = 10.0
#: The naive design is "behind" when its session clock runs this far ahead of its frames.
MAX_LAG_S = 1.0
GOAL_CPU_RATIO, GOAL_ALERT_DELAY_S = 20.0, 5.0  # issue 21 (issue 3: 8x, 3 s)
LINE = re.compile(r"^\[\s*(-?[\d.]+)s\] (.*)$")
SINCE = re.compile(r"sustained since (-?\d+)s")
STOPPED = re.compile(r"stopped: (\d+) frames analysed of (\d+) read")


@dataclass(frozen=True)
class Design:
    name: str
    flags: tuple[str, ...]


OURS = Design("ours", ())  # the CLI's defaults
NAIVE = Design("naive", ("--stable-interval", "0.1", "--confirm-interval", "0.1"))
DESIGNS = (OURS, NAIVE)


# --- the session --------------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    """The replayed video: its stretches in seconds from the start, and the calibration."""

    video: Path
    profile: Path
    frames: int
    duration_s: float
    seconds_per_picture: float
    stretches: list[tuple[str, float, float]]  # (what, start s, end s)

    def start_of(self, what: str) -> float:
        """Start of the first stretch of this kind (s)."""
        return next(start for name, start, _ in self.stretches if name == what)


def session_pictures(samples: Path = SAMPLES, session: str = SESSION) -> dict[str, list[Path]]:
    """The session's upright and slouch pictures, each in capture order (name's index)."""
    labels = samples / "labels.csv"
    if not labels.is_file():
        raise SystemExit(f"bench_monitor: sample pictures not found at {samples}")
    with open(labels, newline="") as fh:
        rows = [row for row in csv.DictReader(fh) if row["session"] == session]
    by_label: dict[str, list[Path]] = {"upright": [], "slouch": []}
    for row in rows:
        by_label[row["label"]].append(samples / row["path"])
    for paths in by_label.values():
        paths.sort(key=lambda p: int(p.stem.rsplit("-", 1)[-1]))
    if not all(by_label.values()):
        raise SystemExit(f"bench_monitor: {session} needs upright and slouch pictures")
    return by_label


def on_canvas(path: Path) -> np.ndarray:
    """A 224x224 sample scaled 2x and centred on a grey 640x480 canvas (padded, not
    stretched, so the pose model sees the picture's own geometry)."""
    picture = cv2.imread(str(path))
    if picture is None:
        raise SystemExit(f"bench_monitor: cannot read {path}")
    big = cv2.resize(picture, None, fx=2, fy=2, interpolation=cv2.INTER_LINEAR)
    canvas = np.full((HEIGHT, WIDTH, 3), BACKGROUND, np.uint8)
    h, w = big.shape[:2]
    top, left = (HEIGHT - h) // 2, (WIDTH - w) // 2
    canvas[top : top + h, left : left + w] = big
    return canvas


def write_session(folder: Path, minutes: float, codec: str = "MJPG") -> Session:
    """Upright, slouch, away, upright again, filling ``minutes``; plus its calibration."""
    pictures = session_pictures()
    upright = [on_canvas(p) for p in pictures["upright"]]
    slouch = [on_canvas(p) for p in pictures["slouch"]]
    empty = np.full((HEIGHT, WIDTH, 3), BACKGROUND, np.uint8)
    plan = [("upright", upright), ("slouch", slouch), ("away", [empty] * AWAY_UNITS)]
    plan.append(("upright", upright))
    units = sum(len(images) for _, images in plan)
    hold = max(1, round(minutes * 60.0 * FPS / units))  # frames per picture
    settings = Settings()
    needed = max(settings.slouch_after, settings.glance_max) + SLOUCH_MARGIN_S
    if len(slouch) * hold / FPS < needed:
        raise SystemExit(
            f"bench_monitor: --minutes {minutes:g} is too short: the slouch must last "
            f"{needed:g} s (minimum about {needed * units / len(slouch) / 60:.1f} minutes)"
        )
    video = folder / ("session.avi" if codec == "MJPG" else "session.mp4")
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter.fourcc(*codec), FPS, (WIDTH, HEIGHT))
    if not writer.isOpened():
        raise SystemExit(f"bench_monitor: OpenCV cannot write {codec} video to {video}")
    stretches, frames = [], 0
    try:
        for what, images in plan:
            start = frames / FPS
            for image in images:
                for _ in range(hold):
                    writer.write(image)
                frames += hold
            stretches.append((what, start, frames / FPS))
    finally:
        writer.release()
    profile = calibrate(folder, upright[0])
    return Session(video, profile, frames, frames / FPS, hold / FPS, stretches)


def calibrate(folder: Path, upright: np.ndarray) -> Path:
    """``posture-watch calibrate`` on the session's first upright picture, as the tests do."""
    still, profile = folder / "upright.png", folder / "profile.json"
    cv2.imwrite(str(still), upright)
    command = [str(cli_path()), "calibrate", "--source", str(still), "--out", str(profile)]
    done = subprocess.run(command, capture_output=True, text=True, env=private_env(folder))
    if done.returncode != 0:
        raise SystemExit(f"bench_monitor: calibration failed: {done.stderr.strip()}")
    return profile


def private_env(folder: Path) -> dict[str, str]:
    """Config, data and lock folders of our own: no saved settings or profile changes the
    work, and a monitor someone else is running in this checkout does not block ours."""
    return {
        **os.environ,
        "XDG_CONFIG_HOME": str(folder / "config"),
        "XDG_DATA_HOME": str(folder / "data"),
        "XDG_RUNTIME_DIR": str(folder / "run"),
    }


# --- one monitor process ------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One ``monitor`` process. Times in seconds; ``session_end_s`` is session time."""

    design: str
    cpu_s: float
    wall_s: float
    peak_rss_mb: float
    frames_analysed: int
    frames_read: int
    session_end_s: float  # session time when the source ran out (from when lines arrived)
    events: list[tuple[float, str]]  # (session time, text) of each logged line


def run_monitor(
    design: Design, session: Session, speed: float, folder: Path, seconds: float | None = None
) -> Run:
    """Run the real CLI to the end of the video (or ``--seconds``) and read its rusage."""
    command = [str(cli_path()), "monitor", "--no-tray", "--source", str(session.video)]
    command += ["--calibration", str(session.profile), "--speed", f"{speed:g}", *design.flags]
    if seconds is not None:
        command += ["--seconds", f"{seconds:g}"]
    received: list[tuple[float, str]] = []
    with open(folder / "stderr.txt", "w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=err, text=True, env=private_env(folder)
        )
        assert proc.stdout is not None
        with proc.stdout:
            for line in proc.stdout:  # the CLI flushes every line
                received.append((time.perf_counter(), line.rstrip("\n")))
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"bench_monitor: {' '.join(command)} failed: {err.read().strip()}")
    return parse_run(design, received, speed, usage, wall)


def parse_run(
    design: Design,
    received: list[tuple[float, str]],
    speed: float,
    usage: resource.struct_rusage,
    wall: float,
) -> Run:
    began = [at for at, text in received if text.startswith("monitoring ")]
    stopped = [(at, match) for at, text in received if (match := STOPPED.search(text))]
    if not began or not stopped:
        raise SystemExit(f"bench_monitor: unexpected monitor output: {received}")
    stopped_at, counts = stopped[0]
    events = []
    for _, text in received:
        if match := LINE.match(text):
            events.append((float(match[1]), match[2]))
    return Run(
        design=design.name,
        cpu_s=usage.ru_utime + usage.ru_stime,
        wall_s=wall,
        peak_rss_mb=usage.ru_maxrss / 1024.0,  # Linux reports KiB
        frames_analysed=int(counts[1]),
        frames_read=int(counts[2]),
        session_end_s=(stopped_at - began[0]) * speed,
        events=events,
    )


def milestones(run: Run, session: Session) -> dict[str, float]:
    """Session times of what the session was built to show, and of every alert."""
    found: dict[str, float] = {}
    slouch_start = session.start_of("slouch")
    away_start = session.start_of("away")
    counts: dict[str, int] = {}
    for t, text in run.events:
        if text.startswith("ALERT "):
            kind = text.removeprefix("ALERT ").split(":", 1)[0]
            counts[kind] = counts.get(kind, 0) + 1
            found[f"{kind} alert #{counts[kind]}"] = t
        elif text == "state: slouch" and t >= slouch_start:
            found.setdefault("slouch seen", t)
        elif text == "state: away" and t >= away_start:
            found.setdefault("away seen", t)
        elif text == "state: upright" and "away seen" in found:
            found.setdefault("back seen", t)
    return found


def alert_lag(run: Run) -> float | None:
    """Least the first slouch alert can have lagged its frame (s), else None.

    The alert's frame is ``since + slouch_after``; ``since`` is printed rounded to the
    second, so the lag is known to within 0.5 s and this is its lower bound.
    """
    settings = Settings()
    after = max(settings.slouch_after, settings.glance_max)
    for t, text in run.events:
        if text.startswith("ALERT slouch") and (match := SINCE.search(text)):
            return t - (int(match[1]) + after) - 0.5
    return None


# --- the comparison -----------------------------------------------------------------------


@dataclass(frozen=True)
class DesignFigures:
    """One design over all repeats. CPU in seconds, memory in MiB, times in session s."""

    name: str
    flags: list[str]
    cpu_per_minute: Spread  # excluding the start-up cost: what the goal is judged on
    cpu_per_minute_with_startup: Spread
    startup_cpu_s: Spread
    startup_wall_s: Spread
    startup_rss_mb: Spread
    peak_rss_mb: Spread
    frames_analysed: Spread
    frames_read: Spread
    cores_busy: Spread  # CPU seconds per wall second
    end_lag_s: Spread  # session clock past the video's end when it stopped
    events: dict[str, Spread]


@dataclass(frozen=True)
class Breakdown:
    """Where our CPU goes, in CPU seconds per minute of session (excluding start-up)."""

    grab_ms: float  # cv2 grab() of one frame (demux; it decodes too unless read raw)
    retrieve_ms: float  # cv2 retrieve() (colour conversion) of one frame
    grabs: float
    analysed: float  # our analysed frames, each at the naive design's cost per frame
    rest: float
    per_analysed_frame_ms: float


@dataclass(frozen=True)
class Report:
    minutes: float
    repeats: int
    speed: float
    resolution: str
    video_fps: float
    frames: int
    seconds_per_picture: float
    stretches: list[tuple[str, float, float]]
    machine: Machine
    designs: list[DesignFigures]
    cpu_ratio: Spread  # naive / ours per repeat, excluding start-up
    cpu_ratio_of_medians: float
    cpu_ratio_with_startup: float
    delays: dict[str, Spread]  # ours - naive per repeat, session seconds
    naive_behind: list[str] = field(default_factory=list)  # why the comparison is unfair
    breakdown: Breakdown | None = None


def figures(design: Design, runs: list[Run], starts: list[Run], session: Session) -> DesignFigures:
    minutes = session.duration_s / 60.0
    startup = statistics.median(r.cpu_s for r in starts)
    names = sorted({name for r in runs for name in milestones(r, session)})
    events = {}
    for name in names:
        times = [m[name] for r in runs if name in (m := milestones(r, session))]
        events[name] = Spread.of(times)
    return DesignFigures(
        name=design.name,
        flags=list(design.flags),
        cpu_per_minute=Spread.of([(r.cpu_s - startup) / minutes for r in runs]),
        cpu_per_minute_with_startup=Spread.of([r.cpu_s / minutes for r in runs]),
        startup_cpu_s=Spread.of([r.cpu_s for r in starts]),
        startup_wall_s=Spread.of([r.wall_s for r in starts]),
        startup_rss_mb=Spread.of([r.peak_rss_mb for r in starts]),
        peak_rss_mb=Spread.of([r.peak_rss_mb for r in runs]),
        frames_analysed=Spread.of([r.frames_analysed for r in runs]),
        frames_read=Spread.of([r.frames_read for r in runs]),
        cores_busy=Spread.of([r.cpu_s / r.wall_s for r in runs]),
        end_lag_s=Spread.of([r.session_end_s - session.duration_s for r in runs]),
        events=events,
    )


def delays(ours: list[Run], naive: list[Run], session: Session) -> dict[str, Spread]:
    """Ours minus naive for each event both saw, pairing the runs of the same repeat."""
    pairs: dict[str, list[float]] = {}
    for a, b in zip(ours, naive, strict=True):
        mine, theirs = milestones(a, session), milestones(b, session)
        for name in mine.keys() & theirs.keys():
            pairs.setdefault(name, []).append(mine[name] - theirs[name])
    return {name: Spread.of(values) for name, values in sorted(pairs.items())}


def naive_behind(ours: list[Run], naive: list[Run], session: Session) -> list[str]:
    """Reasons to think the naive design fell behind the replay (empty when it kept up).

    Both designs stop a little after the video ends (the CLI polls every 0.1 s); the naive
    one is behind when it stops clearly later than ours, or when its slouch alert came
    clearly later than the frame that raised it.
    """
    reasons = []
    for i, (a, b) in enumerate(zip(ours, naive, strict=True), start=1):
        extra = (b.session_end_s - session.duration_s) - max(
            0.0, a.session_end_s - session.duration_s
        )
        if extra > MAX_LAG_S:
            reasons.append(f"repeat {i}: it finished {extra:.1f} s of session later than ours")
        lag = alert_lag(b)
        if lag is not None and lag > MAX_LAG_S:
            reasons.append(f"repeat {i}: its slouch alert came at least {lag:.1f} s late")
    return reasons


def measure_grab(video: Path, passes: int = 3) -> tuple[float, float]:
    """CPU ms per frame of ``grab()`` alone and of ``retrieve()`` on top, in this process,
    opened as ``VideoSource`` opens it (one thread; a Motion-JPEG video raw, its kept
    frames decoded with ``imdecode``)."""
    grab, both = [], []
    for _ in range(passes):
        for out, decode in ((grab, False), (both, True)):
            cap = cv2.VideoCapture(str(video), cv2.CAP_ANY, [cv2.CAP_PROP_N_THREADS, 1])
            raw = fourcc_of(cap) in INTRA_CODECS and cap.set(cv2.CAP_PROP_FORMAT, -1)
            n, start = 0, time.process_time()
            while cap.grab():
                if decode:
                    _, image = cap.retrieve()
                    if raw:
                        cv2.imdecode(image, cv2.IMREAD_COLOR)
                n += 1
            out.append(1000.0 * (time.process_time() - start) / max(n, 1))
            cap.release()
    g = statistics.median(grab)
    return g, statistics.median(both) - g


def breakdown(ours: DesignFigures, naive: DesignFigures, session: Session) -> Breakdown:
    """Split our per-minute CPU into grabbing every frame, analysed frames, and the rest.

    An analysed frame is costed at the naive design's average: its CPU minus its grabs,
    over its analysed frames (decode, pose model, scoring, printing, waits).
    """
    grab_ms, retrieve_ms = measure_grab(session.video)
    minutes = session.duration_s / 60.0
    grabs = session.frames * grab_ms / 1000.0 / minutes
    naive_frames = naive.frames_analysed.median / minutes
    per_frame = (naive.cpu_per_minute.median - grabs) / naive_frames
    analysed = ours.frames_analysed.median / minutes * per_frame
    rest = ours.cpu_per_minute.median - grabs - analysed
    return Breakdown(grab_ms, retrieve_ms, grabs, analysed, rest, 1000.0 * per_frame)


def run(minutes: float, repeats: int, speed: float, codec: str = "MJPG") -> Report:
    host = machine()  # load average before we add our own
    with tempfile.TemporaryDirectory(prefix="posture-watch-bench-") as tmp:
        folder = Path(tmp)
        _say(f"writing a {minutes:g}-minute session video and its calibration ...")
        session = write_session(folder, minutes, codec)
        full: dict[str, list[Run]] = {d.name: [] for d in DESIGNS}
        starts: dict[str, list[Run]] = {d.name: [] for d in DESIGNS}
        run_monitor(OURS, session, speed, folder, seconds=0)  # warms the page cache and .pyc
        for i in range(repeats):
            order = DESIGNS if i % 2 == 0 else DESIGNS[::-1]
            for design in order:
                _say(
                    f"repeat {i + 1}/{repeats}: {design.name} ({session.duration_s / speed:.0f} s)"
                )
                full[design.name].append(run_monitor(design, session, speed, folder))
            for design in order:
                starts[design.name].append(run_monitor(design, session, speed, folder, seconds=0))
        ours, naive = (figures(d, full[d.name], starts[d.name], session) for d in DESIGNS)
        costs = breakdown(ours, naive, session)
    ratios = [
        (b.cpu_s - naive.startup_cpu_s.median) / (a.cpu_s - ours.startup_cpu_s.median)
        for a, b in zip(full[OURS.name], full[NAIVE.name], strict=True)
    ]
    return Report(
        minutes=session.duration_s / 60.0,
        repeats=repeats,
        speed=speed,
        resolution=f"{WIDTH}x{HEIGHT} {codec}",
        video_fps=FPS,
        frames=session.frames,
        seconds_per_picture=session.seconds_per_picture,
        stretches=session.stretches,
        machine=host,
        designs=[ours, naive],
        cpu_ratio=Spread.of(ratios),
        cpu_ratio_of_medians=naive.cpu_per_minute.median / ours.cpu_per_minute.median,
        cpu_ratio_with_startup=(
            naive.cpu_per_minute_with_startup.median / ours.cpu_per_minute_with_startup.median
        ),
        delays=delays(full[OURS.name], full[NAIVE.name], session),
        naive_behind=naive_behind(full[OURS.name], full[NAIVE.name], session),
        breakdown=costs,
    )


def _say(text: str) -> None:
    print(f"bench_monitor: {text}", file=sys.stderr, flush=True)


# --- report -------------------------------------------------------------------------------


def _spread(s: Spread, digits: int = 2) -> str:
    if round(s.min, digits) == round(s.max, digits):
        return f"{s.median:.{digits}f}"
    return f"{s.median:.{digits}f} ({s.min:.{digits}f} to {s.max:.{digits}f})"


def verdict(report: Report) -> str:
    """One line against the goals: >= 20x less CPU, alerts no more than 5 s later."""
    ratio = report.cpu_ratio_of_medians
    cpu_ok = ratio >= GOAL_CPU_RATIO
    alerts = {name: d for name, d in report.delays.items() if " alert #" in name}
    worst = max((d.max for d in alerts.values()), default=None)
    alert_ok = worst is not None and worst <= GOAL_ALERT_DELAY_S
    if report.naive_behind:
        return (
            "Verdict: no fair comparison - the naive design fell behind the replay "
            f"({'; '.join(report.naive_behind)}); run again with a lower --speed."
        )
    cpu = (
        f"{ratio:.1f}x less CPU than the naive design per minute of monitoring, excluding "
        f"start-up (goal >= {GOAL_CPU_RATIO:g}x): {'met' if cpu_ok else 'NOT met'}"
    )
    if worst is None:
        alert = "no alert seen by both designs, so the alert goal cannot be judged"
    else:
        alert = (
            f"alerts at worst {worst:+.1f} s against the naive design's (goal <= "
            f"{GOAL_ALERT_DELAY_S:g} s later): {'met' if alert_ok else 'NOT met'}"
        )
    overall = "Goals met" if cpu_ok and alert_ok else "Goals NOT met"
    return f"Verdict: {overall}. {cpu[0].upper()}{cpu[1:]}; {alert}."


def markdown(report: Report) -> str:
    """The figures as the markdown quoted in benchmarks/README.md."""
    ours, naive = report.designs
    plan = ", ".join(f"{what} {a:.0f}-{b:.0f} s" for what, a, b in report.stretches)

    def row(label: str, a: Spread, b: Spread, digits: int = 2, ratio: str = "") -> str:
        return f"| {label} | {_spread(a, digits)} | {_spread(b, digits)} | {ratio} |"

    lines = [
        f"Session: {report.minutes:.1f} min of {report.resolution} @ {report.video_fps:g} fps "
        f"({report.frames} frames: {plan}; each picture held "
        f"{report.seconds_per_picture:.2f} s), replayed at {report.speed:g}x real time; "
        f"{report.repeats} run{'s' if report.repeats != 1 else ''} per design, alternating "
        "which goes first. "
        "Medians, with the smallest and largest run in brackets.",
        "",
        "| per design | ours (adaptive) | naive (10 fps) | naive / ours |",
        "|---|---:|---:|---:|",
        row(
            "**CPU s per minute of monitoring, excluding start-up**",
            ours.cpu_per_minute,
            naive.cpu_per_minute,
            ratio=f"**{report.cpu_ratio_of_medians:.1f}x** "
            f"({report.cpu_ratio.min:.1f} to {report.cpu_ratio.max:.1f})",
        ),
        row(
            f"CPU s per minute, including start-up ({report.minutes:.1f}-min run)",
            ours.cpu_per_minute_with_startup,
            naive.cpu_per_minute_with_startup,
            ratio=f"{report.cpu_ratio_with_startup:.1f}x",
        ),
        row("start-up CPU s (`--seconds 0` run)", ours.startup_cpu_s, naive.startup_cpu_s),
        row("start-up wall s", ours.startup_wall_s, naive.startup_wall_s),
        row(
            "peak memory MB (max RSS)",
            ours.peak_rss_mb,
            naive.peak_rss_mb,
            0,
            f"{naive.peak_rss_mb.median / ours.peak_rss_mb.median:.2f}x",
        ),
        row("peak memory MB of the start-up run", ours.startup_rss_mb, naive.startup_rss_mb, 0),
        row(
            f"frames analysed (of {report.frames})",
            ours.frames_analysed,
            naive.frames_analysed,
            0,
            f"{naive.frames_analysed.median / ours.frames_analysed.median:.1f}x",
        ),
        row("CPU cores busy (CPU s / wall s)", ours.cores_busy, naive.cores_busy),
        row("stopped after the video's end (session s)", ours.end_lag_s, naive.end_lag_s, 1),
        "",
        "| event (session s) | ours | naive | ours - naive |",
        "|---|---:|---:|---:|",
    ]
    for name, delay in report.delays.items():
        label = f"**{name}**" if " alert #" in name else name
        lines.append(
            f"| {label} | {_spread(ours.events[name], 1)} | {_spread(naive.events[name], 1)} "
            f"| {_spread(delay, 1)} |"
        )
    only = (ours.events.keys() | naive.events.keys()) - report.delays.keys()
    for name in sorted(only):
        a, b = ours.events.get(name), naive.events.get(name)
        lines.append(
            f"| {name} | {'-' if a is None else _spread(a, 1)} "
            f"| {'-' if b is None else _spread(b, 1)} | only one design |"
        )
    if (costs := report.breakdown) is not None:
        total = ours.cpu_per_minute.median
        lines += [
            "",
            "| where our CPU goes (excluding start-up) | CPU s per minute | share |",
            "|---|---:|---:|",
            f"| `grab()` of every 30 fps frame ({costs.grab_ms:.3f} ms each) "
            f"| {costs.grabs:.2f} | {100 * costs.grabs / total:.0f}% |",
            f"| analysed frames, at the naive design's {costs.per_analysed_frame_ms:.1f} ms "
            f"each | {costs.analysed:.2f} | {100 * costs.analysed / total:.0f}% |",
            f"| the rest (waiting, threads, cold caches after each idle second) "
            f"| {costs.rest:.2f} | {100 * costs.rest / total:.0f}% |",
            f"| **total** | **{total:.2f}** | 100% |",
            "",
            f"`retrieve()` (the colour conversion; for Motion-JPEG the decoding) adds "
            f"{costs.retrieve_ms:.3f} ms for each frame kept only.",
        ]
    m = report.machine
    lines += [
        "",
        verdict(report),
        "",
        f"Machine: {m.cpu_count} cores, {m.cpu_model}; load average {m.load_average}; "
        f"Python {m.python}, MediaPipe {m.mediapipe}, OpenCV {m.opencv}, NumPy {m.numpy}",
    ]
    return "\n".join(lines)


def _positive(kind: type[int] | type[float]):
    def parse(text: str) -> int | float:
        value = kind(text)
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value

    return parse


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--minutes", type=_positive(float), default=4.0, help="session length")
    parser.add_argument("--repeats", type=_positive(int), default=3, help="runs per design")
    parser.add_argument(
        "--speed", type=_positive(float), default=4.0, help="replay speed (x real time)"
    )
    parser.add_argument(
        "--codec",
        choices=("MJPG", "mp4v"),
        default="MJPG",
        help="the session video's codec: Motion-JPEG (what webcams send; default since "
        "issue 21) or MPEG-4 (every frame must be decoded to decode the next)",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write figures as JSON")
    args = parser.parse_args(argv)
    report = run(args.minutes, args.repeats, args.speed, args.codec)
    print(markdown(report))
    if args.json is not None:
        args.json.write_text(json.dumps(asdict(report), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
