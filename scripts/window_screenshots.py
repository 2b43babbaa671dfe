"""The windows' pictures in both themes and at 2x: the stretch window, the journal window,
the calibration window, and the preferences window's Breaks tab
(``scripts/screenshots.py --windows`` runs this).

Each picture comes from the real window as a child process on its own throw-away X
desktop (``tests/harness/xsession.py``), in a throw-away HOME; the theme is chosen with
``POSTURE_WATCH_COLOR_SCHEME`` as a desktop's portal would choose it, and 2x is an Xvfb at
192 DPI on a 2048x1536 screen. The stretch window is taken 3 s into a hold, so the ring
and the side and repetition show; the calibration window comes from the tray demo's
Calibrate… (the recorded person: no camera picture), as ``screenshots.py`` takes it.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from posture_watch.desktop.journal_process import JournalWindowProcess
from posture_watch.desktop.stretch_process import StretchWindowProcess
from scripts.screenshots import capture_calibration, crop, geometry_box, private_home, say
from tests.harness.xsession import XSession

#: The stretch shown: a two-sided one, so "Left side · 1 of 3" shows.
STRETCH = "upper-trapezius-stretch"
SCHEMES = ("light", "dark")
HIDPI = {"screen": (2048, 1536), "dpi": 192}


def _stretch(session: XSession, env: dict[str, str], out: Path) -> None:
    with StretchWindowProcess(STRETCH, env=env, hold_seconds=30) as window:
        window.start()
        window_id = session.wait_window("^posture-watch: Neck side bend")
        time.sleep(1.0)
        session.press(window_id, "space")
        time.sleep(3.3)
        crop(session.screenshot(), geometry_box(session, window_id), out)
        window.close()


def _journal(session: XSession, env: dict[str, str], out: Path) -> None:
    with JournalWindowProcess(env=env) as window:
        window.start()
        window_id = session.wait_window("^posture-watch: how do you feel today")
        time.sleep(1.0)
        crop(session.screenshot(), geometry_box(session, window_id), out)
        window.close()


def _preferences(session: XSession, env: dict[str, str], out: Path) -> None:
    """The preferences window on its Breaks tab (the README's Settings picture)."""
    settings = Path(env["XDG_CONFIG_HOME"]) / "posture-watch" / "settings.toml"
    module = "posture_watch.desktop.preferences_window"
    with subprocess.Popen([sys.executable, "-m", module, "--config", str(settings)], env=env) as p:
        window_id = session.wait_window("Preferences")
        time.sleep(1.0)
        session.press(window_id, "ctrl+Tab")  # Posture nudges -> Breaks
        time.sleep(0.8)
        crop(session.screenshot(), geometry_box(session, window_id), out)
        p.terminate()


def capture_windows(out: Path, *, calibration: bool = True) -> None:
    """Write stretch-window-{light,dark,2x}.png, journal-window-{light,dark,2x}.png,
    preferences.png and calibration-window-{light,dark}.png into ``out``."""
    for scheme in SCHEMES:
        with (
            tempfile.TemporaryDirectory(prefix="pw-windows-") as base,
            XSession(dunst=False, trayer=False) as session,
        ):
            env = session.env | private_home(Path(base)) | {"POSTURE_WATCH_COLOR_SCHEME": scheme}
            _stretch(session, env, out / f"stretch-window-{scheme}.png")
            _journal(session, env, out / f"journal-window-{scheme}.png")
            if scheme == "light":
                _preferences(session, env, out / "preferences.png")
    with (
        tempfile.TemporaryDirectory(prefix="pw-windows-") as base,
        XSession(dunst=False, trayer=False, **HIDPI) as session,
    ):
        env = session.env | private_home(Path(base)) | {"POSTURE_WATCH_COLOR_SCHEME": "light"}
        _stretch(session, env, out / "stretch-window-2x.png")
        _journal(session, env, out / "journal-window-2x.png")
    if not calibration:
        return
    for scheme in SCHEMES:
        with tempfile.TemporaryDirectory(prefix="pw-windows-") as base, XSession() as session:
            env = session.env | private_home(Path(base)) | {"POSTURE_WATCH_COLOR_SCHEME": scheme}
            capture_calibration(session, env, out, f"calibration-window-{scheme}.png")
    say("windows done")
