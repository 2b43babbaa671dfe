"""A tray still running when its program is uninstalled quits cleanly (issue 17).

After ``pipx uninstall posture-watch`` a tray that was still running crashed when it
quit: the report writer and matplotlib, which Quit loads on first use, were gone, and on
X11 a click on the icon could not start the menu (a child process of the deleted
interpreter), which took the icon's main loop down with it.

So this is the real thing: a wheel built from the working tree, installed into a fresh
venv whose dependencies are links to the project venv's packages (so deleting the links
takes them away from the tray as an uninstall would, without copying MediaPipe); the tray
runs the demo on Xvfb with trayer and dunst; then the venv and the links are deleted, the
icon is clicked, and the tray must write today's report, exit 0 and leave no traceback
on stderr or in a log file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

from posture_watch import paths
from tests.harness.cli import installed_app_env
from tests.harness.processes import wait_for
from tests.harness.xsession import XSession

pytestmark = [pytest.mark.slow, pytest.mark.desktop]
pytest.importorskip("tkinter", reason="the tray's X11 menu needs tkinter (python3-tk)")

REPO = paths.PACKAGE_DIR.parent
TIMEOUT = 120.0
NOT_SOURCE = shutil.ignore_patterns(
    ".venv", ".git", "build", "dist", "*.egg-info", ".pytest_cache", ".ruff_cache", "__pycache__"
)


def _run(*argv: str | Path, cwd: Path) -> None:
    done = subprocess.run(
        [str(a) for a in argv], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT
    )
    assert done.returncode == 0, f"{argv}:\n{done.stdout}\n{done.stderr}"


def install(base: Path) -> tuple[Path, Path]:
    """Build the wheel, install it into ``base/venv``; its dependencies are links in
    ``base/deps`` to the project venv's packages. Returns (venv, deps)."""
    source = base / "source"
    shutil.copytree(REPO, source, ignore=NOT_SOURCE, symlinks=True)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    wheels = base / "wheels"
    _run(
        *pip,
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "-w",
        wheels,
        ".",
        cwd=source,
    )
    (wheel,) = wheels.glob("posture_watch-*.whl")
    venv = base / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=base)
    _run(
        *pip,
        "--python",
        venv / "bin" / "python",
        "install",
        "--no-deps",
        "--no-index",
        wheel,
        cwd=base,
    )
    deps = base / "deps"
    deps.mkdir()
    own = Path(sysconfig.get_path("purelib"))
    for entry in own.iterdir():
        if entry.suffix == ".pth" or entry.name.startswith(("posture_watch", "__editable__")):
            continue
        (deps / entry.name).symlink_to(entry)
    (site,) = (venv / "lib").glob("python3*/site-packages")
    (site / "project_dependencies.pth").write_text(f"{deps}\n")
    return venv, deps


def fonts_open(pid: int) -> bool:
    """Whether the tray holds a font file open: its warm-up has drawn text with
    matplotlib (the fonts stay open in matplotlib's cache)."""
    folder = Path(f"/proc/{pid}/fd")
    try:
        return any(os.readlink(fd).endswith(".ttf") for fd in folder.iterdir())
    except OSError:
        return False


def test_a_running_tray_quits_cleanly_after_its_program_is_deleted(tmp_path: Path) -> None:
    missing = XSession.missing_tools()
    if missing:
        pytest.skip(f"needs {', '.join(missing)}")
    venv, deps = install(tmp_path)
    home = tmp_path / "home"
    run = home / "run"
    run.mkdir(parents=True, mode=0o700)
    env = installed_app_env(home)
    with XSession() as session, (tmp_path / "err.txt").open("w+") as err:
        env |= {k: session.env[k] for k in ("DISPLAY", "DBUS_SESSION_BUS_ADDRESS")}
        tray = subprocess.Popen(
            [venv / "bin" / "posture-watch", "tray", "--demo"],
            env=env,
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        try:
            wait_for(lambda: fonts_open(tray.pid) or tray.poll() is not None, 90, what="warm-up")
            wait_for(lambda: session.tray_geometry()[2] > 10, 30, what="the icon docked")
            assert tray.poll() is None, "the tray ended early"
            shutil.rmtree(venv)  # pipx uninstall: the program and its packages go
            shutil.rmtree(deps)
            deleted = time.time()
            x, y, width, height = session.tray_geometry()
            session.run("xdotool", "mousemove", str(x + width // 2), str(y + height // 2))
            session.run("xdotool", "click", "1")
            code = tray.wait(60)
        finally:
            if tray.poll() is None:
                tray.kill()
                tray.wait()
        err.seek(0)
        stderr = err.read()
    assert code == 0, stderr
    assert "Traceback" not in stderr and "NotFoundError" not in stderr, stderr
    for log in home.rglob("*.log"):
        assert "Traceback" not in log.read_text(), log
    # Quit wrote today's report with the code and fonts it loaded at start
    written = [p for p in home.rglob("*.html") if p.stat().st_mtime >= deleted - 1]
    assert written and "<svg" in written[0].read_text()
