"""``posture-watch status|pause|resume|stretch|quit`` against a real console monitor: both
sides are real processes, as a keyboard shortcut would start them."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from posture_watch import paths
from tests.commands.test_monitor import env, start
from tests.commands.test_monitor_lock import Output

__all__ = ["env"]  # a fixture

#: The demo's recording as a plain source: the demo itself answers on its own folder's
#: history, not on the person's, which these commands ask by default.
SESSION = (
    "--source",
    str(paths.SAMPLES_DIR / "demo-session.jsonl"),
    "--calibration",
    str(paths.SAMPLES_DIR / "demo-profile.json"),
)


def control(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "posture_watch.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=20,
    )


def test_the_console_monitor_answers_the_control_commands(env):
    proc = start(env, *SESSION, "--speed", "2")
    try:
        out = Output(proc)
        out.wait_for("state: upright")
        status = control(env, "status", "--json")
        assert status.returncode == 0, status.stderr
        reply = json.loads(status.stdout)
        assert reply["ok"] and reply["data"]["state"] == "upright"
        assert reply["message"].startswith("Upright · sitting ")

        asked = time.monotonic()
        paused = control(env, "pause", "90s")
        assert paused.returncode == 0 and paused.stdout.startswith("paused for 1 min 30 s")
        out.wait_for("paused", after=asked)
        assert json.loads(control(env, "status", "--json").stdout)["data"]["paused"] is True

        asked = time.monotonic()
        assert control(env, "resume").stdout.strip() == "resumed"
        out.wait_for("resumed", after=asked)

        stretch = control(env, "stretch")  # no window without the tray
        assert stretch.returncode == 1 and "stretch needs the tray" in stretch.stderr

        quit_ = control(env, "quit")
        assert (quit_.returncode, quit_.stdout.strip()) == (0, "stopping")
        assert proc.wait(10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    out.close()
    with proc.stderr:
        assert proc.stderr.read() == ""
    assert [line for _, line in out.lines][-1].startswith("stopped:")
    gone = control(env, "status")
    assert gone.returncode == 3 and "no running posture-watch" in gone.stderr


def test_without_a_running_monitor_pause_says_so_in_one_line(env):
    done = control(env, "pause", "30m")
    assert done.returncode == 3
    assert done.stderr.strip().splitlines() == [
        "posture-watch: no running posture-watch (start it with `posture-watch tray`)"
    ]
