"""Attacks on the history (issue 18): two paths to one file, a file others could read, a
full, vanished or replaced disk. Real monitors, real files, a real small tmpfs."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing, suppress
from pathlib import Path

import pytest

from posture_watch import paths
from posture_watch.core.minutes import MinuteRow
from posture_watch.core.worker_events import Paused, Resumed
from posture_watch.history import HistoryStore, open_recorder
from tests.harness.cli import person_env

CLI = [sys.executable, "-m", "posture_watch.cli"]
DEMO = paths.SAMPLES_DIR / "demo-session.jsonl"


def home(tmp_path: Path) -> dict[str, str]:
    return person_env(tmp_path)


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


@pytest.mark.slow  # real monitors
def test_a_hard_link_to_a_history_the_first_monitor_created_is_refused_too(tmp_path):
    real = tmp_path / "real" / "history.sqlite3"  # no file yet: the monitor makes it
    first = console(home(tmp_path / "a"), real)
    try:
        started(first)
        wait_for(real.exists, 30, "the history file")
        (tmp_path / "hard").mkdir()
        hard = tmp_path / "hard" / "history.sqlite3"
        os.link(real, hard)
        second = console(home(tmp_path / "b"), hard, "--speed", "20", "--seconds", "20")
        _, err = second.communicate(timeout=60)
        assert second.returncode == 3, err
        assert f"already running as a console monitor in a terminal (pid {first.pid}" in err
    finally:
        stop(first)


# -- the history file is private --------------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_history_and_its_side_files_are_created_private_whatever_the_umask(tmp_path):
    history = tmp_path / "new" / "folder" / "history.sqlite3"
    old = os.umask(0o022)
    try:
        store = HistoryStore.open(history)
        store.add_minute(MinuteRow(0, 60.0, 0.0, 0.0, 0.0))
        side = [history.with_name(history.name + s) for s in ("-wal", "-shm")]
        assert all(p.exists() for p in side)
        assert [mode(p) for p in (history, *side)] == [0o600] * 3
        assert mode(history.parent) == 0o700
        store.close()
    finally:
        os.umask(old)


def test_a_history_found_readable_by_others_is_tightened(tmp_path):
    history = tmp_path / "history.sqlite3"
    HistoryStore.open(history).close()
    history.chmod(0o644)
    HistoryStore.open(history).close()
    assert mode(history) == 0o600


# -- a history deleted while the monitor runs --------------------------------------------


def minutes_in(history: Path) -> int:
    with closing(sqlite3.connect(f"{history.as_uri()}?mode=ro", uri=True)) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM minutes").fetchone()[0])


def wait_for(check, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with suppress(sqlite3.Error, OSError):
            if check():
                return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow  # a real monitor
def test_a_history_deleted_during_a_run_is_started_again_and_said(tmp_path):
    history = tmp_path / "data" / "history.sqlite3"
    proc = console(home(tmp_path), history, "--speed", "20", "--seconds", "240")
    try:
        started(proc)
        wait_for(lambda: minutes_in(history) >= 1, 60, "the first minute")
        for file in history.parent.glob("history.sqlite3*"):
            if not file.name.endswith(".lock"):
                file.unlink()
        _, err = proc.communicate(timeout=120)
    finally:
        stop(proc)
    assert proc.returncode == 0, err
    assert "was deleted while the monitor ran; started it again" in err, err
    assert minutes_in(history) >= 2  # the rest of the session is in the new file
    assert mode(history) == 0o600


# -- a full disk --------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 2 MB tmpfs (root only)."""
    folder = tmp_path / "small"
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> Path:
    """Fill ``folder``'s file system to the last byte; returns the filler file."""
    filler = folder / "filler"
    subprocess.run(
        ["dd", "if=/dev/zero", f"of={filler}", "bs=4k"], capture_output=True, check=False
    )
    assert os.statvfs(folder).f_bavail == 0
    return filler


def seconds_in(history: Path) -> float:
    with closing(sqlite3.connect(f"{history.as_uri()}?mode=ro", uri=True)) as conn:
        row = conn.execute(
            "SELECT SUM(upright_s + slouch_s + away_s + unknown_s), COUNT(*) FROM minutes"
        ).fetchone()
    return float(row[0] or 0.0)


