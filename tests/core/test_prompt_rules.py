"""When the tray prompts and what it shows (pure core), stepped with synthetic times."""

from dataclasses import FrozenInstanceError
from itertools import pairwise

import pytest

from posture_watch.config import PromptConfig
from posture_watch.core.events import BreakStarted, LongSittingAlert, SlouchAlert, StateChanged
from posture_watch.core.prompt_rules import (
    MAX_STEP_GAP,
    Answer,
    PromptAnswered,
    PromptDue,
    PromptRules,
    PromptScheduler,
    PromptShown,
    PromptSuppressed,
    Reason,
    Why,
    first_sentence,
    nudge_message,
    why_sentence,
)
from posture_watch.core.prompts import Problem, Prompt, PromptChooser, PromptKind
from posture_watch.core.scoring import PostureState
from posture_watch.prompt_library import builtin_prompts

UP = PostureState.UPRIGHT
SLOUCH = PostureState.SLOUCH
AWAY = PostureState.AWAY
UNKNOWN = PostureState.UNKNOWN
PROMPTS = builtin_prompts()
# no periodic check and a generous limit, so a test sees only the rule it is about
QUIET_RULES = PromptRules(check_every=0, max_per_hour=60, snooze=600)


def scheduler(rules=QUIET_RULES, seed=0, prompts=PROMPTS):
    return PromptScheduler(rules, PromptChooser(prompts, seed=seed))


def slouch_alert(t):
    return SlouchAlert(t, t - 30)


def sitting_alert(t):
    return LongSittingAlert(t, t - 3000)


def run(s, start, end, state=UP, dt=1.0, **kw):
    """Step once per ``dt`` seconds over [start, end) without events; all outputs."""
    out = []
    t = start
    while t < end:
        out += s.step(t, state, (), **kw)
        t += dt
    return out


def only(items):
    assert len(items) == 1, items
    return items[0]


def due(items):
    item = only(items)
    assert isinstance(item, PromptDue), item
    return item


def suppressed(items):
    item = only(items)
    assert isinstance(item, PromptSuppressed), item
    return item


# ------------------------------------------------------------------ what to show


def test_slouch_alert_gives_a_posture_check_for_the_problem_seen():
    s = scheduler()
    d = due(s.step(100, SLOUCH, [slouch_alert(100)], problem=Problem.FORWARD_HEAD))
    assert (d.t, d.reason, d.prompt.kind, d.stretch) == (100, Reason.SLOUCH, "posture_check", None)
    assert Problem.FORWARD_HEAD in d.prompt.answers


@pytest.mark.parametrize("seed", range(4))
def test_slouch_without_a_problem_prefers_forward_head(seed):
    s = scheduler(seed=seed)
    for i in range(6):
        t = 1000.0 * i
        d = due(s.step(t, SLOUCH, [slouch_alert(t)]))
        assert Problem.FORWARD_HEAD in d.prompt.answers


def test_tilted_shoulders_slouch_gives_a_shoulder_posture_check():
    s = scheduler()
    d = due(s.step(5, SLOUCH, [slouch_alert(5)], problem=Problem.TILTED_SHOULDERS))
    assert Problem.TILTED_SHOULDERS in d.prompt.answers


def test_long_sitting_gives_a_break_and_a_long_sitting_stretch():
    s = scheduler()
    # an upright person: problem_from_features still says forward head, which is not believed
    d = due(s.step(3000, UP, [sitting_alert(3000)], problem=Problem.FORWARD_HEAD))
    assert d.reason is Reason.LONG_SITTING
    assert d.prompt.kind is PromptKind.BREAK
    assert d.stretch is not None and d.stretch.kind is PromptKind.STRETCH
    assert Problem.LONG_SITTING in d.stretch.answers


@pytest.mark.parametrize(
    ("problem", "examples"),
    [
        (Problem.TILTED_SHOULDERS, {"shoulder-rolls", "upper-trapezius-stretch"}),
        (Problem.RAISED_SHOULDERS, {"shoulder-rolls", "upper-trapezius-stretch"}),
        (Problem.FORWARD_HEAD, {"chin-tuck", "levator-scapulae-stretch", "neck-turn"}),
    ],
)
def test_long_sitting_while_slouching_stretches_for_that_problem(problem, examples):
    s = scheduler()
    seen = set()
    for i in range(8):
        t = 4000.0 * i
        d = due(s.step(t, SLOUCH, [sitting_alert(t)], problem=problem))
        assert problem in d.stretch.answers
        seen.add(d.stretch.id)
    assert seen & examples


