"""What the camera worker costs: CPU per analysed frame, time to the first verdict, memory.

Run ``.venv/bin/python benchmarks/bench_worker.py [--repeats 5] [--frames 120] [--seconds 6]``.

Issue 18 moved the camera and the pose model into a sandboxed worker process. This
measures what that costs against today's way, in one run, on the same inputs:

* **thread** - ``POSTURE_WATCH_WORKER=thread``: sources and the model in the command's own
  process, as before the worker;
* **process** - ``POSTURE_WATCH_WORKER=process`` (the console script's default): a second
  Python process that imports NumPy, OpenCV and MediaPipe, shuts itself in (seccomp,
  Landlock) and sends landmarks (``analyze``) or events (``monitor``) back over a pipe.

The inputs are built in a temporary folder (deleted on exit; no frame is left on disk)
from the real pictures in ``../shared/samples``, as ``bench_pipeline.py`` builds them: a
``--frames``-frame 640x480 30 fps mp4, a 1-frame one of its first picture, and one a second
longer than ``--seconds`` for the monitor. Each command is the real console script, run
as a separate process with its own config, data, state, cache and runtime folders and
``$HOME`` (one set per mode, under the temporary folder): nothing of the person running
the benchmark is read or written. Per repeat and per mode:

1. ``analyze VIDEO --format jsonl --uncalibrated``: wall time, CPU seconds of the whole
   process tree (``os.wait4``: user + system of the command and every child it waited
   for, the worker included), frames analysed (JSON lines with a frame), so CPU per
   analysed frame, with and without start-up (the 1-frame run's CPU taken off);
2. ``analyze ONE_FRAME``: the start-up alone; the time to the first verdict is the wall
   time until its JSON line is read from the pipe (``PYTHONUNBUFFERED=1`` so the line
   leaves when it is printed, as on a terminal);
3. ``monitor --no-tray --source VIDEO --seconds S --uncalibrated`` with both sampling
   intervals at 0.1 s (10 analysed frames a second, so a short run analyses enough
   frames to cost one): the time to the first ``state:`` line, the tree's CPU at that
   moment (read from ``/proc``), the total CPU and the ``stopped: N frames analysed``
   count, so CPU per analysed frame, with and without what was spent before the first
   verdict.

Peak memory comes two ways. ``ru_maxrss`` from ``os.wait4`` is the largest peak of any
one process of the tree (Linux keeps the maximum over waited-for children, not their
sum), so with the worker it is max(parent, worker). The benchmark also samples
``VmRSS`` of every process of the tree from ``/proc`` every 20 ms and gives the peak of
their sum, and of the parent and the worker apart; pages both map count twice in that
sum, so it also gives the peak sum of their PSS (every 200 ms), which counts them once.

The modes alternate within each repeat (thread first in odd repeats, process first in
even ones) so that both share the machine's noise; figures are medians over
``--repeats`` with the smallest and largest run, and the ratio is process / thread of the
medians. Before the repeats, one untimed run of each command per mode fills the page
cache and each mode's cache folder (matplotlib's font list); the 1-frame run among them is
reported once as the first start in fresh folders.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from operator import attrgetter
from pathlib import Path

from bench_pipeline import FPS, Machine, Spread, cli_path, machine, sample_pictures, write_video

MODES = ("thread", "process")
#: The worker's command line names this module (see posture_watch/worker/client.py).
WORKER_ENTRY = "posture_watch.monitor.worker_entry"
#: Seconds between two samples of the process tree's memory.
SAMPLE_EVERY = 0.02
#: Every this many samples, also the tree's PSS (reading it walks the page tables).
PSS_EVERY = 10
#: Both monitor sampling intervals (s): every 3rd frame of the 30 fps video is analysed.
MONITOR_INTERVAL = 0.1
TICKS = os.sysconf("SC_CLK_TCK")
STOPPED = re.compile(r"stopped: (\d+) frames analysed of (\d+) read")
STATE = re.compile(r"^\[\s*-?[\d.]+s\] state: ")


def _say(text: str) -> None:
    print(f"bench_worker: {text}", file=sys.stderr, flush=True)


# --- the process tree, from /proc ---------------------------------------------------------


def _children(pid: int) -> list[int]:
    """Child pids of every thread of ``pid`` (the worker may be started by any thread)."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                found += [int(p) for p in fh.read().split()]
        except OSError:
            continue
    return found


