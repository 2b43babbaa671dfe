"""MinuteAggregator: seconds per state per wall-clock minute, and per-minute medians."""

import math

import pytest

from posture_watch.core.minutes import MinuteAggregator, MinuteRow
from posture_watch.core.scoring import PostureState

UP, SLOUCH, AWAY = PostureState.UPRIGHT, PostureState.SLOUCH, PostureState.AWAY
T0 = 1_700_000_040.0  # a minute start (multiple of 60)
FEATURES = {"head_height": 0.6, "neck_angle": 10.0, "shoulder_tilt": -1.0, "lean": 1.0}
NOBODY = dict.fromkeys(FEATURES)


def feed(agg, frames):
    rows = []
    for t, state, score in frames:
        features = FEATURES if state != AWAY else NOBODY
        rows += agg.add(T0 + t, state, score, features, None if state == AWAY else 1.0)
    return rows


def test_time_goes_to_the_earlier_frames_state_and_a_minute_closes_on_the_next():
    agg = MinuteAggregator()
    rows = feed(agg, [(t, UP, 0.1) for t in range(0, 60, 2)])
    assert rows == []  # the minute is still open
    rows = feed(agg, [(60, SLOUCH, 1.5)])
    assert rows == [
        MinuteRow(int(T0), 60.0, 0.0, 0.0, 0.0, 0.1, 0.6, 10.0, -1.0, 1.0),
    ]


def test_an_interval_across_a_minute_boundary_is_split():
    agg = MinuteAggregator()
    (first,) = feed(agg, [(57, UP, 0.2), (61, SLOUCH, 1.2)])
    assert first.minute == T0 and first.upright_s == pytest.approx(3.0)
    (second,) = agg.add(T0 + 125, UP, 0.1, FEATURES, 1.0)
    assert second.minute == T0 + 60
    assert (second.upright_s, second.slouch_s) == pytest.approx((1.0, 5.0))  # 5 s cap
    (third,) = agg.flush(T0 + 126)
    assert third.minute == T0 + 120 and third.upright_s == pytest.approx(1.0)


def test_gaps_longer_than_max_gap_are_not_counted():
    agg = MinuteAggregator(max_gap=5.0)
    feed(agg, [(0, UP, 0.1), (30, UP, 0.1)])  # a 30 s gap counts 5 s
    (row,) = agg.flush(T0 + 32)
    assert row.upright_s == pytest.approx(7.0)


def test_interrupt_drops_the_time_until_the_next_frame():
    agg = MinuteAggregator()
    feed(agg, [(0, UP, 0.1)])
    agg.interrupt()
    feed(agg, [(3, UP, 0.1)])
    (row,) = agg.flush(T0 + 4)
    assert row.upright_s == pytest.approx(1.0)


def test_medians_skip_frames_without_a_person_and_are_none_without_any():
    agg = MinuteAggregator()
    rows = feed(agg, [(0, AWAY, math.nan), (10, AWAY, math.nan), (60, UP, 0.3)])
    (away,) = rows
    assert away.away_s == pytest.approx(10.0) and away.upright_s == 0
    assert (away.score, away.head_height, away.lean) == (None, None, None)
    agg = MinuteAggregator()
    feed(agg, [(0, UP, 0.1), (1, SLOUCH, 1.1), (2, SLOUCH, 1.3), (3, AWAY, math.nan)])
    (row,) = agg.flush(T0 + 4)
    assert row.score == pytest.approx(1.1)


def test_seconds_never_exceed_a_minute_and_minutes_with_nothing_are_skipped():
    agg = MinuteAggregator()
    rows = feed(agg, [(t * 0.7, UP if t % 3 else SLOUCH, 0.5) for t in range(400)])
    rows += agg.flush(T0 + 400 * 0.7)
    assert [r.minute % 60 for r in rows] == [0] * len(rows)
    assert all(0 < r.seen_s <= 60 + 1e-6 for r in rows)
    assert sum(r.seen_s for r in rows) == pytest.approx(400 * 0.7)
    # a long silence creates no empty minutes in between
    agg = MinuteAggregator()
    rows = feed(agg, [(0, UP, 0.1), (600, UP, 0.1)])
    assert [r.minute for r in rows] == [T0]


def test_flush_returns_the_open_minute_once():
    agg = MinuteAggregator()
    feed(agg, [(0, UP, 0.1), (2, UP, 0.1)])
    (row,) = agg.flush(T0 + 3)
    assert row.upright_s == pytest.approx(3.0)
    assert agg.flush(T0 + 10) == []


def test_unknown_reason_is_the_one_that_covered_most_unknown_time():
    agg = MinuteAggregator()
    unknown = PostureState.UNKNOWN

    def at(t):  # frames every 2 s: 0-20 upright, 20-30 and 40-60 too dark, 30-40 turned away
        if t < 20:
            return UP, None
        return unknown, "turned away" if 30 <= t < 40 else "too dark"

    rows = []
    for t in range(0, 62, 2):
        state, reason = at(t)
        rows += agg.add(T0 + t, state, 0.1, FEATURES, 1.0, reason=reason)
    (row,) = rows
    assert (row.upright_s, row.unknown_s) == (20.0, 40.0)
    assert row.unknown_reason == "too dark"  # 30 s against 10 s


def test_a_reason_on_a_judged_frame_is_ignored_and_minutes_without_one_have_none():
    agg = MinuteAggregator()
    rows = []
    for t in range(0, 62, 2):
        if t < 30:
            rows += agg.add(T0 + t, UP, 0.1, FEATURES, 1.0, reason="too dark")
        else:
            rows += agg.add(T0 + t, PostureState.UNKNOWN, None, NOBODY, None)  # no reason
    (row,) = rows
    assert row.unknown_s == 30.0 and row.unknown_reason is None
