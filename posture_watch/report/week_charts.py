"""The week report's charts: the trend, and pain against slouching and sitting, per day.

One rule for a short day (monitored, but under the counting minimum of
:func:`~posture_watch.core.report_builder.day_counts`) in every week chart: it is drawn
hollow (an open bar, an open ring), a day that counts is filled, a day without monitoring
draws nothing, and the legend says so (:func:`week_legend`). The table beside the charts
marks the same days with a star.

Drawn like the day's charts (:mod:`posture_watch.report.charts`): one SVG per
:class:`~posture_watch.report.charts.Size`, colours from the tray's palette, legends as
HTML beside the chart. Their words are catalog messages (``posture_watch.core.text``);
an axis label keeps its unit on a line of its own ("slouching\n(min)"), as one message.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.ticker import MaxNLocator

from posture_watch.core import formats
from posture_watch.core.decay_words import bin_share, nudge_mark, shown_bins
from posture_watch.core.durations import format_minutes
from posture_watch.core.report_builder import MIN_DAY_MONITORED_S, WeekReport
from posture_watch.core.text import _
from posture_watch.report.charts import (
    CAMERA_COLOUR,
    COLOURS,
    PAIN_COLOUR,
    TEXT_COLOURS,
    LegendItem,
    Size,
    new_figure,
    styled,
    to_svg,
)


def _week_bars(ax, x: np.ndarray, y: np.ndarray, counts: np.ndarray, colour: str) -> None:
    """Filled bars for days that count, hollow ones for the others; NaN draws nothing."""
    seen = ~np.isnan(y) & (y > 0)  # NaN: not monitored; 0: nothing to draw, not even a rim
    ax.bar(x[counts & seen], y[counts & seen], color=colour, width=0.7)
    hollow = ~counts & seen
    ax.bar(x[hollow], y[hollow], color="white", edgecolor=colour, linewidth=1.5, width=0.7)


def _monitored(week: WeekReport, values: Sequence[float]) -> np.ndarray:
    """``values`` per day, NaN for a day without monitoring (no bar, not even a hollow one)."""
    return np.array(
        [v if d.monitored_s > 0 else np.nan for d, v in zip(week.days, values, strict=True)]
    )


def _week_dots(ax, x: np.ndarray, y: np.ndarray, counts: np.ndarray, colour: str) -> None:
    ax.plot(x, np.where(counts, y, np.nan), "-", color=colour)
    ax.plot(x[counts], y[counts], "o", color=colour, markersize=7)
    if (~counts).any():
        ax.plot(
            x[~counts],
            y[~counts],
            "o",
            markersize=7,
            markerfacecolor="white",
            markeredgewidth=1.5,
            color=colour,
        )


def _minutes_axis(ax, values: np.ndarray, label: str) -> None:
    """A minutes axis from 0 with a few whole-number ticks, at least 0-5 min."""
    ax.set_ylim(0, max(5.0, float(np.nanmax(values, initial=0.0)) * 1.1))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True, min_n_ticks=2))
    ax.set_ylabel(label)


def sitting_scale(week: WeekReport) -> tuple[float, str]:
    """Seconds per unit and the unit's name for the sitting axis: minutes while no day
    reaches an hour (a 14-minute day must not be 0.23 h on an axis of 0.00-0.25)."""
    longest = max((d.sitting_s for d in week.days), default=0.0)
    return (60.0, "min") if longest < 3600.0 else (3600.0, "hours")


def week_legend(week: WeekReport, series: Sequence[LegendItem]) -> list[LegendItem]:
    """The chart's ``series``, then filled against hollow when a day is too short to count."""
    items = list(series)
    hollow = [
        not counts and (d.monitored_s > 0 or pain is not None)
        for d, pain, counts in zip(week.days, week.pain, week.counts, strict=True)
    ]
    if any(hollow):
        colour = TEXT_COLOURS["ink"]
        if any(week.counts):
            items.append(LegendItem(_("filled: a day that counts"), colour, "box"))
        hollow_label = _("hollow: under {min} min monitored, not counted").format(
            min=f"{MIN_DAY_MONITORED_S / 60:.0f}"
        )
        items.append(LegendItem(hollow_label, colour, "hollow"))
    return items


def trend_series() -> list[LegendItem]:
    return [
        LegendItem(_("minutes slouching"), COLOURS["slouch"]),
        LegendItem(_("share of sitting time upright"), COLOURS["upright"], "dot"),
    ]


def pain_series(week: WeekReport) -> list[LegendItem]:
    unit = sitting_scale(week)[1]
    pain = [LegendItem(_("highest pain logged (0–10)"), PAIN_COLOUR, "dot")]
    sitting = _("time sitting (min)") if unit == "min" else _("time sitting (hours)")
    return [
        *(pain if any(p is not None for p in week.pain) else []),
        LegendItem(_("minutes slouching"), COLOURS["slouch"]),
        LegendItem(sitting, COLOURS["unknown"]),
    ]


def _day_labels(week: WeekReport) -> list[str]:
    """The weekday (the locale's short name) over the day of the month."""
    return [f"{formats.weekday(d.first_day)}\n{d.first_day:%d}" for d in week.days]


