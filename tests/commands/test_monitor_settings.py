"""``posture-watch monitor --no-tray`` follows its settings file as the tray does: a hand
edit applies at once, without a restart, and says so in one line."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

from posture_watch import paths
from posture_watch.monitor.setup import DEMO_PROFILE, DEMO_SESSION
from tests.commands.test_monitor import env, start, wait_for_line

__all__ = ["env"]


def test_a_hand_edit_of_the_long_sitting_time_applies_at_once(env, tmp_path: Path):
    settings = tmp_path / "settings.toml"
    settings.write_text("schema_version = 1\n[prompts]\ncheck_every = 0\n")
    recording = shutil.copy(paths.DEMO_DIR / DEMO_SESSION, tmp_path / "desk.jsonl")
    proc = start(
        env, "--source", recording, "--calibration", paths.DEMO_DIR / DEMO_PROFILE,
        "--config", settings, "--speed", "20",
    )  # fmt: skip
    try:
        before = wait_for_line(proc, "state: upright")
        settings.write_text("schema_version = 1\n[sitting]\nsit_max = 1  # by hand\n")
        after = wait_for_line(proc, "ALERT long sitting", timeout=30)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    finally:
        proc.kill()
        _rest, err = proc.communicate()
    assert proc.returncode == 0, err
    assert not [line for line in before if "ALERT long sitting" in line]
    changed = [line for line in after if "settings.toml changed; the monitor uses it now" in line]
    assert len(changed) == 1, after
    assert "Traceback" not in err
