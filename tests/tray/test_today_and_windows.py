"""The tray's "today", its windows and its hints (issue 11, items 3-5).

Real parts throughout: the prompt scheduler, the SQLite history written by the real
recorder, the report's own aggregation, real verdicts of real landmarks from the demo
session; only the windows and the notifier are stand-ins that record what they were told.
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
from posture_watch.core.events import LongSittingAlert
from posture_watch.core.journal import JournalEntry
from posture_watch.core.minutes import MinuteRow
from posture_watch.core.prompt_rules import PromptRules, PromptScheduler
from posture_watch.core.prompts import PromptChooser
from posture_watch.core.report import summarize
from posture_watch.core.report_builder import day_report
from posture_watch.core.scoring import PostureState
from posture_watch.desktop.notify import CallbackNotifier
from posture_watch.history import open_recorder
from posture_watch.history.store import HistoryStore
from posture_watch.monitor.event_log import EventLog
from posture_watch.profiles import load_profile
from posture_watch.prompt_library import builtin_prompts
from posture_watch.report.load import load_day
from posture_watch.report.terminal import render_day
from posture_watch.tray.controller import CANCELLED, Calibrated, Notice, TrayController
from tests.tray.test_controller_calendar import PROFILE, Worker, poses  # noqa: F401

DAY = date(2026, 11, 24)


def at(hour: int, minute: int = 0, second: int = 0) -> float:
    return datetime(DAY.year, DAY.month, DAY.day, hour, minute, second).timestamp()


class Win:
    """A window stand-in: open until the test gives it an answer."""

    def __init__(self, kind: str, opened: list[str]) -> None:
        self.kind, self.result = kind, None
        opened.append(kind)

    def poll(self):
        return self.result

    def close(self):
        return self.result


class Answer:
    def __init__(self, answer: str) -> None:
        self.answer = answer

    def entry(self, t: float):
        return None


class Actions:
    def __init__(self, opened: list[str]) -> None:
        self.opened = opened

    def calibrate(self, post) -> None:
        self.opened.append("calibrate")

    def open_settings(self, notifier) -> None:
        raise AssertionError("not asked for")

    def open_report(self, notifier, today, summary) -> None:
        raise AssertionError("not asked for")

    def write_report(self, today):
        return None

    def close(self) -> None:
        pass


class Icon:
    def __init__(self) -> None:
        self.tooltips: list[str] = []

    def update(self, image, tooltip: str) -> None:
        self.tooltips.append(tooltip)

    def set_menu(self, entries) -> None:
        pass

    def keep_docked(self) -> None:
        pass

    def stop(self) -> None:
        pass


def make_tray(tmp_path: Path, clock: ManualClock, **kw) -> TrayController:
    opened: list[str] = []
    windows: dict[str, Win] = {}
    shown: list[tuple[str, str]] = []

    def window(kind: str) -> Win:
        windows[kind] = Win(kind, opened)
        return windows[kind]

    config = replace(AppConfig(), report=kw.pop("report", ReportConfig(daily_at=None)))
    tray = TrayController(
        Worker(),
        config,
        PromptScheduler(PromptRules(), PromptChooser(builtin_prompts())),
        CallbackNotifier(lambda body, title: shown.append((title, body))),
        EventLog(tmp_path / "events.jsonl"),
        open_stretch=lambda prompt_id: window("stretch"),
        open_journal=lambda: window("journal"),
        actions=Actions(opened),
        clock=clock,
        **kw,
    )
    tray.opened, tray.windows, tray.shown = opened, windows, shown  # type: ignore[attr-defined]
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
    tray.post("stop")
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
    since_launch = second.status.seconds
    assert since_launch[PostureState.SLOUCH] == 0 and since_launch[PostureState.UPRIGHT] > 0
    # and the terminal report prints the same figure
    tz = local_timezone()
    text = render_day(day_report(load_day(history, DAY, tz), DAY, tz))
    assert f"upright {today}" in text
    assert re.search(r"Watched today: \d+ min", second.summary())


def test_the_unwritten_minute_counts_until_the_history_has_it(tmp_path, poses):  # noqa: F811
    history = tmp_path / "history.sqlite3"
    with HistoryStore.open(history) as store:  # ten minutes of an earlier launch, at 8:00
        for minute in range(int(at(8, 0)), int(at(8, 10)), 60):
            store.add_minute(MinuteRow(minute, 50.0, 10.0, 0.0, 0.0))
    clock = ManualClock(at(9, 0))
    tray = make_tray(tmp_path, clock, open_history=lambda: open_recorder(history, at(9, 0)))
    tray.history = tray._open_history()
    tray._read_today(clock.wall())
    analyzer = PostureAnalyzer(load_profile(PROFILE))
    reads = 0
    real = tray._read_today

    def counted(written_to: float) -> None:
        nonlocal reads
        reads += 1
        real(written_to)

    tray._read_today = counted  # type: ignore[method-assign]
    for t in range(int(at(9, 0)), int(at(9, 3, 30)), 2):
        clock.set_wall(float(t))
        tray._handle(analyzer.step(float(t), poses["upright"]))
    assert reads == 3  # at 9:01, 9:02 and 9:03: once a minute, not on every frame
    # the earlier 10 minutes and 3 whole ones in the history, the half minute since on top
    assert tray.status.monitored_today == pytest.approx(600 + 3 * 60 + 28, abs=0.01)
    assert tray.status.upright_share == pytest.approx((500 + 208) / (600 + 208), abs=1e-6)
    tray.history.close(clock.wall())
    tray.journal.close()


# -- item 3: one window at a time ------------------------------------------------------------


def test_the_journal_waits_for_the_stretch_window_and_opens_when_it_closes(tmp_path):
    clock = ManualClock(at(17, 29))
    tray = make_tray(tmp_path, clock)
    tray._menu("stretch")
    tray._menu("journal")
    assert tray.opened == ["stretch"]  # the journal waits, not on top of the stretch
    tray._tick()
    assert tray.opened == ["stretch"]
    tray.windows["stretch"].result = Answer("done")
    tray._tick()
    assert tray.opened == ["stretch", "journal"]
    tray._menu("stretch")  # now the stretch waits for the journal
    assert tray.opened == ["stretch", "journal"]
    tray.windows["journal"].result = Answer("dismissed")
    tray._tick()
    assert tray.opened == ["stretch", "journal", "stretch"]
    tray.journal.close()


def test_a_break_during_the_journal_queues_its_stretch_and_calibration_waits(tmp_path, poses):  # noqa: F811
    clock = ManualClock(at(17, 30))
    tray = make_tray(tmp_path, clock)
    tray._menu("journal")
    analyzer = PostureAnalyzer(load_profile(PROFILE))
    verdict = analyzer.step(clock.wall(), poses["upright"])
    verdict = replace(verdict, events=(LongSittingAlert(clock.wall(), clock.wall() - 3000),))
    tray._handle(verdict)
    assert [title for title, _ in tray.shown] == ["Time for a break"]
    assert tray.shown[0][1].startswith("You have been sitting for 50 min. ")
    tray._menu("calibrate")
    assert tray.opened == ["journal"] and not tray.status.calibrating
    tray.windows["journal"].result = Answer("dismissed")
    tray._tick()
    assert tray.opened == ["journal", "stretch"]
    tray.windows["stretch"].result = Answer("done")
    tray._tick()
    assert tray.opened == ["journal", "stretch", "calibrate"] and tray.status.calibrating
    tray._handle(Calibrated(None, CANCELLED))
    assert not tray.status.calibrating
    tray.journal.close()


@pytest.mark.parametrize("entry_today", [False, True])
def test_the_daily_journal_question_is_skipped_when_today_has_an_entry(tmp_path, entry_today):
    history = tmp_path / "history.sqlite3"
    with HistoryStore.open(history) as store:
        store.add_journal(JournalEntry(at(8, 0) - 86400, pain=3))  # yesterday's: no matter
        if entry_today:
            store.add_journal(JournalEntry(at(12, 15), pain=2, note="after lunch"))
    clock = ManualClock(at(17, 29))
    tray = make_tray(
        tmp_path,
        clock,
        report=ReportConfig(daily_at=17 * 60 + 30, journal_prompt=True),
        open_history=lambda: open_recorder(history, at(17, 29)),
    )
    tray.history = tray._open_history()
    tray._report_minute = tray._minute_of_day()
    clock.set_wall(at(17, 30, 5))
    tray._tick()
    assert tray.opened == ([] if entry_today else ["journal"])
    tray.history.close(clock.wall())
    tray.journal.close()


# -- item 5: first run and the demo --------------------------------------------------------


def test_a_skipped_first_calibration_says_how_to_calibrate_later(tmp_path):
    clock = ManualClock(at(9, 0))
    tray = make_tray(tmp_path, clock, first_run_hint="Choose Calibrate… in the tray menu.")
    tray._menu("calibrate")
    tray._handle(Calibrated(None, CANCELLED))
    assert tray.shown == [("Not calibrated yet", "Choose Calibrate… in the tray menu.")]
    tray._menu("calibrate")
    tray._handle(Calibrated(None, CANCELLED))  # said once, not after every cancel
    assert len(tray.shown) == 1
    tray._handle(Notice("posture-watch demo", "A recorded session plays."))
    assert tray.shown[-1] == ("posture-watch demo", "A recorded session plays.")
    tray.journal.close()


def test_the_demo_notice_gives_the_times_at_the_chosen_speed():
    from posture_watch.commands.tray import CALIBRATE_HINT, demo_notice

    assert demo_notice(1, 30, 105).body == (
        "A recorded session of about 5 min plays. The icon turns orange when the person "
        "slouches; a nudge comes after 30 s of slouching, and a break with a stretch after "
        "1 min 45 s of sitting."
    )
    assert "10 times faster" in demo_notice(10, 30, 105).body
    assert "after 30 s of slouching" in demo_notice(10, 30, 105).body  # the recording's
    assert "Calibrate… in the tray menu" in CALIBRATE_HINT.body
