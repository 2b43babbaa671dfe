"""The holds of a stretch as a value: side, repetition, seconds left and the texts."""

from __future__ import annotations

import pytest

from posture_watch.core.stretch_holds import (
    HoldCountdown,
    HoldPhase,
    HoldStatus,
    hold_texts,
    ring_seconds,
)


def test_the_countdown_waits_for_start_then_counts_down() -> None:
    countdown = HoldCountdown(hold_seconds=30, repetitions=3)
    assert countdown.status(100.0) == HoldStatus(HoldPhase.READY, 1, 3, 0, 30, hold_seconds=30)

    holding = countdown.start(100.0)
    assert holding.status(112.5) == HoldStatus(HoldPhase.HOLDING, 1, 3, 0, 17.5, "", 30)
    assert holding.status(112.5).fraction_left == pytest.approx(17.5 / 30)
    assert holding.status(130.0) == HoldStatus(HoldPhase.READY, 2, 3, 1, 30, hold_seconds=30)


def test_starting_again_during_a_hold_changes_nothing() -> None:
    holding = HoldCountdown(30, 3).start(0.0)
    assert holding.start(10.0) == holding


def test_after_the_last_repetition_it_is_finished() -> None:
    countdown = HoldCountdown(hold_seconds=1, repetitions=2)
    for now in (0.0, 5.0):
        countdown = countdown.start(now)
    assert countdown.status(5.5).phase is HoldPhase.HOLDING
    finished = countdown.settle(6.0)
    assert finished.status(6.0) == HoldStatus(HoldPhase.FINISHED, 2, 2, 2, 0.0, hold_seconds=1)
    assert finished.status(6.0).fraction_left == 0
    assert finished.start(7.0) == finished


def test_the_texts_say_repetition_seconds_and_well_done() -> None:
    countdown = HoldCountdown(hold_seconds=30, repetitions=5)
    assert hold_texts(countdown.status(0.0)) == ("Repetition 1 of 5", "Hold for 30 s, then relax.")
    assert hold_texts(countdown.start(0.0).status(12.2)) == ("Repetition 1 of 5", "Hold… 18 s")
    finished = HoldCountdown(hold_seconds=30, repetitions=5, holds=5)
    assert hold_texts(finished.status(0.0)) == ("Well done: all 5 repetitions held.", "")
    assert ring_seconds(countdown.start(0.0).status(12.2)) == "18"
    assert ring_seconds(finished.status(0.0)) == "✓"


def test_a_two_sided_stretch_holds_left_then_right_in_each_repetition() -> None:
    countdown = HoldCountdown(hold_seconds=10, repetitions=3, sides=2)
    lines = []
    for start in (0.0, 20.0, 40.0):
        lines.append(hold_texts(countdown.status(start))[0])
        countdown = countdown.start(start)
    assert lines == ["Left side · 1 of 3", "Right side · 1 of 3", "Left side · 2 of 3"]
    assert countdown.settle(50.0).done == 1  # a repetition is both sides held
    assert countdown.status(45.0).side == "Left side"


@pytest.mark.parametrize(
    "hold_seconds, repetitions, done", [(0, 3, 0), (30, 0, 0), (30, 3, 4), (30, 3, -1)]
)
def test_a_countdown_rejects_impossible_values(hold_seconds, repetitions, done) -> None:
    with pytest.raises(ValueError):
        HoldCountdown(hold_seconds, repetitions, done)
    with pytest.raises(ValueError):
        HoldCountdown(30, 3, sides=3)
