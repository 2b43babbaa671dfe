"""The history keeps how the break nudge was timed (``break_timing``, schema version 4):
keys and numbers, read back into the report's History; an older file gains the table."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from posture_watch.core.break_limits import FIXED, POSTURE, BreakTimingSet
from posture_watch.history.schema import MIGRATIONS, SCHEMA_VERSION, create_or_migrate, user_version
from posture_watch.history.store import HistoryStore


def test_a_version_3_history_gains_the_break_timing_and_reads_it_back(tmp_path):
    path = tmp_path / "h.sqlite3"
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:  # the previous version
        create_or_migrate(conn, MIGRATIONS[:3])
        conn.execute("INSERT INTO break_answers VALUES (100.0, 'skipped', 160.0)")
        assert user_version(conn) == 3
    with HistoryStore.open(path) as store:
        assert store.columns("break_timing") == ["t", "mode", "limit_s", "hold_min", "spells"]
        assert store.record(BreakTimingSet(5.0, POSTURE, 2400.0, 35.0, 7), 1000.0)
        assert store.record(BreakTimingSet(6.0, FIXED, 3000.0), 2000.0)
        history = store.read_history(0.0, 1500.0)
        rows = store.export(tables=("break_answers",))
    assert rows["break_answers"] == [{"t": 100.0, "answer": "skipped", "due": 160.0}]
    assert history.break_timings == (BreakTimingSet(1000.0, POSTURE, 2400.0, 35.0, 7),)
    with closing(sqlite3.connect(path)) as conn:
        assert user_version(conn) == SCHEMA_VERSION == 4
