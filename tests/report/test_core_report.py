"""The day's figures from hand-built history: each number the report shows."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from posture_watch.core.prompts import Problem
from posture_watch.core.report import (
    History,
    HourCell,
    Interval,
    MinuteRows,
    day_bounds,
    hour_edges,
    hour_strip,
    strip_glyph,
    summarize,
)
from tests.report.histories import DAY, TZ, at, minutes, working_day


@pytest.fixture(scope="module")
def day():
    return summarize(working_day(), DAY, TZ)


def test_time_per_state_and_upright_share(day):
    assert day.monitored_s == 480 * 60
    assert day.upright_s == 392 * 60
    assert day.slouch_s == 43 * 60
    assert day.away_s == 45 * 60
    assert day.sitting_s == 435 * 60
    assert day.upright_share == pytest.approx(392 / 435)
    assert day.slouch_min == pytest.approx(43)


def test_slouch_episodes_are_runs_of_consecutive_minutes(day):
    assert day.slouch_episodes == 5  # one in the morning, four after 15:00


def test_a_missing_minute_splits_an_episode():
    rows = minutes(at(9), "SS.SSUS")
    history = History(*day_bounds(DAY, TZ), minutes=rows)
    assert summarize(history, DAY, TZ).slouch_episodes == 3


def test_longest_bout_breaks_and_alerts(day):
    assert day.longest_bout_s == pytest.approx(4.25 * 3600)
    assert day.bouts == 2
    assert day.breaks == 1
    assert day.slouch_alerts == 1
    assert day.long_sitting_alerts == 2


def test_bout_over_midnight_counts_only_its_part_of_the_day():
    start, end = day_bounds(DAY, TZ)
    history = History(start, end, bouts=(Interval(start - 3600, start + 1800),))
    assert summarize(history, DAY, TZ).longest_bout_s == 1800
    open_bout = History(start, end, bouts=(Interval(end - 600, None),))
    assert summarize(open_bout, DAY, TZ).longest_bout_s == 600


def test_prompts_followed_versus_declined(day):
    p = day.prompts
    assert (p.done, p.skipped, p.snoozed, p.ignored, p.dismissed) == (1, 1, 1, 1, 0)
    assert p.notifications == 1
    assert p.declined == 3
    assert p.asked == 4


def test_first_and_last_monitored_minute(day):
    assert day.first_seen == at(9)
    assert day.last_seen == at(17)


def test_hour_cells_per_local_hour(day):
    cells = {c.hour: c for c in day.hours}
    assert len(day.hours) == 24
    assert cells[8].monitored_s == 0
    assert cells[10].slouch_s == 180 and cells[10].upright_s == 57 * 60
    assert cells[12].monitored_s == 3600 and cells[12].upright_s == 15 * 60
    assert cells[15].slouch_min == 20 and cells[16].slouch_min == 20
    assert cells[15].upright_share == pytest.approx(40 / 60)
    assert cells[3].upright_share is None


def test_hour_strip(day):
    strip = hour_strip(day)
    assert len(strip) == 24
    assert strip[:9] == "·" * 9  # 00:00-08:59 not monitored
    assert strip[9] == "▁"  # monitored, no slouch
    assert strip[10] == "▂"  # 3 slouch minutes
    assert strip[15] == strip[16] == "▆"  # 20 slouch minutes
    assert strip[17:] == "·" * 7


@pytest.mark.parametrize(
    ("slouch_min", "glyph"),
    [(0, "▁"), (0.5, "▂"), (5, "▃"), (12, "▄"), (19, "▅"), (29, "▆"), (44, "▇"), (60, "█")],
)
def test_strip_glyph_scale(slouch_min, glyph):
    assert strip_glyph(HourCell(9, 3600, 3600 - slouch_min * 60, slouch_min * 60)) == glyph
    assert strip_glyph(HourCell(9, 0, 0, 0)) == "·"


def test_what_the_slouching_looked_like():
    assert summarize(working_day(), DAY, TZ).problem is Problem.FORWARD_HEAD
    assert summarize(working_day(tilt=-9.0), DAY, TZ).problem is Problem.TILTED_SHOULDERS
    upright = History(*day_bounds(DAY, TZ), minutes=minutes(at(9), "UUU"))
    assert summarize(upright, DAY, TZ).problem is None


def test_minutes_outside_the_day_are_left_out():
    rows = minutes(at(23.5, date(2025, 5, 11)), "S" * 90)  # 23:30 the day before to 01:00
    history = History(rows.minute[0], rows.minute[-1] + 60, minutes=rows)
    s = summarize(history, DAY, TZ)
    assert s.slouch_min == 60
    assert s.slouch_episodes == 1


def test_an_empty_day():
    s = summarize(History(*day_bounds(DAY, TZ)), DAY, TZ)
    assert s.monitored_s == 0 and s.upright_share is None and s.first_seen is None
    assert s.slouch_episodes == 0 and s.longest_bout_s == 0 and s.problem is None
    assert hour_strip(s) == "·" * 24


def test_spring_forward_day_has_23_hours_and_no_2_oclock():
    day = date(2025, 3, 30)
    start, end = day_bounds(day, TZ)
    assert end - start == 23 * 3600
    rows = minutes(at(1, day), "U" * 60 + "S" * 60)  # 01:00-01:59, then 03:00-03:59
    s = summarize(History(start, end, minutes=rows), day, TZ)
    assert [s.hours[h].monitored_s for h in (1, 2, 3)] == [3600, 0, 3600]
    assert s.hours[3].slouch_s == 3600
    assert hour_edges(day, TZ).shape == (25,)


def test_fall_back_day_has_25_hours_and_a_double_2_oclock():
    day = date(2025, 10, 26)
    start, end = day_bounds(day, TZ)
    assert end - start == 25 * 3600
    rows = minutes(at(1, day), "U" * 180)  # 01:00 to the second 03:00
    s = summarize(History(start, end, minutes=rows), day, TZ)
    assert [s.hours[h].monitored_s for h in (1, 2, 3)] == [3600, 7200, 0]


def test_week_folds_days_onto_one_clock():
    from tests.report.histories import merge

    days = [date(2025, 5, 12), date(2025, 5, 13)]
    history = merge(*(working_day(d) for d in days))
    week = summarize(history, days[0], TZ, n_days=2)
    assert week.slouch_min == 86
    assert week.hours[15].slouch_min == 40
    assert hour_strip(week)[15] == "▆"  # per-day average keeps the scale


def test_minute_rows_are_checked_on_entry():
    with pytest.raises(ValueError, match="increasing"):
        MinuteRows.from_array(np.array([[60.0] + [0] * 9, [0.0] + [0] * 9]))
    good = minutes(at(9), "UU")
    with pytest.raises(ValueError, match="shape"):
        replace(good, slouch_s=np.zeros(3))
    assert len(good.between(at(9), at(9) + 60)) == 1


def test_the_report_core_stays_pure():
    """No adapter library and no matplotlib behind the report's core modules."""
    code = (
        "import sys\n"
        "import posture_watch.core.report, posture_watch.core.advice\n"
        "import posture_watch.core.report_builder\n"
        "bad = [m for m in ('matplotlib', 'sqlite3', 'cv2', 'mediapipe', 'pystray', 'tkinter')"
        " if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