@styled
def week_trend_chart(size: Size, week: WeekReport) -> str:
    """Slouching minutes per day (bars) above the upright share per day (dots)."""
    x = np.arange(len(week.days))
    counts = np.array(week.counts)
    share = np.array(
        [np.nan if d.upright_share is None else d.upright_share * 100 for d in week.days]
    )
    left = size.text_in(3) + 2.2 * size.em_in + 0.15
    fig = new_figure(size, 18 * size.em_in, left=left, bottom=3.6 * size.em_in, top=0.1)
    top, bottom = fig.subplots(2, 1, sharex=True)
    slouch = _monitored(week, [d.slouch_min for d in week.days])
    _week_bars(top, x, slouch, counts, COLOURS["slouch"])
    _minutes_axis(top, slouch, _("slouching\n(min)"))
    # The line joins the days the trend uses; a day too short to count is an open ring.
    _week_dots(bottom, x, share, counts, COLOURS["upright"])
    bottom.set_ylim(0, 105)
    bottom.set_yticks([0, 50, 100])
    bottom.set_ylabel(_("upright\n(%)"))
    bottom.set_xticks(x, _day_labels(week))
    for ax in (top, bottom):
        ax.spines[["top", "right"]].set_visible(False)
    return to_svg(fig)


@styled
def pain_chart(size: Size, week: WeekReport) -> str:
    """Pain per day above slouching minutes and sitting time per day, on a shared day axis."""
    x = np.arange(len(week.days))
    pain = np.array([np.nan if p is None else p for p in week.pain], dtype=np.float64)
    left = size.text_in(3) + 2.2 * size.em_in + 0.15
    fig = new_figure(size, 24 * size.em_in, left=left, bottom=3.6 * size.em_in, top=0.1)
    ax_pain, ax_slouch, ax_sit = fig.subplots(3, 1, sharex=True)
    counts = np.array(week.counts)
    _week_dots(ax_pain, x, pain, counts, PAIN_COLOUR)
    ax_pain.set_ylim(-0.5, 10.5)
    ax_pain.set_yticks([0, 5, 10])
    ax_pain.set_ylabel(_("pain\n(0–10)"))
    slouch = _monitored(week, [d.slouch_min for d in week.days])
    _week_bars(ax_slouch, x, slouch, counts, COLOURS["slouch"])
    _minutes_axis(ax_slouch, slouch, _("slouching\n(min)"))
    per, unit = sitting_scale(week)
    sitting = _monitored(week, [d.sitting_s / per for d in week.days])
    _week_bars(ax_sit, x, sitting, counts, COLOURS["unknown"])
    if unit == "min":
        _minutes_axis(ax_sit, sitting, _("sitting\n(min)"))
    else:
        ax_sit.set_ylim(0, max(1.0, float(np.nanmax(sitting)) * 1.1))
        ax_sit.yaxis.set_major_locator(MaxNLocator(nbins=3, steps=[1, 2, 2.5, 5, 10]))
        ax_sit.set_ylabel(_("sitting\n(hours)"))
    ax_sit.set_xticks(x, _day_labels(week))
    for ax in (ax_pain, ax_slouch, ax_sit):
        ax.spines[["top", "right"]].set_visible(False)
    return to_svg(fig)


#: The line at the median hold on the decay chart (the ink's grey: it is no state).
HOLD_COLOUR = "#555555"


def decay_series(week: WeekReport) -> list[LegendItem]:
    """The decay chart's legend: the upright share, the median hold when there is one,
    and the break nudge's line."""
    items = [LegendItem(_("share of sitting time upright"), COLOURS["upright"], "dot")]
    hold = week.decay.hold.minutes if week.decay is not None else None
    if hold is not None:
        label = _("median time upright after a break: {duration}").format(
            duration=format_minutes(hold * 60.0)
        )
        items.append(LegendItem(label, HOLD_COLOUR, "line"))
    return [*items, LegendItem(nudge_mark(week.sit_max), CAMERA_COLOUR, "line")]


@styled
def decay_chart(size: Size, week: WeekReport) -> str:
    """Upright share (%) against minutes since a break, one dot per bin of the curve
    (bins resting on too few minutes left out), the break nudge's minute a dashed line."""
    assert week.decay is not None
    bins = shown_bins(week.decay.curve)
    x = np.array([(b.start_min + b.end_min) / 2.0 for b in bins])
    y = np.array([np.nan if (v := bin_share(b)) is None else v * 100.0 for b in bins])
    limit = week.sit_max / 60.0
    left = size.text_in(3) + 2.2 * size.em_in + 0.15
    fig = new_figure(size, 12 * size.em_in, left=left, bottom=3.6 * size.em_in, top=0.1)
    ax = fig.add_subplot()
    ax.plot(x, y, "-o", color=COLOURS["upright"], markersize=5)
    ax.axvline(limit, color=CAMERA_COLOUR, linewidth=1.5, linestyle="--")
    if week.decay.hold.minutes is not None:
        ax.axvline(week.decay.hold.minutes, color=HOLD_COLOUR, linewidth=1.5, linestyle="--")
    right = max(float(bins[-1].end_min) if bins else 0.0, limit * 1.05, 30.0)
    ax.set_xlim(0, right)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 1.5, 3, 6, 10]))
    ax.set_ylim(0, 105)
    ax.set_yticks([0, 50, 100])
    ax.set_ylabel(_("upright\n(%)"))
    ax.set_xlabel(_("minutes since a break"))
    ax.spines[["top", "right"]].set_visible(False)
    return to_svg(fig)
