"""What the history costs: a write per minute on the monitor's thread, and reads of a year.

Run ``.venv/bin/python benchmarks/bench_history.py [--days 365] [--repeats 5]``.

In a temporary folder (deleted on exit) a history file is filled with ``--days`` of
minute rows (1,440 a day, as a monitor running around the clock would write) and some
events, through :class:`HistoryStore` exactly as the monitor writes them (one commit per
row, WAL, ``synchronous=NORMAL``). Then, each ``--repeats`` times, medians reported:

* **write** - one ``add_minute`` (what the monitor's loop pays once a minute);
* **day** - ``export`` of one day's rows from every table (what a daily report reads);
* **week** - the same for 7 days;
* **forget** - deleting the oldest 30 days, VACUUM included (run once, last).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from posture_watch.core.events import SlouchAlert
from posture_watch.core.minutes import MinuteRow
from posture_watch.history import HistoryStore

DAY = 86_400
START = 1_700_000_040  # a minute start


def _fill(store: HistoryStore, days: int) -> float:
    """Write ``days`` of minutes, one commit each; returns the median ms per write."""
    times = []
    for i in range(days * 1440):
        row = MinuteRow(START + 60 * i, 40.0, 15.0, 5.0, 0.0, 0.6, 0.6, 12.0, -1.0, 1.0)
        begin = time.perf_counter()
        store.add_minute(row)
        times.append(time.perf_counter() - begin)
        if i % 90 == 0:
            store.record(SlouchAlert(0.0, -30.0), START + 60 * i)
    return statistics.median(times) * 1000


def _median_ms(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        begin = time.perf_counter()
        action()
        times.append(time.perf_counter() - begin)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.sqlite3"
        with HistoryStore.open(path) as store:
            began = time.perf_counter()
            write_ms = _fill(store, args.days)
            fill_s = time.perf_counter() - began
            mid = START + DAY * (args.days // 2)
            day_ms = _median_ms(lambda: store.export(mid, mid + DAY), args.repeats)
            week_ms = _median_ms(lambda: store.export(mid, mid + 7 * DAY), args.repeats)
            size_mb = path.stat().st_size / 1e6
            forget_ms = _median_ms(lambda: store.forget(START + 30 * DAY), 1)
    print(
        f"{args.days} days, {args.days * 1440} minute rows, {size_mb:.1f} MB,"
        f" filled in {fill_s:.0f} s"
    )
    print(f"write one minute (commit)  {write_ms:7.3f} ms  (median)")
    print(f"export one day             {day_ms:7.1f} ms")
    print(f"export one week            {week_ms:7.1f} ms")
    print(f"forget 30 days + VACUUM    {forget_ms:7.0f} ms")


if __name__ == "__main__":
    main()
