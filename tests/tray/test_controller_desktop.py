"""The controller on a desktop's day: a locked screen, a video call holding the camera,
the menu's status line and its Start at login item. Real scheduler, journal and icon
drawing; the icon itself records what it was told to show."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from posture_watch.core.analyzer import PostureAnalyzer
from posture_watch.core.status import TrayState
from posture_watch.core.worker_events import CameraBusy, CameraFree, ScreenLocked, ScreenUnlocked
from posture_watch.desktop.icons import COLOURS, nearest_state
from posture_watch.profiles import load_profile
from posture_watch.tray.menu import MenuEntry
from tests.tray.test_controller import Clock, controller
from tests.tray.test_controller_calendar import PROFILE, poses  # noqa: F401 (a fixture)


class RecordingIcon:
    def __init__(self) -> None:
        self.images: list[TrayState] = []
        self.tooltips: list[str] = []
        self.menus: list[list[MenuEntry]] = []

    def update(self, image: object | None, tooltip: str) -> None:
        if image is not None:  # read the state back from the drawn icon's colour
            self.images.append(nearest_state(image.getpixel((32, 4))[:3]))  # type: ignore[attr-defined]
        self.tooltips.append(tooltip)

    def set_menu(self, entries: list[MenuEntry]) -> None:
        self.menus.append(list(entries))

    def keep_docked(self) -> None:
        pass

    def stop(self) -> None:
        pass


@pytest.fixture
def tray_with_icon(tmp_path: Path, poses):  # noqa: F811
    """A controller fed real verdicts of an upright picture, one a minute from 10:00."""
    clock = Clock(datetime(2026, 11, 24, 10, 0))
    tray = controller(tmp_path, clock, daily_at=None)
    tray.icon = RecordingIcon()
    analyzer = PostureAnalyzer(load_profile(PROFILE))
    t0 = clock.wall()

    def upright(minutes: float) -> None:
        for t in range(int(t0 + 60 * minutes) - 40, int(t0 + 60 * minutes) + 1, 2):
            tray._verdict(analyzer.step(float(t), poses["upright"]))

    upright(1)
    yield tray, t0, upright
    tray.journal.close()


def status_line(tray) -> MenuEntry:
    return tray.icon.menus[-1][0]


def test_a_locked_screen_shows_a_padlock_and_says_so_first_in_the_menu(tray_with_icon):
    tray, t0, upright = tray_with_icon
    assert tray.icon.images[-1] is TrayState.UPRIGHT
    tray._monitor_event(ScreenLocked(t0 + 65, "org.gnome.ScreenSaver"))
    assert tray.icon.images[-1] is TrayState.LOCKED
    assert status_line(tray).label.startswith("Screen locked")
    assert not status_line(tray).enabled
    assert "screen locked" in tray.icon.tooltips[-1]
    tray._monitor_event(ScreenUnlocked(t0 + 600, "org.gnome.ScreenSaver"))
    upright(11)
    assert tray.icon.images[-1] is TrayState.UPRIGHT
    assert tray.shown == []  # a lock is no news to the person who locked


def test_a_video_call_gets_a_neutral_camera_state_and_no_notification(tray_with_icon):
    tray, t0, upright = tray_with_icon
    tray._monitor_event(CameraBusy(t0 + 65, "zoom (pid 4242)", 30.0))
    assert tray.icon.images[-1] is TrayState.CAMERA_BUSY
    assert COLOURS[TrayState.CAMERA_BUSY] != COLOURS[TrayState.CAMERA_PROBLEM]
    assert status_line(tray).label.startswith("Camera in use by zoom (pid 4242)")
    assert tray.shown == []  # a notification would pop up on a shared screen
    tray._monitor_event(CameraFree(t0 + 600))
    upright(11)
    assert tray.icon.images[-1] is TrayState.UPRIGHT
    assert tray.status.camera_busy is None


def test_the_status_line_follows_the_sitting_time(tray_with_icon):
    tray, _t0, upright = tray_with_icon
    for minute in range(2, 25):
        upright(minute)
    line = status_line(tray)
    assert line.id == "status" and not line.enabled
    assert line.label.startswith("Upright · sitting 2")
    assert line.label.endswith("% upright today")


def with_login_start(tmp_path: Path):
    """The test controller again, now with the real Start at login item."""
    from posture_watch.commands.tray import LoginStart
    from posture_watch.tray.controller import TrayController

    base = controller(tmp_path, Clock(datetime(2026, 11, 24, 10, 0)), daily_at=None)
    tray = TrayController(
        base.loop,
        base.config,
        base.scheduler,
        base.notifier,
        base.journal,
        open_stretch=lambda prompt_id: None,
        actions=base.actions,
        clock=base.clock,
        autostart=LoginStart(),
    )
    return base, tray


def test_start_at_login_ticks_and_unticks_the_real_login_entry(tmp_path, monkeypatch, poses):  # noqa: F811
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    entry = tmp_path / "config" / "autostart" / "posture-watch.desktop"
    base, tray = with_login_start(tmp_path)
    tray.icon = RecordingIcon()
    tray._refresh()

    def item() -> MenuEntry:
        (found,) = [e for e in tray.icon.menus[-1] if e.id == "autostart"]
        return found

    assert item().checked is False and not entry.exists()
    tray._menu("autostart")
    assert item().checked is True
    assert "Exec=" in entry.read_text() and " tray" in entry.read_text()
    tray._menu("autostart")
    assert item().checked is False and not entry.exists()
    base.journal.close()


def test_start_at_login_failing_says_why(tmp_path, monkeypatch, poses):  # noqa: F811
    blocker = tmp_path / "config"
    blocker.write_text("a file where the config folder should be")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(blocker))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    base, tray = with_login_start(tmp_path)
    tray.shown = base.shown  # type: ignore[attr-defined]
    tray._menu("autostart")
    ((title, body),) = base.shown
    assert title == "Start at login" and body.startswith("Could not change it: ")
    assert tray._autostart_on is False
    base.journal.close()


def test_a_long_lock_is_a_break_the_tray_counts(tray_with_icon, poses):  # noqa: F811
    """At a lock and an unlock the loop sends the timeline's own events, outside any
    verdict: the tray must count the break and show the bout as ended."""
    tray, t0, _upright = tray_with_icon
    analyzer = PostureAnalyzer(load_profile(PROFILE))
    for t in range(int(t0) + 62, int(t0) + 600, 2):  # nine more minutes upright
        tray._handle(analyzer.step(float(t), poses["upright"]))
    assert tray.status.bout_seconds(t0 + 600) is not None
    lock, unlock = t0 + 600, t0 + 600 + 15 * 60
    tray._handle(ScreenLocked(lock, "org.gnome.ScreenSaver"))
    for event in analyzer.away(lock):
        tray._handle(event)
    tray._handle(ScreenUnlocked(unlock, "org.gnome.ScreenSaver"))
    events = analyzer.away(unlock)
    assert any(type(e).__name__ == "BreakStarted" for e in events)
    for event in events:
        tray._handle(event)
    assert tray.counts["breaks"] == 1
    assert tray.status.sitting_since is None
    logged = [line for line in (tray.journal.path.read_text().splitlines())]
    assert any('"BreakStarted"' in line for line in logged)


def test_a_changed_set_up_is_told_once_with_what_to_do(tray_with_icon):
    from posture_watch.core.worker_events import Recalibrated, SetupChanged

    tray, t0, _upright = tray_with_icon
    tray._handle(SetupChanged(t0 + 300, None, "closer"))
    ((title, body),) = tray.shown
    assert title == "Your set-up looks different"
    assert "recalibrate?" in body and "Calibrate…" in body
    tray._handle(Recalibrated(t0 + 900, "desk"))
    tray._handle(SetupChanged(t0 + 900, "desk", ""))
    assert tray.shown[1:] == [
        ("Set-up recognised", "Your set-up matches profile 'desk': using it.")
    ]


def test_a_cancelled_calibration_resumes_quietly_and_a_failed_one_says_why(tray_with_icon):
    from posture_watch.core.worker_events import Resume
    from posture_watch.tray.controller import CANCELLED, Calibrated

    tray, _t0, _upright = tray_with_icon
    tray.status.calibrating = True
    tray._handle(Calibrated(None, CANCELLED))
    assert tray.shown == [] and not tray.status.calibrating
    assert tray.loop.commands[-1] == Resume()
    tray._handle(Calibrated(None, "calibration refused: you look slouched"))
    assert tray.shown == [("Calibration failed", "calibration refused: you look slouched")]


def test_the_status_line_says_why_it_cannot_judge(tray_with_icon, poses):  # noqa: F811
    """Real landmarks of an upright picture, measured as too dark: never slouch, and the
    menu says why the tray cannot judge."""
    import dataclasses

    tray, t0, _upright = tray_with_icon
    analyzer = PostureAnalyzer(load_profile(PROFILE))
    dark = dataclasses.replace(poses["upright"], luma=6.0)
    for t in range(int(t0) + 62, int(t0) + 120, 2):
        verdict = analyzer.step(float(t), dark)
        assert verdict.raw_state == "unknown" and verdict.reason == "too dark"
        tray._handle(verdict)
    assert status_line(tray).label.startswith("Can't see you well: too dark")
