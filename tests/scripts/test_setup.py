"""scripts/setup.sh installs what the app needs for the main job, and the tests' desktops
only for the test command (issue 17: the main job must not install sway, Chromium, ...).

The script runs for real in a copy of the checkout whose ``.venv`` is this venv, on a PATH
that holds only the basic tools and a stand-in ``apt-get`` that writes down what it was
asked to install; none of the desktop tools is on that PATH, so each counts as missing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ("bash", "sha256sum", "cut", "cat", "id", "grep", "dirname", "env")


@pytest.fixture
def checkout(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A copy of the checkout's set-up files, a PATH of basic tools, the apt-get log."""
    if os.geteuid() != 0:
        pytest.skip("setup.sh installs system packages only as root")
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "setup.sh", repo / "scripts" / "setup.sh")
    shutil.copy(ROOT / "pyproject.toml", repo / "pyproject.toml")
    # A .venv of its own that borrows this venv's interpreter and packages read-only, with
    # a stamp that matches pyproject.toml: setup.sh sees it set up and never runs pip (a pip
    # install here would point the shared venv's editable install at this copy).
    venv = Path(sys.prefix)
    own = repo / ".venv"
    (own / "bin").mkdir(parents=True)
    (own / "bin" / "python").symlink_to(venv / "bin" / "python")
    (own / "lib").symlink_to(venv / "lib")
    shutil.copy(venv / "pyvenv.cfg", own / "pyvenv.cfg")
    digest = hashlib.sha256((repo / "pyproject.toml").read_bytes()).hexdigest()
    (own / ".posture-watch-installed").write_text(digest + "\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found is not None, tool
        (bin_dir / tool).symlink_to(found)
    (bin_dir / "python3").symlink_to(venv / "bin" / "python")
    log = tmp_path / "apt.log"
    fake = bin_dir / "apt-get"
    fake.write_text(f'#!/bin/sh\necho "$@" >> {log}\n')
    fake.chmod(0o755)
    return repo, bin_dir, log


def setup(checkout: tuple[Path, Path, Path], *args: str) -> list[str]:
    repo, bin_dir, log = checkout
    done = subprocess.run(
        ["bash", "scripts/setup.sh", *args],
        cwd=repo,
        env={"PATH": str(bin_dir), "HOME": str(repo)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    asked = log.read_text().split() if log.exists() else []
    return [
        word for word in asked if not word.startswith("-") and word not in ("install", "update")
    ]


def test_the_main_job_installs_only_what_the_app_needs(checkout):
    packages = setup(checkout)
    # notifications speak D-Bus in pure Python: nothing to install for them (the venv's
    # Python here has Tk and OpenCV, so nothing at all is missing)
    assert "libnotify-bin" not in packages
    for test_only in ("xvfb", "trayer", "dunst", "sway", "waybar", "chromium", "strace"):
        assert test_only not in packages


def test_the_test_command_also_installs_the_test_desktops(checkout):
    packages = setup(checkout, "--test-desktops")
    for tool in ("xvfb", "trayer", "dunst", "sway", "waybar", "grim", "chromium", "strace"):
        assert tool in packages


@pytest.mark.skipif(Path("/dev/video0").exists(), reason="a webcam is plugged in")
def test_the_main_job_without_a_webcam_plays_the_demo_in_its_throw_away_folder(checkout, tmp_path):
    """``bash scripts/run.sh`` with no webcam and no display: the console monitor plays
    the demo, says that it keeps to its throw-away folder, and ends with what happened;
    the person's folders stay as they were."""
    repo, bin_dir, _ = checkout
    shutil.copy(ROOT / "scripts" / "run.sh", repo / "scripts" / "run.sh")
    program = repo / ".venv" / "bin" / "posture-watch"
    program.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m posture_watch.cli "$@"\n')
    program.chmod(0o755)
    home = tmp_path / "home"
    (tmp_path / "run").mkdir(mode=0o700)
    env = {
        "PATH": str(bin_dir),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
    }
    done = subprocess.run(
        ["bash", "scripts/run.sh", "--speed", "100"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "pipx install ." in done.stderr  # how to put posture-watch on the PATH
    assert "no graphical display: running the console monitor" in done.stderr
    folder = home / ".cache" / "posture-watch" / "demo"
    out = done.stdout
    assert out.startswith("no webcam found: replaying the demo session instead\n")
    assert f"It writes only into its throw-away folder {folder} (emptied at each demo)" in out
    assert "The demo has ended: 5 min watched" in out
    assert f"The demo's report: {folder}" in out
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        assert not (Path(env[name]) / "posture-watch").exists(), name
