"""Counted nouns read as English: the singular only for exactly one."""

from __future__ import annotations

import pytest

from posture_watch.core.words import percent, plural, times


@pytest.mark.parametrize(
    ("count", "args", "expected"),
    [
        (1, ("day",), "1 day"),
        (0, ("day",), "0 days"),
        (2, ("day",), "2 days"),
        (1, ("entry", "entries"), "1 entry"),
        (14, ("entry", "entries"), "14 entries"),
    ],
)
def test_plural(count: int, args: tuple[str, ...], expected: str) -> None:
    assert plural(count, *args) == expected


@pytest.mark.parametrize(
    ("count", "expected"), [(1, "once"), (2, "twice"), (0, "0 times"), (5, "5 times")]
)
def test_times(count: int, expected: str) -> None:
    assert times(count) == expected


def test_percent_rounds_half_up() -> None:
    assert [percent(x) for x in (0.125, 0.5, 0.994, 0.995, 1.0)] == [
        "13%",
        "50%",
        "99%",
        "100%",
        "100%",
    ]
