"""The application icon, for the desktop's menu and its list of login items.

The tray's icons (:mod:`posture_watch.desktop.icons`) show states; the upright one, a dot
over a bar on a green disc, reads as "information" at menu sizes. The application icon
keeps the tray's green disc and white glyph colours, so the menu, the login items and
the tray clearly belong together, but shows a person sitting upright, which says what
the program is about.

The same shapes (:data:`HEAD`, :data:`STROKES`, on the tray icons' 64-unit grid) make
both the PNGs and the scalable SVG, so the two cannot drift apart. The PNGs are drawn at
four times their size and scaled down, for smooth edges from 16 to 256 pixels.

The palette comes from the icon module, which the tray draws its state icons with: one
place for the colours. It (and with it NumPy) is imported only when an icon is drawn, so
asking :mod:`posture_watch.desktop.autostart` whether autostart is on stays cheap.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

#: The hicolor sizes installed as PNG (``icons/hicolor/NxN/apps``).
ICON_SIZES: tuple[int, ...] = (16, 22, 24, 32, 48, 64, 128, 256)
#: Drawn this many times larger, then scaled down: anti-aliased edges.
SUPERSAMPLE = 4


#: The picture on a 64-unit grid, shared by the PNG and the SVG: a person seen from the
#: side, sitting upright (head over a straight back, thighs level, shins down), with an
#: arm reaching forward to a desk. The tray's own upright icon (a dot over a bar) reads
#: as "information" at menu sizes; a seated figure says what the program is about.
HEAD = ((30.0, 14.0), 6.5)
STROKES: tuple[tuple[tuple[tuple[float, float], ...], float], ...] = (
    (((28.0, 25.0), (28.0, 41.0), (42.0, 41.0), (42.0, 53.0)), 7.0),  # back, thigh, shin
    (((28.0, 29.0), (37.0, 35.0), (46.0, 33.0)), 5.0),  # arm to the desk
)


def _colours() -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    from posture_watch.core.status import TrayState
    from posture_watch.desktop.icons import COLOURS, GLYPH

    return COLOURS[TrayState.UPRIGHT], GLYPH


def draw_app_icon(size: int) -> Image.Image:
    """The RGBA application icon, ``size`` x ``size`` pixels."""
    if size < 1:
        raise ValueError(f"icon size must be positive, not {size}")
    disc, glyph = _colours()
    big = size * SUPERSAMPLE
    k = big / 64.0
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((0, 0, big - 1, big - 1), fill=disc)
    (hx, hy), r = HEAD
    draw.ellipse((k * (hx - r), k * (hy - r), k * (hx + r), k * (hy + r)), fill=glyph)
    for points, width in STROKES:
        scaled = [(k * x, k * y) for x, y in points]
        draw.line(scaled, fill=glyph, width=round(k * width))
        half = k * width / 2
        for x, y in scaled:  # round caps and joins, as in the SVG
            draw.ellipse((x - half, y - half, x + half, y + half), fill=glyph)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def app_icon_png(size: int) -> bytes:
    """:func:`draw_app_icon` as PNG file contents."""
    buffer = io.BytesIO()
    draw_app_icon(size).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def app_icon_svg() -> str:
    """The same icon as SVG, on the same 64-unit grid."""
    disc, glyph = (_hex(c) for c in _colours())
    (hx, hy), r = HEAD
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">',
        "  <title>posture-watch</title>",
        f'  <circle cx="32" cy="32" r="32" fill="{disc}"/>',
        f'  <circle cx="{hx:g}" cy="{hy:g}" r="{r:g}" fill="{glyph}"/>',
    ]
    for points, width in STROKES:
        coords = " ".join(f"{x:g},{y:g}" for x, y in points)
        lines.append(
            f'  <polyline points="{coords}" fill="none" stroke="{glyph}" '
            f'stroke-width="{width:g}" stroke-linecap="round" stroke-linejoin="round"/>'
        )
    lines.append("</svg>")
    return "\n".join(lines) + "\n"


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


__all__ = ["ICON_SIZES", "SUPERSAMPLE", "app_icon_png", "app_icon_svg", "draw_app_icon"]
