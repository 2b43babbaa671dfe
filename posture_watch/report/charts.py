"""The report's charts, drawn with matplotlib and returned as inline SVG text.

matplotlib is imported here and nowhere else. Figures are built with the object API on an
explicit Agg canvas, never through ``pyplot``: pyplot keeps global state and is not
thread-safe, while the tray writes its daily report from a worker thread. SVG (text drawn
as text, ``svg.fonttype = none``) keeps the charts sharp on a phone and the HTML small.
Ids are salted with a fixed string so the same history gives byte-identical charts.

Colours match the tray icons, so a state reads the same everywhere.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable, Sequence
from datetime import tzinfo
from typing import ParamSpec

import matplotlib
import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from posture_watch.core.report import History, Interval, Summary, clock_hours, hour_edges
from posture_watch.core.report_builder import WeekReport

#: State colours (the tray's icon colours), also what tests look for in screenshots.
COLOURS: dict[str, str] = {
    "upright": "#28a745",
    "slouch": "#f08c00",
    "away": "#466ec8",
    "unknown": "#969696",
}
BREAK_COLOUR = "#466ec8"
PAUSE_COLOUR = "#6e6e6e"
CAMERA_COLOUR = "#d21e1e"
PAIN_COLOUR = "#963cc8"
ANSWER_COLOURS = {"done": "#1b7f3b", "declined": "#d21e1e", "notification": "#6e6e6e"}
_STATES = ("upright", "slouch", "away", "unknown")
P = ParamSpec("P")
#: Figures are narrow with large type so that they stay legible scaled down to a phone.
WIDTH_IN = 6.4
_RC = {"svg.fonttype": "none", "svg.hashsalt": "posture-watch", "font.size": 11}
_SVG_START = re.compile(r"^.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)


def to_svg(fig: Figure) -> str:
    """The figure as an ``<svg>`` element ready to inline (no XML prolog, no metadata)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    return _METADATA.sub("", _SVG_START.sub("", buf.getvalue(), count=1))


def _styled(chart: Callable[P, str]) -> Callable[P, str]:
    """Build the whole chart under our rcParams: matplotlib reads them as artists are made."""

    @functools.wraps(chart)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> str:
        with matplotlib.rc_context(_RC):
            return chart(*args, **kwargs)

    return wrapper


def _figure(height: float, *, left: float = 0.8, bottom: float = 0.45, top: float = 0.15) -> Figure:
    """A :data:`WIDTH_IN` wide figure with fixed margins in inches.

    Fixed margins rather than a layout engine: the labels are known in advance, and
    constrained layout measures every text twice, which made each chart ~40% slower.
    """
    fig = Figure(figsize=(WIDTH_IN, height))
    fig.subplots_adjust(
        left=left / WIDTH_IN,
        right=1 - 0.2 / WIDTH_IN,
        bottom=bottom / height,
        top=1 - top / height,
        hspace=0.2,
    )
    FigureCanvasAgg(fig)
    return fig


def _clock_range(summary: Summary) -> tuple[float, float]:
    """The monitored hours of the clock, padded, at least four hours wide."""
    hours = [c.hour for c in summary.hours if c.monitored_s > 0]
    if not hours:
        return 0.0, 24.0
    lo, hi = max(0.0, min(hours) - 0.5), min(24.0, max(hours) + 1.5)
    if hi - lo < 4.0:
        lo, hi = max(0.0, lo - 1.0), min(24.0, hi + 2.0)
    return lo, hi


def _clock_axis(ax, lo: float, hi: float) -> None:
    step = 1 if hi - lo <= 8 else 2
    ticks = np.arange(np.ceil(lo), np.floor(hi) + 1, step)
    ax.set_xlim(lo, hi)
    ax.set_xticks(ticks, [f"{int(h) % 24:02d}:00" for h in ticks])


