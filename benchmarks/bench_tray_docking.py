"""How often the X11 tray icon ends up docked narrow (a 1-pixel sliver) under trayer.

Usage::

    .venv/bin/python benchmarks/bench_tray_docking.py            # 50 launches
    .venv/bin/python benchmarks/bench_tray_docking.py --launches 10 --calibrate-every 2

Each launch starts ``posture-watch tray --demo`` in one Xvfb + trayer desktop (from
tests/harness, the suite's own), in a throw-away HOME, and waits for the icon to dock.
Every ``--calibrate-every``-th launch then clicks the icon, picks Calibrate… in the popup
menu, waits for the calibration window and closes it with Cancel (Escape): the case the
issue saw stay invisible. It then watches the icon window's size (``xdotool
getwindowgeometry``, as a person's bug report did) for ``--watch`` seconds and counts the
launch as *narrow* when the icon is narrower than 8 px at the end, and as *squeezed* when
it was narrower at any moment it was looked at. The tray is stopped with SIGTERM.

It needs Xvfb, trayer and xdotool (``scripts/test.sh`` installs them) and takes about
10 s a launch (15 s with Calibrate…).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.harness.tray_menu import choose_menu_entry
from tests.harness.xsession import XSession

TRAY = [sys.executable, "-m", "posture_watch.cli", "tray", "--demo", "--speed", "1"]
ICON_CLASS = "^posture-watchSystemTrayIcon$"
NARROW = 8  # pixels: below this the icon cannot be seen or clicked


@dataclass
class Launch:
    calibrate: bool
    widths: list[int] = field(default_factory=list)
    error: str = ""

    @property
    def narrow(self) -> bool:
        return bool(self.widths) and self.widths[-1] < NARROW

    @property
    def squeezed(self) -> bool:
        return any(width < NARROW for width in self.widths)


def icon_width(session: XSession) -> int | None:
    found = session.run("xdotool", "search", "--classname", ICON_CLASS).stdout.split()
    if not found:
        return None
    try:
        return session.window_geometry(found[0])[2]
    except (KeyError, ValueError):
        return None


def one_launch(session: XSession, home: Path, calibrate: bool, watch: float) -> Launch:
    launch = Launch(calibrate)
    env = session.env | {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_STATE_HOME": str(home / ".local/state"),
        "XDG_RUNTIME_DIR": str(home / "run"),
    }
    (home / "run").mkdir(mode=0o700, exist_ok=True)
    with open(home / "tray.log", "ab") as log:
        proc = subprocess.Popen(TRAY, env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
    try:
        session.wait_for(lambda: (icon_width(session) or 0) > 0, 20, "the tray icon")
        time.sleep(2.0)  # the demo's first states
        if calibrate:
            choose_menu_entry(session, "calibrate")
            window = session.wait_window("^posture-watch: Calibrate$", timeout=30)
            time.sleep(2.0)
            session.press(window, "Escape")
            session.wait_for(lambda: not session.windows("^posture-watch: Calibrate$"), 10)
        end = time.monotonic() + watch
        while time.monotonic() < end:
            width = icon_width(session)
            if width is not None:
                launch.widths.append(width)
            time.sleep(0.25)
    except Exception as exc:
        launch.error = f"{type(exc).__name__}: {exc}"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return launch


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--launches", type=int, default=50)
    parser.add_argument("--calibrate-every", type=int, default=3, help="0: never")
    parser.add_argument("--watch", type=float, default=6.0, help="seconds to watch the size")
    args = parser.parse_args()
    missing = XSession.missing_tools(dunst=False)
    if missing:
        print(f"missing: {', '.join(missing)} (scripts/test.sh installs them)", file=sys.stderr)
        return 2
    launches: list[Launch] = []
    with (
        tempfile.TemporaryDirectory(prefix="pw-bench-dock-") as folder,
        XSession(dunst=False) as session,
    ):
        for n in range(args.launches):
            calibrate = args.calibrate_every > 0 and n % args.calibrate_every == 0
            launch = one_launch(session, Path(folder), calibrate, args.watch)
            launches.append(launch)
            sizes = sorted(set(launch.widths))
            state = "NARROW" if launch.narrow else "squeezed" if launch.squeezed else "ok"
            note = f" ({launch.error})" if launch.error else ""
            print(
                f"{n + 1:3d} calibrate={calibrate!s:5} {state:8} widths={sizes}{note}", flush=True
            )
    for label, subset in (
        ("all", launches),
        ("with Calibrate…", [x for x in launches if x.calibrate]),
        ("without", [x for x in launches if not x.calibrate]),
    ):
        narrow = sum(x.narrow for x in subset)
        squeezed = sum(x.squeezed for x in subset)
        failed = sum(bool(x.error) for x in subset)
        print(
            f"{label:16} launches {len(subset):3d}  narrow at the end {narrow:3d}  "
            f"narrow at some moment {squeezed:3d}  failed {failed}"
        )
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
