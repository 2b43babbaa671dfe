"""The history: per-minute posture aggregates and the day's events in SQLite.

The monitor writes it through :class:`HistoryRecorder`; the report, ``export`` and
``forget`` read it through :class:`HistoryStore`. Only derived numbers, never pictures.
"""

from posture_watch.history.schema import SCHEMA_VERSION, create_or_migrate

__all__ = ["SCHEMA_VERSION", "create_or_migrate"]
