"""Line drawings of the guide's stretches: a stick figure per stretch, as plain geometry.

Each drawing is a few strokes in a 100 x 100 box (x to the right, y down): the figure's
body, the furniture it uses (a chair, a door frame) and one or two arrows for the
movement. Nothing here draws: the stretch window paints :func:`flat_strokes` on a Tk
canvas and the report writes them as inline SVG, so both show the same picture. Arcs
are flattened to polylines and arrowheads added here, so a renderer needs only lines and
circles.

Figures face the viewer like a mirror for left/right stretches: the figure's left side
is on the right of the picture. :func:`drawing_for` mirrors a two-sided stretch's figure
for its right side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from posture_watch.core.text import N_

Point = tuple[float, float]

#: The drawing box's side, in drawing units.
SIZE = 100.0
#: Length and half-angle of an arrowhead, drawing units and degrees.
HEAD_LENGTH, HEAD_ANGLE = 5.0, 28.0


class Ink(StrEnum):
    """What a stroke shows, so a renderer can colour it: the figure, a prop, a movement."""

    BODY = "body"
    PROP = "prop"
    MOTION = "motion"


@dataclass(frozen=True)
class Line:
    """A polyline through ``points``; ``arrow`` puts an arrowhead at its last point."""

    points: tuple[Point, ...]
    ink: Ink = Ink.BODY
    arrow: bool = False


@dataclass(frozen=True)
class Arc:
    """A circular arc around ``centre`` from ``start`` through ``sweep`` degrees
    (0 = right, positive = clockwise on screen, as y grows downwards)."""

    centre: Point
    radius: float
    start: float
    sweep: float
    ink: Ink = Ink.MOTION
    arrow: bool = True


@dataclass(frozen=True)
class Circle:
    """A circle (a head)."""

    centre: Point
    radius: float
    ink: Ink = Ink.BODY


Stroke = Line | Arc | Circle


@dataclass(frozen=True)
class Drawing:
    """One stretch's picture; ``alt`` says in words what it shows (for the SVG's title),
    ``name`` is the stretch's short name (a caption)."""

    alt: str
    strokes: tuple[Stroke, ...]
    name: str = ""

    def mirrored(self) -> Drawing:
        """The same picture flipped left to right (the other side of the body)."""
        return Drawing(self.alt, tuple(_mirror(s) for s in self.strokes), self.name)


def _flip(point: Point) -> Point:
    return (SIZE - point[0], point[1])


def _mirror(stroke: Stroke) -> Stroke:
    if isinstance(stroke, Line):
        return Line(tuple(_flip(p) for p in stroke.points), stroke.ink, stroke.arrow)
    if isinstance(stroke, Arc):
        start = 180.0 - stroke.start
        return Arc(
            _flip(stroke.centre), stroke.radius, start, -stroke.sweep, stroke.ink, stroke.arrow
        )
    return Circle(_flip(stroke.centre), stroke.radius, stroke.ink)


def arc_points(arc: Arc, step_degrees: float = 10.0) -> tuple[Point, ...]:
    """The arc as a polyline of points no more than ``step_degrees`` apart."""
    count = max(2, math.ceil(abs(arc.sweep) / step_degrees) + 1)
    cx, cy = arc.centre
    points = []
    for i in range(count):
        angle = math.radians(arc.start + arc.sweep * i / (count - 1))
        points.append((cx + arc.radius * math.cos(angle), cy + arc.radius * math.sin(angle)))
    return tuple(points)


def arrowhead(points: tuple[Point, ...]) -> tuple[Point, Point, Point]:
    """The two barbs and the tip of an arrowhead at the end of ``points``."""
    (x0, y0), (x1, y1) = points[-2], points[-1]
    heading = math.atan2(y1 - y0, x1 - x0)
    barbs = []
    for side in (-1, 1):
        angle = heading + math.pi - side * math.radians(HEAD_ANGLE)
        barbs.append((x1 + HEAD_LENGTH * math.cos(angle), y1 + HEAD_LENGTH * math.sin(angle)))
    return barbs[0], (x1, y1), barbs[1]


@dataclass(frozen=True)
class FlatStroke:
    """A stroke a renderer draws as is: a polyline (``closed`` never) or a circle."""

    ink: Ink
    points: tuple[Point, ...] = ()
    circle: tuple[Point, float] | None = None


