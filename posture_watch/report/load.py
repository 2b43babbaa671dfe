"""Read the history for a report, through the history store's own read path.

The SQL and the schema-version check live once, in
:class:`~posture_watch.history.store.HistoryStore`, so a schema migration changes the
monitor, ``export`` and the report together. The report opens the history with
:meth:`~posture_watch.history.store.HistoryStore.open_readonly`: it can never change or
create the file, works on a read-only data folder, and under WAL reads one consistent
snapshot while the monitor keeps writing.

A missing file (or one that holds no history yet) is :class:`NoHistoryError`, which the
command reports as a friendly note with exit 0; a damaged file or one this version cannot
read is a :class:`~posture_watch.errors.StorageError` (exit 2).
"""

from __future__ import annotations

from datetime import date, timedelta, tzinfo
from pathlib import Path

from posture_watch.core.advice import ADVICE_LOOKBACK_DAYS, PERSISTENT_WEEKS
from posture_watch.core.report import History, day_bounds
from posture_watch.core.text import _
from posture_watch.history.store import HistoryMissingError, HistoryStore

#: How far before the report's end the journal is read (for the medical-advice check).
JOURNAL_DAYS = max(ADVICE_LOOKBACK_DAYS, 7 * PERSISTENT_WEEKS)
_DAY_S = 86400.0


class NoHistoryError(HistoryMissingError):
    """There is no history to report on yet: not an error for the report (exit 0)."""

    exit_code = 0


def load_range(path: Path, start: float, end: float) -> History:
    """All rows the report needs for ``[start, end)`` (epoch seconds).

    The journal is read from :data:`JOURNAL_DAYS` before ``end``, for the advice check.
    """
    try:
        store = HistoryStore.open_readonly(path)
    except HistoryMissingError as exc:
        hint = _("the monitor records one while it runs: {command}").format(
            command="posture-watch tray"
        )
        raise NoHistoryError(str(exc), hint=hint) from None
    with store:
        return store.read_history(start, end, journal_start=end - JOURNAL_DAYS * _DAY_S)


def load_day(path: Path, day: date, tz: tzinfo) -> History:
    """The history of local ``day`` in time zone ``tz``."""
    return load_range(path, *day_bounds(day, tz))


def load_week(path: Path, last_day: date, tz: tzinfo, days: int = 7) -> History:
    """The history of the ``days`` local days ending with ``last_day`` (inclusive)."""
    return load_range(path, *day_bounds(last_day - timedelta(days=days - 1), tz, days))
