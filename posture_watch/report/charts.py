"""The report's charts, drawn with matplotlib and returned as inline SVG text: the day's
charts and what every chart shares (sizes, colours, legends, the clock axis); the week's
are in :mod:`posture_watch.report.week_charts`.

matplotlib is imported by the chart modules only. Figures are built with the object API on an
explicit Agg canvas, never through ``pyplot``: pyplot keeps global state and is not
thread-safe, while the tray writes its daily report from a worker thread. SVG (text drawn
as text, ``svg.fonttype = none``) keeps the charts sharp on a phone and the HTML small.
Ids are salted with a fixed string so the same history gives byte-identical charts.

An inline SVG scales as a whole, text included, so one drawing cannot both fill a
1,200 px desktop column and keep 12 px text on a 390 px phone. Every chart is therefore
drawn in a few :class:`Size` s (phone, tablet, desktop), each with the font size that
renders at 11-16 CSS px over the widths it is shown at; the page shows one of them with a
CSS media query (see :mod:`posture_watch.report.html`). Legends are HTML beside the
chart (:func:`timeline_legend`), sized by CSS, so they never shrink with the drawing.

The time axis of the day charts is fitted to the monitored span (:func:`fit_clock_range`):
a 14-minute session fills the chart rather than being a sliver of a fixed five hours. All
three charts of a day take that one axis (:func:`day_clock_range`), so an hour is at the
same place in the timeline, the per-hour chart and the sitting spells.

Colours match the tray icons, so a state reads the same everywhere.

The charts' words (legends, axis labels, row names) are catalog messages
(``posture_watch.core.text``). The tables of them here are built at import, before the
language is chosen, so they hold English marked with ``N_`` and every use translates; the
timeline's left margin is measured on the translated row names.
"""

from __future__ import annotations

import functools
import io
import math
import re
import threading
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import Concatenate, ParamSpec

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from posture_watch.core.durations import format_span
from posture_watch.core.palette import state_hex
from posture_watch.core.report import History, Interval, Summary, clock_hours, hour_edges
from posture_watch.core.status import TrayState
from posture_watch.core.text import N_, _, pgettext

