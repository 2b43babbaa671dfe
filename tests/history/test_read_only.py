"""Reading the history without writing: ``report`` and ``export`` as real processes on a
read-only data folder, and the one read-only open they share (schema check included)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from posture_watch.core.minutes import MinuteRow
from posture_watch.errors import StorageError
from posture_watch.history import SCHEMA_VERSION, HistoryStore
from posture_watch.history.store import HistoryMissingError
from tests.harness.read_only import ReadOnlySandbox, posture_watch
from tests.report.histories import DAY, TZ, at, working_day, write_history

CRASH_AFTER_WRITE = """
import os, sys
from pathlib import Path
from posture_watch.core.minutes import MinuteRow
from posture_watch.history import HistoryStore

store = HistoryStore.open(Path(sys.argv[1]))
store.add_minute(MinuteRow(int(sys.argv[2]), 60.0, 0.0, 0.0, 0.0))
os._exit(0)  # like kill -9: the WAL is never checkpointed into the file
"""


def monitor_history(path: Path) -> Path:
    """The working day in a history the way the monitor leaves it: WAL mode, closed."""
    write_history(path, working_day())
    HistoryStore.open(path).close()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
    return path


def readable_by(sandbox: ReadOnlySandbox, *files: Path) -> None:
    """As root the command runs as ``nobody``: the history files root wrote (0600, as
    every history is created) are opened to it, standing in for the user's own files."""
    if sandbox.as_root:
        for file in files:
            file.chmod(0o644)


def listing(folder: Path) -> list[tuple[str, int, int]]:
    return sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir())


@pytest.fixture
def read_only_data(sandbox: ReadOnlySandbox) -> tuple[ReadOnlySandbox, Path, dict[str, str]]:
    """The default history in a data folder the command cannot write; returns the
    sandbox, the history file and the environment."""
    data_home = sandbox.folder("data")
    history = monitor_history(sandbox.folder("data", "posture-watch") / "history.sqlite3")
    readable_by(sandbox, history)
    sandbox.freeze(history, history.parent, data_home)
    sandbox.check(history.parent)
    env = sandbox.env(XDG_DATA_HOME=data_home, XDG_CONFIG_HOME=sandbox.folder("config"))
    return sandbox, history, env


