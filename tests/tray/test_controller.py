"""The tray controller as the session's executor, through its public face only: it runs on
a thread of its own, takes posts in its inbox, and carries out what the session decides
(the rules themselves are tested in tests/core/test_session.py).

The clock is a :class:`ManualClock` set by the test to local wall times: the controller
never waits on real time (its inbox waits come from the clock), so stepping it across
17:30 takes no time. Real parts: the report written by DesktopActions from a real SQLite
history, the settings file, the Start at login entry, the drawn icon.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from posture_watch import paths
from posture_watch.clock import ManualClock
from posture_watch.config import AppConfig, ReportConfig
from posture_watch.core.control_protocol import ControlRequest
from posture_watch.core.menu import MenuAction, MenuEntry
from posture_watch.core.minutes import MinuteRow
from posture_watch.core.prompt_rules import PromptRules, PromptScheduler
from posture_watch.core.prompts import PromptChooser
from posture_watch.core.status import TrayState
from posture_watch.core.stream import StopAsked
from posture_watch.core.worker_events import CameraBusy, CameraFree, Pause, Paused, Resumed, Stop
from posture_watch.desktop.icons import COLOURS, nearest_state
from posture_watch.desktop.notify import CallbackNotifier
from posture_watch.history.store import HistoryStore
from posture_watch.monitor.control import relay
from posture_watch.monitor.event_log import EventLog
from posture_watch.prompt_library import builtin_prompts
from posture_watch.tray.actions import DesktopActions
from posture_watch.tray.controller import TrayController
from tests.harness import processes
from tests.harness.fakes import Worker

#: How long a test waits for the controller thread to act: generous, a loaded machine
#: still takes milliseconds; only a hang reaches it.
PATIENCE = 30.0


def wait_for(check: Callable[[], object], what: str) -> None:
    processes.wait_for(check, PATIENCE, f"the controller to {what}")


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


class RecordingIcon:
    """The pystray icon: the states read back from the drawn pictures, tooltips, menus."""

    def __init__(self) -> None:
        self.images: list[TrayState] = []
        self.tooltips: list[str] = []
        self.menus: list[list[MenuEntry]] = []
        self.stopped = False

    def update(self, image: object | None, tooltip: str) -> None:
        if image is not None:  # read the state back from the drawn icon's colour
            self.images.append(nearest_state(image.getpixel((32, 4))[:3]))  # type: ignore[attr-defined]
        self.tooltips.append(tooltip)

    def set_menu(self, entries: list[MenuEntry]) -> None:
        self.menus.append(list(entries))

    def keep_docked(self) -> None:
        pass

    def stop(self) -> None:
        self.stopped = True


class Running:
    """A controller on its own thread, and what it showed."""

    def __init__(self, tmp_path: Path, clock: Clock, **kw) -> None:
        self.clock, self.worker, self.icon = clock, Worker(), RecordingIcon()
        self.shown: list[tuple[str, str]] = []
        self.history = tmp_path / "history.sqlite3"
        daily_at = kw.pop("daily_at", None)
        config = replace(AppConfig(), report=ReportConfig(daily_at=daily_at, journal_prompt=False))
        self.journal = EventLog(tmp_path / "events.jsonl")
        self.actions = DesktopActions(
            "demo", "default", tmp_path / "settings.toml", self.history, 3000.0
        )
        self.controller = TrayController(
            self.worker,
            config,
            PromptScheduler(PromptRules(), PromptChooser(builtin_prompts())),
            CallbackNotifier(lambda body, title: self.shown.append((title, body))),
            self.journal,
            open_stretch=lambda prompt_id: None,  # type: ignore[arg-type,return-value]
            actions=self.actions,
            clock=clock,
            **({"windows": True} | kw),  # stand-in windows open without a display
        )
        self.controller.icon = self.icon
        self.thread = threading.Thread(target=self.controller.run, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.controller.post(StopAsked())
        self.thread.join(PATIENCE)
        assert not self.thread.is_alive() and self.controller.finished.is_set()
        self.journal.close()


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Callable[..., Running]]:
    made: list[Running] = []

    def start(now: datetime, **kw) -> Running:
        made.append(Running(tmp_path, Clock(now), **kw))
        return made[-1]

    yield start
    for run in made:
        if run.thread.is_alive():
            run.stop()


def report_file() -> Path:
    return paths.data_dir() / "reports" / "2026-11-24.html"


def seed_history(tmp_path: Path) -> None:
    """A few real minutes from 17:00 on the test's day."""
    with HistoryStore.open(tmp_path / "history.sqlite3") as store:
        start = int(datetime(2026, 11, 24, 17, 0).timestamp())
        for minute in range(start, start + 20 * 60, 60):
            store.add_minute(MinuteRow(minute, 45.0, 15.0, 0.0, 0.0))


