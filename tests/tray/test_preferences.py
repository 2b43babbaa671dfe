"""The preferences window from a running tray, with real clicks and keys on Xvfb: a shorter
long-sitting time saved there reaches the running monitor, whose next break follows it,
with no restart."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from posture_watch import paths
from posture_watch.monitor.setup import DEMO_PROFILE, DEMO_SESSION
from tests.harness.tray_menu import choose_menu_entry
from tests.harness.xsession import XSession

pytest.importorskip("tkinter", reason="the preferences window needs tkinter (python3-tk)")

TRAY = [sys.executable, "-X", "faulthandler", "-m", "posture_watch.cli", "tray"]
#: A settings file as a person keeps it: comments, and the default 50 min break nudge.
SETTINGS = """\
schema_version = 1
# my own note: keep this
[sitting]
sit_max = 50  # minutes
[prompts]
check_every = 0
"""
#: The Save button's centre from the window's bottom-right corner (16 px padding).
SAVE_FROM_CORNER = (56, 36)


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.mark.slow
def test_a_shorter_long_sitting_time_saved_in_the_window_applies_without_a_restart(
    xsession: XSession, tmp_path: Path
):
    run_dir = tmp_path / "run"
    run_dir.mkdir(mode=0o700)
    env = xsession.env | {"XDG_RUNTIME_DIR": str(run_dir)}
    settings, events = tmp_path / "settings.toml", tmp_path / "events.jsonl"
    settings.write_text(SETTINGS)
    recording = shutil.copy(paths.DEMO_DIR / DEMO_SESSION, tmp_path / "desk.jsonl")  # not the demo
    proc = subprocess.Popen(
        [*TRAY, *map(str, ["--source", recording, "--calibration", paths.DEMO_DIR / DEMO_PROFILE,
         "--config", settings, "--speed", 10, "--events", events])],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        xsession.wait_for(
            lambda: any(r["type"] == "StateChanged" for r in records(events)), 30, "monitoring"
        )
        choose_menu_entry(xsession, "preferences")
        window = xsession.wait_window("^posture-watch preferences$", timeout=15)
        xsession.press(window, "ctrl+Tab")  # the Breaks tab: its first field has the focus
        time.sleep(0.3)
        xsession.run("xdotool", "type", "--window", window, "1")  # 50 -> 1 minute
        _, _, width, height = xsession.window_geometry(window)
        time.sleep(0.3)
        xsession.click(window, width - SAVE_FROM_CORNER[0], height - SAVE_FROM_CORNER[1])
        xsession.wait_for(
            lambda: re.search(r"\nsit_max = 1 +# minutes\n", settings.read_text()), 10, "saved"
        )
        before = records(events)  # what the monitor did under the old 50 min
        if os.environ.get("PW_SCREENSHOTS"):
            xsession.screenshot().save(Path(os.environ["PW_SCREENSHOTS"]) / "preferences.png")
        alerts = xsession.wait_for(
            lambda: [r for r in records(events)[len(before) :] if r["type"] == "LongSittingAlert"],
            timeout=30,
            what="the break nudge after 1 min of sitting",
        )
        xsession.press(window, "Escape")
        xsession.wait_for(lambda: not xsession.windows("^posture-watch preferences$"), 10)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            _out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            _out, err = proc.communicate()
    assert proc.returncode == 0, err
    assert "Traceback" not in err, err
    assert err.count("settings.toml changed; the monitor uses it now") == 1, err
    text = settings.read_text()
    assert "# my own note: keep this" in text and "check_every = 0" in text
    # no break nudge under the old 50 min; the first one follows the new 1 min, in the
    # sitting spell that was already running
    assert not [r for r in before if r["type"] == "LongSittingAlert"]
    first = alerts[0]
    assert 60 <= first["t"] - first["sitting_since"] < 50 * 60