def flat_strokes(drawing: Drawing) -> tuple[FlatStroke, ...]:
    """Polylines and circles only: arcs flattened, each arrowhead a polyline of its own."""
    flat: list[FlatStroke] = []
    for stroke in drawing.strokes:
        if isinstance(stroke, Circle):
            flat.append(FlatStroke(stroke.ink, circle=(stroke.centre, stroke.radius)))
            continue
        points = arc_points(stroke) if isinstance(stroke, Arc) else stroke.points
        flat.append(FlatStroke(stroke.ink, points=points))
        if stroke.arrow:
            flat.append(FlatStroke(stroke.ink, points=arrowhead(points)))
    return tuple(flat)


# -- the pieces every figure shares -------------------------------------------------------


def _side_chair(back_top: float = 42.0) -> tuple[Stroke, ...]:
    """A chair seen from the side, facing right: seat, backrest, legs."""
    return (
        Line(((28, 72), (58, 72)), Ink.PROP),
        Line(((28, back_top), (28, 95)), Ink.PROP),
        Line(((56, 72), (56, 95)), Ink.PROP),
    )


def _front_chair() -> tuple[Stroke, ...]:
    """A seat seen from the front."""
    return (
        Line(((28, 76), (72, 76)), Ink.PROP),
        Line(((31, 76), (31, 95)), Ink.PROP),
        Line(((69, 76), (69, 95)), Ink.PROP),
    )


def _front_body(arms: tuple[Stroke, ...]) -> tuple[Stroke, ...]:
    """A seated figure from the front, below the neck: torso, shoulders, thighs, shins."""
    return (
        Line(((50, 42), (50, 74))),
        Line(((35, 42), (65, 42))),
        Line(((50, 74), (40, 76), (40, 95))),
        Line(((50, 74), (60, 76), (60, 95))),
        *arms,
    )


def _side_legs() -> tuple[Stroke, ...]:
    """Thigh on the seat and shin to the floor, facing right."""
    return (Line(((40, 70), (64, 70), (64, 95))),)


# -- the guide's stretches -----------------------------------------------------------------


def _chin_tuck() -> Drawing:
    return Drawing(
        N_("Seated, seen from the side: the chin glides straight back, eyes level."),
        (
            *_side_chair(),
            *_side_legs(),
            Line(((40, 70), (40, 36), (41, 30))),
            Circle((42, 22), 8),
            Line(((40, 38), (44, 54), (58, 60))),
            Line(((62, 22), (53, 22)), Ink.MOTION, arrow=True),
        ),
        name=N_("Chin tucks"),
    )


def _upper_trapezius() -> Drawing:
    return Drawing(
        N_(
            "Seated, from the front: the head tilts towards one shoulder, that hand resting on "
            "the head, the other hand holding the seat."
        ),
        (
            *_front_chair(),
            *_front_body(
                (
                    Line(((35, 42), (32, 60), (33, 76))),
                    Line(((65, 42), (75, 30), (64, 20))),
                )
            ),
            Line(((50, 42), (56, 34))),
            Circle((61, 27), 8),
            Arc((50, 42), 27, -100, 45),
        ),
        name=N_("Neck side bend"),
    )


def _levator_scapulae() -> Drawing:
    return Drawing(
        N_(
            "Seated, from the front: the nose turns towards one armpit and the chin drops "
            "towards it, the opposite shoulder low."
        ),
        (
            *_front_chair(),
            *_front_body(
                (
                    Line(((35, 42), (31, 58), (33, 72))),
                    Line(((65, 42), (69, 58), (62, 68))),
                )
            ),
            Line(((50, 42), (54, 38))),
            Circle((58, 32), 8),
            Line(((61, 34), (66, 38))),
            Line(((70, 18), (74, 30), (70, 42)), Ink.MOTION, arrow=True),
        ),
        name=N_("Look-to-armpit stretch"),
    )


def _neck_turn() -> Drawing:
    return Drawing(
        N_("Seated, from the front: the head turns to one side as far as is comfortable."),
        (
            *_front_chair(),
            *_front_body(
                (
                    Line(((35, 42), (32, 60), (38, 72))),
                    Line(((65, 42), (68, 60), (62, 72))),
                )
            ),
            Line(((50, 42), (50, 34))),
            Circle((50, 26), 8),
            Line(((50, 26), (60, 26))),
            Arc((50, 26), 16, -120, 75),
        ),
        name=N_("Slow neck turns"),
    )


