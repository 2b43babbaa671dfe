"""The history database's schema, versioned with ``PRAGMA user_version``.

``MIGRATIONS[i]`` takes a database from version ``i`` to ``i + 1``; a fresh file is version
0, so the first migration creates everything. A later change appends a function (never
edits an old one), and :func:`create_or_migrate` brings any older file up to date, each
step in its own transaction together with its ``user_version``, so a crash mid-migration
leaves the previous version intact. A file written by a newer posture-watch is refused
rather than guessed at.

All times are Unix epoch seconds (UTC, REAL); days are derived at query time in local
time, so a change of time zone never rewrites the history. Only derived numbers are kept.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from posture_watch.core.text import _
from posture_watch.errors import StorageError

_V1 = """
CREATE TABLE minutes (
    minute INTEGER PRIMARY KEY,  -- epoch seconds of the minute's start (multiple of 60)
    upright_s REAL NOT NULL, slouch_s REAL NOT NULL, away_s REAL NOT NULL, unknown_s REAL NOT NULL,
    score REAL, head_height REAL, neck_angle REAL, shoulder_tilt REAL, lean REAL
    -- medians over the minute's analysed frames with a person, NULL if none
);
CREATE TABLE bouts (start REAL NOT NULL, end REAL NOT NULL);
CREATE TABLE breaks (start REAL NOT NULL, end REAL);
CREATE TABLE alerts (t REAL NOT NULL, kind TEXT NOT NULL, since REAL);
CREATE TABLE prompts (
    id INTEGER PRIMARY KEY, t REAL NOT NULL, prompt_id TEXT NOT NULL, kind TEXT NOT NULL,
    reason TEXT NOT NULL, stretch_id TEXT, answer TEXT, answered_at REAL
    -- answer: done|snoozed|skipped|dismissed|ignored, NULL = no answer (a notification)
);
CREATE TABLE suppressed (t REAL NOT NULL, reason TEXT NOT NULL, why TEXT NOT NULL);
CREATE TABLE pauses (start REAL NOT NULL, end REAL);
CREATE TABLE camera_problems (start REAL NOT NULL, end REAL, reason TEXT);
CREATE TABLE calibrations (t REAL NOT NULL, profile TEXT NOT NULL);
CREATE TABLE journal (
    id INTEGER PRIMARY KEY, t REAL NOT NULL, pain INTEGER, areas TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '', numbness INTEGER NOT NULL DEFAULT 0,
    weakness INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX bouts_start ON bouts (start);
CREATE INDEX breaks_start ON breaks (start);
CREATE INDEX alerts_t ON alerts (t);
CREATE INDEX prompts_t ON prompts (t);
CREATE INDEX suppressed_t ON suppressed (t);
CREATE INDEX pauses_start ON pauses (start);
CREATE INDEX camera_problems_start ON camera_problems (start);
CREATE INDEX calibrations_t ON calibrations (t);
CREATE INDEX journal_t ON journal (t);
"""

#: Every table, in the order export and forget walk them, with its time column.
TABLES: dict[str, str] = {
    "minutes": "minute",
    "bouts": "start",
    "breaks": "start",
    "alerts": "t",
    "prompts": "t",
    "suppressed": "t",
    "pauses": "start",
    "camera_problems": "start",
    "calibrations": "t",
    "journal": "t",
    "break_answers": "t",
    "break_timing": "t",
}


def _create_v1(conn: sqlite3.Connection) -> None:
    for statement in _V1.split(";"):
        if statement.strip():
            conn.execute(statement)


def _v2_unknown_reason(conn: sqlite3.Connection) -> None:
    """Version 2: why the minute's unknown time could not be judged ("too dark"); older
    minutes have none (NULL), which is what a minute without a reason has anyway."""
    conn.execute("ALTER TABLE minutes ADD COLUMN unknown_reason TEXT")


def _v3_break_answers(conn: sqlite3.Connection) -> None:
    """Version 3: the buttons of the warning before a break, Postpone and Skip: when
    pressed (``t``), which (``postponed`` or ``skipped``) and when the break nudge was
    then due. Older files have none, which is what a day without a warning has."""
    conn.execute("CREATE TABLE break_answers (t REAL NOT NULL, answer TEXT NOT NULL, due REAL)")
    conn.execute("CREATE INDEX break_answers_t ON break_answers (t)")


def _v4_break_timing(conn: sqlite3.Connection) -> None:
    """Version 4: how the break nudge was timed, each time the monitor set its limit
    (at the start, each new day, a settings change): ``mode`` ``fixed`` or ``posture``
    (breaks follow your posture), the sitting ``limit_s`` used, the measured ``hold_min``
    it rests on (NULL: off or too few spells) and the ``spells`` measured. Older files
    have none: days without a row ran the fixed timer, which was all there was."""
    conn.execute(
        "CREATE TABLE break_timing (t REAL NOT NULL, mode TEXT NOT NULL, "
        "limit_s REAL NOT NULL, hold_min REAL, spells INTEGER NOT NULL DEFAULT 0)"
    )
    conn.execute("CREATE INDEX break_timing_t ON break_timing (t)")


Migration = Callable[[sqlite3.Connection], None]
#: ``MIGRATIONS[i]`` migrates version ``i`` to ``i + 1``. Append only.
MIGRATIONS: list[Migration] = [
    _create_v1,
    _v2_unknown_reason,
    _v3_break_answers,
    _v4_break_timing,
]
SCHEMA_VERSION = len(MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def create_or_migrate(conn: sqlite3.Connection, migrations: list[Migration] | None = None) -> int:
    """Bring the database up to the current version; returns the version it had before.

    ``conn`` must be in autocommit mode (``isolation_level=None``): each step runs in its
    own ``BEGIN IMMEDIATE`` transaction, so two processes opening a fresh file at once do
    not both create the tables. ``migrations`` is for tests of the mechanism itself.
    """
    steps = MIGRATIONS if migrations is None else migrations
    before = user_version(conn)
    if before > len(steps):
        raise _too_new(conn, before, len(steps))
    for version in range(before, len(steps)):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if user_version(conn) == version:  # another process may have got here first
                steps[version](conn)
                conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return before


def readable_version(conn: sqlite3.Connection) -> int:
    """The version of a history opened read-only (``report``, ``export``): the current
    one, or 0 for an empty file (no tables yet).

    A reader cannot migrate, so an older file is refused as well as a newer one; the
    same words as :func:`create_or_migrate` for a newer file, so that every command says
    the same thing about it.
    """
    version = user_version(conn)
    if version > SCHEMA_VERSION:
        raise _too_new(conn, version, SCHEMA_VERSION)
    if version == SCHEMA_VERSION:
        return version
    tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
    if version == 0 and tables[0] == 0:
        return 0
    raise StorageError(
        _(
            "{file_name}: history schema version {version} is older than "
            "this posture-watch reads (version {supported})"
        ).format(file_name=_file_name(conn), version=version, supported=SCHEMA_VERSION),
        hint=_("run the monitor once with write access to the file: it upgrades the history"),
    )


def _too_new(conn: sqlite3.Connection, version: int, understood: int) -> StorageError:
    return StorageError(
        _(
            "{file_name}: history schema version {version} is newer than "
            "this posture-watch understands (version {understood})"
        ).format(file_name=_file_name(conn), version=version, understood=understood),
        hint=_("upgrade posture-watch, or use --history with another file"),
    )


def _file_name(conn: sqlite3.Connection) -> str:
    """The main database's file (``:memory:`` for an in-memory one), for messages."""
    for _seq, name, path in conn.execute("PRAGMA database_list"):
        if name == "main":
            return path or ":memory:"
    return ":memory:"
