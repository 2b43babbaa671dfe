"""Every guide stretch has a drawing, inside its box, mirrored for its other side, and
written as well-formed SVG with the same strokes the window paints."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from posture_watch.core.prompts import PromptKind
from posture_watch.core.stretch_drawings import (
    DRAWINGS,
    SIZE,
    Arc,
    Ink,
    arc_points,
    drawing_for,
    flat_strokes,
)
from posture_watch.prompt_library import builtin_prompts
from posture_watch.report.stretch_svg import drawing_svg

SVG = "{http://www.w3.org/2000/svg}"
STRETCHES = [p for p in builtin_prompts() if p.kind is PromptKind.STRETCH]


def test_every_guide_stretch_has_a_drawing_and_no_drawing_is_orphaned() -> None:
    assert {p.id for p in STRETCHES} == set(DRAWINGS)


@pytest.mark.parametrize("name", sorted(DRAWINGS))
def test_a_drawing_stays_in_its_box_and_shows_a_head_and_a_movement(name: str) -> None:
    strokes = flat_strokes(DRAWINGS[name])
    points = [p for s in strokes for p in s.points]
    points += [(c[0][0] + dx * c[1], c[0][1] + dy * c[1])
               for s in strokes if (c := s.circle) for dx, dy in ((1, 1), (-1, -1))]  # fmt: skip
    assert all(0 <= x <= SIZE and 0 <= y <= SIZE for x, y in points)
    assert sum(s.circle is not None for s in strokes) == 1  # one head
    assert any(s.ink is Ink.MOTION for s in strokes)


@pytest.mark.parametrize("name", sorted(DRAWINGS))
def test_the_svg_is_well_formed_and_has_every_stroke(name: str) -> None:
    drawing = DRAWINGS[name]
    root = ET.fromstring(drawing_svg(drawing, 120))
    assert root.tag == f"{SVG}svg" and root.get("viewBox") == "0 0 100 100"
    assert root.findtext(f"{SVG}title") == drawing.alt
    shapes = root.findall(f".//{SVG}polyline") + root.findall(f".//{SVG}circle")
    assert len(shapes) == len(flat_strokes(drawing))


def test_the_right_side_is_the_left_side_mirrored() -> None:
    left = drawing_for("neck-turn")
    right = drawing_for("neck-turn", right_side=True)
    assert left is not None and right is not None
    for a, b in zip(flat_strokes(left), flat_strokes(right), strict=True):
        # an arrowhead's two barbs swap places in the mirror: compare as sets
        assert {(round(SIZE - x, 6), round(y, 6)) for x, y in a.points} == {
            (round(x, 6), round(y, 6)) for x, y in b.points
        }
    assert drawing_for("not-a-guide-stretch") is None


def test_an_arc_is_flattened_from_its_start_through_its_sweep() -> None:
    points = arc_points(Arc((50, 50), 10, 0, 90))
    assert points[0] == pytest.approx((60, 50)) and points[-1] == pytest.approx((50, 60))
    assert len(points) == 10


def test_two_sided_stretches_are_the_ones_that_say_other_side() -> None:
    sided = {p.id for p in STRETCHES if p.both_sides}
    says = {p.id for p in STRETCHES if any(("side" in s and ("other" in s or "switch" in s))
            or "other way" in s
            or "turn to the right" in s for s in p.steps)}  # fmt: skip
    assert sided == says
