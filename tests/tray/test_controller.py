"""The tray controller with an injected wall clock: the daily report, quiet hours, pauses.

The controller takes the wall clock as an argument, so the test steps it across 17:30
without waiting; everything else is real: the loop (never started), the prompt scheduler,
the SQLite history and the HTML report written by DesktopActions.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from posture_watch import paths
from posture_watch.clock import ManualClock
from posture_watch.config import AppConfig, QuietHours, ReportConfig
from posture_watch.core.minutes import MinuteRow
from posture_watch.core.prompt_rules import PromptRules, PromptScheduler
from posture_watch.core.prompts import PromptChooser
from posture_watch.core.worker_events import Pause, Stop
from posture_watch.desktop.notify import CallbackNotifier
from posture_watch.history.store import HistoryStore
from posture_watch.monitor.event_log import EventLog
from posture_watch.prompt_library import builtin_prompts
from posture_watch.tray.actions import DesktopActions
from posture_watch.tray.controller import TrayController


class Clock(ManualClock):
    """The injected clock, set by the test to local wall times."""

    def __init__(self, now: datetime) -> None:
        super().__init__(now.timestamp())

    @property
    def now(self) -> datetime:
        return datetime.fromtimestamp(self.wall())

    @now.setter
    def now(self, value: datetime) -> None:
        self.set_wall(value.timestamp())


class Worker:
    """The controller's side of the monitor loop: its command queue."""

    def __init__(self) -> None:
        self.commands: list[object] = []

    def send(self, command: object) -> None:
        self.commands.append(command)

    def stop(self) -> None:
        self.send(Stop())


def controller(tmp_path: Path, clock: Clock, daily_at: int | None) -> TrayController:
    history = tmp_path / "history.sqlite3"
    with HistoryStore.open(history) as store:  # a few real minutes just before 17:30
        start = int(datetime(2026, 11, 24, 17, 0).timestamp())
        for minute in range(start, start + 20 * 60, 60):
            store.add_minute(MinuteRow(minute, 45.0, 15.0, 0.0, 0.0))
    config = replace(AppConfig(), report=ReportConfig(daily_at=daily_at, journal_prompt=False))
    loop = Worker()
    shown: list[tuple[str, str]] = []
    tray = TrayController(
        loop,
        config,
        PromptScheduler(PromptRules(), PromptChooser(builtin_prompts())),
        CallbackNotifier(lambda body, title: shown.append((title, body))),
        EventLog(tmp_path / "events.jsonl"),
        open_stretch=lambda prompt_id: None,
        actions=DesktopActions("demo", "default", tmp_path / "settings.toml", history, 3000.0),
        clock=clock,
    )
    tray.shown = shown  # type: ignore[attr-defined]
    return tray


def report_file() -> Path:
    return paths.data_dir() / "reports" / "2026-11-24.html"


def test_the_report_is_written_once_when_the_clock_passes_daily_at(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    clock = Clock(datetime(2026, 11, 24, 17, 28))
    tray = controller(tmp_path, clock, daily_at=17 * 60 + 30)
    tray._report_minute = tray._minute_of_day()
    tray._tick()
    assert not report_file().exists()  # 17:28: not yet
    clock.now = datetime(2026, 11, 24, 17, 30, 5)
    tray._tick()
    assert report_file().exists()
    assert [title for title, _ in tray.shown] == ["Today's posture report"]
    report_file().unlink()
    clock.now = datetime(2026, 11, 24, 17, 45)
    tray._tick()
    assert not report_file().exists()  # once a day, not on every tick after 17:30


def test_daily_at_off_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    clock = Clock(datetime(2026, 11, 24, 17, 28))
    tray = controller(tmp_path, clock, daily_at=None)
    tray._report_minute = tray._minute_of_day()
    clock.now = datetime(2026, 11, 24, 17, 31)
    tray._tick()
    assert not report_file().exists()


def test_quiet_hours_follow_the_wall_clock(tmp_path):
    clock = Clock(datetime(2026, 11, 24, 23, 0))
    tray = controller(tmp_path, clock, daily_at=None)
    tray.config = replace(tray.config, quiet_hours=QuietHours(True, 22 * 60, 7 * 60))
    assert tray._quiet()
    clock.now = datetime(2026, 11, 25, 12, 0)
    assert not tray._quiet()


def test_pause_until_tomorrow_lasts_until_midnight(tmp_path):
    clock = Clock(datetime(2026, 11, 24, 23, 0))
    tray = controller(tmp_path, clock, daily_at=None)
    tray._menu("pause-tomorrow")
    (pause,) = tray.loop.commands
    assert pause == Pause(pytest.approx(3600, abs=1))


def test_open_settings_without_an_opener_says_where_the_file_is(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # no xdg-open anywhere
    tray = controller(tmp_path, Clock(datetime(2026, 11, 24, 10, 0)), daily_at=None)
    tray._menu("settings")
    tray.actions.opening.join(10)  # opened off the controller thread
    (title, body), *_ = tray.shown
    assert title == "Settings"
    settings = tmp_path / "settings.toml"
    why = "xdg-open is not installed"
    assert body == f"Could not open the settings: {why}. The file is at {settings}"
    assert (tmp_path / "settings.toml").exists()  # created with the commented defaults
