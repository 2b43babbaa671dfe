"""The sampler's two rates and the still gate, on synthetic thumbnails (no model, no
clock: time is an argument)."""

from __future__ import annotations

import numpy as np

from posture_watch.core.sampling import (
    MOVED_PIXELS,
    AdaptiveSampler,
    StillGate,
    changed_pixels,
)
from posture_watch.core.scoring import PostureState

UP, SLOUCH = PostureState.UPRIGHT, PostureState.SLOUCH


def scene(head_row: int = 8) -> np.ndarray:
    """A 40x30 grey thumbnail: a bright 'head' block on a darker room."""
    thumb = np.full((30, 40), 60, np.uint8)
    thumb[head_row : head_row + 6, 17:23] = 200
    return thumb


def test_noise_and_an_exposure_change_are_not_movement() -> None:
    rng = np.random.default_rng(1)
    noisy = np.clip(scene() + rng.normal(0, 4, (30, 40)), 0, 255).astype(np.uint8)
    brighter = (scene().astype(np.int16) + 25).astype(np.uint8)
    assert changed_pixels(scene(), noisy) < MOVED_PIXELS
    assert changed_pixels(scene(), brighter) == 0


def test_a_head_lower_by_a_few_pixels_is_movement() -> None:
    assert changed_pixels(scene(8), scene(11)) >= MOVED_PIXELS
    assert changed_pixels(scene(), np.zeros((24, 32), np.uint8)) == scene().size  # new size


def test_the_gate_skips_the_model_only_while_still_stable_and_fresh() -> None:
    gate = StillGate(refresh=10.0)
    assert not gate.still(0.0, scene(), settling=False)  # no reference yet
    gate.ran_model(0.0, scene())
    assert gate.still(2.0, scene(), settling=False)
    assert not gate.still(2.0, scene(), settling=True)  # confirming a change
    assert not gate.still(2.0, scene(11), settling=False)  # moved: the model runs at once
    assert not gate.still(10.0, scene(), settling=False)  # refreshed every 10 s


def test_still_frames_keep_the_last_model_run_as_the_reference() -> None:
    """So a slow drift adds up until it counts as movement."""
    gate = StillGate(refresh=1e9)
    gate.ran_model(0.0, scene(8))
    thin = scene(8)
    thin[20, :3] = 255  # a change too small to count
    assert gate.still(2.0, thin, settling=False)
    assert changed_pixels(gate.reference, scene(8)) == 0 and gate.model_at == 0.0


def test_the_sampler_speeds_up_while_a_change_is_confirmed() -> None:
    sampler = AdaptiveSampler(2.0, 0.25)
    assert sampler.analysed(0.0, UP, UP) == 2.0 and not sampler.settling
    assert sampler.analysed(2.0, SLOUCH, UP) == 2.25 and sampler.settling
    sampler.reset()
    assert sampler.due(-1e6) and not sampler.settling
