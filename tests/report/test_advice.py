"""Suggestions drawn from the guide and the data, and the medical-advice triggers."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from posture_watch.core import advice
from posture_watch.core.advice import medical_advice, slouch_timing, suggest
from posture_watch.core.journal import JournalEntry
from posture_watch.core.report import History, PromptRecord, day_bounds, summarize
from tests.report.histories import DAY, TZ, at, minutes, working_day

GUIDE = Path(__file__).resolve().parents[3] / "shared" / "guide" / "chronic-muscle-knots-guide.txt"
END = day_bounds(DAY, TZ)[1]


def _summary(history: History):
    return summarize(history, DAY, TZ)


def test_long_sitting_and_late_slouching_come_first():
    tips = suggest(_summary(working_day()))
    assert len(tips) == 2
    sitting, slouch = tips
    assert "longest sitting spell lasted 4 h 15 min" in sitting.text
    assert "you took 1 break for 2 break nudges" in sitting.text
    assert sitting.sources == (advice.TAKE_BREAKS,)
    assert slouch.text.startswith("Most slouching (40 of 43 min) came after 15:00")
    assert "chin tucks" in slouch.text
    assert slouch.sources == (advice.TAKE_BREAKS, advice.STRETCHING)


def test_tilted_shoulders_get_shoulder_stretches():
    tips = suggest(_summary(working_day(tilt=8.0)))
    assert any("shoulder rolls" in t.text for t in tips)


def test_early_slouching_points_at_the_set_up():
    rows = minutes(at(8), "SSSSSSSSSS" + "U" * 50 + "U" * 300)  # slouching only at 08:00
    s = _summary(History(*day_bounds(DAY, TZ), minutes=rows))
    assert slouch_timing(s) == ("before", 9)
    (tip,) = suggest(s)
    assert tip.text.startswith("Most slouching (10 of 10 min) came before 09:00")
    assert tip.sources == (advice.POSTURE_CHECKS,)


def test_slouching_spread_evenly_gets_posture_checks():
    rows = minutes(at(9), ("U" * 50 + "S" * 10) * 6)
    s = _summary(History(*day_bounds(DAY, TZ), minutes=rows))
    assert slouch_timing(s) is None
    (tip,) = suggest(s)
    assert "(60 min, 6 times)" in tip.text and "spread out" in tip.text
    assert tip.sources == (advice.POSTURE_CHECKS, advice.STRETCHING)


def test_more_monitoring_in_the_afternoon_is_not_afternoon_slouching():
    # 1 h in the morning, 5 h after 13:00, slouching at the same rate throughout.
    morning = minutes(at(8), ("U" * 50 + "S" * 10))
    afternoon = minutes(at(13), ("U" * 50 + "S" * 10) * 5)
    from tests.report.histories import concat

    s = _summary(History(*day_bounds(DAY, TZ), minutes=concat(morning, afternoon)))
    assert slouch_timing(s) is None


def test_declined_prompts_get_a_consistency_nudge():
    base = History(*day_bounds(DAY, TZ), minutes=minutes(at(9), "U" * 40))
    prompts = tuple(
        PromptRecord(at(9 + i / 10), "chin-tuck", "stretch", "check", "chin-tuck", answer)
        for i, answer in enumerate(["skipped", "snoozed", "ignored", "dismissed", "done"])
    )
    (tip,) = suggest(_summary(replace(base, prompts=prompts)))
    assert tip.text.startswith("You did 1 of the 5 stretches and breaks offered.")
    assert tip.sources == (advice.CONSISTENCY,)


def test_a_good_day_gets_encouragement_and_too_little_data_gets_nothing():
    good = History(*day_bounds(DAY, TZ), minutes=minutes(at(9), "U" * 58 + "SS"))
    (tip,) = suggest(_summary(good))
    assert tip.text.startswith("97% upright: well done")
    assert tip.sources == (advice.STAY_ACTIVE,)
    short = History(*day_bounds(DAY, TZ), minutes=minutes(at(9), "S" * 10))
    assert suggest(_summary(short)) == ()


def test_every_suggestion_cites_a_guide_section():
    headings = {
        "Preventing Chronic Muscle Knots",
        "At-Home Treatments for Chronic Muscle Knots",
        "When to Seek Medical Attention",
    }
    for tip in suggest(_summary(working_day())) + suggest(_summary(working_day(tilt=9))):
        assert tip.sources
        assert all(src.split(" › ")[0] in headings for src in tip.sources)
        assert tip.cite.startswith("guide: ")


# ---------------------------------------------------------------- medical advice


def _entry(days_before: float, **kw) -> JournalEntry:
    return JournalEntry(END - days_before * 86400.0 - 3600.0, **kw)


def test_severe_pain_calls_for_advice():
    got = medical_advice([_entry(1, pain=7), _entry(2, pain=3)], END, TZ)
    assert got is not None
    assert got.reasons == ("pain of 7/10 on Sun 11 May",)
    assert got.source == "When to Seek Medical Attention"
    assert "no diagnosis" in got.disclaimer


def test_numbness_and_weakness_call_for_advice():
    numb = medical_advice([_entry(0, pain=2, numbness=True)], END, TZ)
    weak = medical_advice([_entry(3, weakness=True)], END, TZ)
    assert numb is not None and numb.reasons == ("numbness noted on Mon 12 May",)
    assert weak is not None and weak.reasons == ("weakness noted on Fri 9 May",)


def test_mild_pain_does_not():
    entries = [_entry(d, pain=p) for d, p in ((0, 2), (1, 3), (2, 1), (4, 6), (9, 2))]
    assert medical_advice(entries, END, TZ) is None


def test_old_or_future_warning_signs_do_not_count():
    old = _entry(advice.ADVICE_LOOKBACK_DAYS + 1, pain=9, numbness=True)
    future = JournalEntry(END + 60, pain=9)
    assert medical_advice([old, future], END, TZ) is None


def _weeks(*weekly_pains: tuple[int, ...]) -> list[JournalEntry]:
    """Entries per 7-day window, oldest window first, ending at END."""
    n = len(weekly_pains)
    out = []
    for w, pains in enumerate(weekly_pains):
        for i, p in enumerate(pains):
            out.append(_entry(7 * (n - 1 - w) + i + 0.5, pain=p))
    return out


def test_no_improvement_over_three_weeks_calls_for_advice():
    got = medical_advice(_weeks((4, 4, 5), (5, 4, 4), (4, 5, 5)), END, TZ)
    assert got is not None
    assert got.reasons == ("average pain has not come down over 3 weeks (4.3 → 4.7 out of 10)",)


@pytest.mark.parametrize(
    "weeks",
    [
        ((6, 6, 6), (5, 4, 5), (3, 3, 3)),  # improving
        ((4, 4, 4), (4, 4), (4, 4, 4)),  # too few entries in one week
        ((2, 2, 2), (2, 2, 2), (2, 2, 2)),  # steady but mild
    ],
)
def test_improving_sparse_or_mild_journals_do_not(weeks):
    assert medical_advice(_weeks(*weeks), END, TZ) is None


def test_several_reasons_are_all_listed():
    entries = [*_weeks((4, 4, 4), (4, 4, 4), (8, 4, 4)), _entry(0.2, weakness=True)]
    got = medical_advice(entries, END, TZ)
    assert got is not None and len(got.reasons) == 3


# ---------------------------------------------------------------- own words


def _ngrams(text: str, n: int = 6) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_advice_and_suggestions_are_in_our_own_words():
    """No run of six words is copied from the guide (the cited headings aside)."""
    if not GUIDE.is_file():
        pytest.skip(f"guide not found at {GUIDE}")
    guide = _ngrams(GUIDE.read_text(encoding="utf-8"))
    ours = [
        advice.ADVICE_INTRO,
        advice.ADVICE_WHY,
        advice.NO_DIAGNOSIS,
        *advice.ADVICE_POINTS,
    ]
    days = [working_day(), working_day(tilt=9)]
    ours += [t.text for d in days for t in suggest(_summary(d))]
    for text in ours:
        assert not (_ngrams(text) & guide), text


def test_the_check_reads_no_entries_after_the_end():
    later = date(2025, 5, 20)
    entries = [JournalEntry(day_bounds(later, TZ)[0] + 60, pain=9)]
    assert medical_advice(entries, END, TZ) is None
    assert medical_advice(entries, day_bounds(later + timedelta(days=1), TZ)[1], TZ) is not None