def test_problem_of_the_last_slouch_alert_is_remembered_until_a_break():
    s = scheduler()
    s.step(100, SLOUCH, [slouch_alert(100)], problem=Problem.TILTED_SHOULDERS)
    d = due(s.step(3000, UP, [sitting_alert(3000)], problem=Problem.FORWARD_HEAD))
    assert Problem.TILTED_SHOULDERS in d.stretch.answers
    s.step(3500, AWAY, [BreakStarted(3500, 3300)])
    d = due(s.step(7000, UP, [sitting_alert(7000)], problem=Problem.FORWARD_HEAD))
    assert Problem.LONG_SITTING in d.stretch.answers


def test_slouch_and_long_sitting_in_one_step_show_only_the_break():
    s = scheduler()
    events = [slouch_alert(3000), sitting_alert(3000)]
    d = due(s.step(3000, SLOUCH, events, problem=Problem.FORWARD_HEAD))
    assert d.reason is Reason.LONG_SITTING
    assert d.prompt.kind is PromptKind.BREAK


def test_other_timeline_events_prompt_nothing():
    s = scheduler()
    assert s.step(1, SLOUCH, [StateChanged(1, SLOUCH, UP)]) == []


@pytest.mark.parametrize("seed", range(5))
def test_never_the_same_stretch_or_break_twice_in_a_row(seed):
    s = scheduler(seed=seed)
    problems = [None, Problem.FORWARD_HEAD, Problem.TILTED_SHOULDERS, Problem.RAISED_SHOULDERS]
    stretches, breaks = [], []
    for i in range(60):
        t = 4000.0 * i
        if i % 5 == 4:
            stretches.append(s.stretch_now(t + 1).prompt.id)
            continue
        state = UP if problems[i % 4] is None else SLOUCH
        d = due(s.step(t, state, [sitting_alert(t)], problem=problems[i % 4]))
        stretches.append(d.stretch.id)
        breaks.append(d.prompt.id)
    assert all(a != b for a, b in pairwise(stretches))
    assert all(a != b for a, b in pairwise(breaks))
    assert len(set(stretches)) >= 6


# ------------------------------------------------------------------ periodic check


def test_check_comes_after_check_every_seconds_of_present_time():
    s = scheduler(PromptRules(check_every=600, max_per_hour=60))
    assert run(s, 0, 600) == []  # 599 s counted by t = 599
    d = due(s.step(600, UP, ()))
    assert (d.reason, d.prompt.kind, d.stretch) == (Reason.CHECK, PromptKind.POSTURE_CHECK, None)
    assert run(s, 601, 1200, state=SLOUCH) == []  # slouching is present too
    assert due(s.step(1200, SLOUCH, ())).reason is Reason.CHECK


def test_check_counts_neither_away_unknown_nor_paused_time():
    s = scheduler(PromptRules(check_every=600, max_per_hour=60))
    assert run(s, 0, 300) == []  # 299 s present
    assert run(s, 300, 2000, state=AWAY) == []
    assert run(s, 2000, 3000, state=UNKNOWN) == []
    assert run(s, 3000, 4000, paused=True) == []
    assert s.present_since_prompt == pytest.approx(299)
    # the first present step after each gap counts its 1 s gap: 299 + 1 + 300 = 600
    assert run(s, 4000, 4300) == []
    assert due(s.step(4300, UP, ())).reason is Reason.CHECK


def test_a_long_gap_between_steps_counts_at_most_max_step_gap():
    s = scheduler(PromptRules(check_every=600, max_per_hour=60))
    s.step(0, UP, ())
    assert s.step(10_000, UP, ()) == []
    assert s.present_since_prompt == MAX_STEP_GAP


def test_check_every_zero_turns_the_check_off():
    s = scheduler(PromptRules(check_every=0, max_per_hour=60))
    assert run(s, 0, 5 * 3600, dt=5.0) == []


def test_any_prompt_shown_restarts_the_check_count():
    s = scheduler(PromptRules(check_every=600, max_per_hour=60))
    run(s, 0, 500)
    assert due(s.step(500, SLOUCH, [slouch_alert(500)])).reason is Reason.SLOUCH
    assert run(s, 501, 1100) == []
    assert due(s.step(1100, UP, ())).reason is Reason.CHECK
    run(s, 1101, 1400)
    s.stretch_now(1400.5)  # between two frames: only the time after it counts
    assert run(s, 1401, 2001) == []
    assert s.present_since_prompt == pytest.approx(599.5)
    assert due(s.step(2001, UP, ())).reason is Reason.CHECK


