"""``posture-watch pause|resume|status|stretch|quit`` against a real tray under Xvfb: the
commands are separate processes, as a keyboard shortcut would start them, and what they
do is read from the tray itself (its icon in a screenshot, its windows, its exit)."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest

from posture_watch.core.status import TrayState
from tests.commands.test_control_cli import control
from tests.harness.processes import wait_for
from tests.harness.xsession import XSession
from tests.tray.test_tray_app import (
    finish,
    settings,
    start_tray,
    stretch_windows,
    tray_env,
    watch_states,
)

__all__ = ["settings", "tray_env"]  # fixtures

pytest.importorskip("tkinter", reason="the stretch window needs tkinter (python3-tk)")

RUNNING = {TrayState.UPRIGHT, TrayState.SLOUCH, TrayState.AWAY}


def test_pause_status_resume_stretch_and_quit_from_the_command_line(
    xsession: XSession, tray_env, settings: Path, tmp_path: Path
):
    assert control(tray_env, "status").returncode == 3  # nothing running yet
    events = tmp_path / "events.jsonl"
    proc = start_tray(tray_env, "--demo", "--config", settings, "--speed", 2, "--events", events)
    try:
        seen = watch_states(xsession, proc, time.monotonic() + 30, lambda s: s[-1] in RUNNING)
        assert seen and seen[-1] in RUNNING, seen
        status = wait_for(
            lambda: (r := control(tray_env, "status", "--json")).returncode == 0 and r,
            10,
            what="a status reply",
        )
        reply = json.loads(status.stdout)
        assert reply["ok"] and reply["data"]["state"] in {str(s) for s in RUNNING}
        assert reply["message"].split(" · ")[0] in {"Upright", "Slouching", "Away / on a break"}

        paused = control(tray_env, "pause", "30m")
        assert paused.returncode == 0, paused.stderr
        assert paused.stdout.startswith("paused for 30 min (until ")
        seen = watch_states(xsession, proc, time.monotonic() + 10, lambda s: s[-1] == "paused")
        assert seen[-1:] == [TrayState.PAUSED], seen
        assert json.loads(control(tray_env, "status", "--json").stdout)["data"]["paused"]

        resumed = control(tray_env, "resume")
        assert (resumed.returncode, resumed.stdout.strip()) == (0, "resumed")
        seen = watch_states(xsession, proc, time.monotonic() + 10, lambda s: s[-1] in RUNNING)
        assert seen and seen[-1] in RUNNING, seen

        stretch = control(tray_env, "stretch")
        assert (stretch.returncode, stretch.stdout.strip()) == (0, "stretch window opened")
        wait_for(lambda: stretch_windows(xsession), 15, what="the stretch window")

        quit_ = control(tray_env, "quit")
        assert (quit_.returncode, quit_.stdout.strip()) == (0, "quitting")
        _out, err = finish(proc)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            finish(proc)
    assert proc.returncode == 0, err
    assert control(tray_env, "status").returncode == 3  # its socket went with it
    types = [json.loads(line)["type"] for line in events.read_text().splitlines()]
    assert types.index("Paused") < types.index("Resumed")


def test_locking_the_screen_shows_the_padlock_and_unlocking_resumes(
    xsession: XSession, tray_env, settings: Path, tmp_path: Path
):
    """A stand-in GNOME screensaver on the session's own bus locks and unlocks."""
    from tests.harness.standins import StandIn, need_tools

    need_tools()
    saver = StandIn("screensaver.py", xsession.bus_address, "org.gnome.ScreenSaver")
    events = tmp_path / "events.jsonl"
    proc = start_tray(tray_env, "--demo", "--config", settings, "--events", events)
    try:
        seen = watch_states(xsession, proc, time.monotonic() + 30, lambda s: s[-1] in RUNNING)
        assert seen and seen[-1] in RUNNING, seen
        saver.expect("GetActive")  # the tray's watcher asked and subscribed
        saver.send("lock")
        seen = watch_states(xsession, proc, time.monotonic() + 10, lambda s: s[-1] == "locked")
        assert seen[-1:] == [TrayState.LOCKED], seen
        unlocked = time.monotonic()
        saver.send("unlock")
        seen = watch_states(xsession, proc, time.monotonic() + 10, lambda s: s[-1] in RUNNING)
        assert seen and seen[-1] in RUNNING, seen
        # resumes soon after the unlock (about 2 s idle); generous for a loaded machine
        assert time.monotonic() - unlocked < 15.0
    finally:
        saver.close()
        proc.send_signal(signal.SIGTERM)
        _out, err = finish(proc)
    assert proc.returncode == 0, err
    types = [json.loads(line)["type"] for line in events.read_text().splitlines()]
    assert types.index("ScreenLocked") < types.index("ScreenUnlocked")
