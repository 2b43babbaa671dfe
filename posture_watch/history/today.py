"""Today's figures for the session (:class:`posture_watch.core.today.TodayReader`), read
from the history the recorder writes, with the report's own aggregation; and the hold
time of the last days, for breaks that follow the posture.

The recorder may swap its store for an in-memory one when the file breaks, so the store
is looked up on every read rather than kept.
"""

from __future__ import annotations

import logging
from datetime import date, tzinfo

from posture_watch.core.posture_decay import HoldEstimate, hold_estimate
from posture_watch.core.report import Summary, day_bounds, summarize
from posture_watch.errors import PostureWatchError
from posture_watch.history.recorder import HistoryRecorder

log = logging.getLogger(__name__)


class RecorderToday:
    """Reads today from ``recorder``'s current store."""

    def __init__(self, recorder: HistoryRecorder) -> None:
        self.recorder = recorder

    def day_summary(self, day: date, tz: tzinfo) -> Summary | None:
        try:
            history = self.recorder.store.read_history(*day_bounds(day, tz))
        except PostureWatchError as exc:  # locked or damaged: keep the last figures
            log.warning("cannot read today's figures from the history: %s", exc)
            return None
        return summarize(history, day, tz)

    def hold(self, start: float, end: float) -> HoldEstimate | None:
        """How long posture held after a break over ``[start, end)`` (epoch s), for
        breaks that follow the posture (:class:`~posture_watch.core.break_limits.HoldReader`);
        None when the history cannot be read now."""
        try:
            history = self.recorder.store.read_history(start, end)
        except PostureWatchError as exc:  # locked or damaged: the session keeps its limit
            log.warning("cannot read the hold time from the history: %s", exc)
            return None
        return hold_estimate(history, start, end)

    def has_journal_entry(self, day: date, tz: tzinfo) -> bool:
        try:
            return bool(self.recorder.store.journal_entries(*day_bounds(day, tz)))
        except PostureWatchError:
            return False


__all__ = ["RecorderToday"]