def test_a_suppressed_check_restarts_the_count_and_is_reported_once():
    s = scheduler(PromptRules(check_every=600, max_per_hour=60))
    out = run(s, 0, 1300, quiet=True)
    assert [(x.t, x.reason, x.why) for x in out] == [
        (600, Reason.CHECK, Why.QUIET),
        (1200, Reason.CHECK, Why.QUIET),
    ]


# ------------------------------------------------------------------ respecting the user


@pytest.mark.parametrize(
    ("state", "kw", "why"),
    [
        (SLOUCH, {"paused": True}, Why.PAUSED),
        (AWAY, {}, Why.AWAY),
        (UNKNOWN, {}, Why.AWAY),
        (SLOUCH, {"quiet": True}, Why.QUIET),
        (AWAY, {"paused": True, "quiet": True}, Why.PAUSED),
        (UNKNOWN, {"quiet": True}, Why.AWAY),
    ],
)
def test_alerts_are_suppressed_with_the_rule_that_held_them(state, kw, why):
    s = scheduler()
    for t, alert, reason in [
        (10, slouch_alert, Reason.SLOUCH),
        (20, sitting_alert, Reason.LONG_SITTING),
    ]:
        assert s.step(t, state, [alert(t)], **kw) == [PromptSuppressed(t, reason, why)]
    # nothing was queued: once the rule lifts, nothing comes without a new alert
    assert run(s, 30, 200, state=SLOUCH) == []


def test_hourly_limit_is_a_sliding_window_and_a_pair_counts_once():
    s = scheduler(PromptRules(check_every=0, max_per_hour=2))
    assert due(s.step(0, UP, [sitting_alert(0)])).stretch is not None  # break + stretch = one
    assert due(s.step(100, SLOUCH, [slouch_alert(100)])).reason is Reason.SLOUCH
    assert suppressed(s.step(200, SLOUCH, [slouch_alert(200)])).why is Why.RATE_LIMIT
    assert suppressed(s.step(3599, SLOUCH, [slouch_alert(3599)])).why is Why.RATE_LIMIT
    assert due(s.step(3600, SLOUCH, [slouch_alert(3600)])).t == 3600  # the 0 s prompt left
    assert suppressed(s.step(3650, SLOUCH, [slouch_alert(3650)])).why is Why.RATE_LIMIT
    assert due(s.step(3700, SLOUCH, [slouch_alert(3700)])).t == 3700


def test_rate_limit_also_holds_the_periodic_check():
    s = scheduler(PromptRules(check_every=600, max_per_hour=1))
    due(s.step(0, SLOUCH, [slouch_alert(0)]))
    out = run(s, 1, 3601)
    assert [(x.t, x.why) for x in out[:-1]] == [(t, Why.RATE_LIMIT) for t in range(600, 3600, 600)]
    assert due(out[-1:]).t == 3600  # the prompt at 0 s left the window


def test_snooze_is_honoured_then_released():
    s = scheduler(PromptRules(check_every=0, max_per_hour=60, snooze=600))
    shown = due(s.step(0, SLOUCH, [slouch_alert(0)]))
    assert s.snoozed_until is None
    answer = s.answered(10, shown.prompt.id, Answer.SNOOZED)
    assert answer == PromptAnswered(10, shown.prompt.id, Answer.SNOOZED)
    assert s.snoozed_until == 610
    assert s.step(300, SLOUCH, [slouch_alert(300)]) == [
        PromptSuppressed(300, Reason.SLOUCH, Why.SNOOZED)
    ]
    assert suppressed(s.step(609, UP, [sitting_alert(609)])).why is Why.SNOOZED
    assert due(s.step(610, SLOUCH, [slouch_alert(610)])).reason is Reason.SLOUCH


@pytest.mark.parametrize("answer", [a for a in Answer if a is not Answer.SNOOZED])
def test_other_answers_do_not_silence(answer):
    s = scheduler()
    shown = due(s.step(0, SLOUCH, [slouch_alert(0)]))
    s.answered(5, shown.prompt.id, answer)
    assert s.snoozed_until is None
    assert due(s.step(6, SLOUCH, [slouch_alert(6)])).reason is Reason.SLOUCH


