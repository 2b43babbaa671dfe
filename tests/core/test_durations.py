"""One style for a length of time a person reads; the precision is the caller's."""

from __future__ import annotations

import pytest

from posture_watch.core.durations import format_duration, format_minutes, format_span


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
        (119.9, "1 min"),
        (3599.0, "59 min"),
        (3600.0, "1 h 00 min"),
        (3660.0, "1 h 01 min"),
        (3900.0, "1 h 05 min"),
        (36000.0 + 45 * 60, "10 h 45 min"),
    ],
)
def test_format_minutes(seconds: float, text: str) -> None:
    assert format_minutes(seconds) == text


def test_seconds_are_floored_never_rounded_up() -> None:
    assert format_minutes(59.6) == "59 s"
    assert format_duration(89.9) == "1 min 29 s"
    assert format_duration(-3) == "0 s"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(40.7, "40 s"), (105, "1 min 45 s"), (120, "2 min"), (599, "9 min 59 s"), (660, "11 min"),
     (3900, "1 h 05 min")],
)  # fmt: skip
def test_format_span_keeps_the_seconds_of_short_spans(seconds: float, text: str) -> None:
    assert format_span(seconds) == text


def test_the_three_precisions_agree_on_style() -> None:
    """3,900 s once read "1 h 05 min" in the tooltip and "1 h 5 min" in a reply."""
    assert format_minutes(3900) == format_span(3900) == format_duration(3900) == "1 h 05 min"
