"""The buttons on a nudge (Snooze, Stretch now, I'm fine) through the session's public face:
a press feeds the same prompt rules and history events as the stretch window's buttons."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from posture_watch import paths
from posture_watch.core import effects as fx
from posture_watch.core.analyzer import PostureAnalyzer, Verdict
from posture_watch.core.events import LongSittingAlert, SlouchAlert
from posture_watch.core.nudge_answers import BREAK_CATEGORY, CHOICE_TIME, POSTURE_CATEGORY
from posture_watch.core.prompt_rules import (
    PromptAnswered,
    PromptRules,
    PromptScheduler,
    PromptShown,
)
from posture_watch.core.prompts import PromptChooser
from posture_watch.core.session import Session, SessionSettings
from posture_watch.core.stream import (
    NotificationAnswered,
    Now,
    NudgeAction,
    NudgeResult,
    SessionInput,
    Tick,
    WindowClosed,
    WindowKind,
)
from posture_watch.profiles import load_profile
from posture_watch.prompt_library import builtin_prompts
from posture_watch.sources import RecordingSource

DAY = date(2026, 11, 24)
T0 = datetime(2026, 11, 24, 17, 30).timestamp()


class Desk:
    """A tray session whose notification server shows buttons (``answerable``) or not;
    every nudge is shown. ``effects`` keeps everything the session asked for."""

    def __init__(self, *, answerable: bool = True, **settings: object) -> None:
        self.scheduler = PromptScheduler(PromptRules(), PromptChooser(builtin_prompts(), seed=3))
        self.session = Session(
            SessionSettings(**settings),  # type: ignore[arg-type]
            self.scheduler,
            Now.at(T0, 1000.0),
            ZoneInfo("Europe/Berlin"),
        )
        self.answerable = answerable
        self.effects: list[fx.Effect] = []
        self.session.start(Now.at(T0, 1000.0))

    def step(self, item: SessionInput, t: float) -> None:
        now = Now.at(t, 1000.0 + t - T0)
        for effect in self.session.step(item, now):
            self.effects.append(effect)
            if isinstance(effect, fx.Notify) and effect.nudge is not None:
                self.step(NudgeResult(effect.nudge, True, answerable=self.answerable), t)

    def nudges(self) -> list[fx.Notify]:
        return [e for e in self.effects if isinstance(e, fx.Notify) and e.nudge is not None]

    def logged(self, kind: type) -> list:
        return [
            e.event for e in self.effects if isinstance(e, fx.Log) and isinstance(e.event, kind)
        ]

    def opened(self) -> list[fx.OpenWindow]:
        return [e for e in self.effects if isinstance(e, fx.OpenWindow)]


@pytest.fixture(scope="module")
def frame() -> Verdict:
    """One upright frame of the demo recording, analysed with its calibration."""
    analyzer = PostureAnalyzer(load_profile(paths.SAMPLES_DIR / "demo-profile.json"))
    frames = RecordingSource(paths.SAMPLES_DIR / "demo-session.jsonl").frames()
    upright = next(f for f in frames if "/notSlouching/" in f.name)
    assert upright.landmarks is not None
    return analyzer.step(T0, upright.landmarks)


def with_event(frame: Verdict, t: float, event: object) -> Verdict:
    return dataclasses.replace(frame, t=t, events=(event,))


def break_nudge(desk: Desk, frame: Verdict, t: float = T0) -> fx.Notify:
    desk.step(with_event(frame, t, LongSittingAlert(t, t - 3000)), t)
    return desk.nudges()[-1]


def test_a_break_nudge_offers_snooze_and_stretch_and_a_posture_nudge_im_fine(frame):
    desk = Desk()
    note = break_nudge(desk, frame)
    assert note.actions == (
        (NudgeAction.SNOOZE, "Snooze 10 min"),
        (NudgeAction.STRETCH, "Stretch now"),
    )
    assert note.category == BREAK_CATEGORY
    assert note.nudge is not None and note.prompt_id == note.nudge.prompt.id
    t = T0 + 3600
    desk.step(with_event(frame, t, SlouchAlert(t, t - 40)), t)
    posture = desk.nudges()[-1]
    assert posture.title == "Time to sit up"
    assert posture.actions == ((NudgeAction.FINE, "I'm fine"),)
    assert posture.category == POSTURE_CATEGORY


def test_without_windows_a_break_offers_only_snooze(frame):
    note = break_nudge(Desk(windows=False), frame)
    assert note.actions == ((NudgeAction.SNOOZE, "Snooze 10 min"),)


def test_with_buttons_the_stretch_window_waits_for_stretch_now(frame):
    desk = Desk()
    note = break_nudge(desk, frame)
    [shown] = desk.logged(PromptShown)  # shown and recorded once, without its window
    assert desk.opened() == []
    assert note.prompt_id is not None and shown.stretch_id is not None

    desk.step(NotificationAnswered(note.prompt_id, NudgeAction.STRETCH), T0 + 5)
    assert desk.opened() == [fx.OpenWindow(WindowKind.STRETCH, shown.stretch_id)]
    desk.step(WindowClosed(WindowKind.STRETCH, "done"), T0 + 90)
    assert desk.logged(PromptAnswered) == [PromptAnswered(T0 + 90, shown.stretch_id, "done")]
    desk.step(NotificationAnswered(note.prompt_id, NudgeAction.STRETCH), T0 + 95)
    assert len(desk.opened()) == 1  # a second press of the same bubble changes nothing


def test_snooze_is_the_windows_snooze(frame):
    desk = Desk()
    note = break_nudge(desk, frame)
    assert note.prompt_id is not None
    desk.step(NotificationAnswered(note.prompt_id, NudgeAction.SNOOZE), T0 + 5)
    assert desk.logged(PromptAnswered) == [PromptAnswered(T0 + 5, note.prompt_id, "snoozed")]
    assert desk.scheduler.snoozed_until == T0 + 5 + 600  # the prompt rules stay silent
    assert desk.opened() == []
    t = T0 + 300  # a slouch within the snooze: held back, as after the window's Snooze
    desk.step(with_event(frame, t, SlouchAlert(t, t - 40)), t)
    assert len(desk.nudges()) == 1


def test_im_fine_is_recorded_as_the_posture_nudges_answer(frame):
    desk = Desk()
    desk.step(with_event(frame, T0, SlouchAlert(T0, T0 - 40)), T0)
    [note] = desk.nudges()
    assert note.prompt_id is not None
    assert [s.prompt_id for s in desk.logged(PromptShown)] == [note.prompt_id]
    desk.step(NotificationAnswered(note.prompt_id, NudgeAction.FINE), T0 + 4)
    assert desk.logged(PromptAnswered) == [PromptAnswered(T0 + 4, note.prompt_id, "fine")]
    assert desk.scheduler.snoozed_until is None


def test_without_buttons_the_window_opens_with_the_nudge_and_presses_are_ignored(frame):
    desk = Desk(answerable=False)
    note = break_nudge(desk, frame)
    [shown] = desk.logged(PromptShown)
    assert desk.opened() == [fx.OpenWindow(WindowKind.STRETCH, shown.stretch_id)]
    assert note.prompt_id is not None
    desk.step(NotificationAnswered(note.prompt_id, NudgeAction.SNOOZE), T0 + 5)
    desk.step(NotificationAnswered("no-such-nudge", NudgeAction.FINE), T0 + 6)
    assert desk.logged(PromptAnswered) == []


def test_a_break_nudge_left_unanswered_opens_its_window_when_the_choice_is_over(frame):
    desk = Desk()
    note = break_nudge(desk, frame)
    [shown] = desk.logged(PromptShown)
    assert note.prompt_id is not None
    desk.step(Tick(), T0 + CHOICE_TIME - 1)
    assert desk.opened() == []
    desk.step(Tick(), T0 + CHOICE_TIME)  # ignoring the buttons does not skip the break
    assert desk.opened() == [fx.OpenWindow(WindowKind.STRETCH, shown.stretch_id)]
    desk.step(NotificationAnswered(note.prompt_id, NudgeAction.SNOOZE), T0 + CHOICE_TIME + 1)
    assert desk.logged(PromptAnswered) == []  # too late: the window has its own Snooze


def test_a_snoozed_break_opens_no_window_when_the_choice_is_over(frame):
    desk = Desk()
    note = break_nudge(desk, frame)
    assert note.prompt_id is not None
    desk.step(NotificationAnswered(note.prompt_id, NudgeAction.SNOOZE), T0 + 5)
    desk.step(Tick(), T0 + CHOICE_TIME + 5)
    assert desk.opened() == []