def tree(root: int) -> list[int]:
    """``root`` and all its descendants that are alive now."""
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo += _children(pid)
    return pids


def rss_kib(pid: int) -> int:
    """``VmRSS`` of a live process (KiB); 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def pss_kib(pid: int) -> int:
    """Proportional set size of a live process (KiB): each shared page split between the
    processes that map it, so the sum over a tree counts it once; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def cpu_of(pid: int, *, reaped: bool) -> float:
    """User + system seconds of a live process (all its threads); with ``reaped``, also
    those of the children it has waited for."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    # After the command name: state is field 3, utime 14 ... cstime 17 (1-based).
    ticks = int(fields[11]) + int(fields[12])
    if reaped:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / TICKS


def is_worker(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return WORKER_ENTRY.encode() in fh.read()
    except OSError:
        return False


class TreeSampler:
    """Samples the memory of a command's process tree until :meth:`stop` (a thread)."""

    def __init__(self, root: int) -> None:
        self.root = root
        self.peak_sum_kib = 0
        self.peak_root_kib = 0
        self.peak_worker_kib = 0
        self.peak_pss_kib = 0
        self.most_processes = 0
        self.workers: set[int] = set()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-sampler", daemon=True)
        self._thread.start()

    def cpu_now(self) -> float:
        """CPU seconds of the whole tree so far: live processes, and what they reaped."""
        return sum(cpu_of(pid, reaped=True) for pid in tree(self.root))

    def _run(self) -> None:
        samples = 0
        while not self._done.wait(SAMPLE_EVERY):
            pids = tree(self.root)
            samples += 1
            if samples % PSS_EVERY == 0:
                self.peak_pss_kib = max(self.peak_pss_kib, sum(map(pss_kib, pids)))
            sizes = {pid: rss_kib(pid) for pid in pids}
            for pid in pids[1:]:
                if pid not in self.workers and is_worker(pid):
                    self.workers.add(pid)
            self.peak_sum_kib = max(self.peak_sum_kib, sum(sizes.values()))
            self.peak_root_kib = max(self.peak_root_kib, sizes.get(self.root, 0))
            worker = sum(size for pid, size in sizes.items() if pid in self.workers)
            self.peak_worker_kib = max(self.peak_worker_kib, worker)
            self.most_processes = max(self.most_processes, sum(1 for s in sizes.values() if s))

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


# --- one command --------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One command. Times and CPU in seconds, memory in MiB."""

    mode: str
    wall_s: float
    cpu_s: float  # the whole tree, from os.wait4
    max_rss_mb: float  # ru_maxrss: the largest single process
    peak_sum_rss_mb: float  # sampled: parent + worker (+ any other child) at once
    peak_sum_pss_mb: float  # the same in PSS: shared pages counted once
    peak_parent_rss_mb: float
    peak_worker_rss_mb: float  # NaN without a worker
    processes: int  # most processes of the tree alive at one sample
    first_verdict_s: float  # from start to the first verdict line read from the pipe
    cpu_at_first_verdict_s: float  # the tree's CPU then (10 ms ticks)
    frames: int  # frames analysed


def run_command(
    mode: str,
    argv: Sequence[str],
    env: dict[str, str],
    is_verdict: Callable[[str], bool],
    count_frames: Callable[[list[str]], int],
) -> Run:
    """Run the real CLI, reading its lines as they come, and measure its tree."""
    command = [str(cli_path()), *argv]
    lines: list[str] = []
    first_at, first_cpu = math.nan, math.nan
    with tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err, text=True, env=env)
        sampler = TreeSampler(proc.pid)
        assert proc.stdout is not None
        with proc.stdout:
            for raw in proc.stdout:
                line = raw.rstrip("\n")
                if math.isnan(first_at) and is_verdict(line):
                    first_at = time.perf_counter() - start
                    first_cpu = sampler.cpu_now()
                lines.append(line)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0 or math.isnan(first_at):
            err.seek(0)
            raise SystemExit(
                f"bench_worker: {mode}: {' '.join(command)} exited with {proc.returncode}"
                f"{'' if lines else ' and printed nothing'}: {err.read().strip()[-2000:]}"
            )
    mib = 1.0 / 1024.0  # Linux gives KiB
    return Run(
        mode=mode,
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        max_rss_mb=usage.ru_maxrss * mib,
        peak_sum_rss_mb=sampler.peak_sum_kib * mib,
        peak_sum_pss_mb=sampler.peak_pss_kib * mib,
        peak_parent_rss_mb=sampler.peak_root_kib * mib,
        peak_worker_rss_mb=sampler.peak_worker_kib * mib if sampler.workers else math.nan,
        processes=sampler.most_processes,
        first_verdict_s=first_at,
        cpu_at_first_verdict_s=first_cpu,
        frames=count_frames(lines),
    )


