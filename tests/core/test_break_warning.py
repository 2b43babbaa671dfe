"""The pure rules of the warning before a break (:class:`BreakPlan`) and of the minute
between nudges (:class:`NudgeSpacer`), stepped with plain numbers: the edges the session
tests do not reach (a warning that had to wait, a warning as long as the sitting time, a
button pressed too late, two nudges waiting at once)."""

from __future__ import annotations

import pytest

from posture_watch.core.break_warning import (
    BreakAnswerRecord,
    BreakPlan,
    BreakRules,
    WarningDue,
    lead_time,
    tally_break_answers,
    warning_words,
)
from posture_watch.core.events import BreakStarted, LongSittingAlert
from posture_watch.core.nudge_spacing import NudgeSpacer
from posture_watch.core.prompt_rules import PromptDue, Reason
from posture_watch.prompt_library import builtin_prompts

RULES = BreakRules(sit_max=600.0, warning=60.0, max_postpones=1)
SPELL = 1000.0  # the sitting spell began here; the break nudge is due at 1600
PROMPT = builtin_prompts()[0]


def frames(plan: BreakPlan, start: float, end: float, *, can_warn=True, alert_at=None):
    """Step ``plan`` every 2 s; the warnings and the alerts it let through."""
    warnings, alerts = [], []
    t = start
    while t <= end:
        events = (LongSittingAlert(t, SPELL),) if alert_at is not None and t == alert_at else ()
        kept, warning = plan.step(t, SPELL, events, RULES, can_warn=can_warn(t))
        warnings += [warning] if warning else []
        alerts += [e.t for e in kept if isinstance(e, LongSittingAlert)]
        t += 2.0
    return warnings, alerts


def test_a_warning_that_had_to_wait_moves_the_break_so_its_words_hold():
    plan = BreakPlan()
    (warning,), alerts = frames(plan, SPELL, 1700, can_warn=lambda t: t >= 1580, alert_at=1600)
    assert (warning.t, warning.due) == (1580.0, 1640.0)  # 20 s late: the break moves 20 s
    assert warning_words(warning)[0] == "Break in 1 min"
    assert alerts == [1640.0]  # the timeline's alert at 1600 waited for the warning's minute


def test_no_warning_once_the_break_is_due_and_none_twice_for_one_break():
    plan = BreakPlan()
    warnings, alerts = frames(plan, SPELL, 1700, can_warn=lambda t: t >= 1600, alert_at=1600)
    assert warnings == [] and alerts == [1600.0]
    plan = BreakPlan()
    warnings, _ = frames(plan, SPELL, 1598, can_warn=lambda t: True)
    assert [w.t for w in warnings] == [1540.0]


def test_the_warning_is_never_longer_than_half_the_sitting_time():
    short = BreakRules(sit_max=60.0, warning=600.0)
    assert lead_time(short) == 30.0 and lead_time(RULES) == 60.0
    plan = BreakPlan()
    _, warning = plan.step(SPELL + 10, SPELL, (), short)
    assert warning is None  # not as the person sits down
    _, warning = plan.step(SPELL + 30, SPELL, (), short)
    assert warning == WarningDue(SPELL + 30, SPELL + 60, True)


def test_buttons_pressed_after_the_break_nudge_or_past_the_limit_change_nothing():
    plan = BreakPlan()
    frames(plan, SPELL, 1560, can_warn=lambda t: True)
    assert plan.postpone(1560, RULES) is not None
    assert plan.postpone(1570, RULES) is None  # max_postpones = 1
    assert plan.due(RULES) == 1900.0
    _, alerts = frames(plan, 1562, 1910, can_warn=lambda t: True, alert_at=1600)
    assert alerts == [1900.0]
    assert plan.skip(1905, RULES) is None and plan.postpone(1905, RULES) is None


def test_a_break_starts_a_new_spell_with_its_own_postponements():
    plan = BreakPlan()
    plan.step(1550, SPELL, (), RULES)
    assert plan.postpone(1550, RULES) is not None and plan.postpones == 1
    plan.step(1560, None, (BreakStarted(1560, 1440),), RULES)
    assert plan.postpones == 0 and plan.due(RULES) is None
    assert plan.skip(1570, RULES) is None  # no spell: nothing to skip


def test_tally_counts_each_answer_and_leaves_unknown_ones_out():
    records = [BreakAnswerRecord(1.0, a) for a in ("postponed", "skipped", "postponed", "later")]
    tally = tally_break_answers(records)
    assert (tally.postponed, tally.skipped) == (2, 1)
    assert tally.text() == "breaks postponed twice, skipped once"
    assert tally_break_answers([]).text() == ""


def due(t: float, reason: Reason, lasted: float = 30.0) -> PromptDue:
    return PromptDue(t, reason, PROMPT, lasted=lasted)


def test_two_nudges_waiting_at_once_keep_the_one_that_asks_more():
    spacer = NudgeSpacer()
    assert spacer.offer(due(0.0, Reason.SLOUCH)) == (True, None)
    check = due(10.0, Reason.CHECK)
    assert spacer.offer(check) == (False, None)  # waits
    brk = due(20.0, Reason.LONG_SITTING, lasted=3000.0)
    assert spacer.offer(brk) == (False, check)  # the break stays, the check merges in
    slouch = due(30.0, Reason.SLOUCH)
    assert spacer.offer(slouch) == (False, slouch)  # a posture nudge merges into the break
    assert spacer.release(59.0) is None
    released = spacer.release(61.0)
    assert released is not None and (released.t, released.lasted) == (61.0, 3041.0)
    assert spacer.waiting is None and spacer.offer(released) == (True, None)  # it goes
    assert not spacer.free(120.0) and spacer.free(121.0)  # the next a minute after it


def test_a_nudge_a_minute_after_the_last_goes_at_once():
    spacer = NudgeSpacer()
    spacer.note(100.0)
    assert spacer.free(160.0) and not spacer.free(159.9)
    assert spacer.offer(due(160.0, Reason.SLOUCH)) == (True, None)
    assert spacer.free_at() == pytest.approx(220.0)
