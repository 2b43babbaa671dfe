"""The week report sets days with breaks that follow the posture beside days on the fixed
timer, from the timing the history kept (synthetic days with known figures)."""

from __future__ import annotations

from datetime import timedelta

from posture_watch.core.break_comparison import compare_days, day_followed
from posture_watch.core.break_limits import FIXED, POSTURE, BreakTimingSet
from posture_watch.core.report import History, Interval, day_bounds, summarize
from posture_watch.core.report_builder import week_report
from posture_watch.report.terminal import render_week
from tests.report.histories import DAY, TZ, at, concat, minutes

FOLLOWS = (POSTURE, 2340.0, 34.0, 7)
WAITING = (POSTURE, 3000.0, None, 3)  # on, too few spells: the fixed timer ran


def week(*days: tuple[int, int, tuple | None]) -> History:
    """One day per item from DAY: ``(slouch minutes of 60, breaks, timing)``; a day's
    timing is recorded at 08:00 (None: no record, as an older posture-watch)."""
    parts, breaks, timings = [], [], []
    for i, (slouch, n_breaks, timing) in enumerate(days):
        day = DAY + timedelta(days=i)
        parts.append(minutes(at(9.0, day), "U" * (60 - slouch) + "S" * slouch))
        breaks += [Interval(at(11.0 + b, day), at(11.1 + b, day)) for b in range(n_breaks)]
        if timing is not None:
            timings.append(BreakTimingSet(at(8.0, day), *timing))
    start, _ = day_bounds(DAY, TZ)
    _, end = day_bounds(DAY + timedelta(days=len(days) - 1), TZ)
    return History(
        start, end, minutes=concat(*parts), breaks=tuple(breaks), break_timings=tuple(timings)
    )


def test_days_with_and_without_are_set_side_by_side():
    history = week(
        (15, 6, FOLLOWS), (9, 5, FOLLOWS), (18, 3, (FIXED, 3000.0)), (24, 2, None),
        (30, 4, WAITING), (0, 0, FOLLOWS), (12, 7, FOLLOWS),
    )  # fmt: skip
    report = week_report(history, DAY + timedelta(days=6), TZ)
    assert report.break_timing == (
        # with: (15 + 9 + 0 + 12) / 240 = 15%, (6 + 5 + 0 + 7) / 4 = 4.5 breaks a day;
        # without: (18 + 24 + 30) / 180 = 40%, 3 breaks a day
        "On 4 days with breaks timed by your posture, you slouched 15% of the time seen and "
        "took 4.5 breaks a day. On 3 days on the fixed timer: 40% slouching, 3.0 breaks a day."
    )
    assert "On 4 days with breaks timed by your posture" in render_week(report).replace("\n", " ")


def test_one_kind_of_day_only_says_nothing():
    history = week((15, 6, FOLLOWS), (9, 5, FOLLOWS))
    report = week_report(history, DAY + timedelta(days=6), TZ)
    assert report.break_timing == ""
    only_fixed = week((15, 6, None), (9, 5, (FIXED, 3000.0)))
    assert week_report(only_fixed, DAY + timedelta(days=6), TZ).break_timing == ""
    assert "fixed timer" not in render_week(report)


def test_a_day_that_changed_midway_is_left_out():
    history = week((15, 6, FOLLOWS))
    day = summarize(history, DAY, TZ)
    switched = (*history.break_timings, BreakTimingSet(at(12.0), FIXED, 3000.0))
    assert day_followed(day, history.break_timings) is True
    assert day_followed(day, switched) is None
    assert compare_days([day], switched, [True]) == ""