def _frame_lines(lines: list[str]) -> int:
    return sum(1 for line in lines if '"frame":' in line)


def _stopped_count(lines: list[str]) -> int:
    for line in lines:
        if match := STOPPED.search(line):
            return int(match[1])
    raise SystemExit(f"bench_worker: the monitor printed no 'stopped:' line: {lines[-5:]}")


@dataclass(frozen=True)
class Inputs:
    video: Path
    one_frame: Path
    monitor_video: Path
    frames: int
    seconds: float


def person_env(root: Path, mode: str, *, unbuffered: bool = False) -> dict[str, str]:
    """The environment of one mode's commands: all the person's folders under ``root``."""
    env = {
        **os.environ,
        "HOME": str(root / "home"),
        "XDG_CONFIG_HOME": str(root / "config"),
        "XDG_DATA_HOME": str(root / "data"),
        "XDG_STATE_HOME": str(root / "state"),
        "XDG_CACHE_HOME": str(root / "cache"),
        "XDG_RUNTIME_DIR": str(root / "run"),
        "POSTURE_WATCH_WORKER": mode,
    }
    for name in ("MPLCONFIGDIR", "POSTURE_WATCH_DEBUG", "PYTHONUNBUFFERED"):
        env.pop(name, None)
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    return env


def analyze(mode: str, video: Path, root: Path) -> Run:
    argv = ["analyze", str(video), "--format", "jsonl", "--uncalibrated", "--no-progress"]
    env = person_env(root, mode, unbuffered=True)
    return run_command(mode, argv, env, lambda line: '"frame":' in line, _frame_lines)


def monitor(mode: str, inputs: Inputs, root: Path, seconds: float) -> Run:
    argv = ["monitor", "--no-tray", "--source", str(inputs.monitor_video), "--uncalibrated"]
    argv += ["--seconds", f"{seconds:g}"]
    argv += ["--stable-interval", f"{MONITOR_INTERVAL:g}"]
    argv += ["--confirm-interval", f"{MONITOR_INTERVAL:g}"]
    env = person_env(root, mode)
    return run_command(mode, argv, env, lambda line: bool(STATE.match(line)), _stopped_count)


# --- the comparison -----------------------------------------------------------------------


@dataclass
class ModeRuns:
    video: list[Run] = field(default_factory=list)
    one_frame: list[Run] = field(default_factory=list)
    monitor: list[Run] = field(default_factory=list)
    first_start: Run | None = None  # the 1-frame analyze in fresh folders


@dataclass(frozen=True)
class Row:
    """One figure: per mode the spread over the repeats, and process / thread."""

    label: str
    unit: str
    thread: Spread | None
    process: Spread | None
    digits: int = 2

    @property
    def ratio(self) -> float | None:
        if self.thread is None or self.process is None or self.thread.median == 0:
            return None
        return self.process.median / self.thread.median


@dataclass(frozen=True)
class Report:
    frames: int
    seconds: float
    repeats: int
    machine: Machine
    load_after: tuple[float, float, float]
    sections: dict[str, list[Row]]
    runs: dict[str, ModeRuns]  # every run, for --json


def _spread(values: Sequence[float]) -> Spread | None:
    values = [v for v in values if not math.isnan(v)]
    return Spread.of(values) if values else None


def _per_frame_ms(full: Run, start: Run) -> float:
    """CPU ms per analysed frame once started: the 1-frame run's CPU taken off."""
    return 1000.0 * (full.cpu_s - start.cpu_s) / max(full.frames - start.frames, 1)


