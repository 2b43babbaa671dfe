"""How fast the posture report is: one day of 1,440 minute rows, and a year of history.

Run ``.venv/bin/python benchmarks/bench_report.py [--days 365] [--repeats 7] [--json FILE]``.

It writes two history files in a temporary folder (deleted on exit) with the history's
own schema code: a **day** file holding one full day (1,440 minute rows, every minute of
the day monitored, the state changing every 8 minutes on average) and a **year** file
holding ``--days`` such days (525,600 minute rows for a year) with the events a working
day produces: 10 sitting bouts, 4 breaks, 6 alerts, 8 prompts and a journal entry per day.
Every minute is a row, which is more than a real history holds (the monitor writes rows
only while it runs), so these are worst cases.

It then times, in process, with ``time.perf_counter``, the report of the last day and of
the last week from each file, split into stages:

* **load**: the read-only SQL queries into the core's dataclasses;
* **figures**: the pure aggregation (figures, hour strip, suggestions, advice);
* **terminal**: the text summary;
* **html**: the page with its matplotlib charts (inline SVG);
* **write_day_report**: what the tray calls, all of the above plus the atomic write.

The first round is a warm-up and is not counted (imports, matplotlib's font cache); the
figures are medians of ``--repeats`` rounds. Finally the real CLI,
``posture-watch report --history YEAR --date D [--html F]``, is timed as a separate
process (start-up included), ``--repeats`` times, median.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import matplotlib
import numpy as np

from posture_watch.core.report import MINUTE_COLUMNS, day_bounds
from posture_watch.core.report_builder import day_report, week_report
from posture_watch.history.schema import create_or_migrate
from posture_watch.report.files import write_day_report
from posture_watch.report.html import render_day_html, render_week_html
from posture_watch.report.load import load_day, load_week
from posture_watch.report.terminal import render_day, render_week

TZ_NAME = "Europe/Berlin"
TZ = ZoneInfo(TZ_NAME)
LAST_DAY = date(2025, 12, 31)


def build_history(path: Path, days: int, seed: int = 7) -> float:
    """Write ``days`` full days ending on :data:`LAST_DAY`; returns the seconds it took."""
    start_clock = time.perf_counter()
    rng = np.random.default_rng(seed)
    first = LAST_DAY - timedelta(days=days - 1)
    t0 = day_bounds(first, TZ)[0]
    t1 = day_bounds(LAST_DAY, TZ)[1]
    minute = np.arange(t0, t1, 60.0)
    n = minute.size
    state = _state_runs(rng, n)
    seconds = np.zeros((n, 4))
    seconds[np.arange(n), state] = 60.0
    feats = rng.normal([0.6, 0.6, 12.0, 0.0, 1.0], [0.05, 0.05, 3.0, 3.0, 0.05], size=(n, 5))
    rows = np.column_stack([minute, seconds, feats]).tolist()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        create_or_migrate(conn)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("BEGIN")
        columns, marks = ", ".join(MINUTE_COLUMNS), ", ".join("?" * len(MINUTE_COLUMNS))
        conn.executemany(f"INSERT INTO minutes ({columns}) VALUES ({marks})", rows)
        for d in range(days):
            _day_events(conn, day_bounds(first + timedelta(days=d), TZ)[0], rng)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return time.perf_counter() - start_clock


def _state_runs(rng: np.random.Generator, n: int, mean_run: float = 8.0) -> np.ndarray:
    """Each minute's state (upright, slouch, away, unknown) in runs of ~``mean_run`` minutes."""
    lengths = rng.geometric(1.0 / mean_run, size=n)
    states = rng.choice(4, size=n, p=[0.6, 0.2, 0.15, 0.05])
    return np.repeat(states, lengths)[:n]


def _day_events(conn: sqlite3.Connection, midnight: float, rng: np.random.Generator) -> None:
    nine = midnight + 9 * 3600
    bouts = [(nine + i * 3000, nine + i * 3000 + 2700) for i in range(10)]
    conn.executemany('INSERT INTO bouts (start, "end") VALUES (?, ?)', bouts)
    conn.executemany(
        'INSERT INTO breaks (start, "end") VALUES (?, ?)',
        [(b[1], b[1] + 300) for b in bouts[::3]],
    )
    conn.executemany(
        "INSERT INTO alerts VALUES (?, ?, ?)",
        [(nine + i * 3600, "slouch" if i % 2 else "long_sitting", nine) for i in range(6)],
    )
    answers = ["done", "snoozed", "skipped", "ignored", None, "done", "dismissed", "done"]
    conn.executemany(
        "INSERT INTO prompts (t, prompt_id, kind, reason, stretch_id, answer, answered_at) "
        "VALUES (?, 'chin-tuck', 'stretch', 'check', 'chin-tuck', ?, ?)",
        [(nine + i * 1800, a, nine + i * 1800 + 30) for i, a in enumerate(answers)],
    )
    conn.execute(
        "INSERT INTO journal (t, pain, areas, note) VALUES (?, ?, 'neck', '')",
        (midnight + 18 * 3600, int(rng.integers(0, 6))),
    )


