"""The monitor's subscriber that writes the history, and never takes the monitor down.

Events come stamped with true time in epoch seconds (a replay at ``--speed 20`` runs on
a clock 20 times faster, so its minutes lie ahead of the wall clock; live runs are 1:1).
After a suspend the next minutes are stamped when they happen, never into the past.
After the wall clock was set (:class:`ClockSet`), the open minute is closed where the old
clock stood and later times are stamped by the new wall clock (true time plus the
event's offset), so a step back stamps nothing in the future; a minute that then comes
round again is merged into the one already written (:meth:`HistoryStore.add_minute`).

Posture history is a nice-to-have next to the monitor's real job: when the file cannot
be opened (damaged, locked, read-only folder) or a write fails later, the recorder logs
one line and carries on with an in-memory history, so the day's report still works until
the program quits. Minutes already in the file stay there.
"""

from __future__ import annotations

import functools
import logging
import math
import os
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path

from posture_watch.core.analyzer import Verdict
from posture_watch.core.minutes import MinuteAggregator, MinuteRow
from posture_watch.core.scoring import PostureState
from posture_watch.core.text import _
from posture_watch.core.worker_events import (
    CameraBusy,
    CameraUnavailable,
    ClockSet,
    Paused,
    Recalibrated,
    ScreenLocked,
    Suspended,
    WorkerCrashed,
)
from posture_watch.errors import StorageError
from posture_watch.history.disk import (
    FileIdentity,
    HeldByAnother,
    hold_history_file,
    is_sqlite_file,
    remove_stale_side_files,
)
from posture_watch.history.store import HistoryStore, StorageBusyError, StorageFullError

log = logging.getLogger(__name__)

#: What the recorder says when it falls back (the console monitor prints it as is).
Reporter = Callable[[str], None]
#: SQLite waits this long for a lock on each write: short, since writes can wait.
WRITE_BUSY_TIMEOUT = 0.2
#: Opening (and the schema check) may wait longer: it happens once, before monitoring.
OPEN_BUSY_TIMEOUT = 2.0
#: A locked file is tried again after this many seconds of event time.
BUSY_RETRY = 30.0
#: A full disk is tried again after this many seconds of event time.
FULL_RETRY = 10.0
#: At most this many writes wait in memory for a locked file or a full disk (about two
#: weeks of minutes); past it the rest of the session stays in memory, said in one line.
PENDING_LIMIT = 20_000
#: At the end of a session a locked file is tried this many more times.
CLOSE_ATTEMPTS = 25


def _home_relative(path: Path | None) -> str:
    if path is None:
        return ":memory:"
    try:
        return "~/" + str(path.resolve().relative_to(Path.home().resolve()))
    except ValueError:
        return str(path)


def fallback_line(path: Path | None, error: StorageError) -> str:
    """``history: cannot use ~/…/history.sqlite3: <why>; keeping today's history in memory``."""
    why = str(error)
    prefix = f"{path}: "
    if path is not None and why.startswith(prefix):
        why = why[len(prefix) :]
    return _("history: cannot use {path}: {problem}; keeping today's history in memory").format(
        path=_home_relative(path), problem=why
    )


