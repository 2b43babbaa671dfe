"""Read the history for a report: read-only SQL in, the core's plain dataclasses out.

The database is opened with a ``file:…?mode=ro`` URI, so a report can never change or
create the history, and under WAL it reads a consistent snapshot while the monitor keeps
writing. Each table is read with one range query on its indexed time column; the minute
rows come back as one NumPy array, so a week of 10,080 rows costs a single fetch.

Errors are translated once, here: a missing file (or one that holds no history yet) is
:class:`NoHistoryError`, which the command reports as a friendly note with exit 0; a
damaged file or one from a newer posture-watch is a :class:`StorageError` (exit 2).
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta, tzinfo
from pathlib import Path

import numpy as np

from posture_watch.core.advice import ADVICE_LOOKBACK_DAYS, PERSISTENT_WEEKS
from posture_watch.core.journal import JournalEntry
from posture_watch.core.report import (
    MINUTE_COLUMNS,
    AlertRecord,
    History,
    Interval,
    MinuteRows,
    PromptRecord,
    day_bounds,
)
from posture_watch.errors import ConfigError, StorageError

#: The schema version this reader understands (the history's ``PRAGMA user_version``).
READS_VERSION = 1
#: How far before the report's end the journal is read (for the medical-advice check).
JOURNAL_DAYS = max(ADVICE_LOOKBACK_DAYS, 7 * PERSISTENT_WEEKS)

_MINUTES_SQL = (
    f"SELECT {', '.join(MINUTE_COLUMNS)} FROM minutes "
    "WHERE minute >= ? AND minute < ? ORDER BY minute"
)


class NoHistoryError(StorageError):
    """There is no history to report on yet (no file, or a file without tables)."""

    exit_code = 0


def open_history(path: Path) -> sqlite3.Connection:
    """A read-only connection to the history at ``path``, its schema version checked."""
    if not path.is_file():
        raise NoHistoryError(
            f"no history yet at {path}",
            hint="the monitor records one while it runs: posture-watch tray",
        )
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
    except sqlite3.Error as exc:
        raise StorageError(f"{path}: cannot open the history ({exc})") from exc
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
    except sqlite3.Error as exc:
        conn.close()
        raise _damaged(path, exc) from exc
    if version == 0 and tables[0] == 0:
        conn.close()
        raise NoHistoryError(f"no history yet in {path} (the file is empty)")
    if version != READS_VERSION:
        conn.close()
        raise StorageError(
            f"{path}: history schema version {version}; this report reads version {READS_VERSION}",
            hint="upgrade posture-watch" if version > READS_VERSION else "run the monitor once",
        )
    return conn


def load_range(path: Path, start: float, end: float) -> History:
    """All rows the report needs for ``[start, end)`` (epoch seconds).

    The journal is read from :data:`JOURNAL_DAYS` before ``end``, for the advice check.
    """
    conn = open_history(path)
    try:
        return _read(conn, start, end)
    except sqlite3.Error as exc:
        raise _damaged(path, exc) from exc
    finally:
        conn.close()


def load_day(path: Path, day: date, tz: tzinfo) -> History:
    """The history of local ``day`` in time zone ``tz``."""
    return load_range(path, *day_bounds(day, tz))


def load_week(path: Path, last_day: date, tz: tzinfo, days: int = 7) -> History:
    """The history of the ``days`` local days ending with ``last_day`` (inclusive)."""
    return load_range(path, *day_bounds(last_day - timedelta(days=days - 1), tz, days))


def _read(conn: sqlite3.Connection, start: float, end: float) -> History:
    window = (start, end)
    rows = conn.execute(_MINUTES_SQL, window).fetchall()
    minutes = MinuteRows.from_array(np.array(rows, dtype=np.float64)) if rows else None

    def spans(table: str) -> tuple[Interval, ...]:
        sql = f'SELECT start, "end" FROM {table} WHERE start < ? AND ("end" IS NULL OR "end" > ?)'
        return tuple(Interval(s, e) for s, e in conn.execute(sql + " ORDER BY start", (end, start)))

    alerts = conn.execute(
        "SELECT t, kind, since FROM alerts WHERE t >= ? AND t < ? ORDER BY t", window
    )
    prompts = conn.execute(
        "SELECT t, prompt_id, kind, reason, stretch_id, answer, answered_at FROM prompts "
        "WHERE t >= ? AND t < ? ORDER BY t",
        window,
    )
    journal = conn.execute(
        "SELECT t, pain, areas, note, numbness, weakness FROM journal "
        "WHERE t >= ? AND t < ? ORDER BY t",
        (end - JOURNAL_DAYS * 86400.0, end),
    )
    return History(
        start=start,
        end=end,
        minutes=minutes if minutes is not None else MinuteRows.empty(),
        bouts=spans("bouts"),
        breaks=spans("breaks"),
        alerts=tuple(AlertRecord(*row) for row in alerts),
        prompts=tuple(PromptRecord(*row) for row in prompts),
        pauses=spans("pauses"),
        camera_problems=spans("camera_problems"),
        journal=tuple(_journal_entry(*row) for row in journal),
    )


def _journal_entry(
    t: float, pain: int | None, areas: str | None, note: str | None, numb: int, weak: int
) -> JournalEntry:
    parts = tuple(a.strip() for a in (areas or "").split(",") if a.strip())
    try:
        return JournalEntry(t, pain, parts, note or "", bool(numb), bool(weak))
    except ConfigError as exc:  # the writer validates, so this row was changed by hand
        raise sqlite3.DatabaseError(f"journal entry at t={t}: {exc.one_line()}") from exc


def _damaged(path: Path, exc: sqlite3.Error) -> StorageError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return StorageError(f"{path}: the history is locked ({text})", hint="try again in a moment")
    return StorageError(
        f"{path}: cannot read the history ({text})",
        hint="the file may be damaged; move it away and the monitor starts a new one",
    )
