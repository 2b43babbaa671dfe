"""The report as one self-contained HTML file: inline CSS, inline SVG charts, no script.

Self-contained means it can be mailed, kept or opened offline years later: no external
stylesheet, font, image or script, so nothing is fetched and nothing can break. The page
is a single column that reflows down to a phone's width (viewport meta, fluid charts,
the week's table turns into a card per day on a phone).

The column is at most 75 rem (1,200 px) wide: wider lines of text stop being readable, and
the charts fill it. Each chart is inlined in the sizes of :data:`charts.SIZES` and a media
query shows the one drawn for the window's width, so chart text stays 11-16 px from a
phone to a desktop; legends are HTML, sized like the rest of the text.

Every word is a catalog message (``posture_watch.core.text``; context ``"report"`` for the
single words of figures and columns), and the page says which language it is in
(``lang``, and ``dir="rtl"`` for a right-to-left one: :mod:`.page_language`).
"""

from __future__ import annotations

from datetime import datetime, time
from html import escape

from posture_watch.core import formats
from posture_watch.core.dates import long_date, short_date
from posture_watch.core.decay_words import Basis, hold_definition, hold_sentence, left_out
from posture_watch.core.durations import format_minutes, format_span, round_half_up
from posture_watch.core.posture_decay import CURVE_BIN_MIN
from posture_watch.core.report import History, Summary
from posture_watch.core.report_builder import (
    MIN_DAY_MONITORED_S,
    DayReport,
    WeekReport,
    counting_rule,
)
from posture_watch.core.text import _, ngettext, pgettext
from posture_watch.core.words import percent, times
from posture_watch.report import charts, week_charts
from posture_watch.report import html_blocks as blocks


def render_day_html(report: DayReport, history: History, sit_max: float = 3000.0) -> str:
    """The day report page; ``history`` is the day's rows (for the timeline and spells).

    Every chart of the day shares one time axis, the timeline's
    (:func:`charts.day_clock_range`), so an hour reads at the same place in each.
    """
    s = report.summary
    heading = _("Posture report · {date}").format(date=long_date(s.first_day))
    body = [f"<h1>{escape(heading)}</h1>"]
    body.append(blocks.advice(report.advice))
    page_title = _("posture-watch · {date}").format(date=s.first_day.isoformat())
    if s.monitored_s <= 0:
        nothing = _("Nothing was monitored on this day.")
        body.append(f"<p>{escape(nothing)}</p>")
        return blocks.page(page_title, body)
    clock = charts.day_clock_range(s, report.tz)
    body.append(_figures(s, report.pain, _span(s, report)))
    if report.decay is not None:
        sentence = hold_sentence(report.decay, report.hold_basis)
        body.append(f'<p class="hold">{escape(sentence)}</p>')
    body.append(blocks.suggestions(report.suggestions, report.no_suggestions))
    body.append(blocks.h2(_("The day")))
    body.append(
        blocks.chart(
            lambda size: charts.timeline_chart(size, history, s, report.tz, clock),
            escape(_("Posture minute by minute, with breaks and nudges (▼).")),
            charts.timeline_legend(history, s, report.tz),
            clock,
        )
    )
    body.append(blocks.h2(_("Minutes per hour: upright and slouching")))
    body.append(
        blocks.chart(
            lambda size: charts.hourly_chart(size, s, clock, charts.monitored_span(s, report.tz)),
            escape(_("Minutes upright and minutes slouching in each hour, stacked.")),
            charts.hourly_legend(),
            clock,
        )
    )
    body.append(_hour_strip(s))
    body.append(blocks.h2(_("Sitting spells")))
    spells_caption = _(
        "Each block is one sitting spell (sitting without a break), as tall as it lasted; "
        "the dashed line is the break nudge after {duration}."
    ).format(duration=format_span(sit_max))
    body.append(
        blocks.chart(
            lambda size: charts.spells_chart(size, history, s, report.tz, clock, sit_max),
            escape(spells_caption),
            charts.spells_legend(history, s, report.tz, sit_max),
            clock,
        )
    )
    return blocks.page(page_title, body)


