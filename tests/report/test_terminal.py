"""The terminal summary: every figure, the hour strip, at most 80 columns."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from posture_watch.core.journal import JournalEntry
from posture_watch.core.report import History, Interval, day_bounds
from posture_watch.core.report_builder import day_report, week_report
from posture_watch.report.terminal import WIDTH, render_day, render_week
from tests.report.histories import DAY, TZ, at, merge, working_day


def _fits(text: str) -> None:
    assert all(len(line) <= WIDTH for line in text.splitlines()), max(text.splitlines(), key=len)


def test_day_summary_shows_every_figure():
    text = render_day(day_report(working_day(), DAY, TZ))
    _fits(text)
    lines = text.splitlines()
    assert lines[0] == "posture-watch report · Mon 12 May 2025"
    assert (
        lines[1] == "monitored 8 h 00 min (09:00–17:00) · upright 90% · slouching 43 min, 5 times"
    )
    assert lines[2] == "longest sitting spell 4 h 15 min · 1 break · nudges: 3 posture, 2 break"
    assert lines[3] == "stretches and breaks offered: 1 done, 1 skipped, 1 snoozed, 1 ignored"
    assert lines[4] == ""  # each nudge counted once: no second count of the same ones


def test_one_slouch_nudge_is_counted_once():
    """Issue 17: one slouch nudge read "reminders: 1 to stand up, 1 to sit up" plus
    "1 tip shown"; it is one posture nudge now."""
    day = working_day()
    one = replace(day, alerts=day.alerts[:1], prompts=day.prompts[:1])
    lines = render_day(day_report(one, DAY, TZ)).splitlines()
    assert lines[2] == "longest sitting spell 4 h 15 min · 1 break · nudges: 1 posture"
    assert lines[3] == "no stretch or break offered"
    assert "tip" not in " ".join(lines[:5]) and "reminder" not in " ".join(lines[:5])


def test_posture_nudges_answered_im_fine_are_said_with_them():
    """A posture nudge's "I'm fine" button (issue 19) is stored as the answer ``fine``."""
    day = working_day()
    fine = replace(day.prompts[0], answer="fine", answered_at=day.prompts[0].t + 5)
    text = render_day(day_report(replace(day, prompts=(fine, *day.prompts[1:])), DAY, TZ))
    _fits(text)
    assert "nudges: 3 posture (1 answered I'm fine), 2 break" in text.replace("\n", " ")
    assert "stretches and breaks offered: 1 done, 1 skipped, 1 snoozed, 1 ignored" in text


def test_a_history_without_nudges_says_what_was_noticed():
    """The console monitor prints a line for each slouch and long sitting spell and
    records no nudge: those are said as noticed, never counted twice."""
    day = working_day()
    text = render_day(day_report(replace(day, prompts=()), DAY, TZ))
    assert "\nnoticed: 1 slouch, 2 long sitting spells\n" in text
    assert "nudges:" not in text


def test_a_sitting_spell_of_1_52_reads_2_min():
    """Issue 17: "longest sitting 1 min" for a spell of 1:52."""
    day = working_day()
    spell = Interval(at(9), at(9) + 112)
    text = render_day(day_report(replace(day, bouts=(spell,)), DAY, TZ))
    assert "longest sitting spell 2 min ·" in text


def test_day_summary_hour_strip_lines_up_with_the_ruler():
    lines = render_day(day_report(working_day(), DAY, TZ)).splitlines()
    ruler = next(line for line in lines if line.startswith("hour"))
    strip = next(line for line in lines if line.startswith("slouch "))
    assert strip == "slouch  · · · · · · · · · ▁ ▂ ▁ ▁ ▁ ▁ ▆ ▆ · · · · · · ·"
    assert ruler.index("9") == strip.index("▁")  # hour 9 sits under its label
    assert ruler.index("15") == strip.index("▆")


def test_day_summary_suggestions_cite_the_guide():
    text = render_day(day_report(working_day(), DAY, TZ))
    assert "\nSuggestions\n• Your longest sitting spell lasted 4 h 15 min" in text
    assert "(guide: Preventing Chronic Muscle Knots › Take breaks)" in text
    assert "When to see a doctor" not in text


def test_day_summary_with_medical_advice():
    history = replace(working_day(), journal=(JournalEntry(at(18), pain=8, numbness=True),))
    text = render_day(day_report(history, DAY, TZ))
    _fits(text)
    assert "When to see a doctor" in text
    flowing = " ".join(text.split())  # the sentence is wrapped to the terminal's width
    assert "Your pain journal shows pain of 8/10 on Mon 12 May; numbness noted on Mon 12 May." in (
        flowing
    )
    assert "(guide: When to Seek Medical Attention)" in text
    assert "posture-watch gives no diagnosis" in text


def test_an_unmonitored_day():
    text = render_day(day_report(History(*day_bounds(DAY, TZ)), DAY, TZ))
    assert text == "posture-watch report · Mon 12 May 2025\nNothing was monitored on this day.\n"


def test_week_summary():
    days = [DAY + timedelta(days=i) for i in (0, 1, 2, 4)]
    history = replace(
        merge(*(working_day(d) for d in days)),
        journal=(JournalEntry(at(18, days[1]), pain=3),),
    )
    text = render_week(week_report(history, date(2025, 5, 18), TZ))
    _fits(text)
    lines = text.splitlines()
    assert lines[0] == "posture-watch week · Mon 12 May – Sun 18 May 2025"
    assert "monitored 32 h 00 min · upright 90% · slouching 172 min, 20 times" in text
    row = next(line for line in lines if line.startswith("Tue 13 May"))
    assert row.split() == [
        "Tue",
        "13",
        "May",
        "8",
        "h",
        "00",
        "min",
        "90%",
        "43",
        "min",
        "4",
        "h",
        "15",
        "min",
        "1",
        "3",
    ]
    assert next(line for line in lines if line.startswith("Thu 15 May")).split()[-1] == "–"
    assert "No clear pattern yet: 1 day has both a pain entry" in text
    assert "avg day · · · · · · · · · ▁ ▂ ▁ ▁ ▁ ▁ ▆ ▆ · · · · · · ·" in text
    header = next(line for line in lines if line.startswith("day "))
    assert header.index("pain") + 4 == len(row)


def test_break_nudges_whose_buttons_went_unpressed_are_not_called_not_offered():
    """Issue 19: a break nudge with buttons opens no window at once; left unanswered
    (no stretch window could open) it is a nudge shown, not "no stretch or break offered"."""
    day = working_day()
    unanswered = tuple(
        replace(p, answer=None, answered_at=None) for p in day.prompts if p.kind == "break"
    )
    text = render_day(day_report(replace(day, prompts=unanswered), DAY, TZ))
    assert "nudges: 2 break" in text
    assert "no break nudge answered" in text and "offered" not in text
