"""The warning before a break (Postpone 5 min, Skip) and the minute between two nudges,
through the real session.

Each test steps a real :class:`~posture_watch.core.session.Session` with real verdicts
of the demo session's landmarks, made by a real analyzer whose timeline raises the
long-sitting alert itself (``sit_max`` 10 min here), at instants read from a
:class:`~posture_watch.clock.ManualClock` that the test moves; the buttons come as the
notification helper posts them (:class:`NotificationAnswered`).
"""

from __future__ import annotations

import pytest

from posture_watch.clock import ManualClock
from posture_watch.core import effects as fx
from posture_watch.core.analyzer import PostureAnalyzer, Verdict
from posture_watch.core.break_warning import (
    WARNING_ID,
    BreakPostponed,
    BreakRules,
    BreakSkipped,
)
from posture_watch.core.held_back import Disturb
from posture_watch.core.nudge_timing import WARNING_CATEGORY
from posture_watch.core.prompt_rules import Answer, PromptShown, PromptSuppressed, Reason, Why
from posture_watch.core.settings import Settings
from posture_watch.core.stream import (
    Disturbance,
    NotificationAnswered,
    NudgeAction,
    Tick,
)
from posture_watch.core.worker_events import Paused
from posture_watch.profiles import load_profile
from tests.core.test_session import DAY, PROFILE, Run, local, make
from tests.core.test_session import poses as poses  # fixture

SIT_MAX = 600.0
RULES = BreakRules(sit_max=SIT_MAX, warning=60.0, max_postpones=2)
POSTPONE = NotificationAnswered(WARNING_ID, NudgeAction.POSTPONE)
SKIP = NotificationAnswered(WARNING_ID, NudgeAction.SKIP)


class Desk:
    """A tray session, a real analyzer and a manual clock: :meth:`sit` feeds a frame
    every 2 s of clock time, the way the camera worker would."""

    def __init__(self, poses, breaks: BreakRules | None = RULES, **settings) -> None:
        self.clock = ManualClock(local(DAY, 10))
        self.t0 = self.clock.wall()
        self.poses = poses
        self.analyzer = PostureAnalyzer(load_profile(PROFILE), Settings(sit_max=SIT_MAX))
        self.run: Run = make(self.t0, breaks=breaks, **settings)

    @property
    def t(self) -> float:
        """Seconds since the start."""
        return self.clock.wall() - self.t0

    def step(self, item) -> list[fx.Effect]:
        return self.run.step(item, self.clock.wall())

    def sit(self, until: float, pose: str = "upright") -> None:
        """Frames every 2 s until ``until`` seconds after the start."""
        while self.t < until:
            self.clock.advance(2.0)
            wall = self.clock.wall()
            self.step(self.analyzer.step(wall, self.poses[pose]))

    def away(self, until: float) -> None:
        """Nobody in the frames (a break) until ``until``."""
        while self.t < until:
            self.clock.advance(2.0)
            self.step(self.analyzer.step(self.clock.wall(), None))

    def notes(self, title: str) -> list[tuple[float, fx.Notify]]:
        """The notifications titled ``title`` and the frame (seconds after the start) they
        came with."""
        found, t = [], 0.0
        for effect in self.run.effects:
            if isinstance(effect, fx.Record) and isinstance(effect.event, Verdict):
                t = effect.event.t - self.t0  # the frame the notification came with
            if isinstance(effect, fx.Notify) and effect.title == title:
                found.append((t, effect))
        return found

    def shown(self) -> list[PromptShown]:
        return [e for e in self.run.logged if isinstance(e, PromptShown)]

    def logged(self, kind: type) -> list:
        return [e for e in self.run.logged if isinstance(e, kind)]

    def recorded(self, kind: type) -> list:
        return [e.event for e in self.run.of(fx.Record) if isinstance(e.event, kind)]


def breaks_shown(desk: Desk) -> list[float]:
    """When (seconds after the start) break nudges were shown."""
    return [s.t - desk.t0 for s in desk.shown() if s.reason is Reason.LONG_SITTING]