class HistoryRecorder:
    """Feeds the monitor's event stream into a :class:`HistoryStore`.

    Call it from one thread (the console monitor's main thread, or the tray's controller
    thread), never from the worker: a slow disk must not delay an alert. Every event
    carries its true time in epoch seconds, stamped where it was made, so nothing here
    shifts or reads the time.

    A history locked by another program (a ``forget`` with VACUUM, a backup) is not a
    damaged one: writes wait in memory, in order, and are retried every
    :data:`BUSY_RETRY` seconds of event time; nothing is lost and the file is used again
    as soon as it is free. Only a damaged or unwritable file sends the rest of the
    session to memory.
    """

    def __init__(
        self,
        store: HistoryStore,
        *,
        report: Reporter | None = None,
        recovered: Reporter | None = None,
    ) -> None:
        self.store = store
        self._report = report or log.warning
        #: Where the good news goes (caught up, a deleted file started again): the tray
        #: titles it apart from a problem; by default the same place as ``report``.
        self._recovered = recovered or self._report
        self._minutes = MinuteAggregator()
        self._pending: list[Callable[[HistoryStore], object]] = []
        self._retry_at: float | None = None
        self._waiting = ""  # why writes wait: "" (they do not), "locked", "full"
        #: A history that could not be opened for a full disk: opened once there is space.
        self._opening: Path | None = None
        #: Wall stamp minus true time (:class:`ClockSet`): 0 until the wall clock is set.
        self._offset = 0.0
        self._last_stamp = -math.inf
        self.fell_back = False

    @property
    def pending(self) -> int:
        """Writes waiting for a locked file."""
        return len(self._pending)

    def on_verdict(self, verdict: Verdict) -> None:
        """One analysed frame; completed minutes are written at once."""
        # only a judged frame's numbers describe posture: an unknown one (turned away, NaN
        # landmarks) adds its time, not its geometry or a score that would read as upright
        judged = verdict.state in (PostureState.UPRIGHT, PostureState.SLOUCH)
        lean = None if math.isnan(verdict.lean) or not judged else verdict.lean
        score = None if math.isnan(verdict.score) or not judged else verdict.score
        features = verdict.feature_row() if judged else {}
        self._last_stamp = verdict.t + self._offset
        rows = self._minutes.add(
            self._last_stamp, verdict.state, score, features, lean, reason=verdict.reason
        )
        self._queue_minutes(rows)
        for event in verdict.events:
            self._record(event)
        self._flush(verdict.t)

    def on_event(self, event: object) -> None:
        """One event of the monitor's stream; events the history does not keep are ignored.

        A verdict's own timeline events come inside it and are recorded once, with it.
        """
        if isinstance(event, Verdict):
            self.on_verdict(event)
            return
        if isinstance(event, Suspended):  # close the open minute where the sleep began
            self._queue_minutes(self._minutes.flush(event.since + self._offset))
        if isinstance(event, ClockSet):  # close it where the old clock stood; then the new
            self._queue_minutes(self._minutes.flush(event.t + self._offset))
            self._offset = event.offset
        if isinstance(
            event,
            Paused
            | CameraUnavailable
            | CameraBusy
            | ScreenLocked
            | Suspended
            | ClockSet
            | WorkerCrashed,
        ):
            self._minutes.interrupt()  # the time until the next frame was not seen
        if isinstance(event, Recalibrated):
            self._queue(lambda store: store.add_calibration(event.t, event.profile))
        else:
            self._record(event)
        t = getattr(event, "t", None)
        if t is not None:
            self._flush(float(t))

    def close(self, t_end: float) -> None:
        """End of the session at ``t_end``: write the open minute, end open breaks, pauses
        and camera problems, and close the store. A file still locked is waited for a
        few more seconds; what still cannot be written is said in one line.

        ``t_end`` is true time, as the events' (its wall stamp adds the offset); never
        before the last stamp written, so no interval ends before it began."""
        t_end = max(t_end + self._offset, self._last_stamp)
        self._queue_minutes(self._minutes.flush(t_end))
        self._queue(lambda store: store.close_open(t_end))
        for _attempt in range(CLOSE_ATTEMPTS):
            self._flush(t_end, force=True)
            if not self._pending:
                break
        if self._pending:
            where = _home_relative(self._opening or self.store.path)
            if self._waiting == "full":
                lost = _(
                    "history: {path} stayed full; {n} writes of this session could not be saved"
                )
            else:
                lost = _(
                    "history: {path} stayed locked; {n} writes of this session could not be saved"
                )
            self._report(lost.format(path=where, n=len(self._pending)))
        _close(self.store)  # a full disk may refuse the last checkpoint: said above

    # -- writing ------------------------------------------------------------------------

    def _record(self, event: object) -> None:
        t = getattr(event, "t", None)
        if t is not None:
            stamp = float(t) + self._offset
            self._queue(lambda store: store.record(event, stamp))

    def _queue_minutes(self, rows: Iterable[MinuteRow]) -> None:
        for row in rows:
            self._queue(functools.partial(HistoryStore.add_minute, row=row))

    def _queue(self, action: Callable[[HistoryStore], object]) -> None:
        self._pending.append(action)

    def _flush(self, t: float, *, force: bool = False) -> None:
        """Run the waiting writes in order; stop at a locked file or a full disk and
        retry later. The file is checked to be the one opened before each batch."""
        if not force and self._retry_at is not None and t < self._retry_at:
            return
        if self._opening is not None and not self._open_at_last(t):
            return
        if self._pending:
            self._check_identity()
        waited = self._waiting
        while self._pending:
            try:
                self._pending[0](self.store)
            except (StorageBusyError, StorageFullError) as exc:
                self._wait(t, "full" if isinstance(exc, StorageFullError) else "locked", exc)
                return
            except StorageError as exc:
                self._fall_back(exc)
                continue  # the same write again, in memory
            self._pending.pop(0)
        if waited:
            self._retry_at = None
            self._waiting = ""
            if waited == "full":
                again = _("history: {path} has space again; caught up")
            else:
                again = _("history: {path} is free again; caught up")
            self._recovered(again.format(path=_home_relative(self.store.path)))

    def wait_for_space(self, path: Path, t: float) -> None:
        """The history at ``path`` could not be opened because its disk is full: writes
        wait in memory and the file is opened when there is space (tried every
        :data:`FULL_RETRY` s from ``t``)."""
        self._report(full_line(path))
        self._opening = path
        self._waiting = "full"
        self._retry_at = t + FULL_RETRY

    def _open_at_last(self, t: float) -> bool:
        """Try to open the history that waits for space; False while the disk is full."""
        path = self._opening
        if path is None:
            return True
        try:
            store = open_held(path, WRITE_BUSY_TIMEOUT)
        except StorageFullError as exc:
            if len(self._pending) <= PENDING_LIMIT:
                self._retry_at = t + FULL_RETRY
                return False
            error: StorageError = exc
        except StorageError as exc:
            error = exc
        else:
            self.store, self._opening = store, None
            return True
        self._opening = None
        self._fall_back_to_memory(path, error)  # the writes go to the in-memory store
        return True

    def _wait(self, t: float, why: str, error: StorageError) -> None:
        """Keep the writes for a retry, within :data:`PENDING_LIMIT`; said once."""
        if len(self._pending) > PENDING_LIMIT:
            self._fall_back(error)
            return
        if self._waiting != why:
            self._report(
                full_line(self.store.path) if why == "full" else busy_line(self.store.path, error)
            )
        self._waiting = why
        self._retry_at = t + (FULL_RETRY if why == "full" else BUSY_RETRY)

    def _check_identity(self) -> None:
        """A history deleted or replaced since it was opened is opened again at its
        path (created with its schema when missing) and said in one line, rather than
        written into a file nobody will read."""
        path, opened = self.store.path, self.store.identity
        if path is None or opened is None:
            return
        now = FileIdentity.of(path)
        if now == opened:
            if not is_sqlite_file(path):  # written over in place (same inode)
                self._fall_back(
                    StorageError(
                        _(
                            "{path}: written over while the monitor ran, it is no longer "
                            "a SQLite database"
                        ).format(path=path)
                    )
                )
            return
        deleted = now is None
        _close(self.store)
        remove_stale_side_files(self.store.side_files)
        try:
            self.store = open_held(path, WRITE_BUSY_TIMEOUT)
        except StorageError as exc:
            self.store = HistoryStore.in_memory()
            self._fall_back_to_memory(path, exc)
            return
        if deleted:
            again = _(
                "history: {path} was deleted while the monitor ran; started it again, with "
                "the rest of this session"
            )
        else:
            again = _(
                "history: {path} was replaced by another file while the monitor ran; writing "
                "into the new file, with the rest of this session"
            )
        self._recovered(again.format(path=_home_relative(path)))

    def _fall_back(self, error: StorageError) -> None:
        path = self.store.path
        _close(self.store)  # already reported: the file is unusable
        self.store = HistoryStore.in_memory()
        self._fall_back_to_memory(path, error)

    def _fall_back_to_memory(self, path: Path | None, error: StorageError) -> None:
        self._report(fallback_line(path, error))
        self._retry_at = None
        self._waiting = ""
        self.fell_back = True


