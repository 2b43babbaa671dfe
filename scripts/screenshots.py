"""Make the README's pictures from the real app: tray menu, nudges, stretch window, report.

    .venv/bin/python scripts/screenshots.py            # writes docs/images/*.png
    .venv/bin/python scripts/screenshots.py --out DIR  # somewhere else
    bash scripts/screenshots.sh                        # the same
    bash scripts/screenshots.sh --wayland              # also the icon in waybar (sway)
    bash scripts/screenshots.sh --windows              # only the windows: light, dark, 2x

It starts a throw-away X desktop (Xvfb, a private D-Bus bus, dunst and trayer, from
``tests/harness/xsession.py``; ``bash scripts/test.sh`` installs them) and runs the real
``posture-watch tray --demo`` in a throw-away HOME, so nothing of yours is read or
written. The demo replays a landmark recording: no camera is opened and no camera picture
can end up in a screenshot. While it runs the script opens the tray menu, waits for the
posture nudge, the break nudge and the stretch window, and at the end renders the day's
report in headless Chromium at 1366 and 390 px; a second demo opens Calibrate… and takes
the calibration window with its answer (then Cancel: nothing is saved). With
``--wayland`` it also runs the demo on a headless sway desktop with waybar
(``tests/harness/wayland.py``) and takes the icon in waybar's tray. Each picture is
cropped to what it shows. Look at every picture before committing it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

from posture_watch.core.menu import MenuAction
from posture_watch.core.palette import STATE_COLOURS
from posture_watch.core.status import TrayState

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.harness import wayland  # noqa: E402
from tests.harness.tray_menu import choose_menu_entry  # noqa: E402
from tests.harness.xsession import XSession  # noqa: E402
from tests.report.chromium import DevToolsPage  # noqa: E402

OUT = ROOT / "docs" / "images"
TRAY = [sys.executable, "-m", "posture_watch.cli", "tray", "--demo"]
#: The demo's own timings; periodic posture checks off, so only the demo's nudges show.
SETTINGS = "schema_version = 1\n[prompts]\ncheck_every = 0\n"
#: The xdg-open the tray calls for the report: note the file, open nothing.
OPENER = '#!/bin/sh\nprintf "%s\\n" "$1" >> "$(dirname "$0")/opened.txt"\n'
MARGIN = 8
#: The screen's background colour behind the tray, menus and notifications.
DESKTOP = "#5b6b7b"


def say(line: str) -> None:
    print(f"screenshots: {line}", flush=True)


def private_home(base: Path) -> dict[str, str]:
    """HOME and XDG folders inside ``base``; a stand-in xdg-open first on PATH."""
    env = {"HOME": str(base / "home")}
    for name, sub in (
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_CACHE_HOME", ".cache"),
    ):
        env[name] = str(base / "home" / sub)
    env["XDG_RUNTIME_DIR"] = str(base / "run")
    for folder in (base / "home", base / "run", base / "bin"):
        folder.mkdir(mode=0o700, parents=True)
    config = Path(env["XDG_CONFIG_HOME"]) / "posture-watch"
    config.mkdir(mode=0o700, parents=True)
    (config / "settings.toml").write_text(SETTINGS)
    (base / "bin" / "xdg-open").write_text(OPENER)
    (base / "bin" / "xdg-open").chmod(0o755)
    env["PATH"] = f"{base / 'bin'}:{os.environ.get('PATH', os.defpath)}"
    return env


def wait(predicate: Callable[[], object], seconds: float, what: str) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError(f"waited {seconds:g} s for {what}")


def crop(image: Image.Image, box: tuple[int, int, int, int], out: Path) -> None:
    """Save ``image`` cropped to ``box`` (x0, y0, x1, y1) plus a margin, as a small PNG."""
    x0, y0, x1, y1 = box
    w, h = image.size
    part = image.crop((max(0, x0 - MARGIN), max(0, y0 - MARGIN), min(w, x1 + MARGIN),
                       min(h, y1 + MARGIN)))  # fmt: skip
    part.save(out, optimize=True)
    say(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out} {part.size}")


def geometry_box(session: XSession, window: str) -> tuple[int, int, int, int]:
    x, y, width, height = session.window_geometry(window)
    return x, y, x + width, y + height


def union(*boxes: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))  # fmt: skip


def displayed(session: XSession) -> int:
    done = session.run("dunstctl", "count", "displayed")
    return int(done.stdout.strip() or 0) if done.returncode == 0 else 0


def newest_closed(session: XSession) -> dict[str, str]:
    """Close the notification on screen and return its summary and body from the history."""
    session.run("dunstctl", "close")
    time.sleep(0.2)
    history = json.loads(session.run("dunstctl", "history").stdout)["data"][0]
    entry = max(history, key=lambda e: e["id"]["data"])
    return {"summary": entry["summary"]["data"], "body": entry["body"]["data"]}


def notification_box(image: Image.Image) -> tuple[int, int, int, int]:
    """dunst draws its window in the top-right corner below the tray: find its extent."""
    width, _ = image.size
    pixels = image.load()
    background = pixels[5, 300]  # the desktop's left edge: no window (the stretch window
    # sits bottom right, the tray at the top)
    top = next(y for y in range(40, 400) if pixels[width - 40, y] != background)
    bottom = next(y for y in range(top, 700) if pixels[width - 40, y] == background)
    rows = [top, bottom - 1]  # the first notification only, not a window further down
    middle = (rows[0] + rows[-1]) // 2
    right = next(x for x in range(width - 1, 0, -1) if pixels[x, middle] != background)
    left = right  # leftwards to the bubble's edge, not to a window beside it
    while left > 0 and pixels[left - 1, middle] != background:
        left -= 1
    return left, rows[0], right + 1, rows[-1] + 1


def kind_of(note: dict[str, str]) -> str | None:
    text = f"{note['summary']} {note['body']}".lower()
    if "demo" in note["summary"].lower():  # what the demo will show, and its end
        return None
    if note["summary"].startswith("Break in"):  # the warning before a break
        return "break-warning"
    if "sitting for" in text or "stand up" in text or "break" in text:
        return "nudge-break"
    if "head" in text or "shoulder" in text or "sit up" in text or "slouch" in text:
        return "nudge-posture"
    return None


def capture_tray(session: XSession, out: Path) -> None:
    wait(lambda: session.tray_geometry()[2] > 10, 30, "the tray icon")
    time.sleep(1.0)
    session.run("dunstctl", "close-all")  # the demo's first words would sit under the menu
    x, y, width, height = session.tray_geometry()
    session.run("xdotool", "mousemove", str(x + width // 2), str(y + height // 2), "click", "1")
    menu = session.wait_window("^posture-watch menu$", timeout=10)
    time.sleep(0.5)
    shot = session.screenshot()
    crop(shot, union((x, y, x + width, y + height), geometry_box(session, menu)),
         out / "tray-menu.png")  # fmt: skip
    session.run("xdotool", "key", "Escape")
    session.run("xdotool", "mousemove", "300", "500", "click", "1")


def capture_demo(session: XSession, env: dict[str, str], out: Path, speed: float) -> Path:
    """Run the demo to its end, capturing as it goes; return the report it wrote."""
    log_path = Path(env["HOME"]).parent / "tray.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([*TRAY, "--speed", str(speed)], env=env, stdout=log, stderr=log)
    try:
        capture_tray(session, out)
        wanted = {"nudge-posture", "nudge-break", "break-warning", "stretch-window"}
        while wanted and proc.poll() is None:
            if "stretch-window" in wanted:
                found = session.run(
                    "xdotool", "search", "--onlyvisible", "--classname", "^posture-watch$"
                ).stdout.split()
                if found:
                    time.sleep(0.6)
                    crop(session.screenshot(), geometry_box(session, found[0]),
                         out / "stretch-window.png")  # fmt: skip
                    wanted.discard("stretch-window")
            if displayed(session):
                time.sleep(0.3)
                shot = session.screenshot()
                box = notification_box(shot)
                kind = kind_of(newest_closed(session))
                if kind in wanted:
                    crop(shot, box, out / f"{kind}.png")
                    wanted.discard(kind)
            time.sleep(0.15)
        proc.wait(timeout=600)
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)
        log.close()
    say(f"the tray said: {log_path.read_text()[-1500:]}")
    if wanted:
        raise RuntimeError(f"the demo ended before these showed: {sorted(wanted)}")
    reports = sorted(Path(env["HOME"]).rglob("*.html"), key=lambda p: p.stat().st_mtime)
    if not reports:
        raise RuntimeError("the demo wrote no report")
    return reports[-1]


def capture_calibration(
    session: XSession, env: dict[str, str], out: Path, name: str = "calibration-window.png"
) -> None:
    """A second demo, at real speed: Calibrate… from the menu, the window with its answer
    (the demo's recorded person: landmarks only, so the window shows no camera picture),
    then Cancel, so nothing is saved."""
    log_path = Path(env["HOME"]).parent / "calibrate.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(TRAY, env=env, stdout=log, stderr=log)
    try:
        wait(lambda: session.tray_geometry()[2] > 10, 30, "the tray icon")
        time.sleep(2.0)
        session.run("dunstctl", "close-all")
        choose_menu_entry(session, MenuAction.CALIBRATE)
        window = session.wait_window("^posture-watch: Calibrate$", timeout=30)
        time.sleep(3 + 5 + 6)  # the countdown, the sampling, and a margin for the answer
        crop(session.screenshot(), geometry_box(session, window), out / name)
        session.press(window, "Escape")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def capture_report(report: Path, out: Path) -> None:
    with DevToolsPage() as page:
        for width, height, name in ((1366, 900, "report-1366.png"), (390, 844, "report-390.png")):
            shot = page.load(report, width=width, height=height, mobile=width < 600)
            target = out / name
            target.write_bytes(shot.png)
            image = Image.open(target).convert("RGB")
            first = height if width > 600 else height * 3 // 2  # the first screen or so
            image.crop((0, 0, image.width, min(image.height, first))).save(target, optimize=True)
            say(f"wrote {name} {Image.open(target).size}")


def capture_wayland(out: Path, speed: float) -> None:
    """The icon in waybar's tray on a headless sway desktop (the StatusNotifierItem path
    GNOME and KDE on Wayland use), upright and then slouching, side by side."""
    with (
        tempfile.TemporaryDirectory(prefix="pw-screenshots-") as base,
        wayland.WaylandDesktop() as desk,
    ):
        env = desk.env | private_home(Path(base))
        log = open(Path(base) / "tray.log", "w")  # noqa: SIM115 - closed below
        proc = subprocess.Popen([*TRAY, "--speed", str(speed)], env=env, stdout=log, stderr=log)
        try:
            wait(lambda: any(f"-{proc.pid}-" in i for i in desk.registered_items()), 30, "the item")
            time.sleep(1.5)
            upright = desk.bar()
            slouch = wait(lambda: _orange(desk.bar()), 120, "the slouching icon")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            log.close()
    assert isinstance(slouch, Image.Image)
    width = 120
    both = Image.new("RGB", (2 * width + 16, upright.height), (255, 255, 255))
    for n, bar in enumerate((upright, slouch)):
        both.paste(bar.crop((bar.width - width, 0, bar.width, bar.height)), (n * (width + 16), 0))
    target = out / "tray-waybar.png"
    both.save(target, optimize=True)
    say(f"wrote {target.name} {both.size}")


def _orange(bar: Image.Image) -> Image.Image | None:
    """The bar when the icon is the slouching one (30 pixels of its colour), else None."""
    pixels = np.asarray(bar.convert("RGB"), dtype=np.int32).reshape(-1, 3)
    near = ((pixels - np.array(STATE_COLOURS[TrayState.SLOUCH])) ** 2).sum(axis=1) < 300
    return bar if int(near.sum()) >= 30 else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the PNG files")
    parser.add_argument("--speed", type=float, default=4, help="demo speed (default 4)")
    parser.add_argument(
        "--wayland", action="store_true", help="also the icon in waybar on headless sway"
    )
    parser.add_argument(
        "--windows",
        action="store_true",
        help="only the stretch, journal and calibration windows: light, dark and 2x",
    )
    args = parser.parse_args(argv)
    if args.windows:
        from scripts.window_screenshots import capture_windows

        args.out.mkdir(parents=True, exist_ok=True)
        capture_windows(args.out)
        return 0
    missing = XSession.missing_tools() + [t for t in ("chromium",) if not shutil.which(t)]
    if missing:
        print(f"screenshots: missing {', '.join(missing)} (bash scripts/setup.sh "
              "--test-desktops installs them)", file=sys.stderr)  # fmt: skip
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pw-screenshots-") as base, XSession() as session:
        if shutil.which("xsetroot"):  # a desktop's calm colour behind the crops, not black
            session.run("xsetroot", "-solid", DESKTOP)
        env = session.env | private_home(Path(base))
        report = capture_demo(session, env, args.out, args.speed)
        capture_report(report, args.out)
        capture_calibration(session, env, args.out)
    if args.wayland:
        capture_wayland(args.out, args.speed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
