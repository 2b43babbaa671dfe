"""A bare ``posture-watch`` prints where things stand and the main commands (issue 17)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from posture_watch import paths
from posture_watch.clock import local_timezone
from posture_watch.commands import overview
from posture_watch.core.minutes import MinuteRow
from posture_watch.history import HistoryStore
from posture_watch.monitor.instance import AlreadyRunningError, InstanceLock

CLI = [sys.executable, "-m", "posture_watch.cli"]


def files_under(folder: Path) -> set[Path]:
    return set(folder.rglob("*")) if folder.exists() else set()


def test_bare_command_prints_a_status_and_the_main_commands_and_creates_nothing(tmp_path):
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
    }
    (tmp_path / "run").mkdir(mode=0o700)
    before = files_under(tmp_path)
    proc = subprocess.run(CLI, env=env, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("posture-watch ") and "posture monitor" in lines[0]
    assert "monitor: not running (start it with `posture-watch tray`)" in lines
    assert "calibration: none yet (run `posture-watch calibrate`)" in lines
    assert "today: no history yet" in lines
    for command in ("tray", "calibrate", "report", "journal", "status", "settings"):
        assert any(line.split()[:1] == [command] for line in lines), command
    assert "required" not in proc.stdout + proc.stderr
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    assert files_under(tmp_path) == before  # no folder, settings, lock or history made


def test_today_figures_come_from_the_history_read_only(tmp_path):
    history = tmp_path / "history.sqlite3"
    noon = datetime.combine(datetime(2025, 5, 12).date(), datetime.min.time(), local_timezone())
    noon += timedelta(hours=12)
    with HistoryStore.open(history) as store:
        for i in range(112):  # 112 minutes, a quarter of each slouching
            minute = int(noon.timestamp()) + 60 * i
            store.add_minute(MinuteRow(minute, 45.0, 15.0, 0.0, 0.0))
    before = {p: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    line = overview.today_line(history, now=noon.timestamp() + 3 * 3600)
    assert line == "today: monitored 1 h 52 min · upright 75% · slouching 28 min"
    assert {p: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == before
    assert overview.today_line(history, now=noon.timestamp() + 86400) == (
        "today: nothing monitored yet"
    )


def test_a_running_monitor_is_read_from_its_lock_without_taking_it(tmp_path):
    history = tmp_path / "data" / "history.sqlite3"
    assert overview.monitor_line(history).startswith("monitor: not running")
    with InstanceLock.for_history(history):
        line = overview.monitor_line(history)
        assert line.startswith(f"monitor: running (pid {os.getpid()})"), line
        # another process sees it too, and its look leaves the lock held
        proc = subprocess.run(
            [sys.executable, "-c", "import sys; from posture_watch.commands.overview import "
             "held_by; print(held_by(__import__('pathlib').Path(sys.argv[1])))",
             str(history.with_name(history.name + ".lock"))],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        assert proc.stdout.strip() == str(os.getpid())
        with pytest.raises(AlreadyRunningError), InstanceLock.for_history(history):
            pass


def test_a_running_demo_is_named_as_the_demo(tmp_path, monkeypatch):
    """The demo writes its own throw-away history: with nothing on the person's, the
    overview says the demo runs rather than "not running" beside its tray icon."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    history = tmp_path / "data" / "history.sqlite3"
    with InstanceLock.for_history(paths.demo_history()):
        line = overview.monitor_line(history)
    assert line.startswith(f"monitor: the demo is running (pid {os.getpid()})"), line
    assert overview.monitor_line(history).startswith("monitor: not running")