def sections(runs: dict[str, ModeRuns], inputs: Inputs) -> dict[str, list[Row]]:
    """The table's rows, by command."""

    def row(label: str, unit: str, values: Callable[[ModeRuns], list[float]], digits=2) -> Row:
        thread, process = (_spread(values(runs[mode])) for mode in MODES)
        return Row(label, unit, thread, process, digits)

    def each(kind: str, figure: str | Callable[[Run], float]) -> Callable[[ModeRuns], list[float]]:
        pick = figure if callable(figure) else attrgetter(figure)
        return lambda m: [pick(r) for r in getattr(m, kind)]

    def paired(m: ModeRuns) -> list[float]:
        return [_per_frame_ms(a, b) for a, b in zip(m.video, m.one_frame, strict=True)]

    def steady_wall(m: ModeRuns) -> list[float]:
        return [
            1000.0 * (a.wall_s - b.wall_s) / max(a.frames - b.frames, 1)
            for a, b in zip(m.video, m.one_frame, strict=True)
        ]

    def fresh(figure: str) -> Callable[[ModeRuns], list[float]]:
        return lambda m: [] if m.first_start is None else [getattr(m.first_start, figure)]

    def per_frame(r: Run) -> float:
        return 1000.0 * r.cpu_s / r.frames

    def after_first(r: Run) -> float:
        # The first verdict comes from the first analysed frame (session time 0).
        return 1000.0 * (r.cpu_s - r.cpu_at_first_verdict_s) / max(r.frames - 1, 1)

    def memory(kind: str) -> list[Row]:
        return [
            row("peak RSS, largest process (ru_maxrss)", "MB", each(kind, "max_rss_mb"), 0),
            row("**peak RSS, sum of the tree (sampled)**", "MB", each(kind, "peak_sum_rss_mb"), 0),
            row("peak PSS, sum of the tree (sampled)", "MB", each(kind, "peak_sum_pss_mb"), 0),
            row("peak RSS of the command's own process", "MB", each(kind, "peak_parent_rss_mb"), 0),
            row("peak RSS of the worker", "MB", each(kind, "peak_worker_rss_mb"), 0),
        ]

    return {
        f"analyze, {inputs.frames}-frame video": [
            row("wall time", "s", each("video", "wall_s")),
            row("CPU, whole tree", "s", each("video", "cpu_s")),
            row("frames analysed", "", each("video", "frames"), 0),
            row(
                "**CPU per analysed frame, including start-up**", "ms", each("video", per_frame), 1
            ),
            row("**CPU per analysed frame, excluding start-up**", "ms", paired, 1),
            row("wall per frame, excluding start-up", "ms", steady_wall, 1),
            *memory("video"),
        ],
        "analyze, 1-frame video (start-up)": [
            row("**time to the first verdict**", "s", each("one_frame", "first_verdict_s")),
            row("wall time", "s", each("one_frame", "wall_s")),
            row("CPU, whole tree", "s", each("one_frame", "cpu_s")),
            *memory("one_frame"),
            row(
                "first start in fresh folders: time to the first verdict (1 run)",
                "s",
                fresh("first_verdict_s"),
            ),
            row("first start in fresh folders: CPU (1 run)", "s", fresh("cpu_s")),
        ],
        f"monitor --no-tray, {inputs.seconds:g} s of video, 10 frames/s analysed": [
            row(
                "**time to the first verdict** (first `state:` line)",
                "s",
                each("monitor", "first_verdict_s"),
            ),
            row(
                "CPU of the tree at the first verdict",
                "s",
                each("monitor", "cpu_at_first_verdict_s"),
            ),
            row("wall time", "s", each("monitor", "wall_s")),
            row("CPU, whole tree", "s", each("monitor", "cpu_s")),
            row("frames analysed (`stopped:` line)", "", each("monitor", "frames"), 0),
            row(
                "**CPU per analysed frame, including start-up**",
                "ms",
                each("monitor", per_frame),
                1,
            ),
            row(
                "**CPU per analysed frame, after the first verdict**",
                "ms",
                each("monitor", after_first),
                1,
            ),
            *memory("monitor"),
            row("processes alive at once (most)", "", each("monitor", "processes"), 0),
        ],
    }


# --- the run ------------------------------------------------------------------------------


def write_inputs(folder: Path, frames: int, seconds: float) -> Inputs:
    pictures = sample_pictures()
    video = write_video(folder / "video.mp4", pictures, frames)
    one = write_video(folder / "one.mp4", pictures, 1)
    long = write_video(folder / "monitor.mp4", pictures, math.ceil((seconds + 1.0) * FPS))
    return Inputs(video, one, long, frames, seconds)


