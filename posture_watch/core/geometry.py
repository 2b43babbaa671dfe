"""Neck and shoulder geometry from pose landmarks, vectorised over frames.

Everything here is a ratio or an angle measured in square pixels, so a feature does not
change when the person moves in the frame or the camera resolution changes. Hips are
never used: at a desk they are under the table. A feature is NaN when a landmark it needs
is not visible enough, and every frame gets a frontal-view flag, because a side or oblique
view makes the ratios meaningless (we then report ``unknown`` rather than guess).

All functions take ``image`` and ``world`` arrays of shape (N, 33, 5) and ``size`` of
shape (N, 2) (width, height in pixels), as made by :func:`posture_watch.core.landmarks.stack`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from posture_watch.core.landmarks import Landmark as L

#: Landmarks below this visibility are treated as not seen.
MIN_VISIBILITY = 0.5
#: Frontal view: ear span / shoulder width above this means the shoulders are foreshortened.
MAX_EAR_TO_SHOULDER = 0.75
#: Frontal view: nose offset from the ear midpoint, in ear spans, above this is a turned head.
MAX_YAW_RATIO = 0.5


@dataclass(frozen=True)
class Features:
    """Per-frame features, each an (N,) float array (NaN where not measurable).

    head_height:   shoulder midline to ear midpoint, vertical, in shoulder widths (drops when
                   slumping or pushing the head forward).
    nose_height:   shoulder midline to nose, vertical, in shoulder widths.
    neck_angle:    degrees between the vertical and the shoulder-mid to ear-mid vector,
                   from world landmarks (depth included), 0 = stacked over the shoulders.
    head_pitch:    nose below the ear line, in ear spans (grows when looking down).
    shoulder_span: shoulder width as a fraction of the frame diagonal (grows when leaning in).
    ear_span:      ear-to-ear distance as a fraction of the frame diagonal.
    shoulder_tilt: degrees, positive when the person's left shoulder is lower.
    head_roll:     degrees, positive when the person's left ear is lower.
    yaw_ratio:     nose offset from the ear midpoint, in ear spans (0 = facing the camera).
    center_x:      shoulder midpoint across the frame, 0 = left edge, 1 = right edge.
    center_y:      shoulder midpoint down the frame, 0 = top edge, 1 = bottom edge.
                   Unlike the rest, these two deliberately depend on where the person sits
                   in the picture: with the span features they tell a moved camera or
                   another desk (:mod:`posture_watch.core.setup_drift`); no score uses them.
    frontal:       1.0 for a usable frontal view, 0.0 otherwise (float so NaN-free math works).
    """

    head_height: np.ndarray
    nose_height: np.ndarray
    neck_angle: np.ndarray
    head_pitch: np.ndarray
    shoulder_span: np.ndarray
    ear_span: np.ndarray
    shoulder_tilt: np.ndarray
    head_roll: np.ndarray
    yaw_ratio: np.ndarray
    center_x: np.ndarray
    center_y: np.ndarray
    frontal: np.ndarray

    def __len__(self) -> int:
        return len(self.frontal)

    def row(self, i: int) -> dict[str, float | None]:
        """Frame ``i`` as a JSON-ready dict (NaN becomes None)."""
        out: dict[str, float | None] = {}
        for f in fields(self):
            value = float(getattr(self, f.name)[i])
            out[f.name] = None if np.isnan(value) else round(value, 4)
        return out

    def take(self, index: np.ndarray | slice) -> Features:
        """The features of a subset of frames."""
        return Features(**{f.name: getattr(self, f.name)[index] for f in fields(self)})


def _points(image: np.ndarray, size: np.ndarray, idx: int) -> np.ndarray:
    """(N, 2) pixel coordinates of one landmark, NaN where it is not visible enough."""
    xy = image[:, idx, :2] * size
    seen = image[:, idx, 3] >= MIN_VISIBILITY
    return np.where(seen[:, None], xy, np.nan)


def _tilt_degrees(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Angle of the right→left line from horizontal, positive when ``left`` is lower.

    Uses the absolute horizontal distance, so a mirrored camera gives the same sign.
    """
    d = left - right
    degrees: np.ndarray = np.degrees(np.arctan2(d[:, 1], np.abs(d[:, 0])))
    return degrees


def compute_features(image: np.ndarray, world: np.ndarray, size: np.ndarray) -> Features:
    """Features for N frames at once; see :class:`Features` for units."""
    size = np.asarray(size, dtype=np.float64)
    diag = np.hypot(size[:, 0], size[:, 1])
    l_sh, r_sh = _points(image, size, L.LEFT_SHOULDER), _points(image, size, L.RIGHT_SHOULDER)
    l_ear, r_ear = _points(image, size, L.LEFT_EAR), _points(image, size, L.RIGHT_EAR)
    nose = _points(image, size, L.NOSE)

    sh_mid, ear_mid = (l_sh + r_sh) / 2, (l_ear + r_ear) / 2
    sh_width = np.linalg.norm(l_sh - r_sh, axis=1)
    ear_width = np.linalg.norm(l_ear - r_ear, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        sh_width = np.where(sh_width > 0, sh_width, np.nan)
        ear_width = np.where(ear_width > 0, ear_width, np.nan)
        head_height = (sh_mid[:, 1] - ear_mid[:, 1]) / sh_width
        nose_height = (sh_mid[:, 1] - nose[:, 1]) / sh_width
        head_pitch = (nose[:, 1] - ear_mid[:, 1]) / ear_width
        yaw_ratio = np.abs(nose[:, 0] - ear_mid[:, 0]) / ear_width
        ear_to_shoulder = ear_width / sh_width
        center = sh_mid / np.where(size > 0, size, np.nan)

    frontal = (
        (ear_to_shoulder <= MAX_EAR_TO_SHOULDER)
        & (yaw_ratio <= MAX_YAW_RATIO)
        & np.isfinite(head_height)
    )
    return Features(
        head_height=head_height,
        nose_height=nose_height,
        neck_angle=_neck_angle(world),
        head_pitch=head_pitch,
        shoulder_span=sh_width / diag,
        ear_span=ear_width / diag,
        shoulder_tilt=_tilt_degrees(l_sh, r_sh),
        head_roll=_tilt_degrees(l_ear, r_ear),
        yaw_ratio=yaw_ratio,
        center_x=center[:, 0],
        center_y=center[:, 1],
        frontal=frontal.astype(np.float64),
    )


def _neck_angle(world: np.ndarray) -> np.ndarray:
    """Degrees between straight up and the shoulder-mid → ear-mid vector in world space.

    World landmarks carry metric depth, so a head pushed forward towards the screen shows
    as an angle even though, seen from the front, it mostly looks like a shorter neck.
    """
    seen = world[:, :, 3] >= MIN_VISIBILITY
    need = [L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_EAR, L.RIGHT_EAR]
    ok = np.all(seen[:, need], axis=1)
    sh_mid = (world[:, L.LEFT_SHOULDER, :3] + world[:, L.RIGHT_SHOULDER, :3]) / 2
    ear_mid = (world[:, L.LEFT_EAR, :3] + world[:, L.RIGHT_EAR, :3]) / 2
    v = ear_mid - sh_mid
    angle = np.degrees(np.arctan2(np.hypot(v[:, 0], v[:, 2]), -v[:, 1]))
    return np.where(ok, angle, np.nan)
