"""Breaks that follow the posture: the limit from a measured hold time, its bounds, the
words of the break nudge, and the session telling the worker (on synthetic histories
whose hold times are known, through the real :func:`hold_estimate`)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from posture_watch.core import effects as fx
from posture_watch.core.break_limits import (
    FIXED,
    FLOOR,
    MARGIN,
    POSTURE,
    BreakTimingSet,
    break_limit,
)
from posture_watch.core.break_warning import BreakRules
from posture_watch.core.posture_breaks import break_nudge
from posture_watch.core.posture_decay import hold_estimate
from posture_watch.core.prompt_rules import PromptDue, Reason
from posture_watch.core.prompts import Prompt, PromptKind
from posture_watch.core.report import History, Interval, day_bounds
from posture_watch.core.settings import AppConfig, PromptConfig, Settings
from posture_watch.core.stream import SettingsChanged, Tick
from posture_watch.core.worker_events import Reconfigure
from tests.core.test_session import make
from tests.report.histories import DAY, TZ, at, concat, minutes

SIT_MAX = 3000.0  # 50 min, the default
ON = AppConfig(prompts=PromptConfig(breaks_follow_posture=True))
OFF = AppConfig()


def spells(*holds: int, length: int = 60) -> History:
    """One sitting spell a hold time, each upright for its hold, then fading (slouching
    with upright moments), and a 10-minute break after it."""
    t, parts, bouts, breaks = at(8.0), [], [], []
    for hold in holds:
        states = ("U" * hold + "SSU" * length)[:length]
        parts.append(minutes(t, states + "A" * 10))
        bouts.append(Interval(t, t + 60.0 * length))
        breaks.append(Interval(t + 60.0 * length, t + 60.0 * (length + 10)))
        t += 60.0 * (length + 10)
    return History(
        *day_bounds(DAY, TZ), minutes=concat(*parts), bouts=tuple(bouts), breaks=tuple(breaks)
    )


class Reader:
    """The history's hold time, as ``history.today.RecorderToday`` reads it."""

    def __init__(self, history: History) -> None:
        self.history, self.asked = history, []

    def hold(self, start, end):
        self.asked.append((start, end))
        return hold_estimate(self.history, start, end)

    def day_summary(self, day, tz):
        return None

    def has_journal_entry(self, day, tz):
        return False


def limit_of(*holds: int, sit_max: float = SIT_MAX, length: int = 60) -> BreakTimingSet:
    history = spells(*holds, length=length)
    return break_limit(0.0, True, sit_max, hold_estimate(history, history.start, history.end))


def test_a_known_hold_time_moves_the_limit_to_it_plus_the_margin():
    timing = limit_of(20, 25, 30, 34, 34, 40, 45)  # median 34 min
    assert timing == BreakTimingSet(0.0, POSTURE, 34 * 60 + MARGIN, 34.0, 7)
    assert timing.limit == 39 * 60.0 and timing.follows


@pytest.mark.parametrize(
    ("holds", "limit"),
    [((10, 11, 12, 12, 13), FLOOR), ((12, 14, 15, 16, 20), FLOOR), ((50, 52, 55, 55, 58), SIT_MAX)],
)
def test_the_limit_stays_between_20_min_and_sit_max(holds, limit):
    timing = limit_of(*holds)
    assert timing.limit == limit and timing.follows


def test_fewer_than_five_spells_keep_sit_max_and_say_so():
    timing = limit_of(20, 25, 30, 34)
    assert timing == BreakTimingSet(0.0, POSTURE, SIT_MAX, None, 4) and not timing.follows
    due = PromptDue(0.0, Reason.LONG_SITTING, BREAK, lasted=SIT_MAX)
    nudge = break_nudge(due, timing)
    assert nudge is not None and nudge.title == "Time for a break"
    assert nudge.body.splitlines() == [
        "You have been sitting for 50 min. Breaks follow your posture once 5 sitting "
        "spells are measured (4 so far).",
        "Stand up and walk.",
    ]


def test_posture_that_outlasts_the_spells_keeps_sit_max():
    timing = limit_of(20, 30, 40, 40, 40, length=35)  # three of five held to the end
    assert timing.limit == SIT_MAX and timing.hold is None and timing.spells == 5
    assert "held through most of your sitting spells" in break_nudge(BREAK_DUE, timing).body


