"""A break nudge's buttons, pressed in a real dunst, reach the tray's history and windows.

Real parts: dunst on a private bus (it presses the button through its context menu, as a
person picking it would: tests/harness/notification_servers.py), the D-Bus notifier, the
tray controller on its own thread, the prompt rules, verdicts of real demo landmarks and
the SQLite history written by the real recorder. The stretch window is a stand-in that
answers "done" (the real one is tested in tests/desktop/test_stretch_window.py).
"""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import pytest

from posture_watch.clock import ManualClock
from posture_watch.config import AppConfig, ReportConfig
from posture_watch.core.analyzer import PostureAnalyzer
from posture_watch.core.events import LongSittingAlert
from posture_watch.core.prompt_rules import PromptRules, PromptScheduler
from posture_watch.core.prompts import PromptChooser
from posture_watch.core.stream import StopAsked
from posture_watch.desktop.notify import DBusNotifier
from posture_watch.history import open_recorder
from posture_watch.monitor.event_log import EventLog
from posture_watch.profiles import load_profile
from posture_watch.prompt_library import builtin_prompts
from posture_watch.tray.controller import TrayController
from tests.core.test_session import PROFILE, poses  # noqa: F401
from tests.harness.fakes import Actions, Icon, Worker
from tests.harness.fixtures import xsession_without_notifications  # noqa: F401
from tests.harness.notification_servers import AnsweringDunst, PlainServer
from tests.harness.processes import wait_for
from tests.harness.xsession import XSession

START = datetime(2026, 11, 24, 16, 0).timestamp()
PATIENCE = 10.0


@dataclass(frozen=True)
class Answer:
    answer: str


class StretchWindow:
    """The stretch window as the tray polls it: done at the second look."""

    def __init__(self) -> None:
        self.polls = 0

    def poll(self) -> Answer | None:
        self.polls += 1
        return Answer("done") if self.polls > 1 else None

    def close(self) -> Answer | None:
        return None


class Desk:
    """The tray controller on its thread, with a real dunst and history."""

    def __init__(self, tmp_path: Path, session: XSession, poses) -> None:  # noqa: F811
        self.poses = poses
        self.clock = ManualClock(START)
        self.history = tmp_path / "history.sqlite3"
        self.stretches: list[str] = []
        self.notifier = DBusNotifier(
            bus=session.env["DBUS_SESSION_BUS_ADDRESS"],
            on_answer=lambda answer: self.tray.post(answer),
        )
        self.tray = TrayController(
            Worker(),
            replace(AppConfig(), report=ReportConfig(daily_at=None)),
            PromptScheduler(PromptRules(), PromptChooser(builtin_prompts(), seed=5)),
            self.notifier,
            EventLog(tmp_path / "events.jsonl"),
            open_stretch=self.open_stretch,
            actions=Actions(),
            clock=self.clock,
            open_history=lambda: open_recorder(self.history, START),
            windows=True,
        )
        self.tray.icon = Icon()
        self.analyzer = PostureAnalyzer(load_profile(PROFILE))
        self.thread = threading.Thread(target=self.tray.run, daemon=True)
        self.thread.start()

    def open_stretch(self, stretch_id: str) -> StretchWindow:
        self.stretches.append(stretch_id)
        return StretchWindow()

    def sit_until_a_break(self, t: float) -> None:
        """A few upright frames up to ``t``, the last one with a long-sitting alert; the
        nudge is shown or not before this returns."""
        for step in (t - 4, t - 2):
            self.clock.set_wall(step)
            self.tray.post(self.analyzer.step(step, self.poses["upright"]))
        self.clock.set_wall(t)
        verdict = self.analyzer.step(t, self.poses["upright"])
        alert = LongSittingAlert(t, t - 3000)  # 50 min in this sitting spell: sit_max
        self.tray.post(dataclasses.replace(verdict, sitting_since=t - 3000, events=(alert,)))
        shown = self.tray.session.counts.prompts
        wait_for(lambda: self.tray.session.counts.prompts > shown, PATIENCE, what="the nudge")
        wait_for(self.tray.inbox.empty, PATIENCE, what="the controller to take its result")

    def answers(self) -> list[tuple[str, str | None, str | None]]:
        """The history's prompts: reason, stretch and answer, oldest first."""
        with sqlite3.connect(self.history) as conn:
            rows = conn.execute("SELECT reason, stretch_id, answer FROM prompts ORDER BY t")
            return list(rows)

    def stop(self) -> None:
        self.tray.post(StopAsked())
        self.thread.join(30)
        assert not self.thread.is_alive()
        self.tray.journal.close()
        self.notifier.close()


@pytest.fixture
def dunst(xsession_without_notifications: XSession) -> Iterator[AnsweringDunst]:  # noqa: F811
    with AnsweringDunst(xsession_without_notifications) as dunst:
        yield dunst


@pytest.fixture
def desk(tmp_path: Path, xsession_without_notifications: XSession, poses) -> Iterator[Desk]:  # noqa: F811
    desk = Desk(tmp_path, xsession_without_notifications, poses)
    try:
        yield desk
    finally:
        if desk.thread.is_alive():
            desk.stop()


def test_snooze_and_stretch_now_pressed_in_dunst_feed_the_history_and_open_the_window(
    dunst: AnsweringDunst, desk: Desk
):
    desk.sit_until_a_break(START + 60)
    wait_for(lambda: dunst.displayed() == 1, PATIENCE, what="the break nudge on screen")
    assert desk.stretches == []  # with buttons, the window waits for Stretch now
    dunst.press("Snooze 10 min")
    assert sorted(line.split(" (")[0] for line in dunst.menu()) == [
        "#Snooze 10 min",
        "#Stretch now",
    ]
    wait_for(lambda: dunst.displayed() == 0, PATIENCE, what="the answered bubble to close")
    assert desk.tray.session.scheduler is not None
    wait_for(lambda: desk.tray.session.scheduler.snoozed_until, PATIENCE, what="the snooze")

    desk.sit_until_a_break(START + 3600)  # an hour later, the next break
    dunst.press("Stretch now")
    wait_for(lambda: desk.stretches, PATIENCE, what="the stretch window to open")
    wait_for(lambda: not desk.tray.windows, PATIENCE, what="the stretch window's answer")
    desk.stop()

    [first, second] = desk.answers()
    assert first[0] == second[0] == "long_sitting"
    assert first[2] == "snoozed"  # as the window's Snooze records it
    assert second == ("long_sitting", desk.stretches[0], "done")  # the window's own answer


def test_a_server_without_buttons_gets_the_nudge_alone_and_the_window_opens_with_it(
    xsession_without_notifications: XSession,  # noqa: F811
    desk: Desk,
):
    bus = xsession_without_notifications.env["DBUS_SESSION_BUS_ADDRESS"]
    with PlainServer(bus) as server:
        desk.sit_until_a_break(START + 60)
        wait_for(lambda: desk.stretches, PATIENCE, what="the stretch window to open")
        desk.stop()
    [(_, _, _, title, _body, actions, hints, _)] = server.received
    assert title == "Time for a break" and actions == []  # no buttons: the body says it
    assert hints["category"] == ("s", "x-posture-watch.break")
    [(reason, stretch_id, answer)] = desk.answers()
    assert (reason, stretch_id, answer) == ("long_sitting", desk.stretches[0], "done")
