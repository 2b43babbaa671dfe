"""What the monitor costs in real time: to its first verdict, per minute watching a still
person, per minute paused, and its peak memory, process by process.

Run ``.venv/bin/python benchmarks/bench_idle.py [--repeats 3] [--window 60]``: about 6.5
minutes (/proc counts CPU in 10 ms ticks, so shorter windows read coarser).

``bench_monitor.py`` replays a session 4x faster than real time and compares designs;
this one runs the real ``posture-watch monitor --no-tray`` at real speed on a 640x480,
30 fps Motion-JPEG video of one upright sample picture (built in a temporary folder,
deleted at the end), with its calibration, in private config, data and runtime folders:

1. **first verdict**: wall seconds from the process start to its first ``state:`` line;
2. **watching**: CPU seconds of each process (the console process and the camera
   worker; ``/proc/PID/stat``, all threads) over ``--window`` seconds once it runs;
3. **paused**: ``posture-watch pause``, 3 s to settle, then the same over ``--window``
   seconds. A screen lock and a video call holding the camera take the same path in the
   loop (the source is closed and the worker waits on its clock in 1 s slices), so this
   figure stands for all three; they cannot be made to happen here without a desktop
   session and a webcam;
4. **peak memory**: ``VmHWM`` of each process just before it is asked to quit.

With ``--tray`` it does the same for ``posture-watch tray`` in a throw-away desktop
(Xvfb, a session bus, dunst and trayer from ``tests/harness``): the tray process with
nothing happening is the ``paused, console process`` row (its icon, its menu, its
do-not-disturb checks every 3 s, its settings-file checks).

Figures are medians over ``--repeats`` with the smallest and largest run.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import cv2

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench_monitor import calibrate, on_canvas, private_env, session_pictures
from bench_pipeline import Spread, cli_path, machine

FPS, SECONDS = 30.0, 240
TICKS = os.sysconf("SC_CLK_TCK")


def write_still_video(folder: Path) -> tuple[Path, Path]:
    """A video of the first upright picture, and its calibration profile."""
    upright = on_canvas(session_pictures()["upright"][0])
    video = folder / "still.avi"  # Motion-JPEG, as a webcam sends (and bench_monitor uses)
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter.fourcc(*"MJPG"), FPS, (640, 480))
    for _ in range(int(FPS * SECONDS)):
        writer.write(upright)
    writer.release()
    return video, calibrate(folder, upright)


def tree(pid: int) -> list[int]:
    """``pid`` and its descendants (the camera worker), from ``/proc``."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    return 0.0


def per_minute(pids: list[int], window: float) -> list[float]:
    """CPU seconds per minute of each process over ``window`` wall seconds."""
    before = [cpu_s(p) for p in pids]
    time.sleep(window)
    return [(cpu_s(p) - b) * 60.0 / window for p, b in zip(pids, before, strict=True)]


def one_run(
    folder: Path, video: Path, profile: Path, window: float, desktop: dict[str, str] | None
) -> dict[str, float]:
    """One monitor (or, with a ``desktop`` environment, one tray) from start to quit."""
    env = private_env(folder) | (desktop or {})
    (folder / "run").mkdir(mode=0o700, exist_ok=True)
    kind = ["tray"] if desktop is not None else ["monitor", "--no-tray"]
    command = [str(cli_path()), *kind, "--source", str(video)]
    command += ["--calibration", str(profile)]
    start = time.perf_counter()
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    )
    assert proc.stdout is not None
    first = threading.Event()
    first_at: list[float] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if "state: " in line and not first_at:
                first_at.append(time.perf_counter() - start)
                first.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if desktop is not None:
        time.sleep(15.0)
        first_at.append(float("nan"))  # the tray prints no states
        first.set()
    if not first.wait(60):
        proc.kill()
        raise SystemExit("bench_idle: no verdict within 60 s")
    time.sleep(3.0)
    pids = tree(proc.pid)
    if len(pids) < 2:
        proc.kill()
        raise SystemExit(f"bench_idle: expected the monitor and its worker, found {pids}")
    watching = per_minute(pids, window)
    control = [str(cli_path()), "pause", "30m"]
    asked = subprocess.run(control, env=env, capture_output=True, text=True)
    if asked.returncode != 0:
        proc.kill()
        raise SystemExit(f"bench_idle: pause failed: {asked.stdout}{asked.stderr}")
    time.sleep(3.0)
    paused = per_minute(pids, window)
    rss = [peak_mb(p) for p in pids]
    watching[1:], paused[1:] = [sum(watching[1:])], [sum(paused[1:])]  # the worker and any
    rss[1:] = [max(rss[1:])]  # helper (the tray's gsettings watch: a few MB)
    subprocess.run([str(cli_path()), "quit"], env=env, check=True, capture_output=True)
    proc.wait(30)
    return {
        "first verdict (wall s)": first_at[0],
        "watching, console process (CPU s/min)": watching[0],
        "watching, camera worker and helpers (CPU s/min)": watching[1],
        "watching, both (CPU s/min)": sum(watching),
        "paused, console process (CPU s/min)": paused[0],
        "paused, camera worker and helpers (CPU s/min)": paused[1],
        "paused, both (CPU s/min)": sum(paused),
        "peak RSS, console process (MB)": rss[0],
        "peak RSS, camera worker or largest helper (MB)": rss[1],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--window", type=float, default=60.0, help="seconds per CPU window")
    parser.add_argument("--tray", action="store_true", help="the tray in a throw-away desktop")
    args = parser.parse_args(argv)
    host = machine()
    runs = []
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="pw-bench-")))
        desktop = None
        if args.tray:
            from tests.harness.xsession import XSession

            desktop = stack.enter_context(XSession(dunst=True)).env
        video, profile = write_still_video(folder)
        for i in range(args.repeats):
            print(f"bench_idle: run {i + 1}/{args.repeats}", file=sys.stderr, flush=True)
            runs.append(one_run(folder, video, profile, args.window, desktop))
    print(f"{args.repeats} runs, {args.window:g} s windows; medians (smallest to largest)\n")
    print("| figure | median | min | max |\n|---|---:|---:|---:|")
    for name in runs[0]:
        s = Spread.of([r[name] for r in runs])
        print(f"| {name} | {s.median:.3f} | {s.min:.3f} | {s.max:.3f} |")
    paused = statistics.median(r["paused, both (CPU s/min)"] for r in runs)
    print(f"\nGoal: at most 0.05 CPU s per minute paused: {'met' if paused <= 0.05 else 'NOT met'}")
    print(f"Machine: {host.cpu_count} cores, {host.cpu_model}; load average {host.load_average}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