#: State colours (the tray's icon colours, :mod:`posture_watch.core.palette`), also what
#: tests look for in screenshots; "unknown" is the icon's grey of a state not yet known.
COLOURS: dict[str, str] = {
    "upright": state_hex(TrayState.UPRIGHT),
    "slouch": state_hex(TrayState.SLOUCH),
    "away": state_hex(TrayState.AWAY),
    "unknown": state_hex(TrayState.STARTING),
}
BREAK_COLOUR = state_hex(TrayState.AWAY)
PAUSE_COLOUR = state_hex(TrayState.PAUSED)
CAMERA_COLOUR = state_hex(TrayState.CAMERA_PROBLEM)
PAIN_COLOUR = "#963cc8"
#: Nudge markers on the timeline: a stretch or break done (or a posture nudge answered
#: "I'm fine"), one not done, a nudge nobody answered (a posture nudge, or a break nudge
#: whose buttons went unpressed where no stretch window could open).
ANSWER_COLOURS = {"done": "#1b7f3b", "declined": "#d21e1e", "notification": "#6e6e6e"}
ANSWER_LABELS = {
    "done": N_("nudge followed (stretch or break done, or “I'm fine”)"),
    "declined": N_("nudge skipped, snoozed or ignored"),
    "notification": N_("nudge shown, no answer"),
}
#: A nudge held back (a full-screen window, paused notifications, a call): a ring on the
#: nudges row, as nothing was shown (core/do_not_disturb.py).
HELD_COLOUR = "#6e6e6e"
HELD_LABEL = N_("nudge held back (full screen, notifications paused, a call)")
#: Colours the charts use for text (tick labels); each keeps 4.5:1 on white (tested).
TEXT_COLOURS = {"ink": "#222222", "limit": CAMERA_COLOUR}
#: The states' names in legends (English, marked: translate with ``_`` where shown).
STATE_LABELS = {
    "upright": N_("upright"),
    "slouch": N_("slouching"),
    "away": N_("away"),
    "unknown": N_("unclear"),
}
_STATES = ("upright", "slouch", "away", "unknown")
P = ParamSpec("P")
_SVG_START = re.compile(r"^.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
#: A digit's width as a share of the font size (DejaVu Sans, matplotlib's default font).
_CHAR_EM = 0.64


@dataclass(frozen=True)
class Size:
    """One drawing size of every chart: its width and font size in inches and points.

    An SVG drawn ``width_in`` wide shows at ``96 * width_in`` CSS px; the page scales it
    to the column, so text renders at ``font_pt * 4/3 * column / (96 * width_in)`` px.
    """

    name: str
    width_in: float
    font_pt: float

    @property
    def em_in(self) -> float:
        """The font size in inches."""
        return self.font_pt / 72.0

    def text_in(self, chars: int) -> float:
        """The width of ``chars`` characters of tick text, in inches."""
        return chars * _CHAR_EM * self.em_in


#: Phones (column up to ~600 px): 10 pt in a 4 in drawing is ~12.4 px at a 390 px screen.
PHONE = Size("phone", 4.0, 10.0)
#: Tablets and narrow windows (column ~600-990 px): 12-20 px.
TABLET = Size("tablet", 7.0, 10.0)
#: Desktops (column ~990-1170 px): 13-16 px.
DESKTOP = Size("desktop", 11.5, 11.0)
SIZES = (PHONE, TABLET, DESKTOP)


def to_svg(fig: Figure) -> str:
    """The figure as an ``<svg>`` element ready to inline (no XML prolog, no metadata)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    return _METADATA.sub("", _SVG_START.sub("", buf.getvalue(), count=1))


# The charts' text is SVG text (``svg.fonttype = none``): the browser draws it with the
# fonts it has (Noto Sans CJK for Japanese: fonts-noto-cjk). Matplotlib only measures it,
# with DejaVu Sans, and warns for every CJK glyph it lacks: noise on the person's terminal
# for a chart that renders right, so it is silenced (the widths it guesses are close).
warnings.filterwarnings("ignore", r"Glyph \d+ .* missing from font", UserWarning)

#: One chart at a time in this process: :func:`styled` changes matplotlib's global rcParams.
_DRAWING = threading.Lock()


def styled(chart: Callable[Concatenate[Size, P], str]) -> Callable[Concatenate[Size, P], str]:
    """Build the whole chart under our rcParams for ``size``: matplotlib reads them as
    artists are made. Ids are salted per size, so the sizes on one page never share an id
    (a clip path in the hidden copy would not be drawn). rcParams are global, so charts
    are drawn one at a time (:data:`_DRAWING`): the tray's start-up warm-up and a report
    written on another thread would otherwise swap each other's settings mid-chart."""

    @functools.wraps(chart)
    def wrapper(size: Size, *args: P.args, **kwargs: P.kwargs) -> str:
        with (
            _DRAWING,
            matplotlib.rc_context(
                {
                    "svg.fonttype": "none",
                    "svg.hashsalt": f"posture-watch-{size.name}",
                    "font.size": size.font_pt,
                    "text.color": TEXT_COLOURS["ink"],
                    "axes.labelcolor": TEXT_COLOURS["ink"],
                    "xtick.labelcolor": TEXT_COLOURS["ink"],
                    "ytick.labelcolor": TEXT_COLOURS["ink"],
                }
            ),
        ):
            return chart(size, *args, **kwargs)

    return wrapper


def new_figure(size: Size, height: float, *, left: float, bottom: float, top: float) -> Figure:
    """A ``size.width_in`` wide figure with fixed margins in inches.

    Fixed margins rather than a layout engine: the labels are known in advance, and
    constrained layout measures every text twice, which made each chart ~40% slower.
    """
    fig = Figure(figsize=(size.width_in, height))
    fig.subplots_adjust(
        left=left / size.width_in,
        right=1 - 0.25 / size.width_in,
        bottom=bottom / height,
        top=1 - top / height,
        hspace=0.25,
    )
    FigureCanvasAgg(fig)
    return fig


# ---------------------------------------------------------------- the clock axis

#: The narrowest time axis: a short session still reads as a stretch of time.
MIN_AXIS_H = 0.5
#: Tick spacings tried, in hours, finest first.
_TICK_STEPS = (0.25, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0)


def fit_clock_range(first: float, last: float, day_h: float = 24.0) -> tuple[float, float]:
    """The time axis (clock hours) for monitoring from ``first`` to ``last`` (clock hours).

    Padded by a tenth of the span (at least 5 min) on each side, at least
    :data:`MIN_AXIS_H` wide, rounded out to the quarter hour (half hour past 3 h, hour
    past 6 h), and kept inside the day.
    """
    pad = max(5.0 / 60.0, 0.1 * (last - first))
    lo, hi = first - pad, last + pad
    if hi - lo < MIN_AXIS_H:
        mid = (lo + hi) / 2.0
        lo, hi = mid - MIN_AXIS_H / 2.0, mid + MIN_AXIS_H / 2.0
    if lo < 0.0:
        lo, hi = 0.0, hi - lo
    if hi > day_h:
        lo, hi = max(0.0, lo - (hi - day_h)), day_h
    step = 0.25 if hi - lo <= 3.0 else 0.5 if hi - lo <= 6.0 else 1.0
    return math.floor(lo / step + 1e-9) * step, min(day_h, math.ceil(hi / step - 1e-9) * step)


def monitored_span(summary: Summary, tz: tzinfo) -> tuple[float, float] | None:
    """The first and last monitored moment of a one-day summary, in clock hours (None
    for a day with nothing monitored)."""
    if summary.first_seen is None or summary.last_seen is None:
        return None
    edges = hour_edges(summary.first_day, tz)
    first, last = clock_hours(np.array([summary.first_seen, summary.last_seen]), edges)
    return float(first), float(last)


def day_clock_range(summary: Summary, tz: tzinfo) -> tuple[float, float]:
    """:func:`fit_clock_range` for the monitored span of a one-day summary."""
    span = monitored_span(summary, tz)
    return (0.0, 24.0) if span is None else fit_clock_range(*span)


def week_clock_range(summary: Summary) -> tuple[float, float]:
    """The week's hour chart: whole clock hours from the first to the last hour monitored
    on any day, at least 3 h wide (a week has no single span to fit, unlike a day)."""
    hours = [c.hour for c in summary.hours if c.monitored_s > 0]
    if not hours:
        return 0.0, 24.0
    lo, hi = float(min(hours)), float(max(hours) + 1)
    while hi - lo < 3.0:  # grow by an hour after, then before, within the day
        if hi < 24.0:
            hi += 1.0
        if hi - lo < 3.0 and lo > 0.0:
            lo -= 1.0
    return lo, hi


def _clock_ticks(lo: float, hi: float, max_ticks: int, min_step: float = 0.0) -> np.ndarray:
    steps = [s for s in _TICK_STEPS if s >= min_step]
    step = next((s for s in steps if (hi - lo) / s + 1 <= max_ticks), steps[-1])
    first = math.ceil(lo / step - 1e-9) * step
    return np.arange(first, hi + 1e-9, step)


def _clock_label(h: float) -> str:
    minutes = round(h * 60)
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def _clock_axis(
    ax, size: Size, lo: float, hi: float, axis_in: float, min_step: float = 0.0
) -> None:
    """Clock ticks ("09:30") on ``[lo, hi]``, as many as fit in ``axis_in`` inches."""
    max_ticks = max(2, int(axis_in / (size.text_in(5) + 0.35)) + 1)
    ticks = _clock_ticks(lo, hi, max_ticks, min_step)
    ax.set_xlim(lo, hi)
    ax.set_xticks(ticks, [_clock_label(h) for h in ticks])


# ---------------------------------------------------------------- the day charts


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


def _answer_key(answer: str | None) -> str:
    if answer is None:
        return "notification"
    return "done" if answer in ("done", "fine") else "declined"


@dataclass(frozen=True)
class LegendItem:
    """One legend entry for the page: ``box``, ``hatch``, ``marker`` (▼), ``dot`` or ``ring``."""

    label: str
    colour: str
    kind: str = "box"


def timeline_legend(history: History, summary: Summary, tz: tzinfo) -> list[LegendItem]:
    """The timeline's legend, with only what the day's chart shows."""
    edges = hour_edges(summary.first_day, tz)
    shown = {state for state, _x, _w in state_runs(history, edges)}
    items = [LegendItem(_(STATE_LABELS[s]), COLOURS[s]) for s in _STATES if s in shown]
    if _spans(history.breaks, edges):
        items.append(LegendItem(pgettext("chart", "break"), BREAK_COLOUR, "hatch"))
    if _spans(history.pauses, edges):
        items.append(LegendItem(pgettext("chart", "paused"), PAUSE_COLOUR))
    if _spans(history.camera_problems, edges):
        items.append(LegendItem(pgettext("chart", "no camera"), CAMERA_COLOUR))
    answers = {_answer_key(p.answer) for p in history.prompts if edges[0] <= p.t < edges[-1]}
    items += [
        LegendItem(_(ANSWER_LABELS[k]), ANSWER_COLOURS[k], "marker")
        for k in ANSWER_COLOURS
        if k in answers
    ]
    if any(edges[0] <= h.t < edges[-1] for h in history.held_back):
        items.append(LegendItem(_(HELD_LABEL), HELD_COLOUR, "ring"))
    return items


def timeline_rows() -> tuple[str, ...]:
    """The timeline's row labels, top to bottom, in the person's language."""
    return (pgettext("chart", "posture"), pgettext("chart", "breaks"), pgettext("chart", "nudges"))


@styled
def timeline_chart(
    size: Size,
    history: History,
    summary: Summary,
    tz: tzinfo,
    clock: tuple[float, float] | None = None,
) -> str:
    """The day as a coloured band of states, with breaks, pauses and nudges below.

    The time axis ``clock`` defaults to the monitored part of the day
    (:func:`day_clock_range`); the page passes the same one to every chart of the day.
    """
    edges = hour_edges(summary.first_day, tz)
    rows = timeline_rows()
    left = size.text_in(max(map(len, rows))) + 0.25
    bottom = 2.4 * size.em_in
    fig = new_figure(size, bottom + 0.05 + 7.2 * size.em_in, left=left, bottom=bottom, top=0.05)
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
            ax.plot(x, np.full_like(x, 0.45), "v", color=ANSWER_COLOURS[key], markersize=9)
    if history.held_back:  # held back: a ring, nothing was shown
        x = clock_hours(np.asarray([h.t for h in history.held_back], dtype=np.float64), edges)
        ax.plot(x, np.full_like(x, 0.45), "o", markersize=7, markerfacecolor="white",
                markeredgecolor=HELD_COLOUR, markeredgewidth=1.6)  # fmt: skip
    ax.set_ylim(0, 3)
    ax.set_yticks([2.4, 1.4, 0.45], list(rows))
    ax.tick_params(axis="y", length=0)
    ax.spines[["top", "right", "left"]].set_visible(False)
    clock = clock or day_clock_range(summary, tz)
    _clock_axis(ax, size, *clock, size.width_in - left - 0.25)
    return to_svg(fig)


@styled
def hourly_chart(
    size: Size,
    summary: Summary,
    clock: tuple[float, float],
    span: tuple[float, float] | None = None,
) -> str:
    """Upright and slouching minutes per clock hour, stacked (a week: per monitored day).

    ``clock`` is the time axis: for a day the timeline's own (:func:`day_clock_range`), so
    the two charts of a day always show the same stretch of the clock; an hour cut by the
    axis shows the part inside it. ``span`` (a day's :func:`monitored_span`) trims each
    hour's bar to the monitored part of that hour, so a 7-minute day draws a 7-minute-wide
    bar on the shared time axis, not one across the whole hour.
    """
    lo, width = hour_bars(span)
    days = max(summary.days_monitored, 1)
    upright = np.array([c.upright_s for c in summary.hours]) / 60.0 / days
    slouch = np.array([c.slouch_s for c in summary.hours]) / 60.0 / days
    left = size.text_in(2) + 2.2 * size.em_in + 0.15
    fig = new_figure(size, 12 * size.em_in, left=left, bottom=2.4 * size.em_in, top=0.1)
    ax = fig.add_subplot()
    ax.bar(lo, upright, width=width, align="edge", color=COLOURS["upright"])
    ax.bar(lo, slouch, width=width, bottom=upright, align="edge", color=COLOURS["slouch"])
    ax.set_ylim(0, 60)
    ax.set_yticks([0, 15, 30, 45, 60])
    ax.set_ylabel(pgettext("chart", "minutes") if summary.n_days == 1 else _("minutes per day"))
    ax.spines[["top", "right"]].set_visible(False)
    _clock_axis(ax, size, *clock, size.width_in - left - 0.25, min_step=_hour_step(*clock))
    return to_svg(fig)


def hour_bars(span: tuple[float, float] | None) -> tuple[np.ndarray, np.ndarray]:
    """Where each clock hour's bar starts and how wide it is (clock hours, shape (24,)):
    the hour, or only its part inside ``span``, with a tenth of it left free on each
    side so neighbouring hours stay apart."""
    lo = np.arange(24, dtype=np.float64)
    hi = lo + 1.0
    if span is not None:
        lo, hi = np.maximum(lo, span[0]), np.minimum(hi, span[1])
    width = np.maximum(hi - lo, 0.0)
    return lo + 0.1 * width, 0.8 * width


def _hour_step(lo: float, hi: float) -> float:
    """Whole-hour ticks for the hour chart, unless its axis is under 2 h (as the timeline's)."""
    return 1.0 if hi - lo >= 2.0 else 0.0


def hourly_legend() -> list[LegendItem]:
    return [
        LegendItem(_("minutes upright"), COLOURS["upright"]),
        LegendItem(_("minutes slouching"), COLOURS["slouch"]),
    ]


@styled
def spells_chart(
    size: Size,
    history: History,
    summary: Summary,
    tz: tzinfo,
    clock: tuple[float, float],
    sit_max: float,
) -> str:
    """Each sitting spell as a block over its hours, as tall as it lasted.

    Spells that reached the break nudge's limit are drawn in the slouch colour.
    """
    edges = hour_edges(summary.first_day, tz)
    left = size.text_in(3) + 2.2 * size.em_in + 0.15
    fig = new_figure(size, 12 * size.em_in, left=left, bottom=2.4 * size.em_in, top=0.1)
    ax = fig.add_subplot()
    for x, w in _spans(history.bouts, edges):
        minutes = w * 60.0
        colour = COLOURS["slouch"] if minutes * 60.0 >= sit_max else COLOURS["upright"]
        ax.bar(x, minutes, width=w, align="edge", color=colour, edgecolor="white")
    limit = sit_max / 60.0
    ax.axhline(limit, color=CAMERA_COLOUR, linewidth=1.5, linestyle="--")
    ax.set_ylabel(_("minutes sitting"))
    ax.set_ylim(0, max(limit * 1.35, summary.longest_bout_s / 60.0 * 1.1))
    # The nudge's minute is a tick of its own, in its colour, instead of a label that
    # long blocks would cover; neighbouring ticks too close to it make way.
    top = ax.get_ylim()[1]
    ticks = [t for t in ax.get_yticks() if 0 <= t <= top and abs(t - limit) > 0.15 * top]
    ax.set_yticks(sorted([*ticks, limit]))
    ax.get_yticklabels()[sorted([*ticks, limit]).index(limit)].set_color(CAMERA_COLOUR)
    ax.spines[["top", "right"]].set_visible(False)
    _clock_axis(ax, size, *clock, size.width_in - left - 0.25)
    return to_svg(fig)


def spells_legend(
    history: History, summary: Summary, tz: tzinfo, sit_max: float
) -> list[LegendItem]:
    """The spells chart's legend, with the kinds of spell the day has and the limit's line."""
    limit = format_span(sit_max)  # the demo's 30 s, not a rounded "1 min"
    spans = _spans(history.bouts, hour_edges(summary.first_day, tz))
    long = {w * 3600.0 >= sit_max for _x, w in spans}
    items = [LegendItem(_("sitting spell"), COLOURS["upright"])] if False in long else []
    if True in long:
        items.append(
            LegendItem(_("sitting spell of {limit} or more").format(limit=limit), COLOURS["slouch"])
        )
    nudge_line = _("break nudge after {limit}").format(limit=limit)
    return [*items, LegendItem(nudge_line, CAMERA_COLOUR, "line")]
