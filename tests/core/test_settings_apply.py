"""A running session follows the settings file: its own rules at once, the worker's by a
command, the camera's after a restart (said once), a wrong file never."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from posture_watch.config import QuietHours
from posture_watch.core import effects as fx
from posture_watch.core.break_warning import BreakRules
from posture_watch.core.prompt_rules import PromptRules, PromptScheduler
from posture_watch.core.prompts import PromptChooser
from posture_watch.core.session import Session, SessionSettings
from posture_watch.core.settings import AppConfig, CameraConfig, ReportConfig, Settings
from posture_watch.core.settings_apply import RESTART_TITLE, WRONG_TITLE
from posture_watch.core.stream import Now, SettingsChanged, Tick
from posture_watch.core.worker_events import Reconfigure
from posture_watch.prompt_library import builtin_prompts

START = datetime(2026, 11, 24, 9, 0).timestamp()


def session(config: AppConfig) -> tuple[Session, PromptScheduler]:
    scheduler = PromptScheduler(PromptRules(), PromptChooser(builtin_prompts()))
    settings = SessionSettings(
        quiet_hours=config.quiet_hours,
        daily_at=config.report.daily_at,
        config=config,
        breaks=BreakRules.from_config(config),
    )
    now = Now.at(START, 1000.0)
    made = Session(settings, scheduler, now, UTC)
    made.start(now)
    return made, scheduler


def at(hours: float) -> Now:
    return Now.at(START + hours * 3600, 1000.0 + hours * 3600)


def notified(out: list) -> list[tuple[str, str]]:
    return [(e.title, e.body) for e in out if isinstance(e, fx.Notify)]


def test_new_limits_go_to_the_worker_and_the_session_at_once():
    old = AppConfig.default()
    running, scheduler = session(old)
    new = replace(
        old,
        decision=Settings(sit_max=120.0),
        quiet_hours=QuietHours(enabled=True, start=9 * 60, end=10 * 60),
        prompts=replace(old.prompts, snooze=300.0),
    )
    out = running.step(SettingsChanged(new), at(0))
    assert [e.command for e in out if isinstance(e, fx.Send)] == [
        Reconfigure(Settings(sit_max=120.0), 2.0, 0.25)
    ]
    assert notified(out) == []  # all of it applies now: nothing to say
    assert running.quiet(at(0.5)) and not running.quiet(at(1.5))
    assert scheduler.rules.snooze == 300.0
    assert running.settings.breaks is not None and running.settings.breaks.sit_max == 120.0
    # the same file again (touched, not changed): nothing for the worker
    again = running.step(SettingsChanged(new), at(0.1))
    assert not [e for e in again if isinstance(e, fx.Send)]


def test_the_report_time_follows_the_file():
    old = AppConfig.default()  # 17:30
    running, _ = session(old)
    new = replace(old, report=ReportConfig(daily_at=10 * 60, journal_prompt=False))
    running.step(SettingsChanged(new), at(0))
    out = running.step(Tick(), at(1.05))  # 10:03
    assert [e for e in out if isinstance(e, fx.WriteReport)]


def test_the_camera_waits_for_a_restart_and_says_so_once():
    old = AppConfig.default()
    running, _ = session(old)
    new = replace(old, camera=CameraConfig(source="1", width=1280))
    out = running.step(SettingsChanged(new), at(0))
    assert notified(out) == [
        (RESTART_TITLE, "New camera, picture width: applies after a restart of the monitor.")
    ]
    assert not [e for e in out if isinstance(e, fx.Send)]  # nothing the worker takes
    assert notified(running.step(SettingsChanged(new), at(0.1))) == []


def test_a_wrong_file_keeps_the_running_settings():
    old = AppConfig.default()
    running, _ = session(old)
    line = "settings.toml: [sitting] sit_max = 0: must be a number of minutes between 1 and 480"
    out = running.step(SettingsChanged(None, line), at(0))
    assert notified(out) == [(WRONG_TITLE, f"{line}. The monitor keeps its settings.")]
    assert not [e for e in out if isinstance(e, fx.Send)]
    assert running.settings.config == old
