"""The demo run as a person would, in a fresh home: it writes only into its throw-away
folder, says at the start what will happen and at the end what happened, and names its
report; and a tray that cannot start says so on the desktop, not only on stderr.

Real processes, a real SQLite history, the bundled recording replayed at a high speed;
the desktop ones on Xvfb with dunst (what dunst received is read back)."""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from posture_watch import paths
from tests.harness.fixtures import xsession, xsession_without_notifications
from tests.harness.processes import stop, wait_for
from tests.harness.xsession import XSession

__all__ = ["xsession", "xsession_without_notifications"]  # fixtures

CLI = [sys.executable, "-X", "faulthandler", "-m", "posture_watch.cli"]
#: The demo's recording as a plain source (not the demo: it writes the person's history).
RECORDING = paths.SAMPLES_DIR / "demo-session.jsonl"
#: A stand-in ``xdg-open`` that notes what it was asked to open.
OPENER = """#!/bin/sh
printf '%s\\n' "$1" >> "$(dirname "$0")/opened.txt"
"""


def fresh_home(tmp_path: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """A new person's environment: HOME and every XDG folder under ``tmp_path``, and a
    ``bin`` folder first on the PATH with the stand-in opener."""
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "run").mkdir(mode=0o700)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "xdg-open").write_text(OPENER)
    (bin_dir / "xdg-open").chmod(0o755)
    env = dict(base or os.environ)
    env.pop(paths.HOME_VARIABLE, None)
    return env | {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
        "PATH": f"{bin_dir}:{env.get('PATH', os.defpath)}",
    }


def persons_folders(env: dict[str, str]) -> list[Path]:
    """The person's own posture-watch folders: config, data and state."""
    names = ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME")
    return [Path(env[name]) / "posture-watch" for name in names]


def demo_folder(env: dict[str, str]) -> Path:
    return Path(env["XDG_CACHE_HOME"]) / "posture-watch" / "demo"


def opened(env: dict[str, str]) -> list[str]:
    record = Path(env["PATH"].split(":")[0]) / "opened.txt"
    return record.read_text().splitlines() if record.exists() else []


def run(env: dict[str, str], *argv: str | Path, timeout: float = 90) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, *map(str, argv)], env=env, capture_output=True, text=True, timeout=timeout
    )


