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
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import numpy as np

from posture_watch import paths
from posture_watch.core.break_limits import BreakTimingSet
from posture_watch.core.break_warning import (
    POSTPONED,
    SKIPPED,
    BreakAnswerRecord,
    BreakPostponed,
    BreakSkipped,
)
from posture_watch.core.events import (
    BreakEnded,
    BreakStarted,
    LongSittingAlert,
    SittingBoutEnded,
    SlouchAlert,
)
from posture_watch.core.held_back import Disturb, HeldRecord, PromptHeld
from posture_watch.core.journal import JournalEntry
from posture_watch.core.minutes import MEDIAN_FEATURES, MINUTE, MinuteRow
from posture_watch.core.prompt_rules import PromptAnswered, PromptShown, PromptSuppressed
from posture_watch.core.report import (
    MINUTE_COLUMNS,
    AlertRecord,
    History,
    Interval,
    MinuteRows,
    PromptRecord,
)
from posture_watch.core.text import _
from posture_watch.core.worker_events import CameraRecovered, CameraUnavailable, Paused, Resumed
from posture_watch.errors import ConfigError, StorageError
from posture_watch.history.disk import (
    FileIdentity,
    is_disk_full,
    make_private,
    release_history_file,
    side_identities,
)
from posture_watch.history.schema import TABLES, create_or_migrate, readable_version

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


_SECONDS = ("upright_s", "slouch_s", "away_s", "unknown_s")
#: Both parts' seconds together: a minute holds at most 60 of them. Two parts of one
#: minute (a restart mid-minute) add up; a minute that came round twice (the wall clock
#: set back, a restart after it) is merged, scaled to 60 s, never counted twice.
_BOTH = " + ".join(f"{s} + excluded.{s}" for s in _SECONDS)
_SCALE = f"MIN(1.0, {MINUTE}.0 / MAX({_BOTH}, 1e-9))"
_UPSERT_MINUTE = (
    f"INSERT INTO minutes VALUES ({', '.join('?' * 11)}) ON CONFLICT (minute) DO UPDATE SET "
    + ", ".join(f"{s} = ({s} + excluded.{s}) * {_SCALE}" for s in _SECONDS)
    + ", "
    + ", ".join(_merge_median(name) for name in _MEDIANS)
    # the reason of the part with more unknown time (SET reads the row before the update)
    + ", unknown_reason = CASE WHEN unknown_reason IS NULL OR excluded.unknown_s > unknown_s"
    " THEN COALESCE(excluded.unknown_reason, unknown_reason) ELSE unknown_reason END"
)
#: Intervals that an event opens and a later one closes: table -> its column for the end.
_OPEN_INTERVALS = ("breaks", "pauses", "camera_problems")


class StorageBusyError(StorageError):
    """Another connection held the history locked for longer than the busy timeout.

    Unlike a damaged file this passes: retry later rather than give the file up.
    """


class StorageFullError(StorageError):
    """The disk holding the history is full. Like a lock this passes (space is freed):
    the monitor keeps its writes and retries; a command says so in one line."""


