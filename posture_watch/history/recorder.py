"""The monitor's subscriber that writes the history, and never takes the monitor down.

The monitor and the tray see session time (seconds since the monitor started, scaled by
``--speed`` for replays); the history is kept in wall time. :class:`HistoryRecorder`
adds ``origin`` (the epoch second of session time 0), so a replay at ``--speed 20`` is
laid out from its start at session time, as if it had run at real speed.

Posture history is a nice-to-have next to the monitor's real job: when the file cannot
be opened (damaged, locked, read-only folder) or a write fails later, the recorder logs
one line and carries on with an in-memory history, so the day's report still works until
the program quits. Minutes already in the file stay there.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from posture_watch.core.analyzer import Verdict
from posture_watch.core.minutes import MinuteAggregator
from posture_watch.errors import StorageError
from posture_watch.history.store import BUSY_TIMEOUT, HistoryStore
from posture_watch.monitor.events import CameraUnavailable, Paused

log = logging.getLogger(__name__)

#: What the recorder says when it falls back (the console monitor prints it as is).
Reporter = Callable[[str], None]


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
    return f"history: cannot use {_home_relative(path)}: {why}; keeping today's history in memory"


class HistoryRecorder:
    """Feeds verdicts and events into a :class:`HistoryStore`, in wall time.

    Call it from one thread (the console monitor's loop callback, or the tray's
    controller thread). ``on_verdict`` takes every verdict; ``on_event`` every event,
    including the timeline events that also arrive inside ``verdict.events``: give each
    one once (the console monitor passes the loop's separate emissions, not
    ``verdict.events``).
    """

    def __init__(
        self, store: HistoryStore, origin: float, *, report: Reporter | None = None
    ) -> None:
        self.store = store
        self.origin = origin
        self._report = report or log.warning
        self._minutes = MinuteAggregator()
        self.fell_back = False

    def wall(self, t: float) -> float:
        """Epoch seconds of session time ``t``."""
        return self.origin + t

    def on_verdict(self, verdict: Verdict) -> None:
        """One analysed frame; completed minutes are written at once."""
        lean = None if math.isnan(verdict.lean) else verdict.lean
        score = None if math.isnan(verdict.score) or not verdict.person else verdict.score
        rows = self._minutes.add(
            self.wall(verdict.t), verdict.state, score, verdict.feature_row(), lean
        )
        for row in rows:
            self._write(lambda store, row=row: store.add_minute(row))

    def on_event(self, event: object) -> None:
        """One event with a session time ``t``; events the history does not keep are ignored."""
        if isinstance(event, Paused | CameraUnavailable):
            self._minutes.interrupt()  # the time until the next frame was not seen
        if isinstance(event, Verdict):
            self.on_verdict(event)
            return
        t = getattr(event, "t", None)
        if t is not None:
            self._write(lambda store: store.record(event, self.wall(float(t))))

    def on_calibration(self, t: float, profile: str) -> None:
        """A new calibration became the reference at session time ``t``."""
        self._write(lambda store: store.add_calibration(self.wall(t), profile))

    def close(self, t_end: float) -> None:
        """End of the session at session time ``t_end``: write the open minute, end open
        breaks, pauses and camera problems, and close the store."""
        wall_end = self.wall(t_end)
        for row in self._minutes.flush(wall_end):
            self._write(lambda store, row=row: store.add_minute(row))
        self._write(lambda store: store.close_open(wall_end))
        self.store.close()

    def _write(self, action: Callable[[HistoryStore], object]) -> None:
        """Run one write; on a storage failure switch to memory and retry it there."""
        try:
            action(self.store)
        except StorageError as exc:
            self._fall_back(exc)
            action(self.store)

    def _fall_back(self, error: StorageError) -> None:
        self._report(fallback_line(self.store.path, error))
        with suppress(StorageError):  # already reported: the file is unusable
            self.store.close()
        self.store = HistoryStore.in_memory()
        self.fell_back = True


def open_recorder(
    path: Path,
    origin: float,
    *,
    report: Reporter | None = None,
    busy_timeout: float = BUSY_TIMEOUT,
) -> HistoryRecorder:
    """A recorder on the history at ``path``, or in memory when the file cannot be used
    (one line through ``report``, default the logger; never raises a StorageError).

    Breaks, pauses and camera problems a crashed session left open are ended at the
    last minute it is known to have recorded.
    """
    try:
        store = HistoryStore.open(path, busy_timeout=busy_timeout)
        try:
            last = store.last_minute_end(before=origin)
            store.close_open(last if last is not None else -math.inf)
        except StorageError:
            store.close()
            raise
    except StorageError as exc:
        (report or log.warning)(fallback_line(Path(path), exc))
        recorder = HistoryRecorder(HistoryStore.in_memory(), origin, report=report)
        recorder.fell_back = True
        return recorder
    return HistoryRecorder(store, origin, report=report)
