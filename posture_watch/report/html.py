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

from collections.abc import Callable, Sequence
from datetime import datetime, time
from html import escape

from posture_watch.core import formats
from posture_watch.core.advice import MedicalAdvice, Suggestion
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
from posture_watch.core.stretch_drawings import drawing_for
from posture_watch.core.text import _, ngettext, pgettext
from posture_watch.core.words import percent, times
from posture_watch.report import charts, week_charts
from posture_watch.report.page_language import html_attributes
from posture_watch.report.stretch_svg import SVG_CSS, drawing_svg

_CSS = (
    """
*{box-sizing:border-box}
body{margin:0 auto;max-width:75rem;padding:1rem;font:16px/1.45 system-ui,-apple-system,
"Segoe UI",Roboto,sans-serif;color:#222;background:#fff}
h1{font-size:1.4rem;margin:.2rem 0 1rem}h2{font-size:1.1rem;margin:1.6rem 0 .5rem}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.6rem}
.figure{border:1px solid #ddd;border-radius:.5rem;padding:.5rem .7rem}
.figure b{display:block;font-size:1.3rem;overflow-wrap:break-word}
.figure span{color:#555;font-size:.85rem}
figure{margin:0}figure svg{display:block;width:100%;height:auto}
.size-tablet,.size-desktop{display:none}
@media (min-width:40rem){.size-phone{display:none}.size-tablet{display:block}}
@media (min-width:64rem){.size-tablet{display:none}.size-desktop{display:block}}
.legend{list-style:none;margin:.3rem 0;padding:0;display:flex;flex-wrap:wrap;gap:.2rem 1.1rem;
font-size:.9rem}
.legend i{display:inline-block;width:1.1em;height:.8em;margin-right:.4em;border-radius:2px;
vertical-align:-.05em}
.legend i.dot,.legend i.ring{width:.8em;border-radius:50%}
.legend i.marker{width:0;height:0;border-radius:0;border:.4em solid transparent;
border-top:.7em solid;border-bottom:0;vertical-align:.05em}
.legend i.line{height:0;border-radius:0;vertical-align:.3em}
figcaption{color:#555;font-size:.85rem}
.note{color:#555}
.hours{list-style:none;padding:0;display:grid;grid-template-columns:repeat(8,1fr);gap:2px;
margin:.6rem 0}@media (min-width:40rem){.hours{grid-template-columns:repeat(12,1fr)}}
@media (min-width:64rem){.hours{grid-template-columns:repeat(24,1fr)}}
.hours li{text-align:center;border-radius:.25rem;padding:.1rem 0;font-size:.85rem;color:#222}
.hours i{display:block;font-style:normal;font-size:.75rem}
table{border-collapse:collapse;font-size:.9rem;width:100%}
td,th{padding:.25rem .5rem;border-bottom:1px solid #eee;text-align:right;white-space:nowrap}
td:first-child,th:first-child{text-align:left}
.k{display:none}
@media (max-width:40rem){
.week thead{display:none}.week table,.week tbody{display:block}
.week tr{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:.1rem .6rem;
padding:.4rem 0;border-bottom:1px solid #ddd}
.week td{display:block;border:0;padding:0;text-align:left;white-space:normal}
.week td:first-child{grid-column:1/-1;font-weight:bold}
.k{display:block;color:#555;font-size:.8rem}}
.cite{color:#555;font-size:.85rem}
.advice{border:2px solid #d21e1e;border-radius:.5rem;padding:.6rem 1rem;background:#fff6f6;
margin-bottom:1rem}
footer{margin-top:2rem;color:#555;font-size:.8rem}
.drawings{display:flex;flex-wrap:wrap;gap:1rem;margin:.4rem 0 .2rem}
.drawing{text-align:center}.drawing span{display:block;color:#555;font-size:.85rem}
"""
    + SVG_CSS
)


