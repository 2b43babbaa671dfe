"""Faults of a real day, through the real ``monitor --no-tray`` process: a bad model, the
signals a desktop sends, a webcam not plugged in at login, a worker that crashes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from contextlib import closing
from pathlib import Path

import pytest

from tests.commands.test_monitor import CLI, start, wait_for_line


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
    }


@pytest.mark.parametrize(
    ("own", "says"),
    [
        ((), "corrupt.task is not the pinned lite model: it has 4096 bytes"),
        (("--allow-own-model",), "cannot load pose model"),
    ],
)
def test_a_corrupt_model_exits_2_with_one_line(env, tmp_path, shared_samples, own, says):
    """Was: a thread traceback, "stopped: 0 frames analysed", exit 0. Now the pin check
    refuses it before loading; with --allow-own-model the load itself fails in one line
    (after the one warning that it is not a pinned model)."""
    bad = tmp_path / "corrupt.task"
    bad.write_bytes(os.urandom(4096))
    picture = next((shared_samples / "sideview" / "images").glob("*.jpg"))
    proc = subprocess.run(
        [*CLI, "--source", str(picture.parent), "--model", str(bad), *own, "--seconds", "5"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    *warning, error = proc.stderr.splitlines()
    assert len(warning) == len(own) and says in error and error.startswith("posture-watch: ")
    assert all("is not a pinned pose model" in line for line in warning)
    assert "Traceback" not in proc.stderr + proc.stdout


def minutes(path: Path) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT minute, upright_s + slouch_s + away_s FROM minutes").fetchall()


@pytest.mark.parametrize(
    ("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 0), (signal.SIGHUP, 0)]
)
def test_signals_stop_cleanly_with_their_exit_code_and_keep_the_open_minute(
    env, tmp_path, sig, code
):
    """Ctrl-C is 130 as the README says; SIGHUP (a closed terminal) no longer loses the
    open minute: every signal writes it before the process ends."""
    history = tmp_path / "history.sqlite3"
    proc = start(env, "--demo", "--speed", "20", "--history", str(history))
    try:
        wait_for_line(proc, "state: upright")
        time.sleep(1.0)  # 20 s of session time: inside the first minute
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=10)
    finally:
        proc.kill()
    assert proc.returncode == code, err
    assert "Traceback" not in err and "The demo has ended" in out
    rows = minutes(history)
    assert rows and sum(seen for _, seen in rows) >= 15  # the open minute was written


def test_a_camera_missing_at_start_is_waited_for(env, tmp_path):
    """Was: exit 2. A login with the webcam unplugged starts anyway and keeps retrying."""
    proc = start(env, "--source", "7", "--history", str(tmp_path / "h.sqlite3"))
    try:
        lines = wait_for_line(proc, "camera unavailable", timeout=30)
        lines += wait_for_line(proc, "camera unavailable", timeout=30)  # retried
        assert proc.poll() is None
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert any("waiting for it" in line for line in lines)
    assert "retrying in 1 s" in "".join(lines) and "retrying in 2 s" in "".join(lines)
