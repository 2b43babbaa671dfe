"""The tray controller follows the settings file: the menu's Preferences… opens the window
once, a save reaches the worker and the session within the watch's two seconds of clock
time, and a wrong hand edit is told once and changes nothing (real file, manual clock)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from posture_watch.config import save_config
from posture_watch.core.menu import MenuAction
from posture_watch.core.settings import AppConfig, Settings
from posture_watch.core.settings_apply import WRONG_TITLE
from posture_watch.core.worker_events import Reconfigure
from posture_watch.tray.settings_watch import SettingsWatch
from tests.tray.test_controller import running, wait_for

__all__ = ["running"]


class Window:
    """The preferences window's process as the controller sees it: open until closed."""

    def __init__(self) -> None:
        self.result: object | None = None

    def poll(self) -> object | None:
        return self.result

    def close(self) -> object | None:
        return self.result


def test_a_save_reaches_the_worker_and_a_wrong_file_is_told_once(running, tmp_path: Path):
    settings = tmp_path / "prefs.toml"
    settings.write_text("schema_version = 1\n")
    opened: list[Window] = []
    tray_users: list[AppConfig] = []

    def open_preferences() -> Window:
        opened.append(Window())
        return opened[-1]

    run = running(
        datetime(2026, 11, 24, 9, 0),
        settings_watch=SettingsWatch(settings, say=lambda line: None),
        open_preferences=open_preferences,
        on_settings=tray_users.append,
    )
    run.controller.post(MenuAction.PREFERENCES)
    wait_for(lambda: opened, "open the preferences window")
    run.controller.post(MenuAction.PREFERENCES)  # already open: left be
    wanted = AppConfig(decision=Settings(sit_max=120.0))
    save_config(settings, wanted)
    run.clock.advance(2.0)
    reconfigured = Reconfigure(wanted.decision, 2.0, 0.25)
    wait_for(lambda: reconfigured in run.worker.commands, "send the worker the new settings")
    assert tray_users == [wanted] and len(opened) == 1

    settings.write_text("schema_version = 1\n[sitting]\nsit_max = 0\n")
    run.clock.advance(2.0)
    wait_for(lambda: [t for t, _ in run.shown if t == WRONG_TITLE], "say the file is wrong")
    opened[0].result = object()  # the window closes: the watch looks at once
    run.clock.advance(2.0)
    run.clock.advance(2.0)
    run.stop()
    assert [t for t, _ in run.shown].count(WRONG_TITLE) == 1
    assert run.worker.commands.count(reconfigured) == 1
    assert tray_users == [wanted]
    assert run.controller.session.settings.config == wanted


class Login:
    """Start at login as the autostart entry says; changed behind the tray's back."""

    def __init__(self) -> None:
        self.enabled = False

    def is_enabled(self) -> bool:
        return self.enabled

    def set_enabled(self, enabled: bool) -> None:
        self.enabled = enabled


def test_start_at_login_changed_elsewhere_shows_in_the_menu(running, tmp_path: Path):
    settings = tmp_path / "prefs.toml"
    settings.write_text("schema_version = 1\n")
    login = Login()
    run = running(
        datetime(2026, 11, 24, 9, 0),
        settings_watch=SettingsWatch(settings, say=lambda line: None),
        autostart=login,
    )

    def ticked() -> bool | None:
        menus = run.icon.menus
        entries = [e for e in menus[-1] if e.id == MenuAction.AUTOSTART] if menus else []
        return entries[0].checked if entries else None

    wait_for(lambda: ticked() is False, "show Start at login off")
    login.enabled = True  # settings --edit, in another process
    run.clock.advance(2.0)
    wait_for(lambda: ticked() is True, "follow the autostart entry")
    run.stop()
