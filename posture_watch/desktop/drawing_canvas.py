"""Paint a stretch drawing (:mod:`posture_watch.core.stretch_drawings`) on a Tk canvas.

The report writes the same strokes as SVG (:mod:`posture_watch.report.stretch_svg`);
here each stroke becomes a canvas line or oval, scaled from the drawing's 100-unit box to
the canvas's size and coloured by its ink from the window's palette.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from posture_watch.core.stretch_drawings import SIZE, Drawing, Ink, flat_strokes
from posture_watch.desktop.theme import Palette

if TYPE_CHECKING:
    import tkinter as tk

#: The drawing's tag on the canvas, so it can be replaced as a whole.
TAG = "drawing"


def ink_colours(palette: Palette) -> dict[Ink, str]:
    """The colour of each ink in ``palette``."""
    return {Ink.BODY: palette.figure, Ink.PROP: palette.secondary, Ink.MOTION: palette.accent}


def paint(canvas: tk.Canvas, drawing: Drawing, pixels: int, palette: Palette) -> None:
    """Draw ``drawing`` filling a ``pixels`` square at the canvas's origin, replacing the
    drawing painted before."""
    canvas.delete(TAG)
    factor = pixels / SIZE
    width = max(2.0, 3.0 * factor)
    colours = ink_colours(palette)
    for stroke in flat_strokes(drawing):
        colour = colours[stroke.ink]
        if stroke.circle is not None:
            (cx, cy), radius = stroke.circle
            box = ((cx - radius) * factor, (cy - radius) * factor,
                   (cx + radius) * factor, (cy + radius) * factor)  # fmt: skip
            canvas.create_oval(*box, outline=colour, width=width, tags=TAG)
        else:
            coords = [v * factor for point in stroke.points for v in point]
            canvas.create_line(
                *coords, fill=colour, width=width, capstyle="round", joinstyle="round", tags=TAG
            )


__all__ = ["TAG", "ink_colours", "paint"]