def _shoulder_rolls() -> Drawing:
    return Drawing(
        N_("Standing, from the side: the shoulders lift, circle back and drop, arms loose."),
        (
            Line(((46, 38), (46, 66))),
            Line(((46, 66), (50, 80), (48, 95))),
            Line(((46, 66), (42, 80), (40, 95))),
            Line(((46, 40), (50, 53), (52, 66))),
            Line(((46, 38), (47, 28))),
            Circle((48, 20), 7),
            Arc((46, 40), 11, 60, -300),
        ),
        name=N_("Shoulder rolls"),
    )


def _doorway() -> Drawing:
    return Drawing(
        N_(
            "Standing in a doorway, from the side: forearms on the frame at shoulder height, "
            "one foot forward, the chest leaning through."
        ),
        (
            Line(((66, 8), (66, 95)), Ink.PROP),
            Line(((72, 8), (72, 95)), Ink.PROP),
            Line(((42, 64), (50, 36))),
            Line(((42, 64), (58, 80), (64, 95))),
            Line(((42, 64), (36, 80), (32, 95))),
            Line(((50, 38), (64, 38), (64, 22))),
            Line(((50, 36), (53, 30))),
            Circle((55, 22), 7),
            Line(((76, 48), (90, 48)), Ink.MOTION, arrow=True),
        ),
        name=N_("Doorway chest opener"),
    )


def _shoulder_blade_squeeze() -> Drawing:
    return Drawing(
        N_("Seated, from behind: the shoulder blades draw back and down towards each other."),
        (
            *_front_chair(),
            *_front_body(
                (
                    Line(((35, 42), (31, 60), (34, 74))),
                    Line(((65, 42), (69, 60), (66, 74))),
                )
            ),
            Line(((50, 42), (50, 34))),
            Circle((50, 26), 8),
            Line(((42, 46), (44, 60))),
            Line(((58, 46), (56, 60))),
            Line(((24, 52), (37, 55)), Ink.MOTION, arrow=True),
            Line(((76, 52), (63, 55)), Ink.MOTION, arrow=True),
        ),
        name=N_("Shoulder-blade squeeze"),
    )


def _thoracic_extension() -> Drawing:
    return Drawing(
        N_(
            "Seated, from the side: hands laced behind the head, the upper back arching over "
            "the top of the backrest, eyes slightly up."
        ),
        (
            *_side_chair(back_top=50),
            *_side_legs(),
            Line(((40, 70), (34, 52), (26, 40))),
            Line(((26, 40), (22, 34))),
            Circle((20, 26), 8),
            Line(((26, 41), (34, 30), (24, 22))),
            Arc((34, 52), 24, -110, -50),
        ),
        name=N_("Upper-back extension"),
    )


def _spinal_twist() -> Drawing:
    return Drawing(
        N_(
            "Seated, from the front: the upper body rotates to one side, one hand on the "
            "opposite knee, the other on the seat behind."
        ),
        (
            *_front_chair(),
            Line(((50, 42), (50, 74))),
            Line(((40, 44), (62, 40))),
            Line(((50, 74), (40, 76), (40, 95))),
            Line(((50, 74), (60, 76), (60, 95))),
            Line(((40, 44), (46, 60), (58, 76))),
            Line(((62, 40), (70, 56), (72, 72))),
            Line(((50, 42), (51, 34))),
            Circle((53, 26), 8),
            Arc((50, 58), 22, 200, 60),
        ),
        name=N_("Seated spinal twist"),
    )


DRAWINGS: dict[str, Drawing] = {
    "chin-tuck": _chin_tuck(),
    "upper-trapezius-stretch": _upper_trapezius(),
    "levator-scapulae-stretch": _levator_scapulae(),
    "neck-turn": _neck_turn(),
    "shoulder-rolls": _shoulder_rolls(),
    "doorway-chest-opener": _doorway(),
    "shoulder-blade-squeeze": _shoulder_blade_squeeze(),
    "seated-thoracic-extension": _thoracic_extension(),
    "seated-spinal-twist": _spinal_twist(),
}


def drawing_for(prompt_id: str, *, right_side: bool = False) -> Drawing | None:
    """The drawing of a guide stretch (mirrored for its right side), None for others."""
    drawing = DRAWINGS.get(prompt_id)
    if drawing is None:
        return None
    return drawing.mirrored() if right_side else drawing


__all__ = [
    "DRAWINGS",
    "SIZE",
    "Arc",
    "Circle",
    "Drawing",
    "FlatStroke",
    "Ink",
    "Line",
    "Point",
    "Stroke",
    "arc_points",
    "arrowhead",
    "drawing_for",
    "flat_strokes",
]