def render_week_html(report: WeekReport) -> str:
    """The week report page: the trend, pain against slouching and sitting, suggestions."""
    t = report.total
    title = _("Posture week · {first} – {last}").format(
        first=formats.day_month(t.first_day), last=formats.day_month(report.last_day, year=True)
    )
    body = [f"<h1>{escape(title)}</h1>", blocks.advice(report.advice), _figures(t, None, "")]
    body.append(blocks.suggestions(report.suggestions, report.no_suggestions))
    body.append(blocks.h2(_("7-day trend")))
    body.append(f'<p class="note">{escape(counting_rule())}</p>')
    body.append(
        blocks.chart(
            lambda size: week_charts.week_trend_chart(size, report),
            escape(report.trend),
            week_charts.week_legend(report, week_charts.trend_series()),
        )
    )
    body.append(_day_table(report))
    body.append(blocks.h2(_("Pain, slouching and sitting")))
    body.append(
        blocks.chart(
            lambda size: week_charts.pain_chart(size, report),
            escape(report.pattern),
            week_charts.week_legend(report, week_charts.pain_series(report)),
        )
    )
    if report.break_timing:  # days with and without breaks that follow the posture
        body.append(f"<p>{escape(report.break_timing)}</p>")
    if report.decay is not None:
        body.append(_decay(report))
    body.append(blocks.h2(_("Minutes per hour: upright and slouching")))
    body.append(
        blocks.chart(
            lambda size: charts.hourly_chart(size, t, charts.week_clock_range(t)),
            escape(
                _(
                    "Minutes upright and minutes slouching in each hour, stacked; the average "
                    "of the monitored days."
                )
            ),
            charts.hourly_legend(),
        )
    )
    body.append(_hour_strip(t))
    week_title = _("posture-watch · week to {date}").format(date=report.last_day.isoformat())
    return blocks.page(week_title, body)


def _decay(report: WeekReport) -> str:
    """How long posture held after a break: the sentence, and with enough spells the
    curve of the upright share against minutes since a break."""
    assert report.decay is not None
    parts = [blocks.h2(_("How long your posture holds"))]
    sentence = escape(hold_sentence(report.decay, Basis()))
    if not report.decay.enough or not report.decay.curve:
        return "".join([*parts, f'<p class="hold">{sentence}</p>'])
    caption = " ".join(
        text
        for text in (
            _(
                "The share of sitting time upright against the minutes since a break, in "
                "steps of {step} min, over the week's sitting spells."
            ).format(step=CURVE_BIN_MIN),
            hold_definition(),
            left_out(report.decay),
        )
        if text
    )
    parts.append(f'<p class="hold">{sentence}</p>')
    parts.append(
        blocks.chart(
            lambda size: week_charts.decay_chart(size, report),
            escape(caption),
            week_charts.decay_series(report),
        )
    )
    return "".join(parts)


def _span(s: Summary, report: DayReport) -> str:
    if s.first_seen is None or s.last_seen is None:
        return ""
    a = datetime.fromtimestamp(s.first_seen, report.tz)
    b = datetime.fromtimestamp(s.last_seen, report.tz)
    return f"{formats.clock(a)}–{formats.clock(b)}"


def _figures(s: Summary, pain: int | None, span: str) -> str:
    share = "–" if s.upright_share is None else percent(s.upright_share)
    p = s.prompts
    if s.slouch_episodes:
        slouching = pgettext("report", "slouching, {times}").format(times=times(s.slouch_episodes))
    else:
        slouching = pgettext("report", "slouching")
    n_nudges = s.long_sitting_alerts
    nudges = ngettext("{n} break nudge", "{n} break nudges", n_nudges).format(n=n_nudges)
    monitored = (
        pgettext("report", "monitored, {span}").format(span=span)
        if span
        else pgettext("report", "monitored")
    )
    cells = [
        (format_minutes(s.monitored_s), monitored),
        (share, pgettext("report", "upright")),
        (pgettext("duration", "{min} min").format(min=round_half_up(s.slouch_min)), slouching),
        (format_minutes(s.longest_bout_s), pgettext("report", "longest sitting spell")),
        (
            str(s.breaks),
            ngettext("break taken; {nudges}", "breaks taken; {nudges}", s.breaks).format(
                nudges=nudges
            ),
        ),
    ]
    if p.asked:
        cells.append(
            (
                _("{done} of {asked}").format(done=p.done, asked=p.asked),
                _(
                    "stretches and breaks done ({skipped} skipped, {snoozed} snoozed, "
                    "{ignored} ignored)"
                ).format(skipped=p.skipped, snoozed=p.snoozed, ignored=p.ignored + p.dismissed),
            )
        )
    elif p.break_nudges:  # break nudges shown, their buttons never pressed
        cells.append(("0", _("break nudges answered")))
    else:
        cells.append(("0", _("stretches or breaks offered")))
    if p.fine:  # posture nudges answered "I'm fine" on the notification
        cells.append(
            (
                str(p.fine),
                ngettext(
                    "posture nudge answered I'm fine", "posture nudges answered I'm fine", p.fine
                ),
            )
        )
    held = s.held_back
    if held.total:  # do not disturb: never dropped silently
        # Translators: {parts} says why, e.g. "2 for a full-screen window".
        cells.append((str(held.total), _("nudges held back ({parts})").format(parts=held.parts)))
    answers = s.break_answers  # the warning's Postpone and Skip
    if answers.postponed:
        n = answers.postponed
        cells.append((str(n), ngettext("break postponed", "breaks postponed", n)))
    if answers.skipped:
        n = answers.skipped
        cells.append((str(n), ngettext("break skipped", "breaks skipped", n)))
    if pain is not None:
        cells.append((f"{pain}/10", _("highest pain logged")))
    items = "".join(
        f'<div class="figure"><b>{escape(v)}</b><span>{escape(k)}</span></div>' for v, k in cells
    )
    return f'<div class="figures">{items}</div>'


