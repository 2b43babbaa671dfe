"""``posture-watch monitor --no-tray`` as a real process: demo, SIGTERM, one instance."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "posture_watch.cli", "monitor", "--no-tray"]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
    }


def start(env, *args) -> subprocess.Popen:
    return subprocess.Popen(
        [*CLI, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_for_line(proc: subprocess.Popen, text: str, timeout: float = 30) -> list[str]:
    lines, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if text in line:
            return lines
    raise AssertionError(f"{text!r} not seen in {lines}")


def test_demo_replay_shows_the_whole_loop(env):
    proc = subprocess.run(
        [*CLI, "--demo", "--speed", "40"], env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "(calibrated)" in out
    assert out.count("ALERT slouch") == 1
    for text in ("state: slouch", "state: away", "break: away long enough", "back from a break"):
        assert text in out
    assert "Traceback" not in proc.stderr


def test_sigterm_stops_cleanly_and_promptly(env):
    proc = start(env, "--demo", "--speed", "1")
    try:
        wait_for_line(proc, "state: upright")
        sent = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=20)
        elapsed = time.monotonic() - sent
    finally:
        proc.kill()
        rest, _ = proc.communicate()
    # promptly: well inside the grace a logout gives before SIGKILL, even on a loaded machine
    assert code == 0 and elapsed < 10.0, (code, elapsed)
    assert "The demo has ended before a whole minute was watched." in rest


def test_a_second_instance_says_so_and_exits(env):
    first = start(env, "--demo", "--speed", "1")
    try:
        wait_for_line(first, "monitoring")
        second = subprocess.run(
            [*CLI, "--demo"], env=env, capture_output=True, text=True, timeout=60
        )
        assert second.returncode == 3
        assert f"demo is already running in a terminal (pid {first.pid}, since" in second.stderr
    finally:
        first.terminate()
        first.communicate(timeout=5)


def test_missing_source_file_is_one_line_and_exit_2(env, tmp_path):
    proc = subprocess.run(
        [*CLI, "--source", str(tmp_path / "gone.mp4")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "gone.mp4" in proc.stderr and "Traceback" not in proc.stderr


def test_a_worker_that_ends_without_its_last_event_stops_the_console_with_exit_1(tmp_path, capsys):
    """The console notices a dead worker as the tray does: through the same session
    (its WorkerLost rule), with the same words, exit 1, and the history closed."""
    import queue
    import threading
    from types import SimpleNamespace

    from posture_watch.clock import ManualClock
    from posture_watch.commands.foreground import ConsoleOutput
    from posture_watch.commands.monitor import follow
    from posture_watch.config import AppConfig
    from posture_watch.core.session import WORKER_LOST
    from posture_watch.core.worker_events import Stop
    from posture_watch.history import open_recorder
    from tests.harness.fakes import Worker

    clock = ManualClock(1_700_000_000.0)

    class Loop(Worker):  # the worker's command queue; its thread below never runs it
        started = clock.wall()

    worker = threading.Thread(target=lambda: None)  # ends at once, saying nothing
    worker.start()
    worker.join()
    real = open_recorder(tmp_path / "history.sqlite3", clock.wall())
    closed: list[float] = []

    class Recorder:  # the real history, and when it was closed
        def on_event(self, event: object) -> None:
            real.on_event(event)

        def close(self, t_end: float) -> None:
            closed.append(t_end)
            real.close(t_end)

    loop = Loop()
    setup = SimpleNamespace(clock=clock, spec="demo", config=AppConfig())
    args = SimpleNamespace(seconds=None)
    out = ConsoleOutput()
    code = follow(args, setup, loop, worker, queue.Queue(), Recorder(), [], out)  # type: ignore[arg-type]
    assert code == 1
    assert capsys.readouterr().err == f"posture-watch: {WORKER_LOST}\n"
    assert loop.commands == [Stop()]  # the session's Stop reached the worker
    assert closed == [clock.wall()]  # the open minute was written, the history closed
