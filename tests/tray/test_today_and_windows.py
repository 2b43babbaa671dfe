"""The tray's "today" is the report's, and its first-run hints (issue 11, items 4-5).

Real parts throughout: the prompt scheduler, the SQLite history written by the real
recorder, the report's own aggregation, real verdicts of real landmarks from the demo
session; only the icon and the notifier are stand-ins. The one-window-at-a-time rules and
the first calibration's hint (items 3 and 5) are stepped in tests/core/test_session.py.
"""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from posture_watch.clock import ManualClock, local_timezone
from posture_watch.config import AppConfig, ReportConfig
from posture_watch.core.analyzer import PostureAnalyzer
from posture_watch.core.journal import JournalEntry
from posture_watch.core.minutes import MinuteRow
from posture_watch.core.prompt_rules import PromptRules, PromptScheduler
from posture_watch.core.prompts import PromptChooser
from posture_watch.core.report import summarize
from posture_watch.core.report_builder import day_report
from posture_watch.core.scoring import PostureState
from posture_watch.core.stream import StopAsked, Tick, WindowKind
from posture_watch.desktop.notify import CallbackNotifier
from posture_watch.history import open_recorder
from posture_watch.history.store import HistoryStore
from posture_watch.history.today import RecorderToday
from posture_watch.monitor.event_log import EventLog
from posture_watch.profiles import load_profile
from posture_watch.prompt_library import builtin_prompts
from posture_watch.report.load import load_day
from posture_watch.report.terminal import render_day
from posture_watch.tray.controller import TrayController
from tests.core.test_session import PROFILE, make, poses  # noqa: F401
from tests.harness.fakes import Actions, Icon, Worker

DAY = date(2026, 11, 24)


def at(hour: int, minute: int = 0, second: int = 0) -> float:
    return datetime(DAY.year, DAY.month, DAY.day, hour, minute, second).timestamp()


def make_tray(tmp_path: Path, clock: ManualClock, **kw) -> TrayController:
    tray = TrayController(
        Worker(),
        replace(AppConfig(), report=ReportConfig(daily_at=None)),
        PromptScheduler(PromptRules(), PromptChooser(builtin_prompts())),
        CallbackNotifier(lambda body, title: None),
        EventLog(tmp_path / "events.jsonl"),
        open_stretch=lambda prompt_id: None,  # type: ignore[arg-type,return-value]
        actions=Actions(),
        clock=clock,
        **({"windows": True} | kw),  # stand-in windows open without a display
    )
    tray.icon = Icon()
    return tray


# -- item 4: today's figures are the report's -----------------------------------------------


def launch(tmp_path, history, clock, poses, frames) -> TrayController:  # noqa: F811
    """One tray session on the controller thread: ``frames`` are (start, end, pose)."""
    started = frames[0][0]
    clock.set_wall(started)
    tray = make_tray(tmp_path, clock, open_history=lambda: open_recorder(history, started))
    thread = threading.Thread(target=tray.run, daemon=True)
    thread.start()
    analyzer = PostureAnalyzer(load_profile(PROFILE))
    for start, end, pose in frames:
        t = start
        while t < end:
            clock.set_wall(t)
            tray.post(analyzer.step(t, poses[pose]))
            t += 2.0
    tray.post(StopAsked())
    thread.join(30)
    assert not thread.is_alive()
    tray.journal.close()
    return tray


def report_share(history: Path) -> str:
    tz = local_timezone()
    share = summarize(load_day(history, DAY, tz), DAY, tz).upright_share
    assert share is not None
    return f"{share:.0%}"


