"""What one "who else has the camera?" scan of ``/proc/*/fd`` costs.

Run ``.venv/bin/python benchmarks/bench_camera_users.py [--repeats 50] [--crowd 200x50]``.

The monitor asks :func:`~posture_watch.sources.camera_users.other_users` every few seconds
while it streams (to give the webcam up to a call) and once after every failed open, so a
scan must stay cheap as processes and open files add up. The cost grows with the number of
processes of our user and their open files: one ``stat`` of each ``/proc/PID``, one listing
of each readable ``/proc/PID/fd`` and one ``stat`` of each open file.

A stand-in camera node (an empty file in a temporary folder, deleted on exit) is held open
by one child process, so every scan finds a holder, as during a call. Held or not makes
no difference to the cost: only the holder's own fd list ends early, and the scan goes on
through every other process. Two rounds, each ``--repeats`` scans after one warm-up,
medians reported:

* **this machine** - the processes that are running now;
* **crowded** - the same plus ``--crowd`` = ``PxF`` extra ``sleep`` processes with ``F``
  open files each (default 200 x 50 = 10,000 fds), roughly a busy desktop with a browser,
  an editor and a chat client.

It also times :meth:`OpenWatch.changed` when nothing happened (median of 10,000), the
inotify check that lets the monitor skip most scans.

Latest figures (2 cores, Intel Xeon, as root; median of 50-100 scans). Load average
about 0.8: this machine, about 90 processes with about 500 fds, 2.5 to 3.0 ms a scan;
crowded, about 290 processes with 11,100 fds, 48 to 55 ms, 4.4 to 5.0 us per fd. With
other jobs running (load average 3.3): 8 ms and 84 ms. Most of it is the kernel's
``stat`` of each open file, which listing through a directory descriptor cut by about
15%. As an ordinary user, other users' processes cost one ``stat`` of ``/proc/PID`` each
and are not looked into. ``OpenWatch.changed()`` with nothing new: 1.3 us.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from posture_watch.sources.camera_users import OpenWatch, other_users


def census() -> tuple[int, int]:
    """Processes we may look into, and their open files, as the scan sees them."""
    processes = fds = 0
    uid = os.geteuid()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat(follow_symlinks=False).st_uid != uid:
                continue
            count = len(os.listdir(os.path.join(entry.path, "fd")))
        except OSError:
            continue
        processes += 1
        fds += count
    return processes, fds


def timings_ms(node: Path, repeats: int, holder_pid: int) -> list[float]:
    found = other_users(node)  # warm-up, and a check that the scan finds the holder
    assert [user.pid for user in found] == [holder_pid], found
    times = []
    for _ in range(repeats):
        begin = time.perf_counter()
        other_users(node)
        times.append((time.perf_counter() - begin) * 1000)
    return times


@contextmanager
def crowd(folder: Path, processes: int, files: int) -> Iterator[None]:
    """``processes`` sleeping children, each holding ``files`` files of its own open."""
    with ExitStack() as stack:
        fds = []
        for i in range(files):
            fd = os.open(folder / f"file{i}", os.O_RDWR | os.O_CREAT, 0o600)
            stack.callback(os.close, fd)
            fds.append(fd)
        children = []
        try:
            for _ in range(processes):
                children.append(
                    subprocess.Popen(["sleep", "600"], pass_fds=fds, stdin=subprocess.DEVNULL)
                )
            yield
        finally:
            for child in children:
                child.kill()
            for child in children:
                child.wait()


def report(label: str, times: list[float]) -> None:
    processes, fds = census()
    median = statistics.median(times)
    print(
        f"{label:<14} {processes:5d} processes {fds:7d} fds   median {median:6.2f} ms"
        f"  (min {min(times):.2f}, max {max(times):.2f})"
        f"   {1000 * median / max(fds, 1):.2f} us per fd"
    )


def watch_us(node: Path) -> None:
    watch = OpenWatch.start(node)
    if watch is None:
        print("OpenWatch: inotify not available here")
        return
    with watch:
        watch.changed()
        times = []
        for _ in range(10_000):
            begin = time.perf_counter()
            watch.changed()
            times.append((time.perf_counter() - begin) * 1e6)
    print(f"OpenWatch.changed(), nothing new: median {statistics.median(times):.2f} us")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--crowd", default="200x50", help="extra PROCESSESxFILES (0x0: none)")
    args = parser.parse_args()
    extra, files = (int(n) for n in args.crowd.lower().split("x"))
    with tempfile.TemporaryDirectory() as folder, open(Path(folder) / "video0", "wb") as fh:
        node = Path(fh.name)
        holder = subprocess.Popen(["sleep", "600"], stdin=fh)
        try:
            print(f"one scan of /proc/*/fd, {args.repeats} scans each, uid {os.geteuid()}")
            report("this machine", timings_ms(node, args.repeats, holder.pid))
            if extra:
                with crowd(Path(folder), extra, files):
                    report(f"+{extra}x{files}", timings_ms(node, args.repeats, holder.pid))
            watch_us(node)
        finally:
            holder.kill()
            holder.wait()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