def test_the_daily_report_is_written_off_the_controller_thread_and_said_so(
    running, tmp_path, monkeypatch
):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    seed_history(tmp_path)
    run = running(datetime(2026, 11, 24, 17, 28), daily_at=17 * 60 + 30)
    wait_for(lambda: run.icon.tooltips, "show the icon")
    assert not report_file().exists()  # 17:28: not yet
    run.clock.now = datetime(2026, 11, 24, 17, 30, 5)
    wait_for(lambda: run.shown, "say the report was written")
    assert report_file().exists()
    assert run.shown == [("Today's posture report", f"Written to {report_file()}")]
    run.stop()
    assert run.icon.stopped and not run.controller.quit_requested.is_set()


def test_a_report_job_that_crashes_is_said_and_logged_not_silent(
    running, tmp_path, monkeypatch, caplog
):
    """A slow job runs off the controller thread; if it raises (here a drawing library's
    error, not an OSError the writer expects) the person is told and the log keeps the
    traceback, and the controller goes on."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    run = running(datetime(2026, 11, 24, 17, 28), daily_at=17 * 60 + 30)

    def broken(day: object) -> None:
        raise ValueError("the chart library gave up")

    monkeypatch.setattr(run.actions, "write_report", broken)
    wait_for(lambda: run.icon.tooltips, "show the icon")
    run.clock.now = datetime(2026, 11, 24, 17, 30, 5)
    wait_for(lambda: run.shown, "say the report failed")
    assert run.shown == [("Today's posture report", "Could not write it; see the log.")]
    assert "the chart library gave up" in caplog.text
    assert run.thread.is_alive()  # the controller goes on
    run.controller.post(MenuAction.PAUSE_15)
    wait_for(lambda: run.worker.commands, "pause the worker after the failure")
    run.stop()


def test_the_menu_reaches_the_worker_and_quit_writes_todays_report(running, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    seed_history(tmp_path)
    run = running(datetime(2026, 11, 24, 23, 0))
    run.controller.post("pause-tomorrow")  # a backend posts the entry id as a string
    wait_for(lambda: run.worker.commands, "pause the worker")
    # 23:00: until 08:00 the next morning
    assert run.worker.commands == [Pause(pytest.approx(9 * 3600, abs=1))]
    run.controller.post(MenuAction.QUIT)
    run.thread.join(PATIENCE)
    assert run.controller.finished.is_set() and run.controller.quit_requested.is_set()
    assert run.worker.commands[-1] == Stop() and run.icon.stopped
    assert report_file().exists()  # Quit (not a signal) writes today's report
    run.journal.close()


def test_a_control_request_is_answered_from_the_inbox(running):
    run = running(datetime(2026, 11, 24, 10, 0))
    ask = relay(run.controller.post, timeout=PATIENCE)
    reply = ask(ControlRequest("pause", seconds=1800))
    assert reply.ok and reply.message == "paused for 30 min (until 10:30)"
    assert ask(ControlRequest("status")).message == "Starting"
    assert ask(ControlRequest("quit")).message == "quitting"
    run.thread.join(PATIENCE)
    assert run.controller.finished.is_set()


def test_a_video_call_draws_the_neutral_camera_icon(running):
    run = running(datetime(2026, 11, 24, 10, 0))
    t0 = run.clock.wall()
    wait_for(lambda: run.icon.images, "draw the icon")
    run.controller.post(CameraBusy(t0 + 65, "zoom (pid 4242)", 30.0))
    wait_for(lambda: run.icon.images[-1] is TrayState.CAMERA_BUSY, "show the camera in use")
    assert COLOURS[TrayState.CAMERA_BUSY] != COLOURS[TrayState.CAMERA_PROBLEM]
    assert run.icon.menus[-1][0].label.startswith("Camera in use by zoom (pid 4242)")
    run.controller.post(CameraFree(t0 + 600))
    wait_for(lambda: run.icon.images[-1] is TrayState.STARTING, "leave the camera state")
    assert run.shown == []  # a notification would pop up on a shared screen


def test_open_settings_without_an_opener_says_where_the_file_is(running, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # no xdg-open anywhere
    run = running(datetime(2026, 11, 24, 10, 0))
    run.controller.post(MenuAction.SETTINGS)
    wait_for(lambda: run.actions.opening is not None, "open the settings")
    run.actions.opening.join(PATIENCE)  # opened off the controller thread
    (title, body), *_ = run.shown
    assert title == "Settings"
    settings = tmp_path / "settings.toml"
    why = "xdg-open is not installed"
    assert body == f"Could not open the settings: {why}. The file is at {settings}"
    assert settings.exists()  # created with the commented defaults


def autostart_item(run: Running) -> MenuEntry:
    (found,) = [e for e in run.icon.menus[-1] if e.id == MenuAction.AUTOSTART]
    return found


def test_start_at_login_ticks_and_unticks_the_real_login_entry(running, tmp_path, monkeypatch):
    from posture_watch.commands.tray import LoginStart

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    entry = tmp_path / "config" / "autostart" / "posture-watch.desktop"
    run = running(datetime(2026, 11, 24, 10, 0), autostart=LoginStart())
    wait_for(lambda: run.icon.menus, "show the menu")
    assert autostart_item(run).checked is False and not entry.exists()
    run.controller.post(MenuAction.AUTOSTART)
    wait_for(lambda: autostart_item(run).checked, "tick Start at login")
    assert "Exec=" in entry.read_text() and " tray" in entry.read_text()
    run.controller.post(MenuAction.AUTOSTART)
    wait_for(lambda: autostart_item(run).checked is False, "untick Start at login")
    assert not entry.exists()


def test_start_at_login_failing_says_why(running, tmp_path, monkeypatch):
    from posture_watch.commands.tray import LoginStart

    blocker = tmp_path / "config"
    blocker.write_text("a file where the config folder should be")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(blocker))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    run = running(datetime(2026, 11, 24, 10, 0), autostart=LoginStart())
    run.controller.post(MenuAction.AUTOSTART)
    wait_for(lambda: run.shown, "say why Start at login failed")
    ((title, body),) = run.shown
    assert title == "Start at login" and body.startswith("Could not change it: ")
    assert autostart_item(run).checked is False


def test_a_dead_worker_is_noticed_as_the_console_notices_it(running):
    run = running(datetime(2026, 11, 24, 10, 0), worker_alive=lambda: False)
    run.thread.join(PATIENCE)
    assert run.controller.finished.is_set()
    assert run.controller.exit_code == 1
    assert run.controller.error == "the monitor worker ended unexpectedly"
    assert run.shown == [("posture-watch stopped", "the monitor worker ended unexpectedly")]
    run.journal.close()


def test_the_loop_wakes_less_often_while_nothing_is_watched(running):
    """Paused (or locked, or the camera lent): the loop waits 2 s between looks instead of
    0.5 s; running, or with a window open, it keeps 0.5 s. An item still wakes it."""
    from posture_watch.tray.controller import IDLE_TICK, TICK

    run = running(datetime(2026, 11, 24, 10, 0))
    t0 = run.clock.wall()
    assert (TICK, IDLE_TICK) == (0.5, 2.0)
    assert not run.controller.quiet()
    run.controller.post(Paused(t0 + 1, None))  # the worker's word that it paused
    wait_for(run.controller.quiet, "go quiet")
    ask = relay(run.controller.post, timeout=PATIENCE)
    assert ask(ControlRequest("status")).message.startswith("Paused")  # woken at once
    run.controller.windows["stretch"] = object()  # type: ignore[assignment]
    assert not run.controller.quiet()
    del run.controller.windows["stretch"]
    run.controller.post(Resumed(t0 + 2))
    wait_for(lambda: not run.controller.quiet(), "wake up again")
