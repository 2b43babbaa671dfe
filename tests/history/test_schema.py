"""Schema version bookkeeping: user_version, step-by-step migrations, newer files refused."""

import sqlite3
from contextlib import closing

import pytest

from posture_watch.errors import StorageError
from posture_watch.history import SCHEMA_VERSION, HistoryStore, create_or_migrate
from posture_watch.history.schema import MIGRATIONS, TABLES, user_version


def connect(path):
    return closing(sqlite3.connect(path, isolation_level=None))


def test_a_new_file_gets_every_table_and_the_current_version(tmp_path):
    path = tmp_path / "h.sqlite3"
    with connect(path) as conn:
        assert create_or_migrate(conn) == 0
        assert user_version(conn) == SCHEMA_VERSION == 4
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert names == set(TABLES)
        assert "journal_t" in indexes and "alerts_t" in indexes
        # running it again is a no-op that reports the version it found
        assert create_or_migrate(conn) == SCHEMA_VERSION


def test_minutes_columns_are_the_agreed_ones(tmp_path):
    with HistoryStore.open(tmp_path / "h.sqlite3") as store:
        assert store.columns("minutes") == [
            "minute", "upright_s", "slouch_s", "away_s", "unknown_s",
            "score", "head_height", "neck_angle", "shoulder_tilt", "lean", "unknown_reason",
        ]  # fmt: skip
        assert store.columns("prompts")[-2:] == ["answer", "answered_at"]


def test_a_later_migration_runs_once_on_an_older_file(tmp_path):
    path = tmp_path / "h.sqlite3"
    with connect(path) as conn:
        create_or_migrate(conn)
        conn.execute("INSERT INTO calibrations VALUES (1.0, 'desk')")
    calls = []

    def later(conn):
        calls.append(user_version(conn))
        conn.execute("ALTER TABLE calibrations ADD COLUMN note TEXT NOT NULL DEFAULT ''")

    n = len(MIGRATIONS)
    with connect(path) as conn:
        assert create_or_migrate(conn, [*MIGRATIONS, later]) == n
        assert create_or_migrate(conn, [*MIGRATIONS, later]) == n + 1
        assert calls == [n] and user_version(conn) == n + 1
        assert conn.execute("SELECT * FROM calibrations").fetchall() == [(1.0, "desk", "")]


def test_a_failed_migration_leaves_the_previous_version(tmp_path):
    path = tmp_path / "h.sqlite3"

    def broken(conn):
        conn.execute("CREATE TABLE extra (x)")
        raise sqlite3.OperationalError("boom")

    with connect(path) as conn:
        with pytest.raises(sqlite3.OperationalError):
            create_or_migrate(conn, [*MIGRATIONS, broken])
        assert user_version(conn) == len(MIGRATIONS)
        assert conn.execute("SELECT name FROM sqlite_master WHERE name='extra'").fetchone() is None


def test_a_file_from_a_newer_posture_watch_is_refused(tmp_path):
    path = tmp_path / "h.sqlite3"
    with connect(path) as conn:
        create_or_migrate(conn)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StorageError) as err:
        HistoryStore.open(path)
    message = err.value.one_line()
    assert str(path) in message and "newer" in message and "upgrade posture-watch" in message


def test_a_version_1_file_gains_the_unknown_reason_column_and_keeps_its_minutes(tmp_path):
    from posture_watch.core.minutes import MinuteRow

    path = tmp_path / "h.sqlite3"
    with connect(path) as conn:  # a history written by the previous posture-watch
        create_or_migrate(conn, MIGRATIONS[:1])
        conn.execute("INSERT INTO minutes VALUES (60, 50, 0, 0, 10, 0.2, 0.6, 9, -1, NULL)")
        assert user_version(conn) == 1
    with HistoryStore.open(path) as store:
        assert store.columns("minutes")[-1] == "unknown_reason"
        old = MinuteRow(60, 50.0, 0.0, 0.0, 10.0, 0.2, 0.6, 9.0, -1.0, None, None)
        new = MinuteRow(120, 20.0, 0.0, 0.0, 40.0, 0.3, unknown_reason="too dark")
        store.add_minute(new)
        assert store.minutes() == [old, new]
        # the same minute again after a restart: the part with more unknown time names it
        store.add_minute(MinuteRow(120, 0.0, 0.0, 0.0, 5.0, None, unknown_reason="face hidden"))
        store.add_minute(MinuteRow(60, 0.0, 0.0, 0.0, 15.0, None, unknown_reason="turned away"))
        got = {row.minute: row.unknown_reason for row in store.minutes()}
    assert got == {60: "turned away", 120: "too dark"}
    with connect(path) as conn:
        assert user_version(conn) == SCHEMA_VERSION
