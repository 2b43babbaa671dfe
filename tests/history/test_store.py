"""HistoryStore on real SQLite files: every event type, answers, minutes, export, forget,
and the errors a user can meet (damaged file, lock, read-only folder)."""

import os
import sqlite3
import threading
import time
from contextlib import closing

import pytest

from posture_watch.core.events import (
    BreakEnded,
    BreakStarted,
    LongSittingAlert,
    SittingBoutEnded,
    SlouchAlert,
    StateChanged,
)
from posture_watch.core.journal import JournalEntry
from posture_watch.core.minutes import MinuteRow
from posture_watch.core.prompt_rules import (
    Answer,
    PromptAnswered,
    PromptShown,
    PromptSuppressed,
    Reason,
    Why,
)
from posture_watch.core.prompts import PromptKind
from posture_watch.core.scoring import PostureState
from posture_watch.core.worker_events import (
    CameraRecovered,
    CameraUnavailable,
    Paused,
    Resumed,
    SourceEnded,
)
from posture_watch.errors import StorageError
from posture_watch.history import HistoryStore
from posture_watch.history.store import StorageBusyError

ORIGIN = 1_700_000_000.0


@pytest.fixture
def path(tmp_path):
    return tmp_path / "data" / "history.sqlite3"


@pytest.fixture
def store(path):
    with HistoryStore.open(path) as store:
        yield store


def rows(path, table):
    """Read back through a second, plain connection: what is on disk, committed."""
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()


def record(store, event):
    return store.record(event, ORIGIN + event.t)


def test_open_creates_the_folder_in_wal_mode(path, store):
    assert path.is_file()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_timeline_events_round_trip_with_their_inner_times_in_wall_time(path, store):
    assert record(store, SlouchAlert(100.0, episode_start=70.0))
    assert record(store, LongSittingAlert(200.0, sitting_since=10.0))
    assert record(store, SittingBoutEnded(300.0, start=10.0, end=250.0))
    assert record(store, BreakStarted(370.0, away_since=250.0))
    assert record(store, BreakEnded(400.0, away_since=250.0))
    assert not record(store, StateChanged(5.0, PostureState.SLOUCH, PostureState.UPRIGHT))
    assert not record(store, SourceEnded(500.0))
    assert rows(path, "alerts") == [
        (ORIGIN + 100, "slouch", ORIGIN + 70),
        (ORIGIN + 200, "long_sitting", ORIGIN + 10),
    ]
    assert rows(path, "bouts") == [(ORIGIN + 10, ORIGIN + 250)]
    assert rows(path, "breaks") == [(ORIGIN + 250, ORIGIN + 400)]


def test_a_break_end_without_its_start_still_stores_the_break(path, store):
    record(store, BreakEnded(400.0, away_since=250.0))
    assert rows(path, "breaks") == [(ORIGIN + 250, ORIGIN + 400)]


def test_pauses_and_camera_problems_open_once_and_close(path, store):
    record(store, Paused(10.0, until=None))
    record(store, Paused(11.0, until=None))  # still the same pause
    record(store, Resumed(20.0))
    record(store, CameraUnavailable(30.0, "camera 0: cannot open", 1.0))
    record(store, CameraUnavailable(31.0, "camera 0: cannot open", 2.0))  # a retry
    record(store, CameraRecovered(35.0))
    assert rows(path, "pauses") == [(ORIGIN + 10, ORIGIN + 20)]
    assert rows(path, "camera_problems") == [(ORIGIN + 30, ORIGIN + 35, "camera 0: cannot open")]


def test_prompts_suppressions_and_calibrations_round_trip(path, store):
    record(store, PromptShown(10.0, "chin-tuck", PromptKind.STRETCH, Reason.MANUAL))
    record(store, PromptSuppressed(20.0, Reason.SLOUCH, Why.QUIET))
    store.add_calibration(ORIGIN + 30, "desk")
    assert rows(path, "prompts") == [
        (1, ORIGIN + 10, "chin-tuck", "stretch", "manual", None, None, None)
    ]
    assert rows(path, "suppressed") == [(ORIGIN + 20, "slouch", "quiet")]
    assert rows(path, "calibrations") == [(ORIGIN + 30, "desk")]


