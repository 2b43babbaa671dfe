"""The history: per-minute posture aggregates and the day's events in SQLite.

The monitor writes it through :class:`HistoryRecorder` (which falls back to memory rather
than stop the monitor); the report, ``export``, ``forget`` and ``journal`` use
:class:`HistoryStore`. Only derived numbers, never pictures.
"""

from posture_watch.history.recorder import HistoryRecorder, open_recorder
from posture_watch.history.schema import SCHEMA_VERSION, TABLES, create_or_migrate
from posture_watch.history.store import HistoryStore, StorageBusyError, default_history_path

__all__ = [
    "SCHEMA_VERSION",
    "TABLES",
    "HistoryRecorder",
    "HistoryStore",
    "StorageBusyError",
    "create_or_migrate",
    "default_history_path",
    "open_recorder",
]
