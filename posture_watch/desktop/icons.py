"""Tray icons drawn with Pillow, one per :class:`~posture_watch.core.status.TrayState`.

Each state has its own colour *and* its own glyph, so the icon reads at a glance and
also for people who do not tell green from orange: a straight figure for upright, a bent
one for slouching, an empty seat for away, two bars for paused, a padlock for a locked
screen, a camera for a camera another app is using (neutral, not an error), a target for
calibrating, an exclamation mark for a camera problem and a white cross on black when the
monitor itself failed. The colours are exported so that tests can
recognise the state from a screenshot of the tray.

The application icon (:mod:`posture_watch.desktop.app_icon`) takes its disc and glyph
colours from here, so it lives in ``desktop/`` with them: the tray draws with the desktop
layer below it, never the other way round.
"""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image, ImageDraw

from posture_watch.core.palette import RGB, STATE_COLOURS
from posture_watch.core.status import TrayState

#: The state colours (:mod:`posture_watch.core.palette`), under the name tests use.
COLOURS = STATE_COLOURS
GLYPH: RGB = (255, 255, 255)


def draw_icon(state: TrayState, size: int = 64) -> Image.Image:
    """An RGBA icon of ``size`` pixels: a coloured disc with the state's white glyph."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((0, 0, size - 1, size - 1), fill=COLOURS[state])
    _GLYPHS[state](draw, size / 64.0)
    return image


def _scale(points: Sequence[tuple[float, float]], k: float) -> list[tuple[float, float]]:
    return [(x * k, y * k) for x, y in points]


def _figure(draw: ImageDraw.ImageDraw, k: float, bent: bool) -> None:
    head = (32, 17) if not bent else (41, 24)
    r = 6.5
    draw.ellipse(
        (k * (head[0] - r), k * (head[1] - r), k * (head[0] + r), k * (head[1] + r)), fill=GLYPH
    )
    spine = [(32, 27), (32, 52)] if not bent else [(37, 31), (27, 40), (27, 52)]
    draw.line(_scale(spine, k), fill=GLYPH, width=max(2, round(6 * k)), joint="curve")


def _upright(draw: ImageDraw.ImageDraw, k: float) -> None:
    _figure(draw, k, bent=False)


def _slouch(draw: ImageDraw.ImageDraw, k: float) -> None:
    _figure(draw, k, bent=True)


def _away(draw: ImageDraw.ImageDraw, k: float) -> None:
    width = max(2, round(5 * k))
    draw.line(_scale([(22, 18), (22, 46), (44, 46), (44, 54)], k), fill=GLYPH, width=width)
    draw.line(_scale([(22, 54), (22, 46)], k), fill=GLYPH, width=width)


def _paused(draw: ImageDraw.ImageDraw, k: float) -> None:
    for x in (22, 36):
        draw.rectangle((k * x, k * 18, k * (x + 7), k * 46), fill=GLYPH)


def _locked(draw: ImageDraw.ImageDraw, k: float) -> None:
    width = max(2, round(4 * k))
    draw.arc((k * 22, k * 12, k * 42, k * 36), 180, 360, fill=GLYPH, width=width)
    draw.line(_scale([(22, 24), (22, 30)], k), fill=GLYPH, width=width)
    draw.line(_scale([(42, 24), (42, 30)], k), fill=GLYPH, width=width)
    draw.rectangle((k * 17, k * 29, k * 47, k * 52), fill=GLYPH)


def _camera_busy(draw: ImageDraw.ImageDraw, k: float) -> None:
    """A camera body with its lens: the camera is fine, another app has it."""
    draw.rectangle((k * 12, k * 22, k * 40, k * 44), fill=GLYPH)
    draw.polygon(_scale([(40, 30), (52, 23), (52, 43), (40, 36)], k), fill=GLYPH)
    draw.ellipse((k * 20, k * 27, k * 32, k * 39), fill=COLOURS[TrayState.CAMERA_BUSY])


def _calibrating(draw: ImageDraw.ImageDraw, k: float) -> None:
    width = max(2, round(4 * k))
    draw.ellipse((k * 18, k * 18, k * 46, k * 46), outline=GLYPH, width=width)
    draw.line(_scale([(32, 10), (32, 54)], k), fill=GLYPH, width=width)
    draw.line(_scale([(10, 32), (54, 32)], k), fill=GLYPH, width=width)


def _camera_problem(draw: ImageDraw.ImageDraw, k: float) -> None:
    draw.rectangle((k * 28, k * 12, k * 36, k * 40), fill=GLYPH)
    draw.rectangle((k * 28, k * 45, k * 36, k * 53), fill=GLYPH)


def _error(draw: ImageDraw.ImageDraw, k: float) -> None:
    width = max(2, round(7 * k))
    draw.line(_scale([(20, 20), (44, 44)], k), fill=GLYPH, width=width)
    draw.line(_scale([(44, 20), (20, 44)], k), fill=GLYPH, width=width)


def _starting(draw: ImageDraw.ImageDraw, k: float) -> None:
    for x in (18, 30, 42):
        draw.ellipse((k * x, k * 29, k * (x + 6), k * 35), fill=GLYPH)


_GLYPHS = {
    TrayState.STARTING: _starting,
    TrayState.UPRIGHT: _upright,
    TrayState.SLOUCH: _slouch,
    TrayState.AWAY: _away,
    TrayState.PAUSED: _paused,
    TrayState.LOCKED: _locked,
    TrayState.CAMERA_BUSY: _camera_busy,
    TrayState.CALIBRATING: _calibrating,
    TrayState.CAMERA_PROBLEM: _camera_problem,
    TrayState.ERROR: _error,
}


def nearest_state(rgb: RGB) -> TrayState:
    """The state whose colour is closest to ``rgb`` (for reading screenshots)."""
    return min(COLOURS, key=lambda state: colour_distance(COLOURS[state], rgb))


def colour_distance(a: RGB, b: RGB) -> int:
    """Squared distance of two colours (plain ints: NumPy's uint8 would wrap around)."""
    return sum((int(x) - int(y)) ** 2 for x, y in zip(a, b, strict=True))
