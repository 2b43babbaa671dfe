"""Nudges held back by do not disturb, from the session to the report, on real SQLite.

A real session holds nudges back while a full-screen window has the focus and while
notifications are paused; its Record effects go to a real history file, and the day
report read back from that file (terminal and HTML) says how many were held back and why.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from contextlib import closing
from datetime import date

from posture_watch.clock import local_timezone
from posture_watch.core.events import SlouchAlert
from posture_watch.core.held_back import Disturb, PromptHeld
from posture_watch.core.prompt_rules import PromptSuppressed, Reason, Why
from posture_watch.core.report_builder import day_report
from posture_watch.core.stream import Disturbance
from posture_watch.history import HistoryStore
from posture_watch.history.recorder import open_recorder
from posture_watch.report.html import render_day_html
from posture_watch.report.terminal import render_day
from tests.core.test_session import DAY, local, long_sitting, make
from tests.core.test_session import analyzer as analyzer  # fixtures
from tests.core.test_session import poses as poses

LINE = "nudges held back: 3 (full-screen window 2, notifications paused 1)"


def test_nudges_held_back_are_stored_and_the_day_report_says_why(tmp_path, poses, analyzer):
    path = tmp_path / "history.sqlite3"
    t0 = local(DAY, 14, 0)
    run = make(t0)
    recorder = open_recorder(path, t0)
    run.record = recorder.on_event  # the tray controller's part for Record effects
    full = frozenset({Disturb.FULLSCREEN})
    paused = frozenset({Disturb.NOTIFICATIONS_PAUSED})
    posts = {
        t0 + 10: Disturbance(full),  # a film, full screen
        t0 + 700: Disturbance(full | paused),  # notifications paused too: counted as the film
        t0 + 800: Disturbance(paused),
        t0 + 1500: Disturbance(frozenset()),
    }
    for t in range(int(t0), int(t0 + 1800), 2):
        for at_t in [p for p in posts if p <= t]:
            run.step(posts.pop(at_t), float(t))
        verdict = analyzer.step(float(t), poses["upright"])
        if t - t0 == 20:  # the break nudge falls due in the film
            verdict = long_sitting(analyzer, poses, float(t))
        elif t - t0 in (600, 1400):  # a slouch nudge in the film, then while paused
            events = (*verdict.events, SlouchAlert(float(t), float(t) - 40))
            verdict = dataclasses.replace(verdict, events=events)
        run.step(verdict, float(t))
    recorder.close(t0 + 1800)
    assert len([e for e in run.logged if isinstance(e, PromptHeld)]) == 3
    # the break held in the film was offered when everything ended
    assert [title for title, _ in run.notified] == ["Time for a break"]
    with HistoryStore.open(path) as store:
        store.record(PromptSuppressed(t0 + 1790, Reason.SLOUCH, Why.QUIET), t0 + 1790)
    with closing(sqlite3.connect(path)) as conn:
        whys = [w for (w,) in conn.execute("SELECT why FROM suppressed ORDER BY t")]
    assert whys == ["fullscreen", "fullscreen", "notifications_paused", "quiet"]

    with HistoryStore.open_readonly(path) as store:
        history = store.read_history(t0 - 3600, t0 + 3600)
    report = day_report(history, date.fromtimestamp(t0), local_timezone())
    text = render_day(report)
    assert LINE in text.splitlines(), text
    html = render_day_html(report, history)
    assert "<b>3</b><span>nudges held back (full-screen window 2, notifications paused 1)" in html
    assert "nudge held back (full screen, notifications paused, a call)</li>" in html  # legend


def test_a_day_without_any_held_back_says_nothing_of_it(tmp_path):
    path = tmp_path / "history.sqlite3"
    t0 = local(DAY, 14, 0)
    with HistoryStore.open(path) as store:
        store.record(PromptSuppressed(t0, Reason.SLOUCH, Why.QUIET), t0)
    with HistoryStore.open_readonly(path) as store:
        history = store.read_history(t0 - 3600, t0 + 3600)
    report = day_report(history, date.fromtimestamp(t0), local_timezone())
    assert history.held_back == () and "held back" not in render_day(report)
    assert "held back" not in render_day_html(report, history)