@pytest.mark.slow  # a real monitor on a real tmpfs
def test_a_full_disk_keeps_the_minutes_and_catches_up_when_space_returns(small_disk):
    history = small_disk / "history.sqlite3"
    env = home(small_disk.parent)
    proc = console(env, history, "--speed", "20", "--seconds", "240")
    lines: list[str] = []
    assert proc.stderr is not None
    reader = threading.Thread(target=lambda: lines.extend(proc.stderr), daemon=True)
    try:
        started(proc)
        reader.start()
        wait_for(lambda: minutes_in(history) >= 1, 60, "the first minute")
        filler = fill(small_disk)
        wait_for(lambda: any("is full" in line for line in lines), 60, "a write on a full disk")
        filler.unlink()
        proc.wait(timeout=120)
        reader.join(timeout=30)
    finally:
        stop(proc)
    err = "".join(lines)
    assert proc.returncode == 0, err
    assert "is full; keeping new minutes in memory" in err, err
    assert "has space again; caught up" in err, err
    assert "keeping today's history in memory" not in err, err
    assert seconds_in(history) >= 230  # of 240: every minute reached the file


@pytest.mark.slow  # the commands as processes, on a real tmpfs
def test_journal_report_and_export_say_the_disk_is_full_in_one_line(small_disk):
    history = small_disk / "history.sqlite3"
    store = HistoryStore.open(history)
    store.add_minute(MinuteRow(0, 60.0, 0.0, 0.0, 0.0))
    store.close()
    fill(small_disk)
    env = home(small_disk.parent)
    for command in (["journal", "--pain", "3"], ["report"], ["export", "--format", "csv"]):
        proc = subprocess.run(
            [*CLI, *command, "--history", str(history)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.returncode == 2, (command, proc.stderr)
        assert proc.stderr == (
            f"posture-watch: {history}: the disk is full "
            "(free some space on that disk, then try again)\n"
        ), command


def test_a_history_replaced_by_another_file_is_told_and_not_written_blindly(tmp_path):
    history = tmp_path / "history.sqlite3"
    said: list[str] = []
    recorder = open_recorder(history, 0.0, report=said.append)
    recorder.on_event(Paused(100.0, until=None))
    restored = tmp_path / "restored.sqlite3"
    HistoryStore.open(restored).close()
    os.replace(restored, history)  # a backup put back while the monitor runs
    recorder.on_event(Resumed(200.0))
    recorder.on_event(Paused(300.0, until=None))
    recorder.close(400.0)
    assert said == [
        f"history: {history} was replaced by another file while the monitor ran; "
        "writing into the new file, with the rest of this session"
    ]
    with HistoryStore.open(history) as store:
        assert [(p["start"], p["end"]) for p in store.export()["pauses"]] == [(300.0, 400.0)]


def test_a_history_that_cannot_be_created_on_a_full_disk_is_created_when_space_returns(
    small_disk,
):
    history = small_disk / "history.sqlite3"
    filler = fill(small_disk)
    said: list[str] = []
    recorder = open_recorder(history, 0.0, report=said.append)
    recorder.on_event(Paused(5.0, until=None))
    recorder.on_event(Resumed(20.0))  # still full at 15 s: kept
    filler.unlink()
    recorder.on_event(Paused(30.0, until=None))
    recorder.close(40.0)
    assert said == [
        f"history: the disk of {history} is full; keeping new minutes in memory and "
        "writing them as soon as there is space",
        f"history: {history} has space again; caught up",
    ]
    with HistoryStore.open(history) as store:
        pauses = [(p["start"], p["end"]) for p in store.export()["pauses"]]
    assert pauses == [(5.0, 20.0), (30.0, 40.0)]


def test_the_good_news_goes_apart_from_the_problem_when_asked(small_disk):
    """The tray titles "caught up" apart from "the disk is full": the recorder sends it
    to ``recovered`` when one is given (by default both go to ``report``)."""
    history = small_disk / "history.sqlite3"
    filler = fill(small_disk)
    problems: list[str] = []
    news: list[str] = []
    recorder = open_recorder(history, 0.0, report=problems.append, recovered=news.append)
    recorder.on_event(Paused(5.0, until=None))
    recorder.on_event(Resumed(20.0))
    filler.unlink()
    recorder.on_event(Paused(30.0, until=None))
    recorder.close(40.0)
    assert [line.split(";")[0] for line in problems] == [f"history: the disk of {history} is full"]
    assert news == [f"history: {history} has space again; caught up"]


def test_a_history_written_over_in_place_is_told_and_left_alone(tmp_path):
    history = tmp_path / "history.sqlite3"
    said: list[str] = []
    recorder = open_recorder(history, 0.0, report=said.append)
    recorder.on_event(Paused(100.0, until=None))
    with open(history, "r+b") as file:  # same inode, not a database any more
        file.write(os.urandom(8192))
    recorder.on_event(Resumed(200.0))
    recorder.close(300.0)
    assert said == [
        f"history: cannot use {history}: written over while the monitor ran, it is no "
        "longer a SQLite database; keeping today's history in memory"
    ]
    assert recorder.fell_back
