"""The history: per-minute posture aggregates and the day's events in SQLite.

The monitor writes it through :class:`HistoryRecorder` (which falls back to memory rather
than stop the monitor); ``forget`` and ``journal`` use :class:`HistoryStore`, the report
and ``export`` its read-only :meth:`HistoryStore.open_readonly`. Only derived numbers,
never pictures.
"""

from posture_watch.history.recorder import HistoryRecorder, open_recorder
from posture_watch.history.schema import SCHEMA_VERSION, TABLES, create_or_migrate
from posture_watch.history.store import (
    HistoryMissingError,
    HistoryStore,
    StorageBusyError,
    default_history_path,
)

__all__ = [
    "SCHEMA_VERSION",
    "TABLES",
    "HistoryMissingError",
    "HistoryRecorder",
    "HistoryStore",
    "StorageBusyError",
    "create_or_migrate",
    "default_history_path",
    "open_recorder",
]
