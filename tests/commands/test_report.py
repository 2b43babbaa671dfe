"""``posture-watch report``: the command, its errors, --html/--open, and a recorded history."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from posture_watch import cli
from posture_watch.commands.report import parse_day
from posture_watch.core.report import History, day_bounds
from posture_watch.errors import ConfigError
from posture_watch.report import charts
from posture_watch.report.files import write_day_report
from posture_watch.report.load import NoHistoryError
from tests.report import chromium
from tests.report.histories import DAY, TZ, at, minutes, working_day, write_history
from tests.report.test_chromium import pixels_of

REPO = Path(__file__).resolve().parents[2]
EXE = Path(sys.executable).with_name("posture-watch")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXE), *args], capture_output=True, text=True, timeout=120, env=env, check=False
    )


@pytest.fixture
def env(isolated_dirs: Path) -> dict[str, str]:
    return dict(os.environ)


def test_day_summary(history_file, env, capsys):
    assert cli.main(["report", "--history", str(history_file), "--date", "2025-05-12"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("posture-watch report · Mon 12 May 2025\n")
    assert "upright 90%" in out and "Suggestions" in out


@pytest.mark.parametrize("bad", ["tomorrow", "2025-13-01", "12.05.2025", "2025-5-1", ""])
def test_bad_date_is_one_line_and_exit_2(history_file, env, bad):
    out = run("report", "--history", str(history_file), "--date", bad, env=env)
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.count("\n") == 1
    assert out.stderr.startswith(f"posture-watch: --date {bad!r}: expected today")


def test_today_and_yesterday():
    today = date(2025, 5, 12)
    assert parse_day("today", today) == today
    assert parse_day("yesterday", today) == date(2025, 5, 11)
    assert parse_day("2024-02-29", today) == date(2024, 2, 29)
    with pytest.raises(ConfigError):
        parse_day("2023-02-29", today)


def test_today_reads_the_local_day(tmp_path, env, capsys):
    today = datetime.now(ZoneInfo("Europe/Berlin")).date()
    path = write_history(tmp_path / "h.sqlite3", working_day(today - timedelta(days=1)))
    assert cli.main(["report", "--history", str(path)]) == 0
    assert "Nothing was monitored on this day." in capsys.readouterr().out
    assert cli.main(["report", "--history", str(path), "--date", "yesterday"]) == 0
    assert "monitored 8 h 00 min" in capsys.readouterr().out


def test_missing_history_is_a_friendly_note_and_exit_0(tmp_path, env):
    out = run("report", "--history", str(tmp_path / "none.sqlite3"), env=env)
    assert out.returncode == 0
    assert out.stdout.startswith("posture-watch: no history yet at ")
    assert out.stderr == ""


def test_corrupt_history_is_one_line_and_exit_2(tmp_path, env):
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"not a database, just bytes " * 200)
    out = run("report", "--history", str(path), env=env)
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1
    assert out.stderr.startswith(f"posture-watch: {path}: file is not a database")


def test_html_file_is_written(history_file, env, tmp_path, capsys):
    out = tmp_path / "sub" / "day.html"
    args = ["report", "--history", str(history_file), "--date", "2025-05-12", "--html", str(out)]
    assert cli.main(args) == 0
    assert capsys.readouterr().out.endswith(f"HTML report: {out}\n")
    page = out.read_text(encoding="utf-8")
    # three charts in every size, besides the suggestions' stretch drawings
    assert page.count("<svg") - page.count('<svg class="stretch"') == 3 * len(charts.SIZES)
    assert sorted(p.name for p in out.parent.iterdir()) == ["day.html"]  # no temp file left


def test_week(history_file, env, tmp_path, capsys):
    out = tmp_path / "week.html"
    args = ["report", "--history", str(history_file), "--date", "2025-05-18", "--week"]
    assert cli.main([*args, "--html", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("posture-watch week · Mon 12 May – Sun 18 May 2025\n")
    assert "<h2>7-day trend</h2>" in out.read_text(encoding="utf-8")


def test_open_writes_to_the_data_folder_and_does_not_wait(history_file, env, isolated_dirs):
    """--open hands the file to xdg-open and returns while the viewer is still open."""
    bin_dir = isolated_dirs / "bin"
    bin_dir.mkdir()
    opened = isolated_dirs / "opened.txt"
    viewer = bin_dir / "xdg-open"
    release, closed = isolated_dirs / "release", isolated_dirs / "closed.txt"
    # a viewer that stays open until the test lets it go (or a minute has passed)
    viewer.write_text(
        f'#!/bin/sh\necho "$1" > {opened}\ni=0\n'
        f"while [ ! -e {release} ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done\n"
        f"echo closed > {closed}\n"
    )
    viewer.chmod(0o755)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    out = run("report", "--history", str(history_file), "--date", "2025-05-12", "--open", env=env)
    viewer_still_open = not closed.exists()
    release.touch()
    assert out.returncode == 0, out.stderr
    expected = isolated_dirs / "data" / "posture-watch" / "reports" / "2025-05-12.html"
    assert expected.is_file()
    assert f"HTML report: {expected}" in out.stdout
    deadline = time.monotonic() + 10
    while not (opened.is_file() and opened.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert opened.read_text().strip() == str(expected)
    assert viewer_still_open  # the command returned while the viewer was still open


def test_open_without_a_desktop_opener_still_writes(history_file, env, isolated_dirs):
    env["PATH"] = str(isolated_dirs)  # no xdg-open anywhere
    exe = str(EXE)
    out = subprocess.run(
        [exe, "report", "--history", str(history_file), "--date", "2025-05-12", "--open"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0
    assert "xdg-open not found" in out.stderr


@pytest.mark.parametrize(("status", "why"), [(3, "no program to open it"), (4, "failed")])
def test_open_says_when_the_opener_fails(history_file, env, isolated_dirs, status, why):
    """xdg-open that finds no program (exit 3) or whose program failed (4): one line with
    the file's path, and the report is still written (exit 0)."""
    bin_dir = isolated_dirs / "bin"
    bin_dir.mkdir()
    viewer = bin_dir / "xdg-open"
    viewer.write_text(f"#!/bin/sh\nexit {status}\n")
    viewer.chmod(0o755)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    out = run("report", "--history", str(history_file), "--date", "2025-05-12", "--open", env=env)
    expected = isolated_dirs / "data" / "posture-watch" / "reports" / "2025-05-12.html"
    assert out.returncode == 0 and expected.is_file()
    (line,) = out.stderr.splitlines()
    assert line.startswith("posture-watch: could not open the report: ") and why in line
    assert line.endswith(f"; open {expected} yourself")


