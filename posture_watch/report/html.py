"""The report as one self-contained HTML file: inline CSS, inline SVG charts, no script.

Self-contained means it can be mailed, kept or opened offline years later: no external
stylesheet, font, image or script, so nothing is fetched and nothing can break. The page
is a single column that reflows down to a phone's width (viewport meta, fluid charts,
wide tables scroll inside their own box rather than widening the page).

The column is at most 75 rem (1,200 px) wide: wider lines of text stop being readable, and
the charts fill it. Each chart is inlined in the sizes of :data:`charts.SIZES` and a media
query shows the one drawn for the window's width, so chart text stays 11-16 px from a
phone to a desktop; legends are HTML, sized like the rest of the text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from html import escape

from posture_watch.core.advice import MedicalAdvice, Suggestion
from posture_watch.core.dates import long_date, short_date
from posture_watch.core.durations import format_minutes
from posture_watch.core.report import History, Summary, hour_strip
from posture_watch.core.report_builder import (
    COUNTING_RULE,
    MIN_DAY_MONITORED_S,
    DayReport,
    WeekReport,
)
from posture_watch.core.words import plural, times
from posture_watch.report import charts

_CSS = """
*{box-sizing:border-box}
body{margin:0 auto;max-width:75rem;padding:1rem;font:16px/1.45 system-ui,-apple-system,
"Segoe UI",Roboto,sans-serif;color:#222;background:#fff}
h1{font-size:1.4rem;margin:.2rem 0 1rem}h2{font-size:1.1rem;margin:1.6rem 0 .5rem}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.6rem}
.figure{border:1px solid #ddd;border-radius:.5rem;padding:.5rem .7rem}
.figure b{display:block;font-size:1.3rem;white-space:nowrap}
.figure span{color:#555;font-size:.85rem}
figure{margin:0}figure svg{display:block;width:100%;height:auto}
.size-tablet,.size-desktop{display:none}
@media (min-width:40rem){.size-phone{display:none}.size-tablet{display:block}}
@media (min-width:64rem){.size-tablet{display:none}.size-desktop{display:block}}
.legend{list-style:none;margin:.3rem 0;padding:0;display:flex;flex-wrap:wrap;gap:.2rem 1.1rem;
font-size:.9rem}
.legend i{display:inline-block;width:1.1em;height:.8em;margin-right:.35em;border-radius:2px;
vertical-align:-.05em;font-style:normal}
.legend i.marker{width:auto;height:auto;background:none}
figcaption{color:#555;font-size:.85rem}
.note{color:#555}
.hours{display:grid;grid-template-columns:repeat(auto-fill,minmax(2.1rem,1fr));gap:2px;
margin:.6rem 0}.hours div{text-align:center;border-radius:.25rem;padding:.1rem 0;font-size:.8rem}
.hours i{display:block;font-style:normal;color:#555;font-size:.7rem}
.table{overflow-x:auto}table{border-collapse:collapse;font-size:.9rem;width:100%}
td,th{padding:.25rem .5rem;border-bottom:1px solid #eee;text-align:right;white-space:nowrap}
td:first-child,th:first-child{text-align:left}
@media (max-width:40rem){table{font-size:.85rem}td,th{padding:.25rem .3rem}th{white-space:normal}}
.cite{color:#555;font-size:.85rem}
.advice{border:2px solid #d21e1e;border-radius:.5rem;padding:.6rem 1rem;background:#fff6f6;
margin-bottom:1rem}
footer{margin-top:2rem;color:#777;font-size:.8rem}
"""


def render_day_html(report: DayReport, history: History, sit_max: float = 3000.0) -> str:
    """The day report page; ``history`` is the day's rows (for the timeline and bouts)."""
    s = report.summary
    body = [f"<h1>Posture report · {long_date(s.first_day)}</h1>"]
    body.append(_advice(report.advice))
    if s.monitored_s <= 0:
        body.append("<p>Nothing was monitored on this day.</p>")
    else:
        body.append(_figures(s, report.pain, _span(s, report)))
        body.append(_suggestions(report.suggestions, report.no_suggestions))
        body.append("<h2>The day</h2>")
        body.append(
            _chart(
                lambda size: charts.timeline_chart(size, history, s, report.tz),
                "Posture minute by minute, with breaks and reminders (▼).",
                charts.timeline_legend(history, s, report.tz),
            )
        )
        body.append("<h2>Slouch minutes per hour</h2>")
        body.append(
            _chart(
                lambda size: charts.hourly_chart(size, s),
                "Minutes upright and slouching in each hour.",
                charts.hourly_legend(),
            )
        )
        body.append(_hour_strip(s))
        body.append("<h2>Sitting without a break</h2>")
        body.append(
            _chart(
                lambda size: charts.bouts_chart(size, history, s, report.tz, sit_max),
                "Each block is one time you sat without a break, as tall as it lasted; "
                f"the dashed line is the reminder to stand up after {sit_max / 60:.0f} min.",
            )
        )
    return _page(f"posture-watch · {s.first_day.isoformat()}", body)


def render_week_html(report: WeekReport) -> str:
    """The week report page: the trend, pain against slouching and sitting, suggestions."""
    t = report.total
    title = f"Posture week · {t.first_day:%d %b} – {report.last_day:%d %b %Y}"
    body = [f"<h1>{escape(title)}</h1>", _advice(report.advice), _figures(t, None, "")]
    body.append(_suggestions(report.suggestions, report.no_suggestions))
    body.append("<h2>7-day trend</h2>")
    body.append(f'<p class="note">{escape(COUNTING_RULE)}</p>')
    body.append(
        _chart(
            lambda size: charts.week_trend_chart(size, report),
            escape(report.trend),
            charts.week_legend(report, charts.COLOURS["upright"]),
        )
    )
    body.append(_day_table(report))
    body.append("<h2>Pain, slouching and sitting</h2>")
    body.append(
        _chart(
            lambda size: charts.pain_chart(size, report),
            escape(report.pattern),
            charts.week_legend(report, charts.PAIN_COLOUR),
        )
    )
    body.append("<h2>Slouch minutes per hour</h2>")
    body.append(
        _chart(
            lambda size: charts.hourly_chart(size, t),
            "Average minutes in each hour over the monitored days.",
            charts.hourly_legend(),
        )
    )
    body.append(_hour_strip(t))
    return _page(f"posture-watch · week to {report.last_day.isoformat()}", body)


def _page(title: str, body: list[str]) -> str:
    footer = (
        "<footer>Made by posture-watch from measurements only; no pictures are kept. "
        "Suggestions and advice paraphrase the guide “Understanding Chronic Muscle "
        "Knots”.</footer>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
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
    return f"{a:%H:%M}–{b:%H:%M}"


def _figures(s: Summary, pain: int | None, span: str) -> str:
    share = "–" if s.upright_share is None else f"{s.upright_share:.0%}"
    p = s.prompts
    slouching = f"slouching, {times(s.slouch_episodes)}" if s.slouch_episodes else "slouching"
    reminders = plural(s.long_sitting_alerts, "reminder")
    cells = [
        (format_minutes(s.monitored_s), f"monitored, {span}" if span else "monitored"),
        (share, "upright"),
        (f"{s.slouch_min:.0f} min", slouching),
        (format_minutes(s.longest_bout_s), "longest time sitting"),
        (
            str(s.breaks),
            f"{'break' if s.breaks == 1 else 'breaks'} taken; {reminders} to stand up",
        ),
    ]
    if p.asked:
        cells.append(
            (
                f"{p.done} of {p.asked}",
                f"stretches and breaks done ({p.skipped} skipped, {p.snoozed} snoozed, "
                f"{p.ignored + p.dismissed} ignored)",
            )
        )
    else:
        cells.append(("0", "stretches or breaks offered"))
    if pain is not None:
        cells.append((f"{pain}/10", "highest pain logged"))
    items = "".join(
        f'<div class="figure"><b>{escape(v)}</b><span>{escape(k)}</span></div>' for v, k in cells
    )
    return f'<div class="figures">{items}</div>'


def _hour_strip(s: Summary) -> str:
    """The terminal's hour strip as 24 tinted cells: grey unmonitored, orange by slouch."""
    cells = []
    for cell, glyph in zip(s.hours, hour_strip(s), strict=True):
        minutes = cell.slouch_min / max(s.days_monitored, 1)
        if cell.monitored_s <= 0:
            style, tip = "background:#f2f2f2;color:#999", "not monitored"
        elif minutes <= 0:
            style, tip = "background:rgba(40,167,69,.25)", "no slouching"
        else:
            alpha = 0.25 + 0.75 * min(minutes / 30.0, 1.0)
            style, tip = f"background:rgba(240,140,0,{alpha:.2f})", f"{minutes:.0f} min slouching"
        cells.append(
            f'<div style="{style}" title="{cell.hour:02d}:00 {tip}">'
            f"<i>{cell.hour:02d}</i>{escape(glyph)}</div>"
        )
    return f'<div class="hours">{"".join(cells)}</div>'


def _chart(
    draw: Callable[[charts.Size], str],
    caption: str,
    legend: Sequence[charts.LegendItem] = (),
) -> str:
    """A figure with the chart in every size (CSS shows one), its legend and caption."""
    sizes = "".join(f'<div class="size-{z.name}">{draw(z)}</div>' for z in charts.SIZES)
    return (
        f'<figure role="img" aria-label="{escape(caption)}">{sizes}{_legend(legend)}'
        f"<figcaption>{caption}</figcaption></figure>"
    )


_GLYPHS = {"marker": "▼", "dot": "●", "ring": "○"}


def _legend(items: Sequence[charts.LegendItem]) -> str:
    if not items:
        return ""
    out = []
    for item in items:
        c = escape(item.colour)
        if item.kind in _GLYPHS:
            swatch = f'<i class="marker" style="color:{c}">{_GLYPHS[item.kind]}</i>'
        elif item.kind == "hatch":
            swatch = (
                f'<i style="background:repeating-linear-gradient(135deg,{c} 0 3px,#fff 3px 5px)">'
                "</i>"
            )
        else:
            swatch = f'<i style="background:{c}"></i>'
        out.append(f"<li>{swatch}{escape(item.label)}</li>")
    return f'<ul class="legend">{"".join(out)}</ul>'


def _suggestions(suggestions: tuple[Suggestion, ...], why_none: str | None = None) -> str:
    if not suggestions:
        return f'<h2>Suggestions</h2><p class="note">{escape(why_none)}</p>' if why_none else ""
    items = "".join(
        f'<li>{escape(s.text)} <span class="cite">({escape(s.cite)})</span></li>'
        for s in suggestions
    )
    return f"<h2>Suggestions</h2><ul>{items}</ul>"


def _advice(advice: MedicalAdvice | None) -> str:
    if advice is None:
        return ""
    points = "".join(f"<li>{escape(p)}</li>" for p in advice.points)
    return (
        '<section class="advice"><h2>When to see a doctor</h2>'
        f"<p>Your journal shows {escape('; '.join(advice.reasons))}.</p>"
        f"<p>{escape(advice.intro)}</p><ul>{points}</ul><p>{escape(advice.why)}</p>"
        f'<p class="cite">(guide: {escape(advice.source)})</p>'
        f"<p><b>{escape(advice.disclaimer)}</b></p></section>"
    )


def _day_table(report: WeekReport) -> str:
    """One row per day; pain comes third so that a phone shows it without scrolling."""
    head = (
        "<tr><th>day</th><th>monitored</th><th>pain</th><th>upright</th><th>slouch</th>"
        "<th>longest sit</th><th>breaks</th></tr>"
    )
    rows = []
    for d, pain, short in zip(report.days, report.pain, report.short_days, strict=True):
        day = f"<td>{short_date(d.first_day)}</td>"
        pain_cell = f"<td>{'–' if pain is None else pain}</td>"
        if d.monitored_s <= 0:
            rows.append(f"<tr>{day}<td>–</td>{pain_cell}{'<td></td>' * 4}</tr>")
            continue
        share = "–" if d.upright_share is None else f"{d.upright_share:.0%}"
        mark = '<abbr title="not counted">*</abbr>' if short else ""
        rows.append(
            f"<tr>{day}<td>{format_minutes(d.monitored_s)}{mark}</td>{pain_cell}"
            f"<td>{share}</td><td>{d.slouch_min:.0f} min</td>"
            f"<td>{format_minutes(d.longest_bout_s)}</td><td>{d.breaks}</td></tr>"
        )
    note = ""
    if any(report.short_days):
        note = (
            f'<p class="note">* under {MIN_DAY_MONITORED_S / 60:.0f} min monitored: not '
            "counted in the trend and the pain comparison.</p>"
        )
    return f'<div class="table"><table>{head}{"".join(rows)}</table></div>{note}'
