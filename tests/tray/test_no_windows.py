"""A tray where no window can open (Wayland without XWayland): no ``DISPLAY``, only
``WAYLAND_DISPLAY``. The tray runs as a StatusNotifierItem waiting for a panel, and what
it says goes through a private bus to dunst (which itself draws on an Xvfb the tray never
sees). It says once that windows cannot open, and a break's nudge says what was seen and
to stand up, without pointing to a stretch window."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from tests.harness.xsession import XSession
from tests.tray.test_tray_app import finish, journal, settings, start_tray, tray_env

__all__ = ["settings", "tray_env"]  # fixtures

NO_WINDOWS = "posture-watch cannot open windows here"


@pytest.fixture
def wayland_only(tray_env: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in tray_env.items() if k != "DISPLAY"}
    return env | {"WAYLAND_DISPLAY": "wayland-nobody", "POSTURE_WATCH_TRAY": "sni"}


def test_without_x_the_tray_says_so_and_the_break_nudge_still_comes(
    xsession: XSession, wayland_only, settings: Path, tmp_path: Path
):
    events = tmp_path / "events.jsonl"
    proc = start_tray(
        wayland_only, "--demo", "--config", settings, "--speed", 10, "--events", events
    )
    try:

        def break_shown() -> bool:
            return any(
                r["type"] == "PromptShown" and r["reason"] == "long_sitting"
                for r in journal(events)
            )

        xsession.wait_for(break_shown, 60, "the break nudge")
        time.sleep(0.5)
        xsession.screenshot().save(tmp_path / "no-windows.png")
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = finish(proc)
    assert proc.returncode == 0, err
    notes = xsession.notifications()
    summaries = [n["summary"] for n in notes]
    assert summaries.count(NO_WINDOWS) == 1, summaries
    (nudge,) = [n for n in notes if n["summary"] == "Time for a break"]
    # what was seen and one thing to do: no window to point at, no stretch to compete
    assert "stretch" not in nudge["body"] and len(nudge["body"].split("\n")) == 2
    assert "cannot open the stretch window" not in err
