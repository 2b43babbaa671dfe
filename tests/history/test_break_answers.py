"""Breaks postponed and skipped, from the session's buttons to the report, on real SQLite.

A real session with the warning before a break (the helpers of
``tests/core/test_break_timing``: a real analyzer, a manual clock) gets Postpone twice in
one sitting spell and Skip in the next; its Record effects go to a real history file
through the recorder, and the day report read back from that file says so, in the
terminal and in HTML. A history of the previous version gains the table and keeps its
rows.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date

from posture_watch.clock import local_timezone
from posture_watch.core.break_warning import (
    BreakAnswerRecord,
    BreakAnswerTally,
    BreakPostponed,
    BreakSkipped,
)
from posture_watch.core.report_builder import day_report
from posture_watch.history import SCHEMA_VERSION, HistoryStore, create_or_migrate
from posture_watch.history.recorder import open_recorder
from posture_watch.history.schema import MIGRATIONS, user_version
from posture_watch.report.html import render_day_html
from posture_watch.report.terminal import render_day
from tests.core.test_break_timing import POSTPONE, SIT_MAX, SKIP, Desk
from tests.core.test_session import poses as poses  # fixture

LINE = "breaks postponed twice, skipped once"


def test_postponed_and_skipped_breaks_are_stored_and_the_day_report_counts_them(tmp_path, poses):
    path = tmp_path / "history.sqlite3"
    desk = Desk(poses)
    recorder = open_recorder(path, desk.t0)
    desk.run.record = recorder.on_event  # the tray controller's part for Record effects
    for n in (1, 2):
        desk.sit(SIT_MAX + (n - 1) * 300 - 50)  # in the warning's minute
        desk.step(POSTPONE)
    desk.sit(SIT_MAX + 620)  # the break nudge, 10 min late
    desk.away(SIT_MAX + 800)  # a break: a new sitting spell
    desk.sit(SIT_MAX + 800 + SIT_MAX - 30)
    desk.step(SKIP)
    desk.sit(desk.t + 60)
    recorder.close(desk.clock.wall())

    with HistoryStore.open_readonly(path) as store:
        history = store.read_history(desk.t0 - 3600, desk.t0 + 4 * 3600)
    postponed = desk.recorded(BreakPostponed)
    (skipped,) = desk.recorded(BreakSkipped)
    assert history.break_answers == (
        BreakAnswerRecord(postponed[0].t, "postponed", postponed[0].until),
        BreakAnswerRecord(postponed[1].t, "postponed", postponed[1].until),
        BreakAnswerRecord(skipped.t, "skipped", skipped.due),
    )
    report = day_report(history, date.fromtimestamp(desk.t0), local_timezone())
    assert report.summary.break_answers == BreakAnswerTally(postponed=2, skipped=1)
    text = render_day(report)
    assert any(LINE in line for line in text.splitlines()), text
    html = render_day_html(report, history)
    assert "<b>2</b><span>breaks postponed" in html and "<b>1</b><span>break skipped" in html


def test_a_day_without_a_postponed_break_says_nothing_of_it(tmp_path):
    path = tmp_path / "history.sqlite3"
    with HistoryStore.open(path) as store:
        history = store.read_history(0.0, 86400.0 * 365)
    report = day_report(history, date.fromtimestamp(43200.0), local_timezone())
    assert history.break_answers == () and "postponed" not in render_day(report)
    assert "postponed" not in render_day_html(report, history)


def test_a_version_2_history_gains_the_break_answers_and_keeps_its_rows(tmp_path):
    path = tmp_path / "h.sqlite3"
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:  # the previous version
        create_or_migrate(conn, MIGRATIONS[:2])
        conn.execute("INSERT INTO alerts VALUES (100.0, 'long_sitting', 40.0)")
        assert user_version(conn) == 2
    with HistoryStore.open(path) as store:
        assert store.columns("break_answers") == ["t", "answer", "due"]
        assert store.record(BreakSkipped(200.0, 160.0), 1200.0)  # stamped by its wall time
        assert store.record(BreakPostponed(300.0, 600.0, 1), 1300.0)
        rows = store.export(tables=("alerts", "break_answers"))
    assert rows["alerts"] == [{"t": 100.0, "kind": "long_sitting", "since": 40.0}]
    assert rows["break_answers"] == [
        {"t": 1200.0, "answer": "skipped", "due": 1160.0},
        {"t": 1300.0, "answer": "postponed", "due": 1600.0},
    ]
    with closing(sqlite3.connect(path)) as conn:
        assert user_version(conn) == SCHEMA_VERSION == 4