def test_a_shorter_snooze_never_cuts_a_longer_one():
    s = scheduler(PromptRules(check_every=0, max_per_hour=60, snooze=600))
    s.answered(0, "posture-stack", Answer.SNOOZED)
    s.answered(-100, "posture-stack", Answer.SNOOZED)  # a late-arriving older answer
    assert s.snoozed_until == 600


# ------------------------------------------------------------------ stretch now


def test_stretch_now_bypasses_snooze_quiet_and_the_limit_but_counts():
    s = scheduler(PromptRules(check_every=0, max_per_hour=1, snooze=600))
    s.answered(0, "posture-stack", Answer.SNOOZED)
    manual = s.stretch_now(10)
    assert (manual.reason, manual.prompt.kind, manual.stretch) == (
        Reason.MANUAL,
        PromptKind.STRETCH,
        None,
    )
    assert s.stretch_now(11).prompt.kind is PromptKind.STRETCH  # over the limit: still shown
    # after the snooze, the two manual stretches fill the hour
    assert suppressed(s.step(700, SLOUCH, [slouch_alert(700)])).why is Why.RATE_LIMIT
    assert due(s.step(3611, SLOUCH, [slouch_alert(3611)])).reason is Reason.SLOUCH


def test_stretch_now_uses_the_given_or_remembered_problem():
    s = scheduler()
    assert Problem.RAISED_SHOULDERS in s.stretch_now(0, Problem.RAISED_SHOULDERS).prompt.answers
    s.step(10, SLOUCH, [slouch_alert(10)], problem=Problem.TILTED_SHOULDERS)
    assert Problem.TILTED_SHOULDERS in s.stretch_now(20).prompt.answers


# ------------------------------------------------------------------ events and rules


def test_shown_event_names_the_prompt_and_the_stretch():
    s = scheduler()
    pair = due(s.step(0, UP, [sitting_alert(0)]))
    assert pair.shown() == PromptShown(
        0, pair.prompt.id, PromptKind.BREAK, Reason.LONG_SITTING, pair.stretch.id
    )
    manual = s.stretch_now(1)
    assert manual.shown() == PromptShown(1, manual.prompt.id, PromptKind.STRETCH, Reason.MANUAL)
    with pytest.raises(FrozenInstanceError):
        manual.shown().t = 5  # type: ignore[misc]


def test_enums_serialise_as_plain_strings():
    assert [r.value for r in Reason] == ["slouch", "long_sitting", "check", "manual"]
    answers = ["done", "snoozed", "skipped", "ignored", "dismissed", "fine"]
    assert [a.value for a in Answer] == answers
    assert [w.value for w in Why] == [
        "paused",
        "away",
        "quiet",
        "snoozed",
        "rate_limit",
        "not_shown",
        "merged",
    ]


def test_rules_from_config_and_validation():
    assert PromptRules.from_config(PromptConfig()) == PromptRules(2700.0, 4, 600.0)
    assert PromptRules.from_config(PromptConfig(check_every=0, max_per_hour=2, snooze=60)) == (
        PromptRules(0.0, 2, 60.0)
    )
    for bad in (
        {"check_every": -1},
        {"snooze": float("nan")},
        {"max_per_hour": 0},
        {"max_per_hour": 2.5},
        {"max_per_hour": True},
    ):
        with pytest.raises(ValueError):
            PromptRules(**bad)


def test_time_going_backwards_is_refused():
    s = scheduler()
    s.step(10, UP, ())
    with pytest.raises(ValueError, match="time went backwards"):
        s.step(9, UP, ())


def test_a_prompt_set_missing_a_needed_kind_is_refused():
    only_stretches = [p for p in PROMPTS if p.kind is PromptKind.STRETCH]
    with pytest.raises(ValueError, match="posture_check, break"):
        scheduler(prompts=only_stretches)


def test_decisions_are_deterministic_for_a_seed():
    def session(seed):
        s = scheduler(PromptRules(check_every=600, max_per_hour=3), seed=seed)
        out = []
        for t in range(0, 20_000, 10):
            events = [slouch_alert(t)] if t % 1500 == 0 else []
            events += [sitting_alert(t)] if t % 4000 == 0 else []
            out += s.step(t, SLOUCH if t % 3000 < 1500 else UP, events)
        return [x.shown() if isinstance(x, PromptDue) else x for x in out]

    assert session(3) == session(3)
    assert any(isinstance(x, PromptSuppressed) for x in session(3))


def test_prompt_values_come_from_the_library():
    s = scheduler()
    d = due(s.step(0, UP, [sitting_alert(0)]))
    assert isinstance(d.prompt, Prompt)
    assert d.prompt in PROMPTS and d.stretch in PROMPTS