def test_an_answer_goes_to_the_latest_unanswered_prompt_by_id_or_stretch(path, store):
    record(
        store, PromptShown(10.0, "break-walk", PromptKind.BREAK, Reason.LONG_SITTING, "neck-side")
    )
    record(store, PromptShown(20.0, "nudge-1", PromptKind.POSTURE_CHECK, Reason.SLOUCH))
    record(
        store, PromptShown(30.0, "break-walk", PromptKind.BREAK, Reason.LONG_SITTING, "neck-side")
    )
    record(store, PromptAnswered(40.0, "neck-side", Answer.DONE))  # the stretch window's id
    record(store, PromptAnswered(50.0, "break-walk", Answer.SKIPPED))  # the earlier one
    record(store, PromptAnswered(60.0, "no-such-prompt", Answer.DONE))  # ignored
    answers = [(r[2], r[6], r[7]) for r in rows(path, "prompts")]
    assert answers == [
        ("break-walk", "skipped", ORIGIN + 50),
        ("nudge-1", None, None),  # a notification: no answer
        ("break-walk", "done", ORIGIN + 40),
    ]


def test_a_minute_stored_twice_adds_up(path, store):
    store.add_minute(MinuteRow(600, 20.0, 10.0, 0.0, 0.0, 0.5, 0.6, 10.0, -1.0, None))
    store.add_minute(MinuteRow(600, 10.0, 0.0, 15.0, 0.0, 1.1, None, 12.0, -1.0, 1.0))
    ((minute, up, slouch, away, unknown, score, head, neck, tilt, lean, _),) = rows(path, "minutes")
    assert (minute, up, slouch, away, unknown) == (600, 30.0, 10.0, 15.0, 0.0)
    assert score == pytest.approx((0.5 * 30 + 1.1 * 10) / 40)  # weighted by time sitting
    assert (head, lean) == (0.6, 1.0)  # the part that had a value
    assert store.minutes() == [MinuteRow(600, 30.0, 10.0, 15.0, 0.0, score, head, neck, tilt, 1.0)]


def test_journal_entries_round_trip(store):
    entry = JournalEntry(ORIGIN, 6, ("neck", "shoulders"), "after the long call", True, False)
    assert store.add_journal(entry) == 1
    store.add_journal(JournalEntry(ORIGIN + 10, note="fine"))
    assert store.journal_entries() == [entry, JournalEntry(ORIGIN + 10, note="fine")]
    assert store.journal_entries(ORIGIN + 1) == [JournalEntry(ORIGIN + 10, note="fine")]


def test_export_selects_by_time_and_forget_deletes_before_a_time(path, store):
    for minute in (0, 60, 120):
        store.add_minute(MinuteRow(int(ORIGIN) + minute, 60.0, 0.0, 0.0, 0.0))
    record(store, SlouchAlert(30.0, episode_start=0.0))
    record(store, SlouchAlert(130.0, episode_start=100.0))
    out = store.export(ORIGIN + 60, ORIGIN + 120)
    assert [r["minute"] for r in out["minutes"]] == [int(ORIGIN) + 60]
    assert out["alerts"] == [] and set(out) >= {"journal", "prompts", "camera_problems"}
    assert len(store.export()["minutes"]) == 3
    assert store.count(ORIGIN + 60) == {**dict.fromkeys(out, 0), "minutes": 1, "alerts": 1}
    assert store.forget(ORIGIN + 60)["minutes"] == 1
    assert [r[0] for r in rows(path, "minutes")] == [int(ORIGIN) + 60, int(ORIGIN) + 120]
    assert rows(path, "alerts") == [(ORIGIN + 130, "slouch", ORIGIN + 100)]
    deleted = store.forget(None)
    assert (deleted["minutes"], deleted["alerts"]) == (2, 1)
    assert rows(path, "minutes") == []


def test_close_open_ends_intervals_but_never_before_they_start(path, store):
    record(store, BreakStarted(370.0, away_since=250.0))
    record(store, Paused(380.0, until=None))
    assert store.close_open(ORIGIN + 300) == 2
    assert rows(path, "breaks") == [(ORIGIN + 250, ORIGIN + 300)]
    assert rows(path, "pauses") == [(ORIGIN + 380, ORIGIN + 380)]


