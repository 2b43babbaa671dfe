"""The X11 tray icon keeps its size for the whole run (trayer, XEmbed).

trayer moves an icon into a new socket at every dock request, even for a window it
holds already, and that socket now and then comes up 1 pixel wide for good. pystray sent
such a request at every icon change; the tray now sends it only while undocked and
repairs a squeezed icon when it sees the resize. ``benchmarks/bench_tray_docking.py``
counts it over 50 launches; here a few launches, one of them with Calibrate… opened and
cancelled, and a tray host that re-docks the icon again and again from outside.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from Xlib import X, display
from Xlib.protocol import event

from posture_watch.core.status import TrayState
from tests.harness.tray_menu import choose_menu_entry
from tests.harness.xsession import XSession
from tests.tray.test_tray_app import (
    finish,
    settings,
    start_tray,
    tray_env,
    watch_states,
)

__all__ = ["settings", "tray_env"]  # fixtures

pytest.importorskip("tkinter", reason="the popup menu needs tkinter (python3-tk)")

ICON = "^posture-watchSystemTrayIcon$"
RUNNING = {TrayState.UPRIGHT, TrayState.SLOUCH, TrayState.AWAY}


def icon_window(session: XSession) -> int:
    found = session.run("xdotool", "search", "--classname", ICON).stdout.split()
    assert found, "no tray icon window"
    return int(found[0])


def icon_width(session: XSession) -> int:
    return session.window_geometry(str(icon_window(session)))[2]


def wide(session: XSession) -> bool:
    return icon_width(session) >= 20


def test_a_few_launches_and_one_with_calibrate_keep_the_icon_wide(
    xsession: XSession, tray_env, settings: Path
):
    for launch in range(3):
        proc = start_tray(tray_env, "--demo", "--config", settings, "--speed", 2)
        try:
            seen = watch_states(xsession, proc, time.monotonic() + 30, lambda s: s[-1] in RUNNING)
            assert seen and seen[-1] in RUNNING, seen
            if launch == 2:
                choose_menu_entry(xsession, "calibrate")
                window = xsession.wait_window("^posture-watch: Calibrate$", timeout=30)
                time.sleep(1.0)
                xsession.press(window, "Escape")  # Cancel
                gone = lambda: not xsession.windows("^posture-watch: Calibrate$")  # noqa: E731
                xsession.wait_for(gone, 10, "the calibration window to close")
                time.sleep(1.5)  # the icons after calibrating
            xsession.wait_for(lambda: wide(xsession), 3, f"a wide icon in launch {launch + 1}")
        finally:
            proc.send_signal(signal.SIGTERM)
            _out, err = finish(proc)
        assert proc.returncode == 0, err


def test_an_icon_the_host_squeezes_is_repaired_within_a_second(
    xsession: XSession, tray_env, settings: Path
):
    """Dock requests sent from outside make trayer re-embed the icon each time; in about
    half of them it came up 1 pixel wide and stayed so. Each must be repaired."""
    proc = start_tray(tray_env, "--demo", "--config", settings, "--speed", 1)
    conn = display.Display(xsession.display)
    try:
        seen = watch_states(xsession, proc, time.monotonic() + 30, lambda s: s[-1] in RUNNING)
        assert seen and seen[-1] in RUNNING, seen
        window = conn.create_resource_object("window", icon_window(xsession))
        tray = conn.get_selection_owner(conn.intern_atom("_NET_SYSTEM_TRAY_S0"))
        opcode = conn.intern_atom("_NET_SYSTEM_TRAY_OPCODE")
        widths = []
        for _ in range(10):
            request = event.ClientMessage(
                window=tray, client_type=opcode, data=(32, [X.CurrentTime, 0, window.id, 0, 0])
            )
            tray.send_event(request, event_mask=X.NoEventMask)
            conn.sync()
            time.sleep(0.3)
            widths.append(icon_width(xsession))
            xsession.wait_for(lambda: wide(xsession), 3, f"the icon wide again after {widths}")
    finally:
        conn.close()
        proc.send_signal(signal.SIGTERM)
        _out, err = finish(proc)
    assert proc.returncode == 0, err