def stages(path: Path, out_dir: Path) -> dict[str, Callable[[], object]]:
    """The timed steps for the last day and the last week of the history at ``path``."""
    day_hist = load_day(path, LAST_DAY, TZ)
    week_hist = load_week(path, LAST_DAY, TZ)
    day = day_report(day_hist, LAST_DAY, TZ)
    week = week_report(week_hist, LAST_DAY, TZ)
    return {
        "day: load": lambda: load_day(path, LAST_DAY, TZ),
        "day: figures": lambda: day_report(day_hist, LAST_DAY, TZ),
        "day: terminal": lambda: render_day(day),
        "day: html": lambda: render_day_html(day, day_hist),
        "day: write_day_report": lambda: write_day_report(
            path, LAST_DAY, out_dir / "day.html", tz=TZ
        ),
        "week: load": lambda: load_week(path, LAST_DAY, TZ),
        "week: figures": lambda: week_report(week_hist, LAST_DAY, TZ),
        "week: terminal": lambda: render_week(week),
        "week: html": lambda: render_week_html(week),
    }


def time_stages(path: Path, out_dir: Path, repeats: int) -> dict[str, float]:
    """Median milliseconds per stage over ``repeats`` rounds after one warm-up round."""
    steps = stages(path, out_dir)
    times: dict[str, list[float]] = {name: [] for name in steps}
    for round_ in range(repeats + 1):
        for name, step in steps.items():
            start = time.perf_counter()
            step()
            if round_:
                times[name].append((time.perf_counter() - start) * 1000.0)
    return {name: statistics.median(v) for name, v in times.items()}


def time_cli(path: Path, out_dir: Path, repeats: int) -> dict[str, float]:
    """Median wall seconds of the real command, terminal only and with --html."""
    exe = Path(sys.executable).with_name("posture-watch")
    env = dict(os.environ, TZ=TZ_NAME)
    base = [str(exe), "report", "--history", str(path), "--date", LAST_DAY.isoformat()]
    runs = {
        "posture-watch report": base,
        "posture-watch report --html": [*base, "--html", str(out_dir / "cli.html")],
        "posture-watch report --week --html": [
            *base,
            "--week",
            "--html",
            str(out_dir / "cli-week.html"),
        ],
    }
    out: dict[str, float] = {}
    for name, command in runs.items():
        walls = []
        for round_ in range(repeats + 1):
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, env=env)
            if round_:
                walls.append(time.perf_counter() - start)
        out[name] = statistics.median(walls)
    return out


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365, help="days in the year file")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} cores, {cpu_model()}; Python {platform.python_version()}, "
        f"NumPy {np.__version__}, matplotlib {matplotlib.__version__}, "
        f"SQLite {sqlite3.sqlite_version}; load {os.getloadavg()[0]:.2f}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        folder = Path(tmp)
        files = {"day": folder / "day.sqlite3", "year": folder / "year.sqlite3"}
        build = {
            "day": build_history(files["day"], 1),
            "year": build_history(files["year"], args.days),
        }
        sizes = {k: p.stat().st_size / 1e6 for k, p in files.items()}
        print(
            f"histories: 1 day = 1,440 minute rows ({sizes['day']:.2f} MB); "
            f"{args.days} days = {1440 * args.days:,} minute rows ({sizes['year']:.1f} MB, "
            f"built in {build['year']:.1f} s)"
        )
        results = {k: time_stages(p, folder, args.repeats) for k, p in files.items()}
        cli = time_cli(files["year"], folder, args.repeats)
    print(f"\nmedian of {args.repeats} rounds, ms\n")
    print(f"| stage | 1-day history | {args.days}-day history |")
    print("|---|---:|---:|")
    for name in results["day"]:
        print(f"| {name} | {results['day'][name]:.1f} | {results['year'][name]:.1f} |")
    print(f"\nthe real CLI on the {args.days}-day history, wall seconds incl. start-up\n")
    print("| command | median s |")
    print("|---|---:|")
    for name, seconds in cli.items():
        print(f"| `{name}` | {seconds:.2f} |")
    if args.json:
        args.json.write_text(
            json.dumps(
                {"stages_ms": results, "cli_s": cli, "build_s": build, "mb": sizes}, indent=2
            )
        )


if __name__ == "__main__":
    main()
