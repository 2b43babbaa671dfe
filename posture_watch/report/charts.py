"""The report's charts, drawn with matplotlib and returned as inline SVG text.

matplotlib is imported here and nowhere else. Figures are built with the object API on an
explicit Agg canvas, never through ``pyplot``: pyplot keeps global state and is not
thread-safe, while the tray writes its daily report from a worker thread. SVG (text drawn
as text, ``svg.fonttype = none``) keeps the charts sharp on a phone and the HTML small.
Ids are salted with a fixed string so the same history gives byte-identical charts.

Colours match the tray icons, so a state reads the same everywhere.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import tzinfo

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
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
_RC = {"svg.fonttype": "none", "svg.hashsalt": "posture-watch", "font.size": 9}
_SVG_START = re.compile(r"^.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)


def to_svg(fig: Figure) -> str:
    """The figure as an ``<svg>`` element ready to inline (no XML prolog, no metadata)."""
    buf = io.StringIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    return _METADATA.sub("", _SVG_START.sub("", buf.getvalue(), count=1))


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
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


def timeline_chart(history: History, summary: Summary, tz: tzinfo) -> str:
    """The day as a coloured band of states, with breaks, pauses and prompts marked below."""
    edges = hour_edges(summary.first_day, tz)
    fig = _figure(9.0, 2.4)
    ax = fig.add_subplot()
    for state in _STATES:
        runs = [(x, w) for s, x, w in state_runs(history, edges) if s == state]
        ax.broken_barh(runs, (2.0, 0.8), facecolors=COLOURS[state], linewidth=0)
    ax.broken_barh(
        _spans(history.breaks, edges),
        (1.1, 0.6),
        facecolors=BREAK_COLOUR,
        hatch="//",
        edgecolor="white",
        linewidth=0,
    )
    ax.broken_barh(_spans(history.pauses, edges), (1.1, 0.6), facecolors=PAUSE_COLOUR)
    ax.broken_barh(_spans(history.camera_problems, edges), (1.1, 0.6), facecolors=CAMERA_COLOUR)
    for key, answers in (("done", {"done"}), ("notification", {None})):
        xs = [p.t for p in history.prompts if p.answer in answers]
        _prompt_marks(ax, xs, edges, key)
    declined = [p.t for p in history.prompts if p.answer not in ("done", None)]
    _prompt_marks(ax, declined, edges, "declined")
    ax.set_ylim(0, 3)
    ax.set_yticks([0.45, 1.4, 2.4], ["prompts", "breaks", "posture"])
    ax.tick_params(axis="y", length=0)
    ax.spines[["top", "right", "left"]].set_visible(False)
    _clock_axis(ax, *_clock_range(summary))
    legend = [Patch(color=COLOURS[s], label=s) for s in _STATES]
    legend += [Patch(facecolor=BREAK_COLOUR, hatch="//", edgecolor="white", label="break")]
    legend += [
        Patch(color=PAUSE_COLOUR, label="paused"),
        Patch(color=CAMERA_COLOUR, label="camera"),
    ]
    ax.legend(
        handles=legend,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.25),
        ncols=4,
        frameon=False,
        fontsize=8,
    )
    return to_svg(fig)


def _prompt_marks(ax, ts: list[float], edges: np.ndarray, key: str) -> None:
    if ts:
        x = clock_hours(np.asarray(ts, dtype=np.float64), edges)
        ax.plot(
            x,
            np.full_like(x, 0.45),
            "v",
            color=ANSWER_COLOURS[key],
            markersize=7,
            label=f"prompt {key}",
        )


def hourly_chart(summary: Summary) -> str:
    """Upright and slouch minutes per clock hour, stacked (a week: per monitored day)."""
    hours = np.arange(24) + 0.5
    days = max(summary.days_monitored, 1)
    upright = np.array([c.upright_s for c in summary.hours]) / 60.0 / days
    slouch = np.array([c.slouch_s for c in summary.hours]) / 60.0 / days
    fig = _figure(9.0, 2.6)
    ax = fig.add_subplot()
    ax.bar(hours, upright, width=0.8, color=COLOURS["upright"], label="upright")
    ax.bar(hours, slouch, width=0.8, bottom=upright, color=COLOURS["slouch"], label="slouch")
    ax.set_ylim(0, 60)
    ax.set_ylabel("minutes" if summary.n_days == 1 else "minutes per day")
    ax.spines[["top", "right"]].set_visible(False)
    _clock_axis(ax, *_clock_range(summary))
    ax.legend(loc="upper left", frameon=False, ncols=2, fontsize=8)
    return to_svg(fig)


def bouts_chart(history: History, summary: Summary, tz: tzinfo, sit_max: float) -> str:
    """Each sitting bout as a block over its hours, as tall as it lasted (minutes)."""
    edges = hour_edges(summary.first_day, tz)
    fig = _figure(9.0, 2.4)
    ax = fig.add_subplot()
    for x, w in _spans(history.bouts, edges):
        minutes = w * 60.0
        colour = COLOURS["slouch"] if minutes * 60.0 >= sit_max else COLOURS["upright"]
        ax.bar(x, minutes, width=w, align="edge", color=colour, edgecolor="white")
    ax.axhline(sit_max / 60.0, color=CAMERA_COLOUR, linewidth=1, linestyle="--")
    ax.text(
        0.995,
        sit_max / 60.0,
        " break due",
        color=CAMERA_COLOUR,
        va="bottom",
        ha="right",
        transform=ax.get_yaxis_transform(),
        fontsize=8,
    )
    ax.set_ylabel("minutes sitting")
    ax.set_ylim(0, max(sit_max / 60.0 * 1.3, summary.longest_bout_s / 60.0 * 1.1))
    ax.spines[["top", "right"]].set_visible(False)
    _clock_axis(ax, *_clock_range(summary))
    return to_svg(fig)


def week_trend_chart(week: WeekReport) -> str:
    """Slouch minutes per day (bars) and the upright share per day (line)."""
    labels = [f"{d.first_day:%a}\n{d.first_day:%d %b}" for d in week.days]
    x = np.arange(len(week.days))
    fig = _figure(9.0, 2.8)
    ax = fig.add_subplot()
    ax.bar(x, [d.slouch_min for d in week.days], color=COLOURS["slouch"], label="slouch min")
    ax.set_ylabel("slouch minutes")
    share = np.array(
        [np.nan if d.upright_share is None else d.upright_share * 100 for d in week.days]
    )
    ax2 = ax.twinx()
    ax2.plot(x, share, "o-", color=COLOURS["upright"], label="upright %")
    ax2.set_ylim(0, 105)
    ax2.set_ylabel("upright %")
    ax.set_xticks(x, labels)
    for a in (ax, ax2):
        a.spines[["top"]].set_visible(False)
    fig.legend(loc="outside upper center", ncols=2, frameon=False, fontsize=8)
    return to_svg(fig)


def pain_chart(week: WeekReport) -> str:
    """Pain per day (top) above slouch minutes and sitting hours per day (bottom)."""
    labels = [f"{d.first_day:%a}\n{d.first_day:%d %b}" for d in week.days]
    x = np.arange(len(week.days))
    pain = np.array([np.nan if p is None else p for p in week.pain], dtype=np.float64)
    fig = _figure(9.0, 3.6)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[1, 1.2])
    top.plot(x, pain, "o-", color=PAIN_COLOUR, markersize=7)
    top.set_ylim(-0.5, 10.5)
    top.set_ylabel("pain 0–10")
    width = 0.38
    bottom.bar(
        x - width / 2,
        [d.slouch_min for d in week.days],
        width,
        color=COLOURS["slouch"],
        label="slouch min",
    )
    bottom.bar(
        x + width / 2,
        [d.sitting_s / 60.0 for d in week.days],
        width,
        color=COLOURS["unknown"],
        label="sitting min",
    )
    bottom.set_ylabel("minutes")
    bottom.set_xticks(x, labels)
    bottom.legend(loc="upper left", frameon=False, ncols=2, fontsize=8)
    for a in (top, bottom):
        a.spines[["top", "right"]].set_visible(False)
    return to_svg(fig)
