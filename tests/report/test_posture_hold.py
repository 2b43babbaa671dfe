"""How long posture holds after a break, in the day and week reports (terminal and HTML)."""

from __future__ import annotations

from datetime import date, timedelta

from posture_watch.core.break_limits import MIN_SPELLS
from posture_watch.core.decay_words import Basis, hold_sentence
from posture_watch.core.posture_decay import posture_decay
from posture_watch.core.report_builder import day_report, week_report
from posture_watch.report.html import render_day_html, render_week_html
from posture_watch.report.terminal import WIDTH, render_day, render_week
from tests.core.test_posture_decay import decay_spell, spells_history
from tests.report.histories import DAY, TZ, merge, working_day

HOLDS = (20, 25, 30, 34, 34, 40, 45, 50, 55)
LAST = DAY + timedelta(days=6)


def decaying_day():
    """Nine sitting spells on :data:`DAY`, slouching from the minutes of :data:`HOLDS`."""
    return spells_history(*(decay_spell(h, 70) for h in HOLDS))


def test_the_day_report_states_the_median_hold_with_its_basis() -> None:
    text = render_day(day_report(decaying_day(), DAY, TZ))
    sentence = (
        "After a break you stayed upright for about 34 min (median of 9 sitting spells in "
        "the 7 days to Mon 12 May)."
    )
    assert sentence in " ".join(text.split())
    assert all(len(line) <= WIDTH for line in text.splitlines())


def test_the_day_report_counts_the_spells_of_the_seven_days_ending_that_day() -> None:
    earlier = spells_history(*(decay_spell(20, 30) for _ in range(3)))
    today = working_day(DAY + timedelta(days=2))  # two spells of its own
    recent = merge(earlier, today)
    report = day_report(today, DAY + timedelta(days=2), TZ, recent=recent)
    assert report.decay is not None and report.decay.hold.spells == 5
    assert report.hold_basis == Basis(7, DAY + timedelta(days=2))


def test_too_few_spells_say_so_instead_of_a_figure() -> None:
    text = " ".join(render_day(day_report(working_day(), DAY, TZ)).split())
    assert (
        "Too few sitting spells after a break to say how long your posture holds: 2 in the "
        f"7 days to Mon 12 May, {MIN_SPELLS} are needed."
    ) in text
    assert "stayed upright for about" not in text


def test_posture_that_outlasted_the_spells_is_said_so() -> None:
    history = spells_history(*(["U" * 40] * 4 + [decay_spell(15, 40)]))
    decay = posture_decay(history, history.start, history.end)
    assert hold_sentence(decay, Basis()) == (
        "After a break your posture held: more than half of the 5 sitting spells this week "
        "ended without a sustained slouch."
    )


def test_the_terminal_week_report_adds_the_curve_with_the_break_nudge_marked() -> None:
    lines = render_week(week_report(decaying_day(), LAST, TZ, sit_max=3000.0)).splitlines()
    start = lines.index("Upright share by minutes since a break (minutes seen in brackets):")
    assert "median of 9 sitting spells" in " ".join(lines[start - 2 : start])
    rows = lines[start + 1 : start + 8]
    assert rows[0] == "   0–10 min  ████████████████████  100%  (90 min)"
    assert rows[4] == "  40–50 min  ██████████             50%  (90 min)"
    assert rows[5].endswith("36%  (90 min)  ◀ break nudge after 50 min")
    assert sum("◀" in line for line in lines) == 1
    assert lines[start + 8].startswith("Counted from the end of a break")


def test_a_week_with_too_few_spells_has_no_curve() -> None:
    text = render_week(week_report(working_day(), LAST, TZ))
    assert "Too few sitting spells after a break" in text
    assert "minutes since a break" not in text


def test_the_html_pages_state_the_hold_and_the_week_draws_its_curve() -> None:
    history = decaying_day()
    day = render_day_html(day_report(history, DAY, TZ), history)
    assert '<p class="hold">After a break you stayed upright for about 34 min' in day
    week = render_week_html(week_report(history, LAST, TZ, sit_max=3000.0))
    section = week[week.index("<h2>How long your posture holds</h2>") :]
    assert section.index('<p class="hold">After a break') < section.index("<figure")
    figure = section[: section.index("</figure>")]
    assert "minutes since a break" in figure  # the axis
    assert "break nudge after 50 min" in figure  # the legend's line
    assert "median time upright after a break: 34 min" in figure
    assert "in steps of 5 min" in figure and "sustained slouch (2 min in a row" in figure


def test_a_week_without_enough_spells_draws_no_curve() -> None:
    days = [DAY, DAY + timedelta(days=1)]
    page = render_week_html(week_report(merge(*(working_day(d) for d in days)), days[-1], TZ))
    section = page[page.index("<h2>How long your posture holds</h2>") :]
    assert "Too few sitting spells" in section.split("<h2>")[1]
    assert "<figure" not in section.split("<h2>")[1]


def test_a_week_ending_later_counts_only_its_own_spells() -> None:
    later = date(2025, 5, 25)  # the week of 19-25 May holds none of the spells
    decay = week_report(decaying_day(), later, TZ).decay
    assert decay is not None and decay.hold.spells == 0


def test_the_terminal_curve_stops_after_two_hours() -> None:
    days = [DAY + timedelta(days=i) for i in range(3)]  # spells of 3 h and 4 h 15 min
    text = render_week(week_report(merge(*(working_day(d) for d in days)), days[-1], TZ))
    rows = [line.split("  █")[0].strip() for line in text.splitlines() if "min  █" in line]
    assert rows[0] == "0–10 min" and rows[-1] == "110–120 min" and len(rows) == 12
