"""What asking the desktop whether to hold nudges back costs: CPU per poll, and per hour.

The tray's do-not-disturb watcher (``posture_watch/desktop/do_not_disturb.py``) asks every
3 s. This starts a throw-away desktop (Xvfb, a private bus, dunst, openbox and a window in
full screen; GNOME's setting through dconf when ``dconf-service`` is there), builds the
same probes the tray builds, and times ``poll()`` many times: the process's CPU time
(user + system) per poll, for the X11 probe alone and for all of them, and the CPU per
hour at the tray's pace. A GNOME probe reads a ``gsettings monitor`` pipe, so its part is
one read; the monitor process itself idles (its RSS is printed).

    .venv/bin/python benchmarks/bench_do_not_disturb.py [--polls 2000]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from posture_watch.desktop.disturb_probes import GnomeBanners, X11FullScreen, desktop_probes
from posture_watch.desktop.do_not_disturb import POLL_EVERY, DisturbWatch
from tests.harness.processes import stop
from tests.harness.xsession import XSession

FILM = (
    "import tkinter as tk; r = tk.Tk(); r.title('film');"
    " r.attributes('-fullscreen', True); r.mainloop()"
)


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def per_poll(watch: DisturbWatch, polls: int) -> tuple[float, float]:
    """Milliseconds of CPU and of wall time per poll."""
    watch.poll()  # the first one posts; the rest only ask
    wall, used = time.perf_counter(), cpu()
    for _ in range(polls):
        watch.poll()
    return (cpu() - used) / polls * 1e3, (time.perf_counter() - wall) / polls * 1e3


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polls", type=int, default=2000)
    args = parser.parse_args()
    missing = [tool for tool in ("openbox", "dunstctl", "Xvfb") if shutil.which(tool) is None]
    if missing:
        print(f"needs {', '.join(missing)}", file=sys.stderr)
        return 2
    with XSession(trayer=False) as session:
        wm = subprocess.Popen(["openbox", "--sm-disable"], env=session.env)
        extra: list[subprocess.Popen[bytes]] = [wm]
        try:
            session.wait_for(
                lambda: (
                    "window id" in session.run("xprop", "-root", "_NET_SUPPORTING_WM_CHECK").stdout
                ),
                10,
            )
            extra.append(subprocess.Popen([sys.executable, "-c", FILM], env=session.env))
            session.wait_window("^film$")
            if Path("/usr/libexec/dconf-service").exists():
                extra.append(subprocess.Popen(["/usr/libexec/dconf-service"], env=session.env))
                session.env["XDG_CURRENT_DESKTOP"] = "GNOME"
            session.run("dunstctl", "set-paused", "true")
            posted: list[object] = []
            probes = desktop_probes(session.env, say=print)
            x11 = [p for p in probes if isinstance(p, X11FullScreen)]
            print(f"probes: {', '.join(p.name for p in probes)}")
            rows = [("X11 full screen alone", DisturbWatch(posted.append, x11))]
            rows.append(("every probe", DisturbWatch(posted.append, probes)))
            for name, watch in rows:
                cpu_ms, wall_ms = per_poll(watch, args.polls)
                hour = cpu_ms * 3600 / POLL_EVERY / 1e3
                print(
                    f"{name}: {cpu_ms:.3f} ms CPU, {wall_ms:.3f} ms wall per poll; "
                    f"{hour:.2f} CPU s an hour at one poll every {POLL_EVERY:g} s "
                    f"({hour / 36:.3f}% of a core); reasons {sorted(watch.reasons)}"
                )
            for probe in probes:
                if isinstance(probe, GnomeBanners):
                    print(f"gsettings monitor: RSS {rss_kib(probe.monitor_pid)} KiB")
            for probe in probes:
                probe.close()
        finally:
            for proc in reversed(extra):
                stop(proc)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