def test_write_day_report_for_the_tray(history_file, tmp_path):
    out = write_day_report(history_file, DAY, tmp_path / "reports" / "today.html", tz=TZ)
    assert out == tmp_path / "reports" / "today.html"
    assert "Posture report · Monday 12 May 2025" in out.read_text(encoding="utf-8")
    with pytest.raises(NoHistoryError):
        write_day_report(tmp_path / "none.sqlite3", DAY, tmp_path / "x.html", tz=TZ)
    assert not (tmp_path / "x.html").exists()


def test_a_full_day_reports_with_its_charts(tmp_path):
    """1,440 minute rows: load, figures and the HTML page with its charts. (How fast:
    ``benchmarks/bench_report.py`` times this same call, write_day_report on a full day.)"""
    full = minutes(at(0), ("U" * 50 + "S" * 10) * 24)
    path = write_history(tmp_path / "h.sqlite3", History(*day_bounds(DAY, TZ), minutes=full))
    page = write_day_report(path, DAY, tmp_path / "day.html", tz=TZ)
    html = page.read_text(encoding="utf-8")
    assert "Posture report · Monday 12 May 2025" in html
    assert html.count("<svg") >= 2  # the charts, inline


def _monitor_history(path: Path, env: dict[str, str]) -> date:
    """Record a real history by replaying the demo session through the monitor."""
    out = run("monitor", "--no-tray", "--demo", "--speed", "60", "--history", str(path), env=env)
    assert out.returncode == 0, out.stderr
    assert "ALERT slouch" in out.stdout
    with sqlite3.connect(path) as conn:
        first = conn.execute("SELECT min(minute) FROM minutes").fetchone()[0]
    return datetime.fromtimestamp(first, ZoneInfo("Europe/Berlin")).date()


def test_report_on_a_history_recorded_by_the_monitor(env, isolated_dirs, tmp_path):
    history = tmp_path / "recorded.sqlite3"
    day = _monitor_history(history, env)
    page = tmp_path / "recorded.html"
    out = run(
        "report",
        "--history",
        str(history),
        "--date",
        day.isoformat(),
        "--html",
        str(page),
        env=env,
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[1].startswith("monitored 5 min")  # the demo lasts about 322 s
    assert "slouching 1 min, once" in lines[1]
    # the demo sits twice past its 30-s limit: a break nudge each time
    assert "1 break · noticed: 1 slouch, 2 long sitting spells" in out.stdout, out.stdout
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") - html.count('<svg class="stretch"') == 3 * len(charts.SIZES)
    if chromium.available():
        png = tmp_path / "recorded.png"
        assert chromium.console_lines(chromium.screenshot(page, png)) == []
        image = Image.open(png)
        for state in ("upright", "slouch", "away"):
            assert pixels_of(image, charts.COLOURS[state]) > 100, state