def state_runs(history: History, edges: np.ndarray) -> list[tuple[str, float, float]]:
    """(state, start, width) in clock hours for each run of minutes with the same main state.

    A minute's main state is the one with the most seconds; runs break where the state
    changes or a minute is missing.
    """
    rows = history.minutes.between(edges[0], edges[-1])
    seconds = np.stack([getattr(rows, f"{s}_s") for s in _STATES], axis=1)
    keep = seconds.sum(axis=1) > 0
    minute, state = rows.minute[keep], np.argmax(seconds[keep], axis=1)
    if minute.size == 0:
        return []
    breaks = np.flatnonzero((np.diff(state) != 0) | (np.diff(minute) != 60.0)) + 1
    starts = np.concatenate(([0], breaks))
    ends = np.concatenate((breaks, [minute.size]))
    x0 = clock_hours(minute[starts], edges)
    x1 = clock_hours(minute[ends - 1] + 60.0, edges)
    return [
        (_STATES[state[a]], float(s), float(e - s)) for a, s, e in zip(starts, x0, x1, strict=True)
    ]


def _spans(spans: Sequence[Interval], edges: np.ndarray) -> list[tuple[float, float]]:
    out = []
    for span in spans:
        end = edges[-1] if span.end is None else min(span.end, edges[-1])
        a, b = clock_hours(np.array([max(span.start, edges[0]), end]), edges)
        if b > a:
            out.append((float(a), float(b - a)))
    return out


@_styled
def timeline_chart(history: History, summary: Summary, tz: tzinfo) -> str:
    """The day as a coloured band of states, with breaks, pauses and prompts marked below."""
    edges = hour_edges(summary.first_day, tz)
    fig = _figure(3.0, left=0.95, bottom=1.25)
    ax = fig.add_subplot()
    runs = state_runs(history, edges)
    for state in _STATES:
        bars = [(x, w) for s, x, w in runs if s == state]
        ax.broken_barh(bars, (2.0, 0.8), facecolors=COLOURS[state], linewidth=0)
    breaks = _spans(history.breaks, edges)
    ax.broken_barh(breaks, (1.1, 0.6), facecolors=BREAK_COLOUR, hatch="//", edgecolor="white")
    ax.broken_barh(_spans(history.pauses, edges), (1.1, 0.6), facecolors=PAUSE_COLOUR)
    ax.broken_barh(_spans(history.camera_problems, edges), (1.1, 0.6), facecolors=CAMERA_COLOUR)
    for key in ANSWER_COLOURS:
        ts = [p.t for p in history.prompts if _answer_key(p.answer) == key]
        if ts:
            x = clock_hours(np.asarray(ts, dtype=np.float64), edges)
            ax.plot(x, np.full_like(x, 0.45), "v", color=ANSWER_COLOURS[key], markersize=8)
    ax.set_ylim(0, 3)
    ax.set_yticks([0.45, 1.4, 2.4], ["prompts", "breaks", "posture"])
    ax.tick_params(axis="y", length=0)
    ax.spines[["top", "right", "left"]].set_visible(False)
    _clock_axis(ax, *_clock_range(summary))
    handles: list[Artist] = [Patch(color=COLOURS[s], label=s) for s in _STATES]
    handles += [
        Patch(facecolor=BREAK_COLOUR, hatch="//", edgecolor="white", label="break"),
        Patch(color=PAUSE_COLOUR, label="paused"),
        Patch(color=CAMERA_COLOUR, label="no camera"),
    ]
    handles += [
        Line2D([], [], linestyle="", marker="v", color=c, markersize=8, label=f"prompt {k}")
        for k, c in ANSWER_COLOURS.items()
    ]
    fig.legend(handles=handles, loc="lower center", ncols=4, frameon=False)
    return to_svg(fig)


def _answer_key(answer: str | None) -> str:
    if answer is None:
        return "notification"
    return "done" if answer == "done" else "declined"


