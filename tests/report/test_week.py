"""The week: per-day figures, pain against slouching and sitting, the upright trend."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from posture_watch.core.journal import JournalEntry
from posture_watch.core.report_builder import day_report, pain_pattern, upright_trend, week_report
from tests.report.histories import TZ, at, merge, working_day

LAST = date(2025, 5, 18)  # a Sunday; the week is Mon 12 - Sun 18 May
DAYS = [LAST - timedelta(days=6 - i) for i in range(7)]


def _week(slouch: list[int], pain: list[int | None]):
    histories = [working_day(d, late_slouch=s) for d, s in zip(DAYS, slouch, strict=True)]
    journal = tuple(
        JournalEntry(at(18, d), pain=p, areas=("neck",))
        for d, p in zip(DAYS, pain, strict=True)
        if p is not None
    )
    history = replace(merge(*histories), journal=journal)
    return week_report(history, LAST, TZ)


def test_week_has_seven_days_and_their_pain():
    week = _week([8, 12, 16, 20, 24, 28, 32], [2, None, 3, None, None, 4, 1])
    assert [d.first_day for d in week.days] == DAYS
    assert week.pain == (2, None, 3, None, None, 4, 1)
    assert [d.slouch_min for d in week.days] == [11, 15, 19, 23, 27, 31, 35]
    assert week.total.slouch_min == sum(d.slouch_min for d in week.days)
    assert week.total.n_days == 7


def test_too_few_days_with_pain_is_no_clear_pattern_yet():
    week = _week([8, 12, 16, 20, 24, 28, 32], [2, None, 3, None, None, 4, 1])
    assert week.pattern.startswith(
        "No clear pattern yet: 4 days have both a pain entry and at least 10 min monitored;"
    )


def test_pain_rising_with_slouching_is_named():
    week = _week([8, 12, 16, 20, 24, 28, 32], [1, 2, 3, 3, 5, 6, None])
    assert week.pattern.startswith("Days with more slouching came with more pain (r = 0.9")
    assert "over 6 days" in week.pattern
    assert "not proof of a cause" in week.pattern


def test_pain_falling_with_slouching_says_it_is_not_the_driver():
    week = _week([8, 12, 16, 20, 24, 28, 32], [6, 5, 5, 3, 2, 1, 1])
    assert week.pattern.startswith("Days with more slouching came with less pain (r = -0.9")


def test_unrelated_pain_is_no_clear_pattern():
    week = _week([8, 32, 8, 32, 8, 32, 8], [3, 3, 5, 5, 3, 3, 4])
    assert week.pattern == (
        "No clear pattern between pain and slouching or sitting time (7 days compared)."
    )


def test_constant_pain_has_no_pattern():
    week = _week([8, 12, 16, 20, 24, 28, 32], [3] * 7)
    assert week.pattern.startswith("No clear pattern between")


def test_days_without_monitoring_do_not_count_for_the_pattern():
    assert pain_pattern([], []).startswith("No clear pattern yet: 0 days have")


def test_upright_trend():
    assert _week([0, 4, 8, 16, 20, 28, 40], [None] * 7).trend.startswith(
        "Upright share fell over the week, from about"
    )
    assert _week([40, 28, 20, 16, 8, 4, 0], [None] * 7).trend.startswith(
        "Upright share rose over the week"
    )
    assert _week([12] * 7, [None] * 7).trend.startswith("Upright share held steady at around 9")
    assert upright_trend([]) == (
        "Too few days for a trend: 0 of 0 days have at least 10 min monitored; 3 are needed."
    )


def test_week_suggestions_speak_of_the_week():
    week = _week([40] * 7, [None] * 7)
    assert any("this week" in s.text for s in week.suggestions)


def test_week_medical_advice_from_the_journal():
    week = _week([8] * 7, [2, 2, 8, 2, 2, 2, 2])
    assert week.advice is not None and "pain of 8/10" in week.advice.reasons[0]
    assert _week([8] * 7, [2] * 7).advice is None


def test_day_report_takes_the_days_highest_pain():
    history = replace(
        working_day(),
        journal=(
            JournalEntry(at(10), pain=3),
            JournalEntry(at(15), pain=5),
            JournalEntry(at(16), note="stiff"),
        ),
    )
    report = day_report(history, date(2025, 5, 12), TZ)
    assert report.pain == 5
    assert report.advice is None
    assert len(report.suggestions) == 2


@pytest.mark.parametrize("pain", [7, 10])
def test_day_report_advice(pain):
    history = replace(working_day(), journal=(JournalEntry(at(10), pain=pain),))
    assert day_report(history, date(2025, 5, 12), TZ).advice is not None