def busy_line(path: Path | None, error: StorageError) -> str:
    """``history: ~/…/history.sqlite3 is locked by another program; …``."""
    return _(
        "history: {path} is locked by another program; "
        "keeping new minutes in memory and writing them as soon as it is free"
    ).format(path=_home_relative(path))


def open_held(path: Path, busy_timeout: float) -> HistoryStore:
    """:meth:`HistoryStore.open`, holding the file it opened (or created) for this
    process with :func:`hold_history_file` while it is open: the instance lock holds
    only a file that existed when the monitor started, so a history created (or created
    again) since is held here; :meth:`HistoryStore.close` lets go. Another monitor
    holding it through another path is a :class:`StorageError`: never two writers."""
    store = HistoryStore.open(path, busy_timeout=busy_timeout)
    try:
        store.held = hold_history_file(path)
    except HeldByAnother as held:
        os.close(held.fd)
        store.close()
        raise StorageError(
            _("{path}: another posture-watch monitor writes this history").format(path=path),
            hint=_("stop it, or give each monitor its own --history"),
        ) from None
    return store


def _close(store: HistoryStore) -> None:
    """Close ``store``; a failure (a full disk refusing the checkpoint) was already said."""
    with suppress(StorageError):
        store.close()


def full_line(path: Path | None) -> str:
    """``history: the disk of ~/…/history.sqlite3 is full; …``."""
    return _(
        "history: the disk of {path} is full; keeping new minutes in "
        "memory and writing them as soon as there is space"
    ).format(path=_home_relative(path))


