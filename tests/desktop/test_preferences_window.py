"""``posture-watch settings --edit``: the preferences window on Xvfb, driven from the keyboard.
A value the file would refuse is shown wrong beside its field and not saved; a right one is
saved into the person's file, comments kept. Start at login is turned on from its tab."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from posture_watch.desktop import autostart
from posture_watch.desktop.preferences_window import two_lines
from posture_watch.desktop.theme import PALETTES, Scheme
from tests.harness.xsession import XSession

TITLE = "^posture-watch preferences$"
SETTINGS = "schema_version = 1\n[sitting]  # my breaks\nsit_max = 50\n"


def red_pixels(session: XSession, window: str) -> int:
    """Pixels of the window in the warning colour (the error beside a field)."""
    x, y, width, height = session.window_geometry(window)
    shot = np.asarray(session.screenshot().crop((x, y, x + width, y + height)))[..., :3]
    red = PALETTES[Scheme.LIGHT].warning.lstrip("#")
    want = np.array([int(red[i : i + 2], 16) for i in (0, 2, 4)])
    return int((np.abs(shot.astype(int) - want).sum(axis=2) < 60).sum())


def test_a_refused_value_is_shown_and_not_saved_then_a_good_one_is(
    desktop: XSession, tmp_path: Path
):
    settings = tmp_path / "settings.toml"
    settings.write_text(SETTINGS)
    env = desktop.env | {"POSTURE_WATCH_COLOR_SCHEME": "light"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "posture_watch.cli", "settings", "--edit", "--config", settings],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        window = desktop.wait_window(TITLE, timeout=15)
        desktop.wait_for(lambda: red_pixels(desktop, window) == 0, 5, "the window drawn")
        desktop.press(window, "ctrl+Tab", "6", "0", "0")  # Breaks: 50 -> 600 minutes
        desktop.wait_for(lambda: red_pixels(desktop, window) > 30, 5, "the error beside it")
        desktop.press(window, "Return")  # Save refuses
        assert settings.read_text() == SETTINGS
        desktop.press(window, "BackSpace", "BackSpace", "BackSpace", "2", "Return")
        desktop.wait_for(lambda: "sit_max = 2\n" in settings.read_text(), 5, "the save")
        assert red_pixels(desktop, window) == 0
        assert settings.read_text() == SETTINGS.replace("50", "2")
        desktop.press(window, "Escape")
        _out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert err == ""


def test_without_a_display_the_command_says_so_in_one_line(tmp_path: Path):
    settings = tmp_path / "settings.toml"
    settings.write_text(SETTINGS)
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    done = subprocess.run(
        [sys.executable, "-m", "posture_watch.cli", "settings", "--edit", "--config", settings],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot open the preferences window" in lines[0], done.stderr


def test_start_at_login_is_turned_on_from_its_tab(desktop: XSession, tmp_path: Path):
    settings = tmp_path / "settings.toml"
    settings.write_text(SETTINGS)
    assert not autostart.is_enabled()
    proc = subprocess.Popen(
        [sys.executable, "-m", "posture_watch.cli", "settings", "--edit", "--config", settings],
        env=desktop.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        window = desktop.wait_window(TITLE, timeout=15)
        # the sixth tab, Start at login: its check box has the focus; Space ticks it
        desktop.press(window, *["ctrl+Tab"] * 5, "space", "Return")
        desktop.wait_for(autostart.is_enabled, 5, "the autostart entry")
        desktop.press(window, "Escape")
        _out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert settings.read_text() == SETTINGS  # not a setting of the file


def test_a_long_tab_name_splits_at_the_space_nearest_its_middle() -> None:
    # ttk's tabs never wrap: a language with longer words gets two-line tabs instead of a
    # window wider than the screen (en@pseudo pushed Save off a 1024 px screen)
    assert two_lines("Start at login") == "Start at\nlogin"
    assert two_lines("Posture nudges") == "Posture\nnudges"
    assert two_lines("Privacy") == "Privacy"
