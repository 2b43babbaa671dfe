"""The guide's stretch drawings as inline SVG, for the report's suggestions.

The geometry is :mod:`posture_watch.core.stretch_drawings`, the same the stretch window
paints on its canvas; this module only writes it out. Strokes carry a class per ink
(``body``, ``prop``, ``motion``) coloured by :data:`SVG_CSS`, so the page decides the
colours, and the picture has a ``<title>`` saying in words what it shows, in the person's
language (the drawings' English text is translated where it is shown).
"""

from __future__ import annotations

from html import escape

from posture_watch.core.stretch_drawings import SIZE, Drawing, flat_strokes
from posture_watch.core.text import _

#: The report's rules for the drawings (added to its stylesheet).
SVG_CSS = (
    "svg.stretch{width:7.5rem;height:7.5rem;flex:none}"
    "svg.stretch .body{stroke:#303030}svg.stretch .prop{stroke:#8a8a8a}"
    "svg.stretch .motion{stroke:#005fb8}"
)


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def drawing_svg(drawing: Drawing, pixels: int | None = None) -> str:
    """One ``<svg>`` element drawing ``drawing``; ``pixels`` sets its width and height
    (None: the stylesheet does)."""
    size = f' width="{pixels}" height="{pixels}"' if pixels is not None else ""
    parts = [
        f'<svg class="stretch" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 '
        f'{_number(SIZE)} {_number(SIZE)}"{size} role="img">',
        f"<title>{escape(_(drawing.alt))}</title>",
        '<g fill="none" stroke-width="3" stroke-linecap="round" stroke-linejoin="round">',
    ]
    for stroke in flat_strokes(drawing):
        if stroke.circle is not None:
            (cx, cy), radius = stroke.circle
            parts.append(
                f'<circle class="{stroke.ink.value}" cx="{_number(cx)}" cy="{_number(cy)}" '
                f'r="{_number(radius)}"/>'
            )
        else:
            points = " ".join(f"{_number(x)},{_number(y)}" for x, y in stroke.points)
            parts.append(f'<polyline class="{stroke.ink.value}" points="{points}"/>')
    parts.append("</g></svg>")
    return "".join(parts)


__all__ = ["SVG_CSS", "drawing_svg"]