def ended(proc: subprocess.Popen[str]) -> str:
    """Stop ``proc`` as Ctrl+C does and read the rest of its output (closing its pipes)."""
    proc.send_signal(signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        stop(proc)
        out, _ = proc.communicate()
    return out


# -- the console demo ------------------------------------------------------------------


def test_the_console_demo_in_a_fresh_home_writes_only_its_own_folder(tmp_path):
    env = fresh_home(tmp_path)
    stale = demo_folder(env) / "data" / "left-from-last-time.txt"
    stale.parent.mkdir(parents=True)
    stale.write_text("an earlier demo's file")
    done = run(env, "monitor", "--no-tray", "--demo", "--speed", "40")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    folder = demo_folder(env)
    lines = done.stdout.splitlines()
    # the start: what will happen, and that nothing of the person's is touched
    assert lines[0].startswith("posture-watch demo: a recorded session of about 5 min plays 40")
    assert f"throw-away folder {folder} (emptied at each demo)" in lines[0]
    assert "your own history, calibration and reports are not touched" in lines[0]
    # the end: what happened, in plain lines, and the report, instead of frame counts
    report = next(folder.glob("data/reports/*.html"))
    assert lines[-4:] == [
        lines[-4],
        "1 posture nudge, 2 break nudges, 1 break.",
        f"The demo's report: {report} — open it with: xdg-open {report}",
        f"Its files stay in {folder} until the next demo; your own history, calibration "
        "and reports are not touched.",
    ]
    assert re.fullmatch(
        r"The demo has ended: 5 min watched, upright \d+% of the sitting time\.", lines[-4]
    ), lines[-4]
    assert "frames analysed" not in done.stdout
    assert "<svg" in report.read_text(encoding="utf-8")
    # the demo's folder holds its files, private; the earlier demo's are gone
    assert (folder / "data" / "history.sqlite3").is_file()
    assert not stale.exists()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    # the person's folders were not even made
    for mine in persons_folders(env):
        assert not mine.exists(), mine
    assert opened(env) == []  # quiet by default: the path is given, nothing opens


def test_a_demo_already_running_is_told_and_its_folder_is_not_emptied(tmp_path):
    env = fresh_home(tmp_path)
    first = subprocess.Popen(
        [*CLI, "monitor", "--no-tray", "--demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: first.stdout.readline().startswith("monitoring"), 30, "the demo")
        second = run(env, "monitor", "--no-tray", "--demo")
        assert second.returncode == 3
        assert re.fullmatch(
            rf"posture-watch: the posture-watch demo is already running in a terminal "
            rf"\(pid {first.pid}, since \d\d:\d\d\) \(stop it with Ctrl\+C in its terminal\)\n",
            second.stderr,
        ), second.stderr
        assert (demo_folder(env) / "data").is_dir()  # the running demo's files stay
    finally:
        ended(first)


# -- the tray's demo: a fresh home with no webcam, as `bash scripts/run.sh` starts it ------


def tray_env(session: XSession, tmp_path: Path) -> dict[str, str]:
    return fresh_home(tmp_path, session.env)


@pytest.mark.skipif(Path("/dev/video0").exists(), reason="a webcam is plugged in")
def test_the_tray_without_a_webcam_plays_the_demo_in_its_own_folder(xsession, tmp_path):
    env = tray_env(xsession, tmp_path)
    done = run(env, "tray", "--speed", "40", "--open-report", timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    folder = demo_folder(env)
    assert done.stdout.startswith("no webcam found")
    assert f"throw-away folder {folder}" in done.stdout
    report = next(folder.glob("data/reports/*.html"))
    assert f"The demo's report: {report}" in done.stdout
    assert opened(env) == [str(report)]  # --open-report: the tray's opener was asked
    notes = {n["summary"]: n["body"] for n in xsession.notifications()}
    start = notes["posture-watch demo"]
    assert start.startswith("No webcam was found, so a recorded session of about 5 min plays")
    assert "your own history, calibration and reports are not touched" in start
    end = notes["posture-watch demo ended"].splitlines()
    assert end[0].startswith("The demo has ended: 5 min watched, upright ")
    assert end[1:] == ["1 posture nudge, 2 break nudges, 1 break.", f"The demo's report: {report}"]
    # everything the tray writes is in the demo's folder: history, event log, report
    for name in ("history.sqlite3", "events.jsonl"):
        assert (folder / "data" / name).is_file(), name
    for mine in persons_folders(env):
        assert not mine.exists(), mine


# -- failures a person sees --------------------------------------------------------------


def test_a_wrong_setting_at_login_is_a_notification_too(xsession, tmp_path):
    env = tray_env(xsession, tmp_path)
    settings = Path(env["XDG_CONFIG_HOME"]) / "posture-watch" / "settings.toml"
    settings.parent.mkdir(parents=True)
    settings.write_text("schema_version = 1\n[sitting]\nsit_max = 3000\n")
    done = run(env, "tray")
    assert done.returncode == 2
    line = f"{settings}: [sitting] sit_max = 3000: must be a number of minutes between 1 and 480"
    assert done.stderr == f"posture-watch: {line}\n"
    (note,) = xsession.notifications()
    assert note["summary"] == "posture-watch did not start: a setting is wrong"
    assert note["body"] == (
        f"{line}. Fix it, then start posture-watch again "
        "(`posture-watch settings --check` checks the file)."
    )
    assert note["urgency"] == "critical"
    assert not demo_folder(env).exists()  # it stopped before anything was written


def test_a_second_launch_says_where_the_running_monitor_is(xsession, tmp_path):
    env = tray_env(xsession, tmp_path)
    console = subprocess.Popen(
        [*CLI, "monitor", "--no-tray", "--source", RECORDING],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: console.stdout.readline().startswith("monitoring"), 30, "the monitor")
        done = run(env, "tray")
    finally:
        ended(console)
    assert done.returncode == 3
    where = (
        rf"posture-watch is already running as a console monitor in a terminal "
        rf"\(pid {console.pid}, since \d\d:\d\d\)"
    )
    hint = "stop it with Ctrl+C in its terminal, or with `posture-watch quit`"
    assert re.fullmatch(rf"posture-watch: {where} \({re.escape(hint)}\)\n", done.stderr)
    (note,) = xsession.notifications()
    assert note["summary"] == "posture-watch is already running"
    assert re.fullmatch(rf"{where}: {re.escape(hint)}\.", note["body"]), note["body"]
    assert not demo_folder(env).exists()  # a second launch is no demo either


def test_without_a_notification_server_a_failed_start_is_its_one_line(
    xsession_without_notifications, tmp_path
):
    env = tray_env(xsession_without_notifications, tmp_path)
    bad = tmp_path / "settings.toml"
    bad.write_text("schema_version = 1\n[sitting]\nsit_max = 3000\n")
    done = run(env, "tray", "--config", bad)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "sit_max = 3000" in done.stderr


def test_no_camera_is_a_notification_and_the_tray_keeps_trying(xsession, tmp_path):
    env = tray_env(xsession, tmp_path)
    tray = subprocess.Popen(
        [*CLI, "tray", "--source", "7"],  # a camera index with no camera behind it
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        told = xsession.wait_for(
            lambda: [n for n in xsession.notifications() if n["summary"] == "Camera unavailable"],
            30,
            "the camera's notification",
        )
        assert tray.poll() is None  # crippled, not stopped: it retries
    finally:
        out = ended(tray)
    assert told[0]["body"].startswith("camera 7: cannot open")
    assert told[0]["body"].endswith("posture-watch keeps trying and resumes by itself.")
    assert out.startswith("camera 7: cannot open") and "waiting for it (retrying)" in out
