"""Attacks on the history (issue 18): two paths to one file, a file others could read, a
full, vanished or replaced disk. Real monitors, real files, a real small tmpfs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from posture_watch import paths
from posture_watch.history import HistoryStore

CLI = [sys.executable, "-m", "posture_watch.cli"]
DEMO = paths.SAMPLES_DIR / "demo-session.jsonl"


def home(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
    }


def console(env: dict[str, str], history: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*CLI, "monitor", "--no-tray", "--source", str(DEMO), "--history", str(history), *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def started(proc: subprocess.Popen[str]) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("monitoring"):
            return
    raise AssertionError(f"the monitor did not start: {proc.communicate(timeout=30)}")


def stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.terminate()
    proc.communicate(timeout=30)


# -- one monitor per history, whatever the path ----------------------------------------


@pytest.mark.slow  # real monitors
def test_a_second_monitor_through_a_symlink_or_a_hard_link_is_refused(tmp_path):
    real = tmp_path / "real" / "history.sqlite3"
    real.parent.mkdir()
    HistoryStore.open(real).close()
    (tmp_path / "via-link").mkdir()
    symlink = tmp_path / "via-link" / "history.sqlite3"
    symlink.symlink_to(real)
    (tmp_path / "hard").mkdir()
    hard = tmp_path / "hard" / "history.sqlite3"
    os.link(real, hard)
    first = console(home(tmp_path / "a"), real)
    try:
        started(first)
        for other in (symlink, hard):
            second = console(home(tmp_path / "b"), other, "--speed", "20", "--seconds", "20")
            _, err = second.communicate(timeout=60)
            assert second.returncode == 3, (other, err)
            assert err.startswith("posture-watch: posture-watch is already running"), err
            assert f"pid {first.pid}" in err and len(err.splitlines()) == 1, err
    finally:
        stop(first)
