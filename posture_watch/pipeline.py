"""Frames → landmarks → verdicts: the adapter loop that connects a source to the core.

:func:`frame_landmarks` is the one path from a frame to landmarks, shared by ``analyze``,
``calibrate``, ``record`` and the monitor, so a covered lens reads as nobody everywhere
and a recording replays exactly what the live path would have concluded. Pixels stay in
memory: nothing here writes a frame anywhere.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import numpy as np

from posture_watch.core.analyzer import PostureAnalyzer, Verdict
from posture_watch.core.landmarks import Landmarks
from posture_watch.core.sampling import THUMB_WIDTH
from posture_watch.pose import PoseEstimator, immerkaer_sigma
from posture_watch.sources.base import Frame, FrameSource

#: A frame this dark (mean of 0-255 grey levels) and this flat (their standard deviation)
#: is a covered lens or a closed laptop lid.
DARK_MEAN, DARK_STD = 20.0, 8.0


def is_covered(image: np.ndarray) -> bool:
    """True for a dark, featureless BGR (H, W, 3) frame: the lens is covered.

    A covered camera (or a closed lid) means nobody is at the screen to be judged, whatever
    the model might make of a near-black picture, so such a frame counts as nobody there and
    costs no model time. Every 8th pixel in each direction is plenty for a mean and a
    spread.
    """
    small = image[::8, ::8]
    return float(small.mean()) < DARK_MEAN and float(small.std()) < DARK_STD


#: Rec. 601 luma weights for B, G, R.
_LUMA_BGR = np.array([0.114, 0.587, 0.299], dtype=np.float32)
#: The statistics read a grid about this many pixels wide (every 4th pixel of a 640x480
#: frame, every 12th of 1920x1080): 0.12 ms whatever the camera's resolution.
STATS_GRID = 160


def frame_stats(image: np.ndarray) -> tuple[float, float]:
    """Mean luminance and noise level (both in 0-255 grey levels) of a BGR (H, W, 3) or
    grey (H, W) frame, for the confidence gate (:mod:`posture_watch.core.confidence`).

    The noise is Immerkaer's estimate: the mean absolute response to the 3x3 mask
    ``[1 -2 1; -2 4 -2; 1 -2 1]``, which cancels flat areas and linear gradients, so what
    is left is mostly sensor noise, scaled to a standard deviation. On every 4th pixel:
    pixel noise is independent from pixel to pixel, so the subsampled grid measures the
    same noise at a fraction of the cost.
    """
    step = max(1, max(image.shape[:2]) // STATS_GRID)
    small = image[::step, ::step]
    grey = small.astype(np.float32) @ _LUMA_BGR if small.ndim == 3 else small.astype(np.float32)
    return float(grey.mean()), immerkaer_sigma(grey)


def thumbnail(image: np.ndarray, width: int = THUMB_WIDTH) -> np.ndarray:
    """A small grey copy (uint8, ``width`` x ``width * H/W``) of a BGR (H, W, 3) or grey
    frame for the still gate (:class:`~posture_watch.core.sampling.StillGate`).

    The green channel stands in for luminance (it carries most of it), and every few
    pixels are taken before the area-averaging, so that each thumbnail pixel still
    averages about 8x8 samples: about 0.1 ms for 640x480 instead of 1.3 ms for the
    whole frame converted to grey and shrunk.
    """
    import cv2  # here, not at the top: the tray and console processes never load OpenCV

    step = max(1, image.shape[1] // (width * 8))
    plane = image[::step, ::step, 1] if image.ndim == 3 else image[::step, ::step]
    height = max(1, round(width * plane.shape[0] / plane.shape[1]))
    small = np.ascontiguousarray(plane)
    return cv2.resize(small, (width, height), interpolation=cv2.INTER_AREA)


def frame_landmarks(frame: Frame, estimator: PoseEstimator) -> Landmarks | None:
    """The landmarks of the person in ``frame``, or None when nobody is there.

    A frame with pixels that shows a covered lens is None without running the model;
    every other frame goes to ``estimator`` (the pose model, or a recording's landmarks),
    and its landmarks carry the frame's brightness and noise (:func:`frame_stats`) so the
    core can tell a frame too dark or too noisy to judge.
    """
    if frame.image is None:
        return estimator.estimate(frame)
    if is_covered(frame.image):
        return None
    landmarks = estimator.estimate(frame)
    if landmarks is None:
        return None
    luma, noise = frame_stats(frame.image)
    return dataclasses.replace(landmarks, luma=round(luma, 3), noise=round(noise, 3))


def landmark_stream(
    source: FrameSource, estimator: PoseEstimator
) -> Iterator[tuple[Frame, Landmarks | None]]:
    """Each frame of ``source`` with its landmarks (None when nobody is seen), in order."""
    for frame in source.frames():
        yield frame, frame_landmarks(frame, estimator)


def verdict_stream(
    source: FrameSource, analyzer: PostureAnalyzer, estimator: PoseEstimator
) -> Iterator[tuple[Frame, Verdict]]:
    """Each frame of ``source`` with the analyzer's verdict on it, in order."""
    for frame, landmarks in landmark_stream(source, estimator):
        yield frame, analyzer.step(frame.t, landmarks)