#: The hour strip's tints: not monitored, monitored without slouching, and slouching
#: (its alpha grows with the minutes, full at :data:`_STRIP_FULL_MIN`).
_STRIP_NONE, _STRIP_UPRIGHT, _STRIP_SLOUCH = "#ececec", "rgba(40,167,69,.25)", "240,140,0"
_STRIP_FULL_MIN = 30.0


def _hour_strip(s: Summary) -> str:
    """The 24 clock hours as tinted cells, each with its hour and its slouching minutes
    written in it, so a phone (no hover) reads it as well as a desktop; the legend says
    what the tints and numbers are."""
    days = max(s.days_monitored, 1)
    cells = []
    for cell in s.hours:
        minutes = cell.slouch_min / days
        if cell.monitored_s <= 0:
            style, value, tip = f"background:{_STRIP_NONE}", "–", _("not monitored")
        elif minutes <= 0:
            style, value, tip = f"background:{_STRIP_UPRIGHT}", "0", _("no slouching")
        else:
            alpha = 0.25 + 0.75 * min(minutes / _STRIP_FULL_MIN, 1.0)
            value = "<1" if minutes < 0.5 else f"{round_half_up(minutes)}"
            style = f"background:rgba({_STRIP_SLOUCH},{alpha:.2f})"
            tip = _("{min} min slouching").format(min=value)
        cells.append(
            f'<li style="{style}" title="{escape(formats.clock(time(cell.hour)))} {escape(tip)}">'
            f"<i>{cell.hour:02d}</i>{escape(value)}</li>"
        )
    if s.n_days > 1:
        caption = _(
            "Each cell is one hour of the clock, 00 to 23, with its minutes slouching per "
            "monitored day."
        )
    else:
        caption = _("Each cell is one hour of the clock, 00 to 23, with its minutes slouching.")
    legend = blocks.legend(
        [
            charts.LegendItem(_("not monitored (–)"), _STRIP_NONE),
            charts.LegendItem(_("no slouching (0)"), _STRIP_UPRIGHT),
            charts.LegendItem(
                _("slouching: the number is its minutes; darker is more"),
                f"rgb({_STRIP_SLOUCH})",
            ),
        ]
    )
    title, hours = _("Slouching by hour of the day"), _("hours 00 to 23")
    return (
        f"{blocks.h2(title)}<figure>"
        f'<ol class="hours" aria-label="{escape(hours)}">{"".join(cells)}</ol>'
        f"{legend}<figcaption>{escape(caption)}</figcaption></figure>"
    )


def _week_columns() -> tuple[str, ...]:
    """The week table's column heads; pain comes third so that it sits beside the day."""
    return (
        pgettext("report", "day"),
        pgettext("report", "monitored"),
        pgettext("report", "pain"),
        pgettext("report", "upright"),
        pgettext("report", "slouching"),
        pgettext("report", "longest spell"),
        pgettext("report", "breaks"),
    )


def _day_table(report: WeekReport) -> str:
    """One row per day. On a phone each row becomes a small card (the day, then the six
    figures in a grid, each under its name), so no column is cut off or scrolled to."""
    columns = _week_columns()
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    rows = []
    for d, pain, short in zip(report.days, report.pain, report.short_days, strict=True):
        values = [short_date(d.first_day), "–", "–" if pain is None else str(pain)]
        if d.monitored_s <= 0:
            values += ["–"] * 4
        else:
            share = "–" if d.upright_share is None else percent(d.upright_share)
            values[1] = format_minutes(d.monitored_s) + ("*" if short else "")
            values += [
                share,
                pgettext("duration", "{min} min").format(min=round_half_up(d.slouch_min)),
                format_minutes(d.longest_bout_s),
                str(d.breaks),
            ]
        cells = [f"<td>{escape(values[0])}</td>"] + [
            f'<td><span class="k">{escape(k)}</span>{escape(v)}</td>'
            for k, v in zip(columns[1:], values[1:], strict=True)
        ]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    note = ""
    if any(report.short_days):
        explained = _(
            "{mark} under {min} min monitored: not counted in the trend and the pain comparison."
        ).format(mark="*", min=f"{MIN_DAY_MONITORED_S / 60:.0f}")
        note = f'<p class="note">{escape(explained)}</p>'
    return (
        f'<div class="week"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>{note}"
    )
