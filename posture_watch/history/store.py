"""The history's SQLite adapter: minute rows and event values in, plain rows out.

Every write commits at once. With WAL and ``synchronous=NORMAL`` a commit does not wait
for the disk, but the file stays consistent after a crash of the process, so a ``kill -9``
of the monitor loses at most the minute the aggregator still holds in memory. Readers
(``report``, ``export``) never block the monitor's writes, and a writer that finds the
file locked waits up to ``busy_timeout`` seconds before giving up.

Every ``sqlite3`` error is translated here, once, into a :class:`StorageError` that names
the file and says what to do. A file another program holds locked past the busy timeout
is a :class:`StorageBusyError` instead, because that passes (the monitor keeps its writes
and retries) while a damaged file does not. A store from :meth:`HistoryStore.in_memory`
is the fallback the monitor switches to when the file cannot be used.

``report`` and ``export`` use :meth:`HistoryStore.open_readonly`: the same schema check
and the same SQL as the monitor's store, on a connection that cannot create, migrate or
change anything, so they work on a read-only data folder too.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from posture_watch import paths
from posture_watch.core.events import (
    BreakEnded,
    BreakStarted,
    LongSittingAlert,
    SittingBoutEnded,
    SlouchAlert,
)
from posture_watch.core.journal import JournalEntry
from posture_watch.core.minutes import MEDIAN_FEATURES, MinuteRow
from posture_watch.core.prompt_rules import PromptAnswered, PromptShown, PromptSuppressed
from posture_watch.errors import StorageError
from posture_watch.history.schema import TABLES, create_or_migrate
from posture_watch.monitor.events import CameraRecovered, CameraUnavailable, Paused, Resumed

FILE_NAME = "history.sqlite3"
#: Seconds a write waits for another connection's lock before it fails.
BUSY_TIMEOUT = 5.0
MEMORY = ":memory:"

_MEDIANS = ("score", *MEDIAN_FEATURES, "lean")
_PRESENT_OLD = "(upright_s + slouch_s)"
_PRESENT_NEW = "(excluded.upright_s + excluded.slouch_s)"


def default_history_path() -> Path:
    """``history.sqlite3`` in the user's data folder."""
    return paths.data_dir() / FILE_NAME


def _merge_median(name: str) -> str:
    """A restart within one minute: the two parts' medians, weighted by time sitting."""
    weighted = (
        f"({name} * {_PRESENT_OLD} + excluded.{name} * {_PRESENT_NEW})"
        f" / NULLIF({_PRESENT_OLD} + {_PRESENT_NEW}, 0)"
    )
    return f"{name} = COALESCE({weighted}, excluded.{name}, {name})"


_UPSERT_MINUTE = (
    "INSERT INTO minutes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (minute) DO UPDATE SET "
    + ", ".join(f"{s} = {s} + excluded.{s}" for s in ("upright_s", "slouch_s", "away_s"))
    + ", unknown_s = unknown_s + excluded.unknown_s, "
    + ", ".join(_merge_median(name) for name in _MEDIANS)
)
#: Intervals that an event opens and a later one closes: table -> its column for the end.
_OPEN_INTERVALS = ("breaks", "pauses", "camera_problems")


class StorageBusyError(StorageError):
    """Another connection held the history locked for longer than the busy timeout.

    Unlike a damaged file this passes: retry later rather than give the file up.
    """