def test_the_warning_comes_a_minute_before_the_break_with_postpone_and_skip(poses):
    desk = Desk(poses)
    desk.sit(SIT_MAX - 62)
    assert desk.notes("Break in 1 min") == []
    desk.sit(SIT_MAX + 10)
    ((t, warning),) = desk.notes("Break in 1 min")
    assert SIT_MAX - 60 <= t < SIT_MAX - 56  # the first frame of the spell's last minute
    assert warning.body == "Finish what you are doing, then stand up and leave the desk."
    assert warning.actions == ((NudgeAction.POSTPONE, "Postpone 5 min"), (NudgeAction.SKIP, "Skip"))
    assert (warning.category, warning.prompt_id, warning.nudge) == (
        WARNING_CATEGORY,
        WARNING_ID,
        None,
    )
    assert breaks_shown(desk) == [pytest.approx(SIT_MAX, abs=2)]  # on time, unchanged


def test_postpone_moves_the_break_by_5_min_and_warns_again(poses):
    desk = Desk(poses)
    desk.sit(SIT_MAX - 50)
    desk.step(POSTPONE)
    (postponed,) = desk.recorded(BreakPostponed)  # the history counts it
    assert postponed.until - desk.t0 == pytest.approx(SIT_MAX + 300, abs=2)
    assert postponed.number == 1 and postponed in desk.logged(BreakPostponed)
    desk.sit(SIT_MAX + 240)
    assert breaks_shown(desk) == []  # not at 10 min
    desk.sit(SIT_MAX + 320)
    warnings = [t for t, _ in desk.notes("Break in 1 min")]
    assert warnings == [pytest.approx(SIT_MAX - 60, abs=2), pytest.approx(SIT_MAX + 240, abs=2)]
    assert breaks_shown(desk) == [pytest.approx(SIT_MAX + 300, abs=2)]
    (break_nudge,) = desk.notes("Time for a break")
    assert break_nudge[1].body.startswith("You have been sitting for 15 min.")


def test_postponements_are_limited_per_sitting_spell_and_start_again_after_a_break(poses):
    desk = Desk(poses)
    for n in (1, 2):
        desk.sit(SIT_MAX + (n - 1) * 300 - 50)  # in the warning's minute
        desk.step(POSTPONE)
    desk.sit(SIT_MAX + 600 - 50)
    last = desk.notes("Break in 1 min")[-1][1]
    assert last.actions == ((NudgeAction.SKIP, "Skip"),)  # no Postpone after the limit
    desk.step(POSTPONE)  # an old bubble's button: changes nothing, counts nothing
    assert [p.number for p in desk.recorded(BreakPostponed)] == [1, 2]
    desk.sit(SIT_MAX + 620)
    assert breaks_shown(desk) == [pytest.approx(SIT_MAX + 600, abs=2)]
    desk.away(SIT_MAX + 620 + 180)  # a break: a new sitting spell
    start = desk.t
    desk.sit(start + SIT_MAX - 50)
    new = desk.notes("Break in 1 min")[-1][1]
    assert new.actions[0] == (NudgeAction.POSTPONE, "Postpone 5 min")


def test_skip_lets_the_spell_go_without_a_break_nudge_and_is_counted(poses):
    desk = Desk(poses)
    desk.sit(SIT_MAX - 30)
    desk.step(SKIP)
    (skipped,) = desk.recorded(BreakSkipped)
    assert skipped.due - desk.t0 == pytest.approx(SIT_MAX, abs=2)
    desk.sit(SIT_MAX + 900)
    assert breaks_shown(desk) == [] and desk.notes("Time for a break") == []
    assert len(desk.notes("Break in 1 min")) == 1  # and no warning again in this spell
    desk.step(SKIP)
    assert len(desk.recorded(BreakSkipped)) == 1  # a second press counts nothing