def test_two_launches_on_one_day_the_tooltip_says_what_the_report_says(tmp_path, poses):  # noqa: F811
    history = tmp_path / "history.sqlite3"
    clock = ManualClock(at(9, 0))
    # the first launch slouches half the time, the second sits upright
    first = launch(tmp_path, history, clock, poses, [
        (at(9, 0), at(9, 6), "upright"), (at(9, 6), at(9, 12), "slouch"),
    ])  # fmt: skip
    after_first = report_share(history)
    assert f"{after_first} upright today" in first.icon.tooltips[-1]
    second = launch(tmp_path, history, clock, poses, [(at(10, 0), at(10, 5), "upright")])
    # at its start, before any frame, it already shows the morning's figure
    assert second.icon.tooltips[0].endswith(f"{after_first} upright today")
    today = report_share(history)
    assert today != after_first and today != "100%"
    assert second.icon.tooltips[-1].endswith(f"{today} upright today"), second.icon.tooltips
    # the second launch alone was all upright: "since this launch" would have said 100%
    since_launch = second.session.status.seconds
    assert since_launch[PostureState.SLOUCH] == 0 and since_launch[PostureState.UPRIGHT] > 0
    # and the terminal report prints the same figure
    tz = local_timezone()
    text = render_day(day_report(load_day(history, DAY, tz), DAY, tz))
    assert f"upright {today}" in text
    assert re.search(r"Watched today: \d+ min", second.session.summary())


def test_the_unwritten_minute_counts_until_the_history_has_it(tmp_path, poses):  # noqa: F811
    history = tmp_path / "history.sqlite3"
    with HistoryStore.open(history) as store:  # ten minutes of an earlier launch, at 8:00
        for minute in range(int(at(8, 0)), int(at(8, 10)), 60):
            store.add_minute(MinuteRow(minute, 50.0, 10.0, 0.0, 0.0))
    recorder = open_recorder(history, at(9, 0))
    reads: list[date] = []

    class Counted(RecorderToday):
        def day_summary(self, day, tz):
            reads.append(day)
            return super().day_summary(day, tz)

    run = make(at(9, 0), reader=Counted(recorder))
    run.record = recorder.on_event  # the controller's part: the history
    analyzer = PostureAnalyzer(load_profile(PROFILE))
    for t in range(int(at(9, 0)), int(at(9, 3, 30)), 2):
        run.step(analyzer.step(float(t), poses["upright"]), float(t))
    assert reads == [DAY] * 4  # at the start, then at 9:01, 9:02 and 9:03: not every frame
    # the earlier 10 minutes and 3 whole ones in the history, the half minute since on top
    status = run.session.status
    assert status.monitored_today == pytest.approx(600 + 3 * 60 + 28, abs=0.01)
    assert status.upright_share == pytest.approx((500 + 208) / (600 + 208), abs=1e-6)
    recorder.close(run.wall)


# -- the daily journal question reads the real history ---------------------------------------


@pytest.mark.parametrize("entry_today", [False, True])
def test_the_daily_journal_question_is_skipped_when_today_has_an_entry(tmp_path, entry_today):
    history = tmp_path / "history.sqlite3"
    with HistoryStore.open(history) as store:
        store.add_journal(JournalEntry(at(8, 0) - 86400, pain=3))  # yesterday's: no matter
        if entry_today:
            store.add_journal(JournalEntry(at(12, 15), pain=2, note="after lunch"))
    recorder = open_recorder(history, at(17, 29))
    run = make(at(17, 29), reader=RecorderToday(recorder),
               daily_at=17 * 60 + 30, journal_prompt=True)  # fmt: skip
    run.step(Tick(), at(17, 30, 5))
    assert run.opened == ([] if entry_today else [WindowKind.JOURNAL])
    recorder.close(run.wall)


# -- item 5: the demo --------------------------------------------------------------------------


def test_the_demo_notice_gives_the_times_at_the_chosen_speed():
    from posture_watch.commands.tray import CALIBRATE_HINT, demo_notice

    assert demo_notice(1, 30, 105).body == (
        "A recorded session of about 5 min plays. The icon turns orange when the person "
        "slouches; a posture nudge comes after 30 s of slouching, and a break nudge with a "
        "stretch after 1 min 45 s of sitting. It writes only into a throw-away folder: your "
        "own history, calibration and reports are not touched."
    )
    assert "10 times faster" in demo_notice(10, 30, 105).body
    assert "after 30 s of slouching" in demo_notice(10, 30, 105).body  # the recording's
    assert "Calibrate… in the tray menu" in CALIBRATE_HINT.body
