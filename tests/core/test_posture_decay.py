"""Posture decay: the hold after a break and the upright share by minutes since it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from posture_watch.core.posture_decay import (
    CURVE_BIN_MIN,
    HoldEstimate,
    hold_estimate,
    km_median,
    posture_decay,
)
from posture_watch.core.report import History, Interval, day_bounds
from tests.report.histories import DAY, TZ, at, concat, minutes


def spells_history(*spells: str, gap: int = 10, start: float = 9.0) -> History:
    """Sitting spells (one ``minutes()`` string each) from ``start`` o'clock, each followed
    by a recorded break of ``gap`` minutes away from the desk."""
    t = at(start)
    parts, bouts, breaks = [], [], []
    for states in spells:
        parts.append(minutes(t, states + "A" * gap))
        end = t + 60.0 * len(states)
        bouts.append(Interval(t, end))
        breaks.append(Interval(end, end + 60.0 * gap))
        t = end + 60.0 * gap
    return History(
        *day_bounds(DAY, TZ),
        minutes=concat(*parts),
        bouts=tuple(bouts),
        breaks=tuple(breaks),
    )


def decay_spell(hold: int, length: int = 60) -> str:
    """Upright for ``hold`` minutes, then slouching with upright moments (the fade)."""
    return ("U" * hold + "SSU" * length)[:length]


def whole_day(history: History) -> HoldEstimate:
    return hold_estimate(history, history.start, history.end)


def test_a_known_decay_gives_the_exact_median_hold() -> None:
    history = spells_history(*(decay_spell(h) for h in (20, 25, 30, 34, 34, 40, 45, 50, 55)))
    assert whole_day(history) == HoldEstimate(minutes=34.0, spells=9, slouched=9)


def test_an_even_number_of_spells_takes_the_middle_of_the_two_middle_holds() -> None:
    history = spells_history(*(decay_spell(h) for h in (20, 30, 40, 50)))
    assert whole_day(history).minutes == 35.0


def test_a_single_slouching_minute_is_not_a_sustained_slouch() -> None:
    spell = "U" * 10 + "S" + "U" * 10 + "SS" + "U" * 20
    assert whole_day(spells_history(spell)) == HoldEstimate(21.0, 1, 1)


def test_a_half_and_half_minute_is_not_slouching() -> None:
    spell = "U" * 10 + "ss" + "U" * 5 + "SS" + "U" * 10
    assert whole_day(spells_history(spell)).minutes == 17.0


def test_a_spell_that_held_counts_as_held_for_at_least_its_length() -> None:
    # three slouch at 30, 40, 50 min; two hold through 20 and 60 min: the 20-minute one
    # leaves the risk set before 30, so exactly half are still upright from 40 to 50
    # (KM: 3/4 * 2/3), and the median is the middle of the two
    history = spells_history("U" * 20, decay_spell(30), decay_spell(40), decay_spell(50), "U" * 60)
    hold = whole_day(history)
    assert hold == HoldEstimate(minutes=45.0, spells=5, slouched=3)
    assert hold.held == 2


def test_posture_that_outlasts_most_spells_has_no_median_but_keeps_its_count() -> None:
    history = spells_history("U" * 45, "U" * 50, decay_spell(30), "U" * 40)
    assert whole_day(history) == HoldEstimate(minutes=None, spells=4, slouched=1)


def test_spells_too_short_to_say_anything_are_left_out_and_counted() -> None:
    history = spells_history("UUUSSS", "U" * 9, decay_spell(15))
    decay = posture_decay(history, history.start, history.end)
    assert decay.hold == HoldEstimate(15.0, 1, 1)
    assert decay.too_short == 2
    assert not decay.enough


def test_no_spell_gives_none() -> None:
    empty = History(*day_bounds(DAY, TZ))
    assert whole_day(empty) == HoldEstimate(None, 0, 0)
    assert posture_decay(empty, empty.start, empty.end).curve == ()


def test_only_spells_starting_in_the_window_count() -> None:
    history = spells_history(*(decay_spell(h) for h in (20, 30, 40)), gap=10)
    second = at(9) + 70 * 60.0  # the second spell starts after 60 + 10 minutes
    assert hold_estimate(history, second, history.end) == HoldEstimate(35.0, 2, 2)


def test_short_absences_without_a_break_stay_in_one_spell() -> None:
    # 30 min upright, 1 min away (no break recorded), 10 upright, then slouching
    t = at(9)
    history = History(
        *day_bounds(DAY, TZ),
        minutes=minutes(t, "U" * 30 + "A" + "U" * 10 + "SSSS" + "U" * 5),
        bouts=(Interval(t, t + 1800.0), Interval(t + 1860.0, t + 50 * 60.0)),
    )
    assert whole_day(history) == HoldEstimate(41.0, 1, 1)


def test_a_spell_whose_start_is_unknown_is_left_out() -> None:
    history = spells_history(decay_spell(20), decay_spell(30))
    clipped = replace(history, start=at(9) + 5 * 60.0)  # the first spell began before
    assert hold_estimate(clipped, clipped.start, clipped.end) == HoldEstimate(30.0, 1, 1)


def test_the_curve_is_the_upright_share_per_bin_of_minutes_since_the_break() -> None:
    history = spells_history("U" * 10 + "S" * 10, "U" * 5 + "S" * 15)
    curve = posture_decay(history, history.start, history.end).curve
    assert [(b.start_min, b.end_min) for b in curve] == [(0, 5), (5, 10), (10, 15), (15, 20)]
    assert [b.minutes for b in curve] == [10, 10, 10, 10]
    assert [b.upright_share for b in curve] == [1.0, 0.5, 0.0, 0.0]
    assert curve[0].end_min - curve[0].start_min == CURVE_BIN_MIN


@pytest.mark.parametrize(
    ("holds", "events", "median"),
    [
        ([10.0, 20.0, 30.0], [True, True, True], 20.0),
        ([10.0, 20.0], [True, True], 15.0),
        ([10.0, 20.0], [True, False], 10.0),  # 1/2 at 10, the next event never comes
        ([30.0, 50.0, 60.0, 70.0], [True, False, False, False], None),
        ([5.0, 50.0, 60.0], [False, False, True], 60.0),  # the last one at risk slouched
    ],
)
def test_kaplan_meier_median(holds: list[float], events: list[bool], median: float | None) -> None:
    assert km_median(holds, events) == median


def test_a_minute_not_monitored_breaks_a_slouching_run() -> None:
    # "S.S": two slouching minutes with a paused minute between are not in a row
    spell = "U" * 10 + "S.S" + "U" * 5 + "SS" + "U" * 5
    assert whole_day(spells_history(spell)) == HoldEstimate(18.0, 1, 1)


def test_a_slouch_in_the_last_minute_of_a_spell_is_not_sustained() -> None:
    spell = "U" * 15 + "S"  # the next spell (after a break) starts slouching
    history = spells_history(spell, "SS" + "U" * 12)
    decay = posture_decay(history, history.start, history.end)
    assert decay.hold == HoldEstimate(0.0, 2, 1)  # half slouched at once, no later slouch
    assert decay.hold.held == 1


def test_a_spell_still_going_on_counts_as_held_so_far() -> None:
    history = spells_history(decay_spell(20), "U" * 25)
    last = history.bouts[-1]
    live = replace(history, bouts=(*history.bouts[:-1], Interval(last.start, None)))
    assert whole_day(live) == HoldEstimate(20.0, 2, 1)  # exactly half slouched, at 20
    decay = posture_decay(live, live.start, live.end)
    assert sum(b.minutes for b in decay.curve) == 60 + 25
