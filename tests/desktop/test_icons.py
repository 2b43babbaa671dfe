"""Tray icons: one per state, told apart by colour *and* by glyph; colours read back."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import numpy as np
import pytest

from posture_watch.core.status import TrayState
from posture_watch.desktop.icons import COLOURS, GLYPH, colour_distance, draw_icon, nearest_state

#: Sizes a tray asks for (GNOME/KDE panels use 16 to 24 px, trayer and HiDPI more).
SIZES = (16, 22, 24, 32, 64)
#: The screenshot reader in test_tray_app accepts a pixel within this squared distance of a
#: state's colour; twice that radius between any two colours keeps the readings apart.
READ_TOLERANCE = 900
MIN_SEPARATION = 4 * READ_TOLERANCE


def pixels(state: TrayState, size: int) -> np.ndarray:
    """The icon as a ``(size, size, 4)`` uint8 RGBA array."""
    return np.asarray(draw_icon(state, size))


def glyph_mask(state: TrayState, size: int) -> np.ndarray:
    """``(size, size)`` bool: where the icon shows the white glyph."""
    rgba = pixels(state, size)
    return (rgba[..., :3] == GLYPH).all(axis=-1) & (rgba[..., 3] == 255)


def dominant_colour(state: TrayState, size: int) -> tuple[int, int, int]:
    rgba = pixels(state, size)
    opaque = rgba[rgba[..., 3] == 255][:, :3]
    (colour, _), *_ = Counter(map(tuple, opaque.tolist())).most_common(1)
    return colour


def test_every_state_has_a_colour() -> None:
    assert set(COLOURS) == set(TrayState)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("state", list(TrayState))
def test_icon_is_rgba_of_the_size_asked_for(state: TrayState, size: int) -> None:
    image = draw_icon(state, size)
    assert image.mode == "RGBA"
    assert image.size == (size, size)
    alpha = pixels(state, size)[..., 3]
    assert alpha[0, 0] == 0  # round: the corners stay transparent
    assert alpha[size // 2, size // 2] == 255


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("state", list(TrayState))
def test_dominant_colour_is_the_states_and_reads_back(state: TrayState, size: int) -> None:
    colour = dominant_colour(state, size)
    assert colour == COLOURS[state]
    assert nearest_state(colour) is state


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("state", list(TrayState))
def test_icon_has_only_its_colour_and_the_glyph(state: TrayState, size: int) -> None:
    rgba = pixels(state, size)
    opaque = {tuple(p) for p in rgba[rgba[..., 3] == 255][:, :3].tolist()}
    assert opaque == {COLOURS[state], GLYPH}


def test_state_colours_are_pairwise_far_apart() -> None:
    for a, b in combinations(TrayState, 2):
        distance = colour_distance(COLOURS[a], COLOURS[b])
        assert distance > MIN_SEPARATION, f"{a} and {b} are too close ({distance})"


def test_no_state_colour_is_close_to_the_glyph() -> None:
    for state in TrayState:
        assert colour_distance(COLOURS[state], GLYPH) > MIN_SEPARATION


@pytest.mark.parametrize("size", SIZES)
def test_glyphs_differ_between_states(size: int) -> None:
    """Readable without colour: any two glyphs share under 3/4 of their white pixels."""
    masks = {state: glyph_mask(state, size) for state in TrayState}
    for state, mask in masks.items():
        assert mask.sum() >= 0.02 * size * size, f"{state} glyph barely visible at {size}px"
    for a, b in combinations(TrayState, 2):
        overlap = (masks[a] & masks[b]).sum() / (masks[a] | masks[b]).sum()
        assert overlap < 0.75, f"{a} and {b} glyphs look alike at {size}px ({overlap:.2f})"


def test_nearest_state_tolerates_screenshot_noise() -> None:
    for state, colour in COLOURS.items():
        for delta in (-12, 12):
            noisy = tuple(min(255, max(0, c + delta)) for c in colour)
            assert nearest_state(noisy) is state


def test_nearest_state_with_numpy_uint8_does_not_wrap_around() -> None:
    """Regression: pixels read from a screenshot are np.uint8, whose ``a - b`` wraps
    (40 - 240 == 56) and whose square overflows; the distance must be computed on ints."""
    slouch = np.array(COLOURS[TrayState.SLOUCH], dtype=np.uint8)
    upright = np.array(COLOURS[TrayState.UPRIGHT], dtype=np.uint8)
    assert colour_distance(tuple(slouch), tuple(upright)) == colour_distance(
        COLOURS[TrayState.SLOUCH], COLOURS[TrayState.UPRIGHT]
    )
    for state in TrayState:
        icon = pixels(state, 64)
        centre_left = tuple(icon[32, 4, :3])  # uint8 scalars, as a screenshot gives them
        assert all(isinstance(c, np.uint8) for c in centre_left)
        assert nearest_state(centre_left) is state
        noisy = tuple(np.clip(icon[32, 4, :3].astype(int) + 9, 0, 255).astype(np.uint8))
        assert nearest_state(noisy) is state


def test_colour_distance_is_squared_euclidean() -> None:
    assert colour_distance((0, 0, 0), (0, 0, 0)) == 0
    assert colour_distance((0, 0, 0), (3, 4, 0)) == 25
    assert colour_distance((255, 0, 0), (0, 0, 0)) == 255**2
    assert colour_distance((10, 20, 30), (40, 50, 60)) == colour_distance(
        (40, 50, 60), (10, 20, 30)
    )