def test_off_is_the_fixed_timer_whatever_the_history():
    assert break_limit(0.0, False, SIT_MAX, None) == BreakTimingSet(0.0, FIXED, SIT_MAX)
    assert break_nudge(BREAK_DUE, BreakTimingSet(0.0, FIXED, SIT_MAX)) is None


BREAK = Prompt(
    "walk", PromptKind.BREAK, "Take a walk", "Stand up and walk. Legs that move.", "guide"
)
BREAK_DUE = PromptDue(0.0, Reason.LONG_SITTING, BREAK, lasted=39 * 60.0)


def test_the_break_nudge_says_why_it_comes_now():
    nudge = break_nudge(BREAK_DUE, limit_of(20, 25, 30, 34, 34, 40, 45))
    assert nudge is not None
    assert nudge.body.splitlines() == [
        "Your posture usually fades after about 34 min; time for a short break.",
        "Stand up and walk.",
    ]
    slouch = PromptDue(0.0, Reason.SLOUCH, BREAK, lasted=40.0)
    assert break_nudge(slouch, limit_of(20, 25, 30, 34, 34)) is None  # posture nudges as ever


def session_on(history: History, config: AppConfig = ON):
    wall = at(9.0, DAY + timedelta(days=1))
    reader = Reader(history)
    run = make(wall, config=config, breaks=BreakRules.from_config(config), reader=reader)
    return run, reader, wall


def test_the_session_tells_the_worker_the_limit_and_records_it():
    run, reader, wall = session_on(spells(20, 25, 30, 34, 34, 40, 45))
    assert reader.asked == [(wall - 7 * 86400.0, wall)]  # the last 7 days
    [command] = run.sent
    assert isinstance(command, Reconfigure) and command.decision.sit_max == 39 * 60.0
    assert run.session.settings.breaks.sit_max == 39 * 60.0  # the warning before it too
    [record] = [e.event for e in run.of(fx.Record) if isinstance(e.event, BreakTimingSet)]
    assert (record.mode, record.limit, record.hold, record.spells) == (POSTURE, 2340.0, 34.0, 7)


def test_turning_it_off_restores_the_fixed_timer_and_on_again_says_what_it_does():
    run, _reader, _wall = session_on(spells(20, 25, 30, 34, 34, 40, 45))
    run.step(SettingsChanged(OFF))
    assert run.sent[-1].decision == Settings()  # sit_max 50 min again
    assert run.session.settings.breaks.sit_max == SIT_MAX
    assert run.session.posture_breaks.timing.mode == FIXED
    run.step(SettingsChanged(ON))
    assert run.sent[-1].decision.sit_max == 39 * 60.0
    title, body = run.notified[-1]
    assert title == "Breaks follow your posture"
    assert body == (
        "Your posture usually fades after about 34 min: break nudges now come after 39 min "
        "of sitting."
    )
    modes = [e.event.mode for e in run.of(fx.Record) if isinstance(e.event, BreakTimingSet)]
    assert modes == [POSTURE, FIXED, POSTURE]


def test_off_by_default_the_session_sends_nothing_and_records_the_fixed_timer():
    run, reader, _wall = session_on(spells(20, 25, 30, 34, 34, 40, 45), OFF)
    assert run.sent == [] and reader.asked == []  # no history read for nothing
    assert run.session.settings.breaks.sit_max == SIT_MAX
    [record] = [e.event for e in run.of(fx.Record) if isinstance(e.event, BreakTimingSet)]
    assert (record.mode, record.limit) == (FIXED, SIT_MAX)


def test_a_new_day_measures_again_and_records_the_day():
    run, reader, wall = session_on(spells(20, 25, 30, 34, 34, 40, 45))
    run.step(Tick(), wall + 3600.0)
    assert len(reader.asked) == 1  # the same day: the limit stays
    run.step(Tick(), wall + 86400.0)
    assert reader.asked[-1] == (wall + 86400.0 - 7 * 86400.0, wall + 86400.0)
    kept = [e.event for e in run.of(fx.Record) if isinstance(e.event, BreakTimingSet)]
    assert [r.limit for r in kept] == [2340.0, 2340.0]  # every day has its record
    assert len(run.sent) == 1  # the worker already has that limit