def render_day_html(report: DayReport, history: History, sit_max: float = 3000.0) -> str:
    """The day report page; ``history`` is the day's rows (for the timeline and spells).

    Every chart of the day shares one time axis, the timeline's
    (:func:`charts.day_clock_range`), so an hour reads at the same place in each.
    """
    s = report.summary
    heading = _("Posture report · {date}").format(date=long_date(s.first_day))
    body = [f"<h1>{escape(heading)}</h1>"]
    body.append(_advice(report.advice))
    page_title = _("posture-watch · {date}").format(date=s.first_day.isoformat())
    if s.monitored_s <= 0:
        nothing = _("Nothing was monitored on this day.")
        body.append(f"<p>{escape(nothing)}</p>")
        return _page(page_title, body)
    clock = charts.day_clock_range(s, report.tz)
    body.append(_figures(s, report.pain, _span(s, report)))
    if report.decay is not None:
        sentence = hold_sentence(report.decay, report.hold_basis)
        body.append(f'<p class="hold">{escape(sentence)}</p>')
    body.append(_suggestions(report.suggestions, report.no_suggestions))
    body.append(_h2(_("The day")))
    body.append(
        _chart(
            lambda size: charts.timeline_chart(size, history, s, report.tz, clock),
            escape(_("Posture minute by minute, with breaks and nudges (▼).")),
            charts.timeline_legend(history, s, report.tz),
            clock,
        )
    )
    body.append(_h2(_("Minutes per hour: upright and slouching")))
    body.append(
        _chart(
            lambda size: charts.hourly_chart(size, s, clock, charts.monitored_span(s, report.tz)),
            escape(_("Minutes upright and minutes slouching in each hour, stacked.")),
            charts.hourly_legend(),
            clock,
        )
    )
    body.append(_hour_strip(s))
    body.append(_h2(_("Sitting spells")))
    spells_caption = _(
        "Each block is one sitting spell (sitting without a break), as tall as it lasted; "
        "the dashed line is the break nudge after {duration}."
    ).format(duration=format_span(sit_max))
    body.append(
        _chart(
            lambda size: charts.spells_chart(size, history, s, report.tz, clock, sit_max),
            escape(spells_caption),
            charts.spells_legend(history, s, report.tz, sit_max),
            clock,
        )
    )
    return _page(page_title, body)


