"""Issue 17, item 11: the charts' axes, the short-day rule and the colours used for text."""

from __future__ import annotations

import re

import numpy as np
import pytest

from posture_watch.core.report import clock_hours, hour_edges, summarize
from posture_watch.report import charts, week_charts
from tests.report.contrast import MIN_RATIO, hex_rgb, ratio
from tests.report.histories import TZ
from tests.report.pages import DAYS, all_pages, mixed_week, tiny_week


def _labels(svg: str) -> list[str]:
    return re.findall(r">([^<>]+)</text>", svg)


@pytest.mark.parametrize("name", ["full", "short", "midnight", "dst"])
def test_the_hour_chart_uses_the_timelines_range(name):
    history, day = DAYS[name]
    s = summarize(history, day, TZ)
    clock = charts.day_clock_range(s, TZ)
    seen = np.array([s.first_seen, s.last_seen + 60.0])
    first, last = clock_hours(seen, hour_edges(s.first_day, TZ))
    assert clock[0] <= first and last <= clock[1]  # the monitored span is on the axis
    for svg in (
        charts.timeline_chart(charts.PHONE, history, s, TZ, clock),
        charts.hourly_chart(charts.PHONE, s, clock),
    ):
        ticks = [int(x[:2]) + int(x[3:]) / 60 for x in _labels(svg) if re.match(r"\d\d:\d\d$", x)]
        ticks = [t + 24 if t < clock[0] else t for t in ticks]
        assert ticks and clock[0] <= min(ticks) and max(ticks) <= clock[1], (name, ticks, clock)


def test_odd_spans_get_the_clock_they_cover():
    ranges = {
        name: charts.day_clock_range(summarize(h, d, TZ), TZ)
        for name, (h, d) in DAYS.items()
        if name != "empty"
    }
    assert ranges["midnight"] == (23.0, 24.0)  # 23:15-00:00, not 21:00-00:00
    assert ranges["dst"] == (1.0, 5.0)  # 01:30-04:30 on a 23-hour day
    assert ranges["short"] == (9.75, 10.5)  # 10:06-10:20
    assert ranges["full"] == (8.0, 18.0)


def test_a_week_of_minutes_has_a_minutes_axis_with_whole_ticks():
    """The bug: "sitting h" ran 0.00-0.05."""
    week = tiny_week()
    assert week_charts.sitting_scale(week) == (60.0, "min")
    svg = week_charts.pain_chart(charts.DESKTOP, week)
    labels = _labels(svg)
    assert "sitting" in labels and "(min)" in labels
    numbers = [x for x in labels if re.fullmatch(r"[\d.]+", x)]
    assert numbers and all("." not in x for x in numbers), numbers
    assert week_charts.sitting_scale(mixed_week()) == (3600.0, "hours")


def test_a_short_day_is_hollow_in_every_week_chart():
    """One rule: a day monitored under the minimum is hollow (white inside its colour)
    in the trend chart and in the pain chart alike, and both legends say so."""
    week = mixed_week()
    hollow = f"fill: #ffffff; stroke: {charts.COLOURS['slouch']}"
    assert week_charts.week_trend_chart(charts.DESKTOP, week).count(hollow) == 1  # Fri 16
    pain = week_charts.pain_chart(charts.DESKTOP, week)
    assert pain.count(hollow) == 1
    assert pain.count(f"fill: #ffffff; stroke: {charts.COLOURS['unknown']}") == 1
    for series in (week_charts.trend_series(), week_charts.pain_series(week)):
        labels = [i.label for i in week_charts.week_legend(week, series)]
        assert "hollow: under 10 min monitored, not counted" in labels


def test_colours_used_for_text_have_contrast_on_white():
    for name, colour in charts.TEXT_COLOURS.items():
        assert ratio(hex_rgb(colour), (255, 255, 255)) >= MIN_RATIO, name


def test_the_pages_text_colours_have_contrast_on_their_backgrounds():
    """Every ``color:`` of the page's style on white and on the hour strip's tints."""
    style = re.search(r"<style>(.*?)</style>", all_pages()["full"], re.S).group(1)  # type: ignore[union-attr]
    colours = set(re.findall(r"(?<![-\w])color:(#[0-9a-f]{3,6})", style))
    assert colours >= {"#222", "#555"}
    full = {c if len(c) == 7 else "#" + "".join(x * 2 for x in c[1:]) for c in colours}
    for c in full:
        assert ratio(hex_rgb(c), (255, 255, 255)) >= MIN_RATIO, c
    # the hour strip's darkest tint under its #222 text: orange at full strength
    assert ratio(hex_rgb("#222222"), hex_rgb(charts.COLOURS["slouch"])) >= MIN_RATIO


def test_an_hours_bar_covers_only_its_monitored_part() -> None:
    """A day monitored 05:06-05:13 draws hour 5's bar inside those minutes, not across
    the whole hour (on the axis the timeline shares, it looked like an hour monitored)."""
    start, width = charts.hour_bars((5.1, 5.2167))
    assert start[5] >= 5.1 and start[5] + width[5] <= 5.2167
    assert width[5] > 0.08  # most of the 7 minutes
    assert np.count_nonzero(width) == 1
    start, width = charts.hour_bars((8.0, 18.0))  # a full day: whole hours with gaps
    assert start[9] == pytest.approx(9.1) and width[9] == pytest.approx(0.8)
    assert np.count_nonzero(width) == 10
    start, width = charts.hour_bars(None)  # a week: every hour
    assert np.count_nonzero(width) == 24
