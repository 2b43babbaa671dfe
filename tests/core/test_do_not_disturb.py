"""Do not disturb in the real session: nudges held back, counted by reason, and a held
break offered once when the last reason goes away.

Each test steps a real :class:`~posture_watch.core.session.Session` with real verdicts of
the demo session's landmarks (the helpers of ``test_session``) at instants it chooses,
and plays the desktop watchers' part by posting :class:`Disturbance`.
"""

from __future__ import annotations

import dataclasses

import pytest

from posture_watch.core import effects as fx
from posture_watch.core.control_protocol import ControlRequest
from posture_watch.core.events import SlouchAlert
from posture_watch.core.held_back import Disturb, PromptHeld
from posture_watch.core.menu import MenuAction
from posture_watch.core.prompt_rules import PromptShown, Reason
from posture_watch.core.settings import AppConfig, PromptConfig
from posture_watch.core.stream import (
    ControlAsked,
    Disturbance,
    NudgeResult,
    SettingsChanged,
    Tick,
    WindowKind,
)
from posture_watch.core.worker_events import CameraBusy, CameraFree, Paused
from tests.core.test_session import DAY, Reader, local, long_sitting, make, upright_minutes
from tests.core.test_session import analyzer as analyzer  # fixtures
from tests.core.test_session import poses as poses

FULL = Disturbance(frozenset({Disturb.FULLSCREEN}))
PAUSED = Disturbance(frozenset({Disturb.NOTIFICATIONS_PAUSED}))
NONE = Disturbance(frozenset())


@pytest.fixture
def sitting(poses, analyzer):
    """A tray session at 17:30 with someone sitting upright for a minute."""
    t0 = local(DAY, 17, 30)
    run = make(t0)
    for t in range(int(t0), int(t0) + 61, 2):
        run.step(analyzer.step(float(t), poses["upright"]), float(t))
    return run


def held(run) -> list[PromptHeld]:
    return [e for e in run.logged if isinstance(e, PromptHeld)]


def recorded(run) -> list[object]:
    return [e.event for e in run.of(fx.Record)]


def test_a_break_held_back_by_a_full_screen_window_is_offered_once_when_it_ends(
    sitting, poses, analyzer
):
    run = sitting
    t = run.wall + 10
    run.step(FULL, t)
    run.step(long_sitting(analyzer, poses, t + 5), t + 5)
    assert run.notified == [] and run.opened == []  # nothing pops up over the film
    (event,) = held(run)
    assert event == PromptHeld(t + 5, Reason.LONG_SITTING, Disturb.FULLSCREEN)
    assert event in recorded(run)  # the history keeps it: never dropped silently
    assert run.session.counts.prompts == 0
    assert run.session.dnd.held == {Disturb.FULLSCREEN: 1}

    run.step(NONE, t + 605)  # the film ends ten minutes later
    ((title, body),) = run.notified
    assert title == "Time for a break"
    assert body.startswith("You have been sitting for 1 h 00 min.")  # 50 + 10 held back
    (shown,) = [e for e in run.logged if isinstance(e, PromptShown)]
    assert shown.t == t + 605 and shown.reason is Reason.LONG_SITTING
    assert run.of(fx.OpenWindow) == [fx.OpenWindow(WindowKind.STRETCH, shown.stretch_id)]

    run.step(FULL, t + 700)
    run.step(NONE, t + 710)  # offered once: a second end offers nothing again
    assert len(run.notified) == 1


def test_a_posture_nudge_held_back_is_counted_not_replayed(sitting, poses, analyzer):
    run = sitting
    t = run.wall + 10
    run.step(PAUSED, t)
    verdict = analyzer.step(t + 2, poses["slouch"])
    run.step(dataclasses.replace(verdict, events=(SlouchAlert(t + 2, t - 40),)), t + 2)
    assert held(run) == [PromptHeld(t + 2, Reason.SLOUCH, Disturb.NOTIFICATIONS_PAUSED)]
    run.step(NONE, t + 60)
    assert run.notified == []  # the slouch of a minute ago may be long over