def open_recorder(
    path: Path,
    started: float,
    *,
    report: Reporter | None = None,
    recovered: Reporter | None = None,
    busy_timeout: float = WRITE_BUSY_TIMEOUT,
) -> HistoryRecorder:
    """A recorder on the history at ``path``, or in memory when the file cannot be used
    (one line through ``report``, default the logger; never raises a StorageError).

    ``started`` is the session's start (epoch s). Breaks, pauses and camera problems a
    crashed earlier session left open are ended at the last minute it is known to have
    recorded. The busy timeout is short, so a locked file delays nothing: writes wait
    in memory instead.
    """
    try:
        store = open_held(path, max(busy_timeout, OPEN_BUSY_TIMEOUT))
        try:
            last = store.last_minute_end(before=started)
            store.close_open(last if last is not None else -math.inf)
            store.set_busy_timeout(busy_timeout)
        except StorageError:
            _close(store)
            raise
    except StorageFullError:
        recorder = HistoryRecorder(HistoryStore.in_memory(), report=report, recovered=recovered)
        recorder.wait_for_space(Path(path), started)
        return recorder
    except StorageError as exc:
        (report or log.warning)(fallback_line(Path(path), exc))
        recorder = HistoryRecorder(HistoryStore.in_memory(), report=report, recovered=recovered)
        recorder.fell_back = True
        return recorder
    if store.privacy_warning:
        (report or log.warning)(store.privacy_warning)
    return HistoryRecorder(store, report=report, recovered=recovered)
