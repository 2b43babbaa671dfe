"""The per-frame "has a video call taken the camera?" check: with an inotify watch on the
node the /proc scan runs only after an open or close (plus a slow backstop), yet a real
child process opening the node is still caught at the next check."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from posture_watch.clock import ManualClock
from posture_watch.monitor.camera_watch import BUSY_BACKSTOP, CameraTaken, TakenCheck


def run_for(check: TakenCheck, clock: ManualClock, seconds: float, fps: float = 10) -> None:
    for _ in range(round(seconds * fps)):
        clock.advance(1 / fps)
        check()


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[tuple[Path, ManualClock, TakenCheck]]:
    """A stand-in camera node, the clock and the check that watches the node."""
    node = tmp_path / "video0"
    node.write_bytes(b"")
    clock = ManualClock(1_800_000_000.0)
    check = TakenCheck(node, clock.monotonic, every=1.0)
    try:
        yield node, clock, check
    finally:
        check.close()


def test_an_idle_camera_is_scanned_only_on_the_backstop_timer(watched):
    _node, clock, check = watched
    run_for(check, clock, 300)  # five minutes of frames at 10 fps, nobody else
    assert check.scans <= 300 / BUSY_BACKSTOP + 2  # not 300 scans at one a second


def test_a_process_opening_the_node_is_caught_within_a_second(watched):
    node, clock, check = watched
    run_for(check, clock, 5)
    before = check.scans
    with node.open("rb") as held:
        child = subprocess.Popen(["sleep", "30"], stdin=held)
    try:
        with pytest.raises(CameraTaken, match=r"sleep \(pid \d+\)"):
            run_for(check, clock, 1.1)
        assert check.scans == before + 1  # the open woke exactly one scan
    finally:
        child.kill()
        child.wait()


def test_without_a_device_nothing_is_checked():
    clock = ManualClock(1_800_000_000.0)
    check = TakenCheck(None, clock.monotonic, every=1.0)
    run_for(check, clock, 60)
    assert check.scans == 0
    check.close()
