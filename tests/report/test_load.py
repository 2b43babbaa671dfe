"""Reading the history for a report: real SQLite files, read-only, clear errors."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from posture_watch.core.journal import JournalEntry
from posture_watch.core.report import Interval
from posture_watch.errors import StorageError
from posture_watch.report.load import JOURNAL_DAYS, NoHistoryError, load_day, load_week
from tests.report.histories import DAY, TZ, at, merge, working_day, write_history


def test_a_day_reads_back_as_written(tmp_path: Path):
    journal = (
        JournalEntry(at(18), pain=4, areas=("neck", "shoulders"), note="stiff", numbness=True),
        JournalEntry(at(19), note="better"),
    )
    written = replace(working_day(), journal=journal)
    path = write_history(tmp_path / "h.sqlite3", written)
    got = load_day(path, DAY, TZ)
    assert (got.start, got.end) == (written.start, written.end)
    for name in ("minute", "upright_s", "slouch_s", "shoulder_tilt", "lean"):
        np.testing.assert_array_equal(getattr(got.minutes, name), getattr(written.minutes, name))
    assert np.isnan(got.minutes.score[180])  # the lunch minutes have no medians (NULL)
    for name in ("bouts", "breaks", "alerts", "prompts", "journal"):
        assert getattr(got, name) == getattr(written, name), name


def test_only_the_asked_day_is_read(tmp_path: Path):
    days = [DAY - timedelta(days=1), DAY, DAY + timedelta(days=1)]
    path = write_history(tmp_path / "h.sqlite3", merge(*(working_day(d) for d in days)))
    got = load_day(path, DAY, TZ)
    assert len(got.minutes) == 480
    assert all(at(0) <= m < at(0, DAY + timedelta(days=1)) for m in got.minutes.minute)
    assert len(got.bouts) == 2 and len(got.prompts) == 5


def test_spans_overlapping_the_day_and_open_spans_are_read(tmp_path: Path):
    history = replace(
        working_day(),
        bouts=(Interval(at(23, DAY - timedelta(days=1)), at(0.5)),),
        breaks=(Interval(at(23.9), None),),
        pauses=(Interval(at(11), at(11.25)),),
        camera_problems=(Interval(at(14), None),),
    )
    got = load_day(write_history(tmp_path / "h.sqlite3", history), DAY, TZ)
    assert got.bouts == history.bouts
    assert got.breaks == history.breaks
    assert got.pauses == history.pauses
    assert got.camera_problems == history.camera_problems


def test_a_week_reads_the_journal_weeks_back(tmp_path: Path):
    old = JournalEntry(at(10, DAY - timedelta(days=JOURNAL_DAYS - 1)), pain=5)
    too_old = JournalEntry(at(10, DAY - timedelta(days=JOURNAL_DAYS + 1)), pain=5)
    history = replace(working_day(), journal=(too_old, old))
    got = load_week(write_history(tmp_path / "h.sqlite3", history), DAY, TZ)
    assert got.journal == (old,)
    assert got.start == at(0, DAY - timedelta(days=6))


def test_the_file_is_opened_read_only(history_file: Path):
    before = (history_file.stat().st_mtime_ns, history_file.read_bytes())
    load_day(history_file, DAY, TZ)
    assert (history_file.stat().st_mtime_ns, history_file.read_bytes()) == before
    assert sorted(p.name for p in history_file.parent.iterdir()) == ["history.sqlite3"]


def test_reads_while_the_monitor_writes_under_wal(history_file: Path):
    writer = sqlite3.connect(history_file, isolation_level=None)
    try:
        assert writer.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
        writer.execute("BEGIN IMMEDIATE")
        writer.execute(
            "INSERT INTO minutes VALUES (?, 60, 0, 0, 0, 0, 0, 0, 0, 0, NULL)", (at(20),)
        )
        got = load_day(history_file, DAY, TZ)  # the uncommitted minute is not seen
        assert len(got.minutes) == 480
        writer.execute("COMMIT")
        assert len(load_day(history_file, DAY, TZ).minutes) == 481
    finally:
        writer.close()


def test_a_missing_history_is_no_history_yet(tmp_path: Path):
    with pytest.raises(NoHistoryError, match="no history yet") as err:
        load_day(tmp_path / "none.sqlite3", DAY, TZ)
    assert err.value.exit_code == 0
    assert not (tmp_path / "none.sqlite3").exists()


def test_an_empty_file_is_no_history_yet(tmp_path: Path):
    path = tmp_path / "empty.sqlite3"
    path.touch()
    with pytest.raises(NoHistoryError, match="empty"):
        load_day(path, DAY, TZ)


def test_a_corrupt_file_is_a_storage_error(tmp_path: Path):
    path = tmp_path / "h.sqlite3"
    path.write_bytes(os.urandom(8192))
    with pytest.raises(StorageError) as err:
        load_day(path, DAY, TZ)
    assert not isinstance(err.value, NoHistoryError)
    assert err.value.exit_code == 2
    assert "file is not a database" in str(err.value) and "damaged" in err.value.one_line()
    assert "\n" not in err.value.one_line()


def test_a_damaged_table_is_a_storage_error(history_file: Path):
    with sqlite3.connect(history_file) as conn:
        conn.execute("DROP TABLE prompts")
    with pytest.raises(StorageError, match="no such table: prompts"):
        load_day(history_file, DAY, TZ)


def test_a_newer_schema_is_refused(history_file: Path):
    with sqlite3.connect(history_file) as conn:
        conn.execute("PRAGMA user_version = 7")
    with pytest.raises(StorageError, match="schema version 7") as err:
        load_day(history_file, DAY, TZ)
    assert err.value.hint is not None and err.value.hint.startswith("upgrade posture-watch")


def test_a_journal_row_changed_by_hand_is_reported(history_file: Path):
    with sqlite3.connect(history_file) as conn:
        conn.execute("INSERT INTO journal (t, pain) VALUES (?, 11)", (at(12),))
    with pytest.raises(StorageError, match="pain must be 0 to 10"):
        load_day(history_file, date(2025, 5, 12), TZ)