def test_several_reasons_count_under_one_and_all_must_end(sitting, poses, analyzer):
    run = sitting
    t = run.wall + 10
    run.step(Disturbance(frozenset(Disturb) - {Disturb.CAMERA_LENT}), t)
    run.step(long_sitting(analyzer, poses, t + 5), t + 5)
    assert [e.why for e in held(run)] == [Disturb.FULLSCREEN]  # one nudge, counted once
    assert "nudges wait: full-screen window, 1 held back" in run.status_line.label
    run.step(PAUSED, t + 60)  # the film ended, notifications are still paused
    assert run.notified == []
    run.step(NONE, t + 120)
    assert [title for title, _ in run.notified] == ["Time for a break"]


def test_a_video_call_holds_nudges_back_until_the_camera_is_free(sitting, poses, analyzer):
    run = sitting
    t = run.wall + 10
    run.step(CameraBusy(t, "zoom (pid 4242)", 30.0), t)
    # a verdict analysed just before the camera was let go arrives after it
    run.step(long_sitting(analyzer, poses, t + 1), t + 1)
    assert held(run) == [PromptHeld(t + 1, Reason.LONG_SITTING, Disturb.CAMERA_LENT)]
    assert run.notified == []
    run.step(FULL, t + 1200)  # the call ends in a full-screen presentation
    run.step(CameraFree(t + 1300), t + 1300)
    assert run.notified == []
    run.step(NONE, t + 1400)
    assert [title for title, _ in run.notified] == ["Time for a break"]


def test_a_break_taken_meanwhile_or_a_pause_drops_the_offer(sitting, poses, analyzer):
    run = sitting
    t = run.wall + 10
    run.step(FULL, t)
    run.step(long_sitting(analyzer, poses, t + 2), t + 2)
    for s in range(int(t) + 4, int(t) + 900, 2):  # away from the desk for 15 min
        run.step(analyzer.step(float(s), None), float(s))
    run.step(NONE, t + 900)
    assert run.notified == []  # the break is taken: no nudge to take one
    assert len(held(run)) == 1  # still counted

    run.step(FULL, t + 1000)
    for s in range(int(t) + 1000, int(t) + 1010, 2):
        run.step(analyzer.step(float(s), poses["upright"]), float(s))
    run.step(long_sitting(analyzer, poses, t + 1010), t + 1010)
    run.step(Paused(t + 1020, None), t + 1020)
    run.step(NONE, t + 1030)
    assert run.notified == [] and len(held(run)) == 2  # the person paused nudges


def test_a_stretch_asked_for_is_never_held_back(sitting):
    run = sitting
    run.step(FULL, run.wall + 10)
    run.step(MenuAction.STRETCH, run.wall + 20)
    assert run.opened == [WindowKind.STRETCH] and held(run) == []


def test_posture_watch_status_says_why_nudges_wait(sitting):
    run = sitting
    run.step(FULL, run.wall + 10)
    reply = run.session.step(ControlAsked(ControlRequest("status")), run.now(run.wall + 20))
    (answer,) = [e.reply for e in reply if isinstance(e, fx.Reply)]
    assert answer.message.startswith("Upright · nudges wait: full-screen window · sitting")


def break_with_buttons(run, analyzer, poses, t: float) -> None:
    """A break nudge at ``t``, shown by a server with buttons: its window waits 30 s."""
    out = run.session.step(long_sitting(analyzer, poses, t), run.now(t))
    run.effects += out
    (notify,) = [e for e in out if isinstance(e, fx.Notify)]
    run.step(NudgeResult(notify.nudge, shown=True, answerable=True), t)
    assert run.opened == []  # the window waits for Stretch now


def test_a_break_window_waiting_for_its_buttons_is_held_back_by_a_film(sitting, poses, analyzer):
    """A break nudge shown with buttons opens its stretch window after 30 s unanswered;
    a film started meanwhile holds the window back, counted like a nudge, and it opens
    once when the film ends."""
    run = sitting
    t = run.wall + 10
    break_with_buttons(run, analyzer, poses, t)
    run.step(FULL, t + 20)
    for s in range(int(t) + 21, int(t) + 120):
        run.step(Tick(), float(s))
    assert run.opened == []  # 30 s are long over, but the film plays
    (event,) = held(run)  # held when the 30 s ran out, once
    assert event == PromptHeld(t + 30, Reason.LONG_SITTING, Disturb.FULLSCREEN)
    assert event in recorded(run)  # the history and the report count it
    assert run.session.dnd.held == {Disturb.FULLSCREEN: 1}
    assert "nudges wait: full-screen window, 1 held back" in run.status_line.label

    run.step(NONE, t + 120)  # the film ends: the window opens at once
    (shown,) = [e for e in run.logged if isinstance(e, PromptShown)]
    assert run.of(fx.OpenWindow) == [fx.OpenWindow(WindowKind.STRETCH, shown.stretch_id)]
    assert len(run.notified) == 1  # the nudge is not shown again
    run.step(Tick(), t + 121)
    run.step(FULL, t + 200)
    run.step(NONE, t + 210)
    assert run.opened == [WindowKind.STRETCH]  # offered once


