"""Frames → landmarks → verdicts: the adapter loop that connects a source to the core.

:func:`frame_landmarks` is the one path from a frame to landmarks, shared by ``analyze``,
``calibrate``, ``record`` and the monitor, so a covered lens reads as nobody everywhere
and a recording replays exactly what the live path would have concluded. Pixels stay in
memory: nothing here writes a frame anywhere.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from posture_watch.core.analyzer import PostureAnalyzer, Verdict
from posture_watch.core.landmarks import Landmarks
from posture_watch.pose import PoseEstimator
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


def frame_landmarks(frame: Frame, estimator: PoseEstimator) -> Landmarks | None:
    """The landmarks of the person in ``frame``, or None when nobody is there.

    A frame with pixels that shows a covered lens is None without running the model;
    every other frame goes to ``estimator`` (the pose model, or a recording's landmarks).
    """
    if frame.image is not None and is_covered(frame.image):
        return None
    return estimator.estimate(frame)


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