def test_no_warning_while_paused_or_with_the_setting_off(poses):
    desk = Desk(poses)
    desk.sit(SIT_MAX - 120)
    desk.step(Paused(desk.clock.wall(), None))  # the worker says so (the menu asked)
    desk.sit(SIT_MAX + 10)
    assert desk.notes("Break in 1 min") == []
    off = Desk(poses, breaks=BreakRules(sit_max=SIT_MAX, warning=0.0))
    off.sit(SIT_MAX + 10)
    assert off.notes("Break in 1 min") == [] and len(breaks_shown(off)) == 1
    off.step(POSTPONE)
    assert off.recorded(BreakPostponed) == []


def test_no_warning_while_nudges_are_held_back_or_snoozed(poses):
    desk = Desk(poses)
    desk.sit(SIT_MAX - 120)
    desk.step(Disturbance(frozenset({Disturb.FULLSCREEN})))  # a film, full screen
    desk.sit(SIT_MAX - 30)
    assert desk.notes("Break in 1 min") == []
    snoozed = Desk(poses)
    snoozed.sit(SIT_MAX - 120)
    scheduler = snoozed.run.session.scheduler
    assert scheduler is not None
    scheduler.answered(snoozed.clock.wall(), "any", Answer.SNOOZED)  # Snooze 10 min
    snoozed.sit(SIT_MAX - 30)
    assert snoozed.notes("Break in 1 min") == []


# -- a minute between nudges -----------------------------------------------------------


def test_a_break_nudge_16_s_after_a_posture_nudge_waits_until_the_minute_is_over(poses):
    desk = Desk(poses, breaks=None)  # no warning: the two nudges alone
    desk.sit(SIT_MAX - 60)
    desk.sit(SIT_MAX + 100, pose="slouch")
    (posture,) = [s for s in desk.shown() if s.reason is Reason.SLOUCH]
    (brk,) = [s for s in desk.shown() if s.reason is Reason.LONG_SITTING]
    slouch_at = posture.t - desk.t0
    assert SIT_MAX - 60 < slouch_at < SIT_MAX  # the slouch nudge came first
    assert SIT_MAX - slouch_at < 60  # the alert came within its minute...
    assert brk.t - posture.t == pytest.approx(60, abs=2)  # ...and the nudge waited for it
    (notified,) = desk.notes("Time for a break")
    assert notified[1].body.startswith("You have been sitting for 11 min.")


def test_a_waiting_nudge_goes_out_on_a_tick_when_no_frame_comes(poses):
    desk = Desk(poses, breaks=None)
    desk.sit(SIT_MAX - 40)
    desk.sit(SIT_MAX + 2, pose="slouch")
    assert [s.reason for s in desk.shown()] == [Reason.SLOUCH]
    desk.clock.advance(60)  # the camera is slow: no frame for a minute
    desk.step(Tick())
    assert [s.reason for s in desk.shown()] == [Reason.SLOUCH, Reason.LONG_SITTING]
    assert desk.shown()[1].t - desk.shown()[0].t >= 60


def test_a_nudge_that_waits_merges_into_a_break_and_is_given_up_by_a_pause(poses):
    desk = Desk(poses)  # the warning at 9 min, then a slouch nudge within its minute
    desk.sit(SIT_MAX - 80)
    desk.sit(SIT_MAX + 30, pose="slouch")
    assert [s.reason for s in desk.shown()] == [Reason.LONG_SITTING]  # the slouch merged
    assert [(e.reason, e.why) for e in desk.logged(PromptSuppressed)] == [
        (Reason.SLOUCH, Why.MERGED)
    ]
    (warning_at, _), (break_at, _) = (
        desk.notes("Break in 1 min")[0],
        desk.notes("Time for a break")[0],
    )
    assert break_at - warning_at >= 60
    paused = Desk(poses, breaks=None)
    paused.sit(SIT_MAX - 40)
    paused.sit(SIT_MAX + 2, pose="slouch")
    paused.step(Paused(paused.clock.wall(), None))
    paused.sit(SIT_MAX + 120)
    assert [s.reason for s in paused.shown()] == [Reason.SLOUCH]
    assert (Reason.LONG_SITTING, Why.PAUSED) in [
        (e.reason, e.why) for e in paused.logged(PromptSuppressed)
    ]
