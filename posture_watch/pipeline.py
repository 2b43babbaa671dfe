"""Frames → landmarks → verdicts: the adapter loop that connects a source to the core.

A recording already holds landmarks, so the pose model is only started for sources with
pixels. Pixels stay in memory: nothing here writes a frame anywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from posture_watch.core.analyzer import PostureAnalyzer, Verdict
from posture_watch.core.landmarks import Landmarks
from posture_watch.pose import PoseEstimator
from posture_watch.sources.base import Frame, FrameSource


def landmark_stream(
    source: FrameSource, model_path: Path | None
) -> Iterator[tuple[Frame, Landmarks | None]]:
    """Each frame with the landmarks of the person in it (None when nobody is seen)."""
    if not source.has_pixels:
        for frame in source:
            yield frame, frame.landmarks
        return
    if model_path is None:
        raise ValueError("a pose model is needed for a source with pixels")
    with PoseEstimator(model_path, video=source.is_sequence) as estimator:
        for frame in source:
            assert frame.image is not None
            yield frame, estimator.estimate(frame.image, frame.t)


def verdict_stream(
    source: FrameSource, analyzer: PostureAnalyzer, model_path: Path | None
) -> Iterator[tuple[Frame, Verdict]]:
    """Each frame with the analyzer's verdict, in order."""
    for frame, landmarks in landmark_stream(source, model_path):
        yield frame, analyzer.step(frame.t, landmarks)
