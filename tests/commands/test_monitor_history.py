"""The console monitor writing its history, as a real process: a damaged or locked file
never stops it, and a ``kill -9`` loses at most the minute in progress."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from posture_watch import paths
from posture_watch.history import HistoryStore

CLI = [sys.executable, "-m", "posture_watch.cli", "monitor", "--no-tray"]
DEMO = paths.SAMPLES_DIR / "demo-session.jsonl"


@pytest.fixture
def env(tmp_path):
    return {
        **os.environ,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
    }


def monitor(env, history, *args, timeout=60):
    return subprocess.run(
        [*CLI, "--source", str(DEMO), "--history", str(history), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_the_demo_records_into_its_own_folder_not_the_default_history(env, tmp_path):
    """The demo's minutes once stayed in the person's history (and ``report`` showed them
    as their day); now they go to the demo's throw-away folder, and the person's data
    folder is not even created."""
    proc = subprocess.run(
        [*CLI, "--demo", "--speed", "40", "--seconds", "120"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert not (tmp_path / "data").exists()
    assert not (tmp_path / "config" / "posture-watch").exists()  # no settings file made
    path = Path(env["XDG_CACHE_HOME"]) / "posture-watch" / "demo" / "data" / "history.sqlite3"
    with HistoryStore.open(path) as store:
        out = store.export()
    assert len(out["minutes"]) >= 2
    seconds = sum(m[k] for m in out["minutes"] for k in ("upright_s", "slouch_s"))
    assert 100 < seconds <= 125
    assert [a["kind"] for a in out["alerts"]] == ["long_sitting", "slouch"]  # a minute apart
    (bout,) = out["bouts"]  # still open at the end: ended at shutdown
    assert 100 < bout["end"] - bout["start"] <= 125


def test_a_damaged_history_file_is_one_line_and_the_monitor_runs_on(env, tmp_path):
    history = tmp_path / "history.sqlite3"
    garbage = os.urandom(16384)
    history.write_bytes(garbage)
    proc = monitor(env, history, "--speed", "40", "--seconds", "40")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [
        f"posture-watch: history: cannot use {history}: file is not a database; "
        "keeping today's history in memory"
    ]
    assert "state: upright" in proc.stdout and "stopped:" in proc.stdout
    assert history.read_bytes() == garbage


def test_a_locked_history_file_is_one_line_and_the_monitor_runs_on(env, tmp_path):
    history = tmp_path / "history.sqlite3"
    HistoryStore.open(history).close()
    with closing(sqlite3.connect(history, isolation_level=None)) as holder:
        holder.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        proc = monitor(env, history, "--speed", "40", "--seconds", "20")
        holder.execute("ROLLBACK")
    assert proc.returncode == 0, proc.stderr
    (line,) = proc.stderr.splitlines()
    assert line.startswith(f"posture-watch: history: cannot use {history}: database is locked")
    assert line.endswith("keeping today's history in memory")
    assert "stopped:" in proc.stdout
    assert time.monotonic() - started < 15  # the busy timeout (5 s), then on without it
    with HistoryStore.open(history) as store:
        assert store.minutes() == []


def _long_session(path, repeats=2):
    """The demo session played ``repeats`` times back to back, so that the monitor is
    still running when it is killed."""
    header, *frames = DEMO.read_text().splitlines()
    frames = [json.loads(line) for line in frames]
    step = frames[-1]["t"] + (frames[-1]["t"] - frames[-2]["t"])
    with path.open("w") as out:
        out.write(header + "\n")
        for k in range(repeats):
            for i, frame in enumerate(frames):
                frame = frame | {"frame": k * len(frames) + i, "t": frame["t"] + k * step}
                out.write(json.dumps(frame) + "\n")


def _minutes(history):
    with closing(sqlite3.connect(f"file:{history}?mode=ro", uri=True)) as conn:
        return conn.execute("SELECT * FROM minutes ORDER BY minute").fetchall()


def test_kill_9_loses_at_most_the_minute_in_progress(env, tmp_path):
    speed, stable_interval = 40, 2.0
    session = tmp_path / "long-session.jsonl"
    _long_session(session)
    history = tmp_path / "history.sqlite3"
    proc = subprocess.Popen(
        [*CLI, "--source", str(session), "--speed", str(speed), "--history", str(history)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        while "monitoring" not in proc.stdout.readline():
            assert proc.poll() is None, proc.stderr.read()
        seen = time.time()  # just after the process took its origin
        deadline = time.monotonic() + 30
        while not (history.exists() and len(_minutes(history)) >= 4):
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.1)
        time.sleep(0.4)  # into the next minute's first seconds, a little
        killed_at = time.time()
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=5) == -signal.SIGKILL
    finally:
        proc.kill()
        proc.communicate()
    # the history wall time the process had reached, at least (its origin is before `seen`)
    reached = seen + (killed_at - seen) * speed
    with closing(sqlite3.connect(history)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    minutes = _minutes(history)
    starts = [m[0] for m in minutes]
    assert starts == list(range(starts[0], starts[-1] + 60, 60))  # none missing
    for minute, *seconds in minutes:
        assert 0 < sum(seconds[:4]) <= 60 + 1e-6, (minute, seconds)
    # every minute that ended a frame interval before the kill was written
    current = (reached - stable_interval - 1) // 60 * 60
    assert starts[-1] >= current - 60, (starts[-1], reached)
    assert starts[-1] <= reached