def test_a_held_break_window_stays_shut_after_a_break_or_a_pause(sitting, poses, analyzer):
    run = sitting
    t = run.wall + 10
    break_with_buttons(run, analyzer, poses, t)
    run.step(PAUSED, t + 5)
    run.step(Tick(), t + 31)
    for s in range(int(t) + 32, int(t) + 900, 2):  # away from the desk for 15 min
        run.step(analyzer.step(float(s), None), float(s))
    run.step(NONE, t + 900)
    assert run.opened == [] and len(held(run)) == 1  # the break is taken: still counted

    t = run.wall + 10
    upright_minutes(run, poses, analyzer, t, t + 10)
    break_with_buttons(run, analyzer, poses, t + 10)
    run.step(FULL, t + 15)
    run.step(Tick(), t + 41)
    run.step(Paused(t + 50, None), t + 50)
    run.step(NONE, t + 60)
    assert run.opened == [] and len(held(run)) == 2  # the person paused nudges


def test_with_hold_when_fullscreen_off_a_full_screen_holds_nothing_back(poses, analyzer):
    """Someone who works full screen all day turned ``hold_when_fullscreen`` off: nudges
    and their stretch windows come as usual; paused notifications still hold them."""
    config = AppConfig(prompts=PromptConfig(hold_when_fullscreen=False))
    t0 = local(DAY, 17, 30)
    run = make(t0, config=config)
    upright_minutes(run, poses, analyzer, t0, t0 + 60)
    t = run.wall + 10
    run.step(FULL, t)
    assert "nudges wait" not in run.status_line.label
    break_with_buttons(run, analyzer, poses, t + 5)
    assert [title for title, _ in run.notified] == ["Time for a break"]
    run.step(Tick(), t + 36)  # its 30 s ran out: the window opens over the full screen
    assert run.opened == [WindowKind.STRETCH] and held(run) == []

    run.step(Disturbance(frozenset(Disturb) - {Disturb.CAMERA_LENT}), t + 100)
    verdict = analyzer.step(t + 102, poses["slouch"])
    run.step(dataclasses.replace(verdict, events=(SlouchAlert(t + 102, t + 60),)), t + 102)
    assert held(run) == [PromptHeld(t + 102, Reason.SLOUCH, Disturb.NOTIFICATIONS_PAUSED)]


def test_turning_hold_when_fullscreen_off_during_a_film_lets_the_break_come(
    sitting, poses, analyzer
):
    run = sitting
    t = run.wall + 10
    run.step(FULL, t)
    run.step(long_sitting(analyzer, poses, t + 5), t + 5)
    assert run.notified == [] and len(held(run)) == 1
    off = AppConfig(prompts=PromptConfig(hold_when_fullscreen=False))
    run.step(SettingsChanged(off), t + 60)  # from the preferences window, while it plays
    assert [title for title, _ in run.notified] == ["Time for a break"]
    assert "nudges wait" not in run.status_line.label
    run.step(SettingsChanged(AppConfig()), t + 120)  # back on: the film holds again
    assert "nudges wait: full-screen window" in run.status_line.label


def test_the_days_journal_question_waits_for_the_talk_to_end():
    run = make(local(DAY, 17, 29), reader=Reader(), daily_at=17 * 60 + 30, journal_prompt=True)
    run.step(FULL, local(DAY, 17, 29, 30))
    run.step(Tick(), local(DAY, 17, 30, 1))  # the report time: the question is due
    assert run.of(fx.WriteReport) and run.opened == []
    run.step(NONE, local(DAY, 17, 45))
    assert run.opened == [WindowKind.JOURNAL]
    run.step(FULL, local(DAY, 17, 50))
    run.step(NONE, local(DAY, 17, 55))
    assert run.opened == [WindowKind.JOURNAL]  # asked once
