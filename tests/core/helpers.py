"""Hand-built landmark sets with known geometry, for core tests."""

from __future__ import annotations

import numpy as np

from posture_watch.core.landmarks import Landmark as L
from posture_watch.core.landmarks import Landmarks


def frontal_pose(
    *,
    width: int = 640,
    height: int = 480,
    shoulder_y: float = 400.0,
    shoulder_half: float = 100.0,
    ear_rise: float = 62.0,
    ear_half: float = 40.0,
    nose_rise: float = 55.0,
    cx: float = 320.0,
    shoulder_drop_left: float = 0.0,
    visibility: float = 0.99,
    neck_forward: float = 0.0,
) -> Landmarks:
    """A person facing the camera, in pixel units (converted to normalised landmarks).

    The person's left side is on the image's right (a non-mirrored camera).
    """
    image = np.zeros((33, 5))
    image[:, 3:] = visibility
    pts = {
        L.LEFT_SHOULDER: (cx + shoulder_half, shoulder_y + shoulder_drop_left),
        L.RIGHT_SHOULDER: (cx - shoulder_half, shoulder_y),
        L.LEFT_EAR: (cx + ear_half, shoulder_y - ear_rise),
        L.RIGHT_EAR: (cx - ear_half, shoulder_y - ear_rise),
        L.NOSE: (cx, shoulder_y - nose_rise),
        L.LEFT_EYE: (cx + 15, shoulder_y - nose_rise - 12),
        L.RIGHT_EYE: (cx - 15, shoulder_y - nose_rise - 12),
    }
    for idx, (x, y) in pts.items():
        image[idx, 0], image[idx, 1] = x / width, y / height
    world = np.zeros((33, 5))
    world[:, 3:] = visibility
    # metres, y down; ears 0.2 m above the shoulders, neck_forward metres towards the camera
    world[L.LEFT_SHOULDER, :3] = (0.18, -0.5, 0.0)
    world[L.RIGHT_SHOULDER, :3] = (-0.18, -0.5, 0.0)
    world[L.LEFT_EAR, :3] = (0.07, -0.7, -neck_forward)
    world[L.RIGHT_EAR, :3] = (-0.07, -0.7, -neck_forward)
    return Landmarks(image=image, world=world, width=width, height=height)