@_styled
def hourly_chart(summary: Summary) -> str:
    """Upright and slouch minutes per clock hour, stacked (a week: per monitored day)."""
    hours = np.arange(24) + 0.5
    days = max(summary.days_monitored, 1)
    upright = np.array([c.upright_s for c in summary.hours]) / 60.0 / days
    slouch = np.array([c.slouch_s for c in summary.hours]) / 60.0 / days
    fig = _figure(2.8, top=0.45)
    ax = fig.add_subplot()
    ax.bar(hours, upright, width=0.8, color=COLOURS["upright"], label="upright")
    ax.bar(hours, slouch, width=0.8, bottom=upright, color=COLOURS["slouch"], label="slouch")
    ax.set_ylim(0, 60)
    ax.set_yticks([0, 15, 30, 45, 60])
    ax.set_ylabel("minutes" if summary.n_days == 1 else "minutes per day")
    ax.spines[["top", "right"]].set_visible(False)
    _clock_axis(ax, *_clock_range(summary))
    fig.legend(loc="upper center", frameon=False, ncols=2)
    return to_svg(fig)


@_styled
def bouts_chart(history: History, summary: Summary, tz: tzinfo, sit_max: float) -> str:
    """Each sitting bout as a block over its hours, as tall as it lasted (minutes).

    Bouts past the long-sitting limit are drawn in the slouch colour.
    """
    edges = hour_edges(summary.first_day, tz)
    fig = _figure(2.6)
    ax = fig.add_subplot()
    for x, w in _spans(history.bouts, edges):
        minutes = w * 60.0
        colour = COLOURS["slouch"] if minutes * 60.0 >= sit_max else COLOURS["upright"]
        ax.bar(x, minutes, width=w, align="edge", color=colour, edgecolor="white")
    limit = sit_max / 60.0
    ax.axhline(limit, color=CAMERA_COLOUR, linewidth=1, linestyle="--")
    ax.text(
        0.995,
        limit,
        "break due ",
        color=CAMERA_COLOUR,
        va="bottom",
        ha="right",
        transform=ax.get_yaxis_transform(),
    )
    ax.set_ylabel("minutes sitting")
    ax.set_ylim(0, max(limit * 1.3, summary.longest_bout_s / 60.0 * 1.1))
    ax.spines[["top", "right"]].set_visible(False)
    _clock_axis(ax, *_clock_range(summary))
    return to_svg(fig)


def _day_labels(week: WeekReport) -> list[str]:
    return [f"{d.first_day:%a}\n{d.first_day:%d}" for d in week.days]


@_styled
def week_trend_chart(week: WeekReport) -> str:
    """Slouch minutes per day (bars) above the upright share per day (line)."""
    x = np.arange(len(week.days))
    share = [np.nan if d.upright_share is None else d.upright_share * 100 for d in week.days]
    fig = _figure(3.4, bottom=0.7)
    top, bottom = fig.subplots(2, 1, sharex=True)
    top.bar(x, [d.slouch_min for d in week.days], color=COLOURS["slouch"])
    top.set_ylabel("slouch min")
    bottom.plot(x, share, "o-", color=COLOURS["upright"], markersize=7)
    bottom.set_ylim(0, 105)
    bottom.set_ylabel("upright %")
    bottom.set_xticks(x, _day_labels(week))
    for ax in (top, bottom):
        ax.spines[["top", "right"]].set_visible(False)
    return to_svg(fig)


@_styled
def pain_chart(week: WeekReport) -> str:
    """Pain per day above slouch minutes and sitting hours per day, on a shared day axis."""
    x = np.arange(len(week.days))
    pain = np.array([np.nan if p is None else p for p in week.pain], dtype=np.float64)
    fig = _figure(4.4, bottom=0.7)
    ax_pain, ax_slouch, ax_sit = fig.subplots(3, 1, sharex=True)
    ax_pain.plot(x, pain, "o-", color=PAIN_COLOUR, markersize=8)
    ax_pain.set_ylim(-0.5, 10.5)
    ax_pain.set_yticks([0, 5, 10])
    ax_pain.set_ylabel("pain 0–10")
    ax_slouch.bar(x, [d.slouch_min for d in week.days], color=COLOURS["slouch"])
    ax_slouch.set_ylabel("slouch min")
    ax_sit.bar(x, [d.sitting_s / 3600.0 for d in week.days], color=COLOURS["unknown"])
    ax_sit.set_ylabel("sitting h")
    ax_sit.set_xticks(x, _day_labels(week))
    for ax in (ax_pain, ax_slouch, ax_sit):
        ax.spines[["top", "right"]].set_visible(False)
    return to_svg(fig)
