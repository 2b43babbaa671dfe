"""The HTML report's building blocks: the page with its inline CSS, headings, a chart
figure in every size with its legend and caption, suggestions with their drawings, and
the medical advice box.

:mod:`posture_watch.report.html` puts the day and week pages together from these; they
are one module so that the page's look (CSS) and the markup it styles stay side by side.
Every word is a catalog message (``posture_watch.core.text``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from posture_watch.core.advice import MedicalAdvice, Suggestion
from posture_watch.core.stretch_drawings import drawing_for
from posture_watch.core.text import _
from posture_watch.report import charts
from posture_watch.report.page_language import html_attributes
from posture_watch.report.stretch_svg import SVG_CSS, drawing_svg

CSS = (
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


def h2(heading: str) -> str:
    return f"<h2>{escape(heading)}</h2>"


def page(title: str, body: list[str]) -> str:
    made = _("Made by posture-watch from measurements only; no pictures are kept.")
    guide = _("Suggestions and advice paraphrase the guide “Understanding Chronic Muscle Knots”.")
    footer = f"<footer>{escape(made)} {escape(guide)}</footer>"
    return (
        f'<!DOCTYPE html>\n<html {html_attributes()}><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>\n<body>\n"
        + "\n".join(part for part in body if part)
        + f"\n{footer}\n</body></html>\n"
    )


def chart(
    draw: Callable[[charts.Size], str],
    caption: str,
    keys: Sequence[charts.LegendItem],
    clock: tuple[float, float] | None = None,
) -> str:
    """A figure with the chart in every size (CSS shows one), its legend and caption.

    ``clock`` (the time axis in clock hours) is written on the figure as ``data-clock``,
    so the tests can check that the charts of a day share one axis.
    """
    sizes = "".join(f'<div class="size-{z.name}">{draw(z)}</div>' for z in charts.SIZES)
    data = "" if clock is None else f' data-clock="{clock[0]:g}-{clock[1]:g}"'
    return (
        f'<figure{data} role="img" aria-label="{escape(caption)}">{sizes}{legend(keys)}'
        f"<figcaption>{caption}</figcaption></figure>"
    )


def legend(items: Sequence[charts.LegendItem]) -> str:
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


def suggestions(suggestions: tuple[Suggestion, ...], why_none: str | None = None) -> str:
    heading = h2(_("Suggestions"))
    if not suggestions:
        return f'{heading}<p class="note">{escape(why_none)}</p>' if why_none else ""
    items = "".join(
        f'<li>{escape(s.text)} <span class="cite">({escape(s.cite)})</span>'
        f"{drawings(s.stretches)}</li>"
        for s in suggestions
    )
    return f"{heading}<ul>{items}</ul>"


def drawings(stretch_ids: tuple[str, ...]) -> str:
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


def advice(advice: MedicalAdvice | None) -> str:
    if advice is None:
        return ""
    points = "".join(f"<li>{escape(p)}</li>" for p in advice.points)
    shows = _("Your pain journal shows {reasons}.").format(reasons="; ".join(advice.reasons))
    cite = _("guide: {sections}").format(sections=advice.source)
    heading = _("When to see a doctor")
    return (
        f'<section class="advice">{h2(heading)}'
        f"<p>{escape(shows)}</p>"
        f"<p>{escape(advice.intro)}</p><ul>{points}</ul><p>{escape(advice.why)}</p>"
        f'<p class="cite">({escape(cite)})</p>'
        f"<p><b>{escape(advice.disclaimer)}</b></p></section>"
    )


__all__ = ["CSS", "advice", "chart", "drawings", "h2", "legend", "page", "suggestions"]