def render_week_html(report: WeekReport) -> str:
    """The week report page: the trend, pain against slouching and sitting, suggestions."""
    t = report.total
    title = _("Posture week · {first} – {last}").format(
        first=formats.day_month(t.first_day), last=formats.day_month(report.last_day, year=True)
    )
    body = [f"<h1>{escape(title)}</h1>", _advice(report.advice), _figures(t, None, "")]
    body.append(_suggestions(report.suggestions, report.no_suggestions))
    body.append(_h2(_("7-day trend")))
    body.append(f'<p class="note">{escape(counting_rule())}</p>')
    body.append(
        _chart(
            lambda size: week_charts.week_trend_chart(size, report),
            escape(report.trend),
            week_charts.week_legend(report, week_charts.trend_series()),
        )
    )
    body.append(_day_table(report))
    body.append(_h2(_("Pain, slouching and sitting")))
    body.append(
        _chart(
            lambda size: week_charts.pain_chart(size, report),
            escape(report.pattern),
            week_charts.week_legend(report, week_charts.pain_series(report)),
        )
    )
    if report.break_timing:  # days with and without breaks that follow the posture
        body.append(f"<p>{escape(report.break_timing)}</p>")
    if report.decay is not None:
        body.append(_decay(report))
    body.append(_h2(_("Minutes per hour: upright and slouching")))
    body.append(
        _chart(
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
    return _page(week_title, body)


def _decay(report: WeekReport) -> str:
    """How long posture held after a break: the sentence, and with enough spells the
    curve of the upright share against minutes since a break."""
    assert report.decay is not None
    parts = [_h2(_("How long your posture holds"))]
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
        _chart(
            lambda size: week_charts.decay_chart(size, report),
            escape(caption),
            week_charts.decay_series(report),
        )
    )
    return "".join(parts)


def _h2(heading: str) -> str:
    return f"<h2>{escape(heading)}</h2>"


def _page(title: str, body: list[str]) -> str:
    made = _("Made by posture-watch from measurements only; no pictures are kept.")
    guide = _("Suggestions and advice paraphrase the guide “Understanding Chronic Muscle Knots”.")
    footer = f"<footer>{escape(made)} {escape(guide)}</footer>"
    return (
        f'<!DOCTYPE html>\n<html {html_attributes()}><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head>\n<body>\n"
        + "\n".join(part for part in body if part)
        + f"\n{footer}\n</body></html>\n"
    )


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
    legend = _legend(
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
        f"{_h2(title)}<figure>"
        f'<ol class="hours" aria-label="{escape(hours)}">{"".join(cells)}</ol>'
        f"{legend}<figcaption>{escape(caption)}</figcaption></figure>"
    )


def _chart(
    draw: Callable[[charts.Size], str],
    caption: str,
    legend: Sequence[charts.LegendItem],
    clock: tuple[float, float] | None = None,
) -> str:
    """A figure with the chart in every size (CSS shows one), its legend and caption.

    ``clock`` (the time axis in clock hours) is written on the figure as ``data-clock``,
    so the tests can check that the charts of a day share one axis.
    """
    sizes = "".join(f'<div class="size-{z.name}">{draw(z)}</div>' for z in charts.SIZES)
    data = "" if clock is None else f' data-clock="{clock[0]:g}-{clock[1]:g}"'
    return (
        f'<figure{data} role="img" aria-label="{escape(caption)}">{sizes}{_legend(legend)}'
        f"<figcaption>{caption}</figcaption></figure>"
    )


def _legend(items: Sequence[charts.LegendItem]) -> str:
    """The legend as HTML text beside drawn swatches (shapes, not glyphs: a swatch is a
    graphic, and the words beside it carry the meaning in the page's text colour)."""
    out = []
    for item in items:
        c = escape(item.colour)
        if item.kind == "hatch":
            style = f"background:repeating-linear-gradient(135deg,{c} 0 3px,#fff 3px 5px)"
        elif item.kind in ("hollow", "ring"):
            style = f"border:2px solid {c};background:#fff"
        elif item.kind == "marker":
            style = f"border-top-color:{c}"
        elif item.kind == "line":
            style = f"border-top:3px dashed {c}"
        else:
            style = f"background:{c}"
        out.append(f'<li><i class="{item.kind}" style="{style}"></i>{escape(item.label)}</li>')
    return f'<ul class="legend">{"".join(out)}</ul>'


def _suggestions(suggestions: tuple[Suggestion, ...], why_none: str | None = None) -> str:
    heading = _h2(_("Suggestions"))
    if not suggestions:
        return f'{heading}<p class="note">{escape(why_none)}</p>' if why_none else ""
    items = "".join(
        f'<li>{escape(s.text)} <span class="cite">({escape(s.cite)})</span>'
        f"{_drawings(s.stretches)}</li>"
        for s in suggestions
    )
    return f"{heading}<ul>{items}</ul>"


def _drawings(stretch_ids: tuple[str, ...]) -> str:
    """The drawings of the stretches a suggestion names, side by side, each over its name
    (not figures: a figure in the page is a chart with its legend)."""
    pictures = [d for d in (drawing_for(i) for i in stretch_ids) if d is not None]
    if not pictures:
        return ""
    figures = "".join(
        f'<div class="drawing">{drawing_svg(d)}<span>{escape(_(d.name))}</span></div>'
        for d in pictures
    )
    return f'<div class="drawings">{figures}</div>'


def _advice(advice: MedicalAdvice | None) -> str:
    if advice is None:
        return ""
    points = "".join(f"<li>{escape(p)}</li>" for p in advice.points)
    shows = _("Your pain journal shows {reasons}.").format(reasons="; ".join(advice.reasons))
    cite = _("guide: {sections}").format(sections=advice.source)
    heading = _("When to see a doctor")
    return (
        f'<section class="advice">{_h2(heading)}'
        f"<p>{escape(shows)}</p>"
        f"<p>{escape(advice.intro)}</p><ul>{points}</ul><p>{escape(advice.why)}</p>"
        f'<p class="cite">({escape(cite)})</p>'
        f"<p><b>{escape(advice.disclaimer)}</b></p></section>"
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