def _is_busy(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "database is locked" in str(exc) or "database table is locked" in str(exc)


def _storage_error(name: str, exc: sqlite3.Error) -> StorageError:
    """The one translation of a sqlite3 error: busy, or anything else."""
    kind = StorageBusyError if _is_busy(exc) else StorageError
    return kind(f"{name}: {exc}", hint=_hint(str(exc)))


def _hint(message: str) -> str:
    lowered = message.lower()
    if "not a database" in lowered or "malformed" in lowered:
        return "the file is damaged: move it away and posture-watch starts a new history"
    if "locked" in lowered or "busy" in lowered:
        return "another program holds the history; close it and try again"
    if "readonly" in lowered or "read-only" in lowered or "unable to open" in lowered:
        return "check that the folder exists and that you may write to it, or use --history FILE"
    return "check the file, or use --history FILE to use another one"


class HistoryStore:
    """One connection to a history database; safe to share between threads."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        """Use :meth:`open` or :meth:`in_memory`; ``conn`` must be set up and migrated."""
        self._conn = conn
        self.path = path
        self._lock = threading.Lock()

    # -- opening --------------------------------------------------------------------------

    @classmethod
    def open(
        cls, path: Path, *, busy_timeout: float = BUSY_TIMEOUT, create: bool = True
    ) -> HistoryStore:
        """Open (or create) the history at ``path`` and check that it can be written.

        Raises :class:`StorageError` for a damaged file, a lock held past
        ``busy_timeout``, a folder that cannot be written, or a newer schema; and with
        ``create=False`` (``export``, ``forget``) for a file that does not exist yet.
        """
        path = Path(path).expanduser()
        if not create and not path.is_file():
            raise StorageError(
                f"{path}: no history yet",
                hint="the monitor writes it while it runs; or give --history FILE",
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(
                f"{path}: cannot create the folder: {exc.strerror or exc}",
                hint=_hint("unable to open"),
            ) from exc
        conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(
                path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            create_or_migrate(conn)
            conn.execute("BEGIN IMMEDIATE")  # fail now, not at the first minute, if read-only
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            raise _storage_error(str(path), exc) from exc
        except BaseException:
            if conn is not None:
                conn.close()
            raise
        return cls(conn, path)

    @classmethod
    def in_memory(cls) -> HistoryStore:
        """A history that lives only as long as the process (the fallback, and tests)."""
        conn = sqlite3.connect(MEMORY, isolation_level=None, check_same_thread=False)
        create_or_migrate(conn)
        return cls(conn, None)

    def set_busy_timeout(self, seconds: float) -> None:
        """How long later statements wait for another connection's lock before a
        :class:`StorageBusyError` (the monitor opens patiently, then writes with a short
        timeout so that a locked file never delays it)."""
        with self._sql() as conn:
            conn.execute(f"PRAGMA busy_timeout = {max(0, round(seconds * 1000))}")

    @property
    def name(self) -> str:
        """The file, or ``:memory:``, for messages."""
        return str(self.path) if self.path is not None else MEMORY

    def close(self) -> None:
        with self._sql() as conn:
            conn.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _sql(self) -> Iterator[sqlite3.Connection]:
        """The connection under the lock, with sqlite errors translated once."""
        with self._lock:
            try:
                yield self._conn
            except sqlite3.Error as exc:
                if self._conn.in_transaction:
                    with suppress(sqlite3.Error):
                        self._conn.rollback()
                raise _storage_error(self.name, exc) from exc

    # -- writing --------------------------------------------------------------------------

    def add_minute(self, row: MinuteRow) -> None:
        """Store a minute; seconds add up if it is already there (a restart mid-minute)."""
        values = (
            row.minute,
            row.upright_s,
            row.slouch_s,
            row.away_s,
            row.unknown_s,
            row.score,
            row.head_height,
            row.neck_angle,
            row.shoulder_tilt,
            row.lean,
        )
        with self._sql() as conn:
            conn.execute(_UPSERT_MINUTE, values)

    def record(self, event: object, wall_t: float) -> bool:
        """Store one event value at ``wall_t`` (epoch s); False for events not kept.

        Times inside the event (``episode_start``, ``away_since``, a bout's ``start`` and
        ``end``) are on the same clock as ``event.t``, so they are shifted by
        ``wall_t - event.t`` too.
        """
        shift = wall_t - float(getattr(event, "t", wall_t))
        with self._sql() as conn:
            match event:
                case SlouchAlert(episode_start=since) | LongSittingAlert(sitting_since=since):
                    conn.execute(
                        "INSERT INTO alerts VALUES (?, ?, ?)", (wall_t, event.kind, since + shift)
                    )
                case SittingBoutEnded(start=start, end=end):
                    conn.execute("INSERT INTO bouts VALUES (?, ?)", (start + shift, end + shift))
                case BreakStarted(away_since=since):
                    conn.execute("INSERT INTO breaks VALUES (?, NULL)", (since + shift,))
                case BreakEnded(away_since=since):
                    if not _close_latest(conn, "breaks", wall_t):
                        conn.execute("INSERT INTO breaks VALUES (?, ?)", (since + shift, wall_t))
                case PromptShown():
                    conn.execute(
                        "INSERT INTO prompts (t, prompt_id, kind, reason, stretch_id)"
                        " VALUES (?, ?, ?, ?, ?)",
                        (wall_t, event.prompt_id, event.kind, event.reason, event.stretch_id),
                    )
                case PromptAnswered():
                    _answer(conn, event.prompt_id, str(event.answer), wall_t)
                case PromptSuppressed():
                    conn.execute(
                        "INSERT INTO suppressed VALUES (?, ?, ?)",
                        (wall_t, str(event.reason), str(event.why)),
                    )
                case Paused():
                    if not _is_open(conn, "pauses"):
                        conn.execute("INSERT INTO pauses VALUES (?, NULL)", (wall_t,))
                case Resumed():
                    _close_latest(conn, "pauses", wall_t)
                case CameraUnavailable(reason=reason):  # repeated at every retry: one row
                    if not _is_open(conn, "camera_problems"):
                        conn.execute(
                            "INSERT INTO camera_problems VALUES (?, NULL, ?)", (wall_t, reason)
                        )
                case CameraRecovered():
                    _close_latest(conn, "camera_problems", wall_t)
                case _:
                    return False
        return True

    def add_calibration(self, wall_t: float, profile: str) -> None:
        """A new upright reference was taken (the report marks it on the timeline)."""
        with self._sql() as conn:
            conn.execute("INSERT INTO calibrations VALUES (?, ?)", (wall_t, profile))

    def add_journal(self, entry: JournalEntry) -> int:
        """Store a journal entry; returns its id."""
        values = (
            entry.t,
            entry.pain,
            ",".join(entry.areas),
            entry.note,
            int(entry.numbness),
            int(entry.weakness),
        )
        with self._sql() as conn:
            cursor = conn.execute(
                "INSERT INTO journal (t, pain, areas, note, numbness, weakness)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                values,
            )
            return int(cursor.lastrowid or 0)

    def close_open(self, wall_t: float) -> int:
        """End the breaks, pauses and camera problems still open at ``wall_t`` (a session
        ended); an interval never ends before it started. Returns how many were closed."""
        closed = 0
        with self._sql() as conn:
            for table in _OPEN_INTERVALS:
                cursor = conn.execute(
                    f"UPDATE {table} SET end = MAX(start, ?) WHERE end IS NULL", (wall_t,)
                )
                closed += cursor.rowcount
        return closed

    def last_minute_end(self, before: float | None = None) -> float | None:
        """End of the latest stored minute (starting before ``before``): the last moment
        a crashed session is known to have run."""
        query, args = "SELECT MAX(minute) FROM minutes", ()
        if before is not None:
            query, args = query + " WHERE minute < ?", (before,)
        with self._sql() as conn:
            value = conn.execute(query, args).fetchone()[0]
        return None if value is None else float(value) + 60.0

    def count(self, before: float | None = None) -> dict[str, int]:
        """Rows per table that started before ``before`` (None: all rows)."""
        counts: dict[str, int] = {}
        with self._sql() as conn:
            for table, column in TABLES.items():
                where, args = (
                    (f" WHERE {column} < ?", (before,)) if before is not None else ("", ())
                )
                counts[table] = conn.execute(
                    f"SELECT COUNT(*) FROM {table}{where}", args
                ).fetchone()[0]
        return counts

    def forget(self, before: float | None) -> dict[str, int]:
        """Delete everything that started before ``before`` (None: everything), then
        VACUUM and truncate the WAL so that the deleted rows leave the disk too. Returns
        the rows deleted per table."""
        deleted: dict[str, int] = {}
        with self._sql() as conn:
            conn.execute("BEGIN IMMEDIATE")
            for table, column in TABLES.items():
                if before is None:
                    cursor = conn.execute(f"DELETE FROM {table}")
                else:
                    cursor = conn.execute(f"DELETE FROM {table} WHERE {column} < ?", (before,))
                deleted[table] = cursor.rowcount
            conn.execute("COMMIT")
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return deleted

    # -- reading --------------------------------------------------------------------------

    def export(
        self,
        start: float | None = None,
        end: float | None = None,
        tables: tuple[str, ...] | None = None,
    ) -> dict[str, list[dict[str, Any]]]:
        """Rows whose time (see :data:`~posture_watch.history.schema.TABLES`) lies in
        ``[start, end)``, oldest first, per table; None leaves that side open."""
        names = tables or tuple(TABLES)
        unknown = [n for n in names if n not in TABLES]
        if unknown:
            raise StorageError(f"no history table {unknown[0]!r}", hint=", ".join(TABLES))
        out: dict[str, list[dict[str, Any]]] = {}
        with self._sql() as conn:
            for table in names:
                column = TABLES[table]
                cursor = conn.execute(
                    f"SELECT * FROM {table} WHERE {column} >= ? AND {column} < ?"
                    f" ORDER BY {column}, rowid",
                    (-math.inf if start is None else start, math.inf if end is None else end),
                )
                columns = [d[0] for d in cursor.description]
                out[table] = [dict(zip(columns, row, strict=True)) for row in cursor]
        return out

    def columns(self, table: str) -> list[str]:
        """The column names of a history table, in order."""
        if table not in TABLES:
            raise StorageError(f"no history table {table!r}", hint=", ".join(TABLES))
        with self._sql() as conn:
            return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]

    def minutes(self, start: float | None = None, end: float | None = None) -> list[MinuteRow]:
        """The minute rows in ``[start, end)`` as values."""
        return [MinuteRow(**row) for row in self.export(start, end, ("minutes",))["minutes"]]

    def journal_entries(
        self, start: float | None = None, end: float | None = None
    ) -> list[JournalEntry]:
        """The journal entries in ``[start, end)``, oldest first."""
        rows = self.export(start, end, ("journal",))["journal"]
        return [
            JournalEntry(
                t=row["t"],
                pain=row["pain"],
                areas=tuple(a for a in row["areas"].split(",") if a),
                note=row["note"],
                numbness=bool(row["numbness"]),
                weakness=bool(row["weakness"]),
            )
            for row in rows
        ]


def _is_open(conn: sqlite3.Connection, table: str) -> bool:
    return conn.execute(f"SELECT 1 FROM {table} WHERE end IS NULL LIMIT 1").fetchone() is not None


def _close_latest(conn: sqlite3.Connection, table: str, wall_t: float) -> bool:
    """End the latest open interval of ``table`` at ``wall_t``; False if none was open."""
    cursor = conn.execute(
        f"UPDATE {table} SET end = MAX(start, ?) WHERE rowid = "
        f"(SELECT rowid FROM {table} WHERE end IS NULL ORDER BY start DESC LIMIT 1)",
        (wall_t,),
    )
    return cursor.rowcount > 0


def _answer(conn: sqlite3.Connection, prompt_id: str, answer: str, wall_t: float) -> bool:
    """The latest unanswered prompt showing ``prompt_id`` (as the prompt or its stretch)
    gets the answer; False when no such prompt is stored (e.g. shown before a crash)."""
    cursor = conn.execute(
        "UPDATE prompts SET answer = ?, answered_at = ? WHERE id = (SELECT id FROM prompts"
        " WHERE answer IS NULL AND (prompt_id = ? OR stretch_id = ?) ORDER BY t DESC, id DESC"
        " LIMIT 1)",
        (answer, wall_t, prompt_id, prompt_id),
    )
    return cursor.rowcount > 0
