"""One style for a length of time a person reads; the precision is the caller's."""

from __future__ import annotations

import pytest

from posture_watch.core.durations import (
    format_duration,
    format_minutes,
    format_span,
    round_half_up,
)


def test_format_duration_keeps_every_second() -> None:
    assert [format_duration(s) for s in (45, 90, 1800, 3600, 5400, 86400, 3661)] == [
        "45 s",
        "1 min 30 s",
        "30 min",
        "1 h 00 min",
        "1 h 30 min",
        "24 h 00 min",
        "1 h 01 min 1 s",
    ]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.0, "0 s"),
        (59.0, "59 s"),
        (60.0, "1 min"),
        (89.9, "1 min"),
        (90.0, "2 min"),
        (112.0, "2 min"),
        (119.9, "2 min"),
        (3569.0, "59 min"),
        (3599.0, "1 h 00 min"),
        (3600.0, "1 h 00 min"),
        (3660.0, "1 h 01 min"),
        (3900.0, "1 h 05 min"),
        (36000.0 + 45 * 60, "10 h 45 min"),
    ],
)
def test_format_minutes(seconds: float, text: str) -> None:
    assert format_minutes(seconds) == text


def test_times_are_rounded_half_up_never_truncated() -> None:
    """Issue 17: "longest sitting 1 min" for a spell of 1:52, "31 s" where JSON said 32.0."""
    assert format_minutes(112) == "2 min"  # a sitting spell of 1:52
    assert format_span(31.6) == format_duration(31.6) == "32 s"
    assert format_minutes(31.4) == "31 s"
    assert format_minutes(59.5) == "1 min"  # 60 s once rounded: whole minutes from there
    assert format_duration(59.5) == "1 min"
    assert format_minutes(89.5 * 60) == "1 h 30 min"
    assert format_minutes(89.49 * 60) == "1 h 29 min"
    assert format_duration(89.9) == "1 min 30 s"
    assert format_span(599.6) == "10 min"
    assert format_span(599.4) == "9 min 59 s"
    assert format_duration(-3) == "0 s"


@pytest.mark.parametrize(
    ("value", "whole"), [(0.5, 1), (1.5, 2), (2.5, 3), (31.6, 32), (31.49, 31), (-0.4, 0)]
)
def test_round_half_up_sends_halves_up_unlike_round(value: float, whole: int) -> None:
    assert round_half_up(value) == whole


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(40.7, "41 s"), (105, "1 min 45 s"), (120, "2 min"), (599, "9 min 59 s"), (660, "11 min"),
     (3900, "1 h 05 min")],
)  # fmt: skip
def test_format_span_keeps_the_seconds_of_short_spans(seconds: float, text: str) -> None:
    assert format_span(seconds) == text


def test_the_three_precisions_agree_on_style() -> None:
    """3,900 s once read "1 h 05 min" in the tooltip and "1 h 5 min" in a reply."""
    assert format_minutes(3900) == format_span(3900) == format_duration(3900) == "1 h 05 min"