def test_report_reads_a_read_only_data_folder(read_only_data):
    sandbox, history, env = read_only_data
    before = listing(history.parent)
    proc = sandbox.run(posture_watch("report", "--date", DAY.isoformat()), env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("posture-watch report · Mon 12 May 2025\n")
    assert "upright 90%" in proc.stdout and proc.stderr == ""
    assert listing(history.parent) == before


def test_export_reads_a_read_only_data_folder(read_only_data):
    sandbox, history, env = read_only_data
    before = listing(history.parent)
    out = sandbox.folder("out", writable=True) / "history.json"
    proc = sandbox.run(posture_watch("export", "--format", "json", "--out", str(out)), env)
    assert proc.returncode == 0, proc.stderr
    tables = json.loads(out.read_text())["tables"]
    assert len(tables["minutes"]) == 480 and len(tables["prompts"]) == 5
    proc = sandbox.run(posture_watch("export", "--format", "csv"), env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("\n") == 481  # header and the minutes
    assert listing(history.parent) == before


def test_a_read_only_folder_with_unsaved_wal_changes_is_refused_not_misread(sandbox):
    history = monitor_history(sandbox.folder("data") / "history.sqlite3")
    late = int(at(20))
    crash = subprocess.run(
        [sys.executable, "-c", CRASH_AFTER_WRITE, str(history), str(late)], check=False
    )
    assert crash.returncode == 0
    wal = history.with_name("history.sqlite3-wal")
    assert wal.stat().st_size > 0
    history.with_name("history.sqlite3-shm").unlink()  # as after a reboot
    readable_by(sandbox, history, wal)
    sandbox.freeze(history, wal, history.parent)
    sandbox.check(history.parent)
    env = sandbox.env(XDG_CONFIG_HOME=sandbox.folder("config"))
    proc = sandbox.run(posture_watch("export", "--format", "csv", "--history", str(history)), env)
    assert proc.returncode == 2
    (line,) = proc.stderr.splitlines()
    assert "history.sqlite3-wal holds changes not yet in the file" in line
    assert "folder is read-only" in line and "Traceback" not in proc.stderr


def test_a_read_only_folder_with_the_wal_index_present_reads_the_latest_rows(sandbox):
    history = monitor_history(sandbox.folder("data") / "history.sqlite3")
    late = int(at(20))
    subprocess.run([sys.executable, "-c", CRASH_AFTER_WRITE, str(history), str(late)], check=True)
    files = [history.with_name(history.name + suffix) for suffix in ("-wal", "-shm")]
    assert all(f.is_file() for f in files)
    readable_by(sandbox, history, *files)
    sandbox.freeze(history, *files, history.parent)
    sandbox.check(history.parent)
    env = sandbox.env(XDG_CONFIG_HOME=sandbox.folder("config"))
    args = ("export", "--format", "csv", "--history", str(history))
    proc = sandbox.run(posture_watch(*args), env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("\n") == 482 and f",{late}," in proc.stdout


# -- one reader, one schema check ---------------------------------------------------------


def test_a_future_schema_is_the_same_one_line_from_report_and_export(tmp_path):
    history = write_history(tmp_path / "history.sqlite3", working_day())
    with closing(sqlite3.connect(history)) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 6}")
        conn.commit()
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), "TZ": "Europe/Berlin"}
    lines = []
    for args in (
        ("report", "--date", DAY.isoformat()),
        ("report", "--week", "--date", DAY.isoformat()),
        ("export", "--format", "json"),
    ):
        proc = subprocess.run(
            posture_watch(*args, "--history", str(history)),
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 2 and proc.stdout == "", proc
        assert proc.stderr.count("\n") == 1, proc.stderr
        lines.append(proc.stderr)
    assert (
        lines[0]
        == lines[1]
        == lines[2]
        == (
            f"posture-watch: {history}: history schema version {SCHEMA_VERSION + 6} "
            f"is newer than this posture-watch understands (version {SCHEMA_VERSION}) "
            "(upgrade posture-watch, or use --history with another file)\n"
        )
    )


def test_export_of_an_empty_file_creates_no_tables_in_it(tmp_path):
    empty = tmp_path / "history.sqlite3"
    empty.touch()
    proc = subprocess.run(
        posture_watch("export", "--format", "json", "--history", str(empty)),
        env={**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2 and "no history yet" in proc.stderr, proc.stderr
    assert empty.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.sqlite3"]


def test_open_readonly_refuses_every_write(tmp_path):
    path = tmp_path / "history.sqlite3"
    with HistoryStore.open(path) as store:
        store.add_minute(MinuteRow(60, 60.0, 0.0, 0.0, 0.0))
    with HistoryStore.open_readonly(path) as store:
        assert [m.minute for m in store.minutes()] == [60]
        with pytest.raises(StorageError, match="readonly"):
            store.add_minute(MinuteRow(120, 60.0, 0.0, 0.0, 0.0))
        with pytest.raises(StorageError, match="readonly"):
            store.forget(None)
    with HistoryStore.open(path) as store:
        assert [m.minute for m in store.minutes()] == [60]


def test_open_readonly_refuses_an_older_schema_instead_of_migrating(tmp_path):
    path = write_history(tmp_path / "history.sqlite3", working_day())
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA user_version = 0")
        conn.commit()
    with pytest.raises(StorageError, match="schema version 0 is older") as err:
        HistoryStore.open_readonly(path)
    assert err.value.hint is not None and "run the monitor once" in err.value.hint
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 0


def test_open_readonly_of_no_file_or_an_empty_one_is_no_history(tmp_path):
    with pytest.raises(HistoryMissingError, match="no history yet at"):
        HistoryStore.open_readonly(tmp_path / "none.sqlite3")
    assert not (tmp_path / "none.sqlite3").exists()
    (tmp_path / "empty.sqlite3").touch()
    with pytest.raises(HistoryMissingError, match="the file is empty"):
        HistoryStore.open_readonly(tmp_path / "empty.sqlite3")
    assert (tmp_path / "empty.sqlite3").stat().st_size == 0


def test_the_report_reads_what_the_store_wrote(tmp_path):
    """The report's read path and the monitor's write path are one store."""
    path = tmp_path / "history.sqlite3"
    minute = int(at(9))
    with HistoryStore.open(path) as store:
        store.add_minute(MinuteRow(minute, 30.0, 30.0, 0.0, 0.0, 0.7, 0.5, 12.0, 1.0, None))
    with HistoryStore.open_readonly(path) as store:
        history = store.read_history(at(0), at(0) + 86400)
    assert list(history.minutes.minute) == [minute]
    assert history.minutes.slouch_s[0] == 30.0 and history.minutes.score[0] == 0.7
    assert TZ.key == "Europe/Berlin"