def _is_busy(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "database is locked" in str(exc) or "database table is locked" in str(exc)


def _storage_error(name: str, exc: sqlite3.Error) -> StorageError:
    """The one translation of a sqlite3 error: busy, a full disk, or anything else."""
    if is_disk_full(exc, None if name == MEMORY else Path(name)):
        return StorageFullError(
            _("{name}: the disk is full").format(name=name),
            hint=_("free some space on that disk, then try again"),
        )
    kind = StorageBusyError if _is_busy(exc) else StorageError
    return kind(f"{name}: {exc}", hint=_hint(str(exc)))


def _hint(message: str) -> str:
    lowered = message.lower()
    if "not a database" in lowered or "malformed" in lowered:
        return _("the file is damaged: move it away and posture-watch starts a new history")
    if "locked" in lowered or "busy" in lowered:
        return _("another program holds the history; close it and try again")
    if "readonly" in lowered or "read-only" in lowered or "unable to open" in lowered:
        return _("check that the folder exists and that you may write to it, or use --history FILE")
    return _("check the file, or use --history FILE to use another one")


class HistoryMissingError(StorageError):
    """There is no history at the path yet: no file, or an empty one."""


def _missing(path: Path) -> HistoryMissingError:
    return HistoryMissingError(
        _("no history yet at {path}").format(path=path),
        hint=_("the monitor writes it while it runs; or give --history FILE"),
    )


def _connect(
    path: Path | str, name: str, busy_timeout: float, set_up: Callable[[sqlite3.Connection], None]
) -> sqlite3.Connection:
    """A connection to ``path`` (a file, or a ``file:`` URI) after ``set_up`` ran on it;
    closed again, with the error translated, if anything fails."""
    uri = isinstance(path, str) and path.startswith("file:")
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(
            path, timeout=busy_timeout, isolation_level=None, check_same_thread=False, uri=uri
        )
        set_up(conn)
    except BaseException as exc:
        if conn is not None:
            conn.close()
        if isinstance(exc, sqlite3.Error):
            raise _storage_error(name, exc) from exc
        raise
    return conn


def _cannot_share_memory(exc: StorageError) -> bool:
    """Whether a read-only open failed the way a WAL file in a read-only folder does."""
    cause = exc.__cause__
    code = getattr(cause, "sqlite_errorcode", None)
    return (
        isinstance(cause, sqlite3.Error)
        and code is not None
        and code & 0xFF
        in (
            sqlite3.SQLITE_CANTOPEN,
            sqlite3.SQLITE_READONLY,
        )
    )


class HistoryStore:
    """One connection to a history database; safe to share between threads."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        """Use :meth:`open`, :meth:`open_readonly` or :meth:`in_memory`; ``conn`` must be
        set up and its schema checked."""
        self._conn = conn
        self.path = path
        self._lock = threading.Lock()
        #: The device and inode opened (None in memory): the recorder checks it is
        #: still the file at :attr:`path` before each batch of writes.
        self.identity = FileIdentity.of(path) if path is not None else None
        #: A line to say once, when the file is more open than 0600 and not ours to change.
        self.privacy_warning: str | None = None
        #: The ``-wal`` and ``-shm`` it opened, to remove if the file is replaced.
        self.side_files: dict[Path, FileIdentity] = {}
        #: The hold on the file (:func:`~posture_watch.history.disk.hold_history_file`)
        #: that :meth:`close` lets go of, once SQLite has closed it.
        self.held: FileIdentity | None = None

    # -- opening --------------------------------------------------------------------------

    @classmethod
    def open(
        cls, path: Path, *, busy_timeout: float = BUSY_TIMEOUT, create: bool = True
    ) -> HistoryStore:
        """Open (or create) the history at ``path`` and check that it can be written.

        Raises :class:`StorageError` for a damaged file, a folder that cannot be written,
        or a newer schema; :class:`StorageBusyError` for a lock held past
        ``busy_timeout``; and with ``create=False`` (``forget``)
        :class:`HistoryMissingError` for a file that does not exist yet.
        """
        path = Path(path).expanduser()
        if not create and not path.is_file():
            raise _missing(path)
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # private data
        except OSError as exc:
            raise StorageError(
                _("{path}: cannot create the folder: {reason}").format(
                    path=path, reason=exc.strerror or exc
                ),
                hint=_hint("unable to open"),
            ) from exc
        warning = make_private(path)  # created 0600 before SQLite opens it

        def set_up(conn: sqlite3.Connection) -> None:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            create_or_migrate(conn)
            conn.execute("BEGIN IMMEDIATE")  # fail now, not at the first minute, if read-only
            conn.execute("COMMIT")

        store = cls(_connect(path, str(path), busy_timeout, set_up), path)
        store.privacy_warning = warning
        store.side_files = side_identities(path)
        return store

    @classmethod
    def open_readonly(cls, path: Path, *, busy_timeout: float = BUSY_TIMEOUT) -> HistoryStore:
        """Open the existing history at ``path`` for reading only (``report``, ``export``).

        Nothing is created, migrated or written, so this works on a read-only data
        folder and never disturbs the monitor. It opens with ``mode=ro``; a WAL history
        whose ``-shm`` file cannot be created there (a read-only folder after a clean
        shutdown) is opened ``immutable`` instead, which is safe only because no ``-wal``
        file then holds rows the main file lacks: otherwise it is refused.

        Raises :class:`HistoryMissingError` when there is no file or an empty one, and
        :class:`StorageError` for a damaged file or a schema version this one cannot read.
        """
        path = Path(path).expanduser()
        if not path.is_file():
            raise _missing(path)
        uri = path.resolve().as_uri()
        versions: list[int] = []

        def set_up(conn: sqlite3.Connection) -> None:
            conn.execute("PRAGMA query_only = 1")
            versions.append(readable_version(conn))

        try:
            store = cls(_connect(f"{uri}?mode=ro", str(path), busy_timeout, set_up), path)
        except StorageError as exc:
            if not _cannot_share_memory(exc):
                raise
            wal = path.with_name(f"{path.name}-wal")
            if wal.is_file() and wal.stat().st_size > 0:
                raise StorageError(
                    _(
                        "{path}: cannot read the history read-only: {name} holds "
                        "changes not yet in the file, and its folder is read-only"
                    ).format(path=path, name=wal.name),
                    hint=_(
                        "run posture-watch once with write access to the folder, or copy "
                        "the history's files elsewhere and use --history"
                    ),
                ) from exc
            store = cls(_connect(f"{uri}?immutable=1", str(path), busy_timeout, set_up), path)
        if versions[-1] == 0:
            store.close()
            raise HistoryMissingError(
                _("no history yet in {path} (the file is empty)").format(path=path)
            )
        return store

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
        try:
            with self._sql() as conn:
                conn.close()
        finally:
            release_history_file(self.held)
            self.held = None

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _sql(self) -> Iterator[sqlite3.Connection]:
        """The connection under the lock, with sqlite errors translated once; a
        transaction left open by any error is rolled back."""
        with self._lock:
            try:
                yield self._conn
            except BaseException as exc:
                if self._conn.in_transaction:
                    with suppress(sqlite3.Error):
                        self._conn.rollback()
                if isinstance(exc, sqlite3.Error):
                    raise _storage_error(self.name, exc) from exc
                raise

    # -- writing --------------------------------------------------------------------------

    def add_minute(self, row: MinuteRow) -> None:
        """Store a minute; seconds add up if it is already there (a restart mid-minute),
        scaled to at most 60 s when the minute came round twice (the wall clock set back)."""
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
            row.unknown_reason,
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
                case BreakPostponed(until=due) | BreakSkipped(due=due):
                    answer = POSTPONED if isinstance(event, BreakPostponed) else SKIPPED
                    conn.execute(
                        "INSERT INTO break_answers VALUES (?, ?, ?)", (wall_t, answer, due + shift)
                    )
                case BreakTimingSet(mode=mode, limit=limit, hold=hold, spells=spells):
                    conn.execute(
                        "INSERT INTO break_timing VALUES (?, ?, ?, ?, ?)",
                        (wall_t, mode, limit, hold, spells),
                    )
                case PromptSuppressed() | PromptHeld():  # held: why is a Disturb value
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
        query = "SELECT MAX(minute) FROM minutes"
        args: tuple[float, ...] = ()
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
            raise StorageError(
                _("no history table {unknown!r}").format(unknown=unknown[0]), hint=", ".join(TABLES)
            )
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
            raise StorageError(
                _("no history table {table!r}").format(table=table), hint=", ".join(TABLES)
            )
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
        try:
            return [_journal_entry(*(row[k] for k in _JOURNAL_COLUMNS)) for row in rows]
        except sqlite3.DatabaseError as exc:
            raise _storage_error(self.name, exc) from exc

    def read_history(
        self, start: float, end: float, *, journal_start: float | None = None
    ) -> History:
        """Everything the report shows for ``[start, end)`` (epoch s), from one snapshot.

        Minutes, alerts and prompts that begin in the window; bouts, breaks, pauses and
        camera problems that overlap it (open ones too); the journal from
        ``journal_start`` (default ``start``), because the advice looks weeks back. The
        minutes arrive as one NumPy array: a week of 10,080 rows is a single fetch.
        """
        with self._sql() as conn:
            conn.execute("BEGIN")  # one snapshot while the monitor keeps writing
            history = _read_history(
                conn, start, end, start if journal_start is None else journal_start
            )
            conn.execute("COMMIT")
        return history


_JOURNAL_COLUMNS = ("t", "pain", "areas", "note", "numbness", "weakness")
#: The ``why`` of the suppressed rows that are nudges do not disturb held back.
_HELD = ", ".join(f"'{why.value}'" for why in Disturb)
_MINUTES_SQL = (
    f"SELECT {', '.join(MINUTE_COLUMNS)} FROM minutes "
    "WHERE minute >= ? AND minute < ? ORDER BY minute"
)


def _read_history(
    conn: sqlite3.Connection, start: float, end: float, journal_start: float
) -> History:
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
        f"SELECT {', '.join(_JOURNAL_COLUMNS)} FROM journal WHERE t >= ? AND t < ? ORDER BY t",
        (journal_start, end),
    )
    held_back = conn.execute(
        f"SELECT t, reason, why FROM suppressed WHERE t >= ? AND t < ? AND why IN ({_HELD})"
        " ORDER BY t",
        window,
    )
    break_answers = conn.execute(
        "SELECT t, answer, due FROM break_answers WHERE t >= ? AND t < ? ORDER BY t", window
    )
    break_timings = conn.execute(
        "SELECT t, mode, limit_s, hold_min, spells FROM break_timing"
        " WHERE t >= ? AND t < ? ORDER BY t",
        window,
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
        held_back=tuple(HeldRecord(*row) for row in held_back),
        break_answers=tuple(BreakAnswerRecord(*row) for row in break_answers),
        break_timings=tuple(BreakTimingSet(*row) for row in break_timings),
    )


def _journal_entry(
    t: float, pain: int | None, areas: str | None, note: str | None, numb: int, weak: int
) -> JournalEntry:
    """A journal row as a value; a row the writer's checks would refuse (edited by hand)
    is a damaged-file error, not a crash."""
    parts = tuple(a.strip() for a in (areas or "").split(",") if a.strip())
    try:
        return JournalEntry(t, pain, parts, note or "", bool(numb), bool(weak))
    except ConfigError as exc:
        raise sqlite3.DatabaseError(f"journal entry at t={t}: {exc.one_line()}") from exc


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