def test_writes_from_several_threads_are_serialised(path, store):
    def write(base):
        for i in range(50):
            store.add_minute(MinuteRow(base + 60 * i, 1.0, 0.0, 0.0, 0.0))

    threads = [threading.Thread(target=write, args=(k * 60 * 1000,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(rows(path, "minutes")) == 200


# -- errors ---------------------------------------------------------------------------------


def test_a_damaged_file_is_one_storage_error_naming_the_file(path):
    path.parent.mkdir(parents=True)
    path.write_bytes(os.urandom(4096))
    with pytest.raises(StorageError) as err:
        HistoryStore.open(path)
    message = err.value.one_line()
    assert str(path) in message and "not a database" in message and "move it away" in message


def test_a_lock_held_past_the_timeout_is_a_storage_error(path):
    HistoryStore.open(path).close()
    with closing(sqlite3.connect(path, isolation_level=None)) as holder:
        holder.execute("BEGIN EXCLUSIVE")
        with pytest.raises(StorageError) as err:
            HistoryStore.open(path, busy_timeout=0.1)
        holder.execute("ROLLBACK")
    assert "locked" in str(err.value) and "another program" in err.value.one_line()


def test_a_write_that_finds_the_file_locked_is_a_storage_error(path):
    with HistoryStore.open(path, busy_timeout=0.1) as store:
        with closing(sqlite3.connect(path, isolation_level=None)) as holder:
            holder.execute("BEGIN EXCLUSIVE")
            with pytest.raises(StorageError, match="locked"):
                store.add_minute(MinuteRow(60, 1.0, 0.0, 0.0, 0.0))
            holder.execute("ROLLBACK")
        store.add_minute(MinuteRow(60, 1.0, 0.0, 0.0, 0.0))  # usable again afterwards


def test_a_busy_file_is_a_storage_busy_error_and_the_write_succeeds_once_it_is_free(path):
    row = MinuteRow(60, 1.0, 0.0, 0.0, 0.0)
    with HistoryStore.open(path, busy_timeout=0.05) as store:
        with closing(sqlite3.connect(path, isolation_level=None)) as holder:
            holder.execute("BEGIN EXCLUSIVE")
            holder.execute("INSERT INTO calibrations VALUES (1.0, 'desk')")
            with pytest.raises(StorageBusyError, match="database is locked") as err:
                store.add_minute(row)
            assert str(path) in str(err.value) and "another program" in err.value.one_line()
            holder.execute("COMMIT")
        store.add_minute(row)
    assert rows(path, "minutes") == [(60, 1.0, 0.0, 0.0, 0.0, *[None] * 6)]
    assert rows(path, "calibrations") == [(1.0, "desk")]


def test_opening_a_busy_file_is_a_storage_busy_error(path):
    HistoryStore.open(path).close()
    with closing(sqlite3.connect(path, isolation_level=None)) as holder:
        holder.execute("BEGIN EXCLUSIVE")
        with pytest.raises(StorageBusyError):
            HistoryStore.open(path, busy_timeout=0.05)
        holder.execute("ROLLBACK")


def test_the_busy_timeout_can_be_shortened_after_opening(path):
    with HistoryStore.open(path, busy_timeout=30.0) as store:
        store.set_busy_timeout(0.05)
        with closing(sqlite3.connect(path, isolation_level=None)) as holder:
            holder.execute("BEGIN EXCLUSIVE")
            started = time.monotonic()
            with pytest.raises(StorageBusyError):
                store.add_minute(MinuteRow(60, 1.0, 0.0, 0.0, 0.0))
            assert time.monotonic() - started < 20.0  # not the 30 s it was opened with
            holder.execute("ROLLBACK")


def test_a_damaged_file_is_not_a_busy_one(path):
    path.parent.mkdir(parents=True)
    path.write_bytes(os.urandom(4096))
    with pytest.raises(StorageError) as err:
        HistoryStore.open(path)
    assert not isinstance(err.value, StorageBusyError)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_folder_is_a_storage_error(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(StorageError) as err:
            HistoryStore.open(folder / "history.sqlite3")
    finally:
        folder.chmod(0o700)
    assert "history.sqlite3" in str(err.value) and "write" in err.value.one_line()


def test_a_missing_file_is_refused_when_not_creating(path):
    with pytest.raises(StorageError, match="no history yet"):
        HistoryStore.open(path, create=False)
    assert not path.exists()


def test_a_folder_that_cannot_be_made_is_a_storage_error(tmp_path):
    (tmp_path / "taken").write_text("a file where the folder should be")
    with pytest.raises(StorageError) as err:
        HistoryStore.open(tmp_path / "taken" / "history.sqlite3")
    assert "taken" in str(err.value) and "folder" in err.value.one_line()


def test_a_folder_in_place_of_the_file_is_a_storage_error(tmp_path):
    (tmp_path / "history.sqlite3").mkdir()
    with pytest.raises(StorageError) as err:
        HistoryStore.open(tmp_path / "history.sqlite3")
    assert "unable to open" in str(err.value)
