"""Pose landmarks as typed NumPy values.

MediaPipe's Pose Landmarker gives 33 landmarks per person in two coordinate systems:
image landmarks (x, y normalised to the frame, z relative depth) and world landmarks
(metres, origin between the hips). We keep both as ``(33, 5)`` float arrays with columns
``x, y, z, visibility, presence`` and carry the frame size, because angles and ratios must
be measured in square pixels, not in normalised units that stretch with the aspect ratio.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np
import numpy.typing as npt

N_LANDMARKS = 33
N_COLUMNS = 5  # x, y, z, visibility, presence


class Landmark(IntEnum):
    """Indices of the MediaPipe pose landmarks that posture-watch uses (hips never)."""

    NOSE = 0
    LEFT_EYE = 2
    RIGHT_EYE = 5
    LEFT_EAR = 7
    RIGHT_EAR = 8
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12


def _checked(array: npt.ArrayLike, name: str) -> np.ndarray:
    out = np.asarray(array, dtype=np.float64)
    if out.shape != (N_LANDMARKS, N_COLUMNS):
        raise ValueError(f"{name} landmarks must have shape (33, 5), got {out.shape}")
    out.setflags(write=False)
    return out


@dataclass(frozen=True)
class Landmarks:
    """One person's pose in one frame.

    ``image``: (33, 5) x, y in [0, 1] of the frame width/height, z, visibility, presence.
    ``world``: (33, 5) x, y, z in metres (y points down), visibility, presence.
    ``width``/``height``: frame size in pixels, so geometry works in square pixels.
    ``luma``/``noise``: the frame's mean luminance and noise level in grey levels (0-255),
    measured by the adapter where the pixels are (:func:`posture_watch.pipeline.
    frame_stats`) for the confidence gate; None when there were no pixels (a recording).
    """

    image: np.ndarray
    world: np.ndarray
    width: int
    height: int
    luma: float | None = None
    noise: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "image", _checked(self.image, "image"))
        object.__setattr__(self, "world", _checked(self.world, "world"))
        if self.width <= 0 or self.height <= 0:
            raise ValueError(f"frame size must be positive, got {self.width}x{self.height}")

    def to_json(self) -> dict[str, Any]:
        """Plain lists for a JSON line (rounded: 6 decimals are far below landmark noise)."""
        return {
            "size": [self.width, self.height],
            "image": np.round(self.image, 6).tolist(),
            "world": np.round(self.world, 6).tolist(),
        }

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Landmarks:
        width, height = obj["size"]
        return cls(image=obj["image"], world=obj["world"], width=int(width), height=int(height))


def stack(frames: list[Landmarks | None]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stack frames for vectorised geometry.

    Returns ``image`` (N, 33, 5), ``world`` (N, 33, 5) and ``size`` (N, 2) arrays; a frame
    with no person becomes all-NaN rows, so every feature of it comes out NaN.
    """
    n = len(frames)
    image = np.full((n, N_LANDMARKS, N_COLUMNS), np.nan)
    world = np.full((n, N_LANDMARKS, N_COLUMNS), np.nan)
    size = np.full((n, 2), np.nan)
    for i, lm in enumerate(frames):
        if lm is not None:
            image[i], world[i], size[i] = lm.image, lm.world, (lm.width, lm.height)
    return image, world, size