# -- what the nudge says: what was seen, then one tip ---------------------------------------


def test_a_slouch_nudge_says_what_was_seen_and_for_how_long():
    s = scheduler()
    item = due(s.step(100.0, SLOUCH, (SlouchAlert(100.0, 59.6),), problem=Problem.FORWARD_HEAD))
    assert item.lasted == pytest.approx(40.4)
    assert item.problem is Problem.FORWARD_HEAD
    nudge = nudge_message(item)
    assert nudge.title == "Time to sit up"
    assert nudge.body.split("\n") == [
        "Your head has been forward for 40 s.",
        first_sentence(item.prompt.text),  # one tip; the guide section is in the code
    ]
    assert item.prompt.source in {p.source for p in PROMPTS}


def test_every_posture_and_break_nudge_is_three_short_lines_at_most():
    """What was seen and one tip under the title, the tip short enough to read at a
    glance (dunst's bubble wraps at about 32 characters): no steps, no guide, no second
    task."""
    for prompt in PROMPTS:
        if prompt.kind not in (PromptKind.POSTURE_CHECK, PromptKind.BREAK):
            continue
        reason = Reason.LONG_SITTING if prompt.kind is PromptKind.BREAK else Reason.SLOUCH
        stretch = next(p for p in PROMPTS if p.kind is PromptKind.STRETCH)
        nudge = nudge_message(PromptDue(0.0, reason, prompt, stretch, lasted=3200.0))
        lines = nudge.body.split("\n")
        assert len(lines) == 2 and len(lines[1]) <= 60, (prompt.id, lines)  # two lines of dunst
        assert stretch.title not in nudge.body and "guide" not in nudge.body.lower()
        if prompt.kind is PromptKind.BREAK:  # one thing to do: get up, away from the desk
            assert lines[1].startswith(("Stand up", "Step away from the desk")), lines


def test_first_sentence_keeps_a_text_without_a_full_stop_whole():
    assert first_sentence("Sit up. Then relax.") == "Sit up."
    assert first_sentence("  Sit up  ") == "Sit up"
    assert first_sentence("Is the screen too low? Raise it.") == "Is the screen too low?"


def test_tilted_shoulders_are_named_as_such():
    s = scheduler()
    alert = SlouchAlert(200.0, 110.0)
    item = due(s.step(200.0, SLOUCH, (alert,), problem=Problem.TILTED_SHOULDERS))
    assert nudge_message(item).body.startswith("Your shoulders have been tilted for 1 min 30 s.\n")
    assert Problem.TILTED_SHOULDERS in item.prompt.answers


def test_a_slouch_without_a_measured_problem_is_called_forward_head_only_when_seen():
    # the step's problem is believed only while the state is slouch; the scheduler then
    # assumes a forward head (what the slouch score measures)
    item = due(scheduler().step(100.0, SLOUCH, (SlouchAlert(100.0, 70.0),)))
    assert why_sentence(item.reason, item.lasted, item.problem).startswith("Your head has been")
    assert why_sentence(Reason.SLOUCH, 30.0, None) == "You have been slouching for 30 s."


def test_the_break_nudge_gives_the_sitting_time_and_says_stand_up():
    s = scheduler()
    t = 10_000.0
    item = due(s.step(t, UP, (LongSittingAlert(t, t - 52 * 60 - 20),)))
    nudge = nudge_message(item)
    assert nudge.title == "Time for a break"
    assert nudge.body.split("\n") == [
        "You have been sitting for 52 min.",
        first_sentence(item.prompt.text),
    ]
    assert item.stretch is not None and item.stretch.title not in nudge.body  # a button


def test_a_periodic_check_says_how_long_you_have_been_at_the_screen():
    s = scheduler(PromptRules(check_every=45 * 60, max_per_hour=60, snooze=600))
    items = [i for i in run(s, 0.0, 45 * 60 + 2, dt=2.0) if isinstance(i, PromptDue)]
    item = only(items)
    assert item.reason is Reason.CHECK and item.problem is None
    assert nudge_message(item).body.startswith(
        "You have been at your screen for 45 min since the last nudge.\n"
    )


def test_a_stretch_asked_for_says_nothing_it_cannot_know():
    item = scheduler().stretch_now(50.0)
    assert item.lasted is None
    assert why_sentence(item.reason, item.lasted) == ""
    assert nudge_message(item).body == first_sentence(item.prompt.text)