def run(frames: int, repeats: int, seconds: float) -> Report:
    host = machine()  # load average before we add our own
    with tempfile.TemporaryDirectory(prefix="posture-watch-bench-") as tmp:
        folder = Path(tmp)
        inputs = write_inputs(folder, frames, seconds)
        homes = {mode: folder / mode for mode in MODES}
        runs = {mode: ModeRuns() for mode in MODES}
        for mode in MODES:
            _say(f"first start of {mode} in fresh folders, then warm-up runs")
            runs[mode].first_start = analyze(mode, inputs.one_frame, homes[mode])
            analyze(mode, inputs.video, homes[mode])
            monitor(mode, inputs, homes[mode], 0.5)
        for i in range(repeats):
            order = MODES if i % 2 == 0 else MODES[::-1]
            _say(f"repeat {i + 1}/{repeats} ({' then '.join(order)} for each command)")
            for mode in order:
                runs[mode].video.append(analyze(mode, inputs.video, homes[mode]))
            for mode in order:
                runs[mode].one_frame.append(analyze(mode, inputs.one_frame, homes[mode]))
            for mode in order:
                runs[mode].monitor.append(monitor(mode, inputs, homes[mode], seconds))
        table = sections(runs, inputs)
    load = tuple(round(x, 2) for x in os.getloadavg())
    return Report(frames, seconds, repeats, host, load, table, runs)


# --- report -------------------------------------------------------------------------------


def _cell(s: Spread | None, digits: int) -> str:
    if s is None:
        return "-"
    if round(s.min, digits) == round(s.max, digits):
        return f"{s.median:.{digits}f}"
    return f"{s.median:.{digits}f} ({s.min:.{digits}f} to {s.max:.{digits}f})"


def markdown(report: Report) -> str:
    """The figures as a markdown table, for benchmarks/README.md."""
    lines = [
        f"{report.repeats} repeats; thread and process alternate within each repeat. "
        "Medians, with the smallest and largest run in brackets; ratio = process / thread "
        "of the medians.",
        "",
        "| figure | thread (in-process, as before) | process (worker) | process / thread |",
        "|---|---:|---:|---:|",
    ]
    for title, rows in report.sections.items():
        lines.append(f"| *{title}* | | | |")
        for row in rows:
            unit = f" ({row.unit})" if row.unit else ""
            ratio = "" if row.ratio is None else f"{row.ratio:.2f}x"
            lines.append(
                f"| {row.label}{unit} | {_cell(row.thread, row.digits)} "
                f"| {_cell(row.process, row.digits)} | {ratio} |"
            )
    m = report.machine
    lines += [
        "",
        "Peak RSS: ru_maxrss is the largest single process of the tree (the kernel keeps the "
        "maximum over waited-for children, not their sum), so with the worker it is "
        "max(parent, worker). The sampled sum adds VmRSS of every live process every "
        f"{1000 * SAMPLE_EVERY:.0f} ms; pages both processes map (the Python binary, shared "
        "libraries) count twice in it. PSS (from smaps_rollup, every "
        f"{1000 * SAMPLE_EVERY * PSS_EVERY:.0f} ms) splits each shared page between the "
        "processes that map it, so its sum is what the tree really holds.",
        "",
        f"Machine: {m.cpu_count} cores, {m.cpu_model}; load average {m.load_average} at the "
        f"start, {report.load_after} at the end; Python {m.python}, MediaPipe {m.mediapipe}, "
        f"OpenCV {m.opencv}, NumPy {m.numpy}",
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
    parser.add_argument("--repeats", type=_positive(int), default=5, help="runs per mode")
    parser.add_argument("--frames", type=_positive(int), default=120, help="analyze video length")
    parser.add_argument(
        "--seconds", type=_positive(float), default=6.0, help="monitor run (s of video)"
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write figures as JSON")
    args = parser.parse_args(argv)
    if args.frames < 2:
        parser.error("--frames must be at least 2 (one frame is the start-up reference)")
    began = time.perf_counter()
    report = run(args.frames, args.repeats, args.seconds)
    print(markdown(report))
    _say(f"done in {time.perf_counter() - began:.0f} s")
    if args.json is not None:
        args.json.write_text(json.dumps(asdict(report), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
