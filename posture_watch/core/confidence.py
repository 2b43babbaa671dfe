"""The confidence gate: when the landmarks cannot be trusted, say so instead of guessing.

A pose model always returns *some* skeleton for a person it has found, and its geometry
reads as a posture. In a frame that is too dark or too noisy, with the person far away,
half hidden or turned aside, that geometry is noise, and judging it gives false slouch
alerts, which are what users hold against a posture tool. Such a frame is ``unknown``,
with a reason the user can act on ("Can't see you well: too dark").

Pure logic, like the rest of the core: it reads landmarks, features and the frame
statistics the adapter measured where the pixels are (``Landmarks.luma``/``noise``, None
for a recording), never pixels, the clock or OpenCV. The thresholds come from the real
sample pictures and made-worse variants of them (see ``tests/pipeline/
test_confidence_pictures.py``); each sits between the worst condition the model still
reads correctly and the first where it starts to call upright people slouched.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

import numpy as np

from posture_watch.core.geometry import MIN_VISIBILITY, Features
from posture_watch.core.landmarks import Landmark as L
from posture_watch.core.landmarks import Landmarks
from posture_watch.core.text import N_


class UnknownReason(StrEnum):
    """Why a frame with a person in it was not judged; the value is the user-facing text
    in English (marked ``N_``: where it is shown, ``_(reason)`` gives the person's language)."""

    TOO_DARK = N_("too dark")
    TOO_NOISY = N_("too noisy")
    TOO_FAR = N_("too far from the camera")
    SHOULDERS_HIDDEN = N_("shoulders hidden")
    FACE_HIDDEN = N_("face hidden")
    TURNED_AWAY = N_("turned away")
    MOVING = N_("moving too much")


#: Mean luminance (0-255) below which a frame is too dark. Measured: upright samples at
#: a third of the light (mean 20-56) are read as well as clean ones; at a fifth (mean
#: 12-13) a third of them read as slouched.
MIN_LUMA = 16.0
#: Noise (standard deviation of the grey levels, Immerkaer's estimate) above which a
#: frame is too noisy. A dim room with strong auto-gain noise measures 14-15 and is read
#: correctly; at 24 the model no longer finds the person reliably.
MAX_NOISE = 20.0
#: Shoulder width as a fraction of the frame diagonal below which the person is too far
#: away. At a normal desk it is 0.25-0.4; 1.6x farther 0.17-0.24, still read correctly;
#: below 0.08 (about 5x farther) a quarter of upright samples read as slouched.
MIN_SHOULDER_SPAN = 0.08
#: Presence (the model's belief that the landmark is in the frame at all) below this
#: means the landmark is guessed. Clean frontal samples never go below 0.58.
MIN_PRESENCE = 0.5
#: Between two frames at most :data:`JITTER_WINDOW` seconds apart, the shoulder midpoint
#: moving more than this many shoulder widths, or the shoulder width changing by more than
#: :data:`MAX_SCALE_JUMP` (as a log ratio), is a person moving (standing up, reaching) or
#: a landmark that jumped: neither is a posture.
MAX_SHIFT = 0.6
MAX_SCALE_JUMP = 0.35
JITTER_WINDOW = 2.0

_SHOULDERS = [L.LEFT_SHOULDER, L.RIGHT_SHOULDER]
_EARS = [L.LEFT_EAR, L.RIGHT_EAR]


def _seen(image: np.ndarray, idx: Sequence[int]) -> np.ndarray:
    """(N,) True where every landmark in ``idx`` is visible and present (NaN counts unseen)."""
    vis = image[:, idx, 3]
    pres = image[:, idx, 4]
    with np.errstate(invalid="ignore"):
        ok = (
            (vis >= MIN_VISIBILITY)
            & (pres >= MIN_PRESENCE)
            & np.isfinite(image[:, idx, :2]).all(-1)
        )
    seen: np.ndarray = ok.all(axis=1)
    return seen


def gate(
    person: np.ndarray,
    image: np.ndarray,
    features: Features,
    luma: np.ndarray | None = None,
    noise: np.ndarray | None = None,
    moving: np.ndarray | None = None,
) -> np.ndarray:
    """(N,) object array: the :class:`UnknownReason` of each frame, or None to judge it.

    ``person`` (N,) marks frames with a person (the others get None: nobody is not an
    unknown posture); ``image`` is the (N, 33, 5) stack of image landmarks. ``luma``/``noise`` are
    per-frame statistics (NaN where the frame had no pixels), ``moving`` marks frames whose
    landmarks jumped since the previous one (:func:`moved_too_much`). The first reason that
    applies wins, in the order of the enum: the one the user can most easily act on.
    """
    n = len(features)
    luma = np.full(n, np.nan) if luma is None else np.asarray(luma, dtype=np.float64)
    noise = np.full(n, np.nan) if noise is None else np.asarray(noise, dtype=np.float64)
    moving = np.zeros(n, bool) if moving is None else np.asarray(moving, dtype=bool)
    with np.errstate(invalid="ignore"):
        checks = [
            (UnknownReason.TOO_DARK, luma < MIN_LUMA),
            (UnknownReason.TOO_NOISY, noise > MAX_NOISE),
            (UnknownReason.SHOULDERS_HIDDEN, ~_seen(image, _SHOULDERS)),
            (UnknownReason.FACE_HIDDEN, ~(_seen(image, _EARS) & _seen(image, [L.NOSE]))),
            (UnknownReason.TURNED_AWAY, ~(features.frontal > 0)),
            (UnknownReason.TOO_FAR, features.shoulder_span < MIN_SHOULDER_SPAN),
            (UnknownReason.MOVING, moving),
        ]
    reasons = np.empty(n, dtype=object)
    reasons.fill(None)
    undecided = np.asarray(person, dtype=bool).copy()
    for reason, hit in checks:
        now = undecided & hit
        reasons[now] = reason
        undecided &= ~now
    return reasons


def frame_stats(frames: list[Landmarks | None]) -> tuple[np.ndarray, np.ndarray]:
    """(N,) luminance and noise of each frame, NaN where unknown (no pixels, no person)."""

    def value(lm: Landmarks | None, name: str) -> float:
        v = None if lm is None else getattr(lm, name)
        return np.nan if v is None else float(v)

    luma = np.array([value(lm, "luma") for lm in frames], dtype=np.float64)
    noise = np.array([value(lm, "noise") for lm in frames], dtype=np.float64)
    return luma, noise


def frame_reason(
    landmarks: Landmarks | None, features: Features, moving: bool = False
) -> UnknownReason | None:
    """The reason for one frame (``features`` has its one row), or None to judge it."""
    if landmarks is None:
        return None
    luma, noise = frame_stats([landmarks])
    reasons = gate(
        np.array([True]), landmarks.image[None], features, luma, noise, np.array([moving])
    )
    reason: UnknownReason | None = reasons[0]  # an object array of reasons and None
    return reason


def _shoulders(lm: Landmarks) -> tuple[np.ndarray, float] | None:
    """Shoulder midpoint (pixels) and width, or None when the shoulders are not seen."""
    if not _seen(lm.image[None], _SHOULDERS)[0]:
        return None
    size = np.array([lm.width, lm.height], dtype=np.float64)
    left = lm.image[L.LEFT_SHOULDER, :2] * size
    right = lm.image[L.RIGHT_SHOULDER, :2] * size
    width = float(np.linalg.norm(left - right))
    return (left + right) / 2, width


def moved_too_much(previous: Landmarks | None, current: Landmarks | None, dt: float) -> bool:
    """True when the shoulders jumped between two frames ``dt`` seconds apart.

    Frames more than :data:`JITTER_WINDOW` apart (or without shoulders) are not compared:
    a person may well have moved in that time, and each frame is judged on its own.
    """
    if previous is None or current is None or not 0 < dt <= JITTER_WINDOW:
        return False
    if (previous.width, previous.height) != (current.width, current.height):
        return False
    a, b = _shoulders(previous), _shoulders(current)
    if a is None or b is None or a[1] <= 0 or b[1] <= 0:
        return False
    shift = float(np.linalg.norm(b[0] - a[0])) / max(a[1], b[1])
    return shift > MAX_SHIFT or abs(np.log(b[1] / a[1])) > MAX_SCALE_JUMP
