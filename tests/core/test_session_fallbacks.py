"""Where no window can open (Wayland without XWayland): the session says so once and
gives each window's job to a notification that says what to do."""

from __future__ import annotations

from posture_watch.core import effects as fx
from posture_watch.core.control_protocol import ControlRequest
from posture_watch.core.menu import MenuAction
from posture_watch.core.stream import ControlAsked
from posture_watch.core.worker_events import Pause
from posture_watch.prompt_library import builtin_prompts
from tests.core.test_session import DAY, analyzer, local, long_sitting, make, poses

__all__ = ["analyzer", "poses"]  # fixtures

NO_WINDOWS = "posture-watch cannot open windows here"


def test_the_tray_says_once_that_windows_cannot_open():
    run = make(local(DAY, 10, 0), windows=False)
    assert [title for title, _ in run.notified] == [NO_WINDOWS]
    run.step(MenuAction.PAUSE_15)
    assert [title for title, _ in run.notified] == [NO_WINDOWS]
    assert make(local(DAY, 10, 0)).notified == []  # with windows: nothing to say
    assert make(local(DAY, 10, 0), windows=False, tray=False).notified == []  # the console


def test_the_journal_and_calibrate_name_the_command_to_run_in_a_terminal():
    run = make(local(DAY, 10, 0), windows=False)
    run.step(MenuAction.JOURNAL)
    run.step(MenuAction.CALIBRATE)
    assert run.opened == []
    (_, journal), (_, calibrate) = run.notified[1:]
    assert "run `posture-watch journal` in a terminal" in journal
    assert "run `posture-watch calibrate` in a terminal" in calibrate
    assert run.sent == [] and not run.session.status.calibrating  # the camera stays on


def test_stretch_now_gives_the_steps_in_a_notification():
    run = make(local(DAY, 10, 0), windows=False)
    run.step(MenuAction.STRETCH)
    assert run.opened == []
    ((title, body),) = run.notified[1:]
    stretch = next(p for p in builtin_prompts() if title == f"Stretch: {p.title}")
    assert body.splitlines()[0] == f"1. {stretch.steps[0]}"
    assert body.splitlines()[-1].startswith(f"Hold for {stretch.hold_seconds} s")
    reply = [e.reply for e in run.step(ControlAsked(ControlRequest("stretch")))
             if isinstance(e, fx.Reply)]  # fmt: skip
    assert reply[0].ok and "notification" in reply[0].message


def test_a_break_nudge_says_stand_up_and_points_to_no_window(poses, analyzer):
    run = make(local(DAY, 17, 30), windows=False)
    run.step(long_sitting(analyzer, poses, run.wall))
    ((title, body),) = run.notified[1:]
    assert title == "Time for a break"
    assert "stretch" not in body and len(body.splitlines()) == 2  # one thing to do
    assert run.opened == [] and not any(isinstance(c, Pause) for c in run.sent)
    with_windows = make(local(DAY, 17, 30))
    with_windows.step(long_sitting(analyzer, poses, with_windows.wall))
    assert with_windows.notified[0][1] == body  # the same words: the stretch is a button
