"""The real sample pictures: labelled sessions, the shipped pose model, and videos and
darkened copies made from them (into a test's temporary folder, never the repository)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest

from posture_watch.model import locate_model
from posture_watch.paths import REPO_MODELS_DIR


@dataclass(frozen=True)
class Sample:
    path: Path
    label: str  # upright | slouch
    session: str


@pytest.fixture(scope="session")
def model() -> Path:
    """The lite pose model the repository ships, checked against its pinned hash."""
    return locate_model("lite", REPO_MODELS_DIR / "pose_landmarker_lite.task")


@pytest.fixture(scope="session")
def samples(shared_samples: Path) -> dict[str, list[Sample]]:
    """Labelled pictures per session, in ``labels.csv`` order."""
    sessions: dict[str, list[Sample]] = {}
    with open(shared_samples / "labels.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            sample = Sample(shared_samples / row["path"], row["label"], row["session"])
            sessions.setdefault(sample.session, []).append(sample)
    return sessions


def time_ordered(session: list[Sample]) -> list[Sample]:
    """Upright pictures, then slouch pictures, each in capture order (the name's index)."""

    def index(s: Sample) -> int:
        return int(s.path.stem.rsplit("-", 1)[-1]) if "-" in s.path.stem else 0

    ups = sorted((s for s in session if s.label == "upright"), key=index)
    downs = sorted((s for s in session if s.label == "slouch"), key=index)
    return ups + downs


def write_session_video(pictures: list[np.ndarray], path: Path, *, fps: float, hold: float) -> None:
    """Encode BGR pictures with OpenCV as a 640x480 mp4v video, each held ``hold`` seconds.

    Each 224x224 sample is scaled 2x and centred on a grey canvas: padding, not stretching,
    so the geometry the pose model sees is the picture's own.
    """
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, (640, 480))
    assert writer.isOpened(), "this OpenCV build cannot encode mp4v"
    for picture in pictures:
        big = cv2.resize(picture, None, fx=2, fy=2, interpolation=cv2.INTER_LINEAR)
        canvas = np.full((480, 640, 3), 40, np.uint8)
        h, w = big.shape[:2]
        top, left = (480 - h) // 2, (640 - w) // 2
        canvas[top : top + h, left : left + w] = big
        for _ in range(round(hold * fps)):
            writer.write(canvas)
    writer.release()


def darkened(picture: Path, factor: float, out: Path) -> Path:
    """``picture`` with every grey level scaled by ``factor`` (0.1: a dim, nearly covered
    lens), written as PNG to ``out``."""
    image = cv2.imread(str(picture), cv2.IMREAD_COLOR)
    dark = np.clip(image.astype(np.float64) * factor, 0, 255).astype(np.uint8)
    assert cv2.imwrite(str(out), dark)
    return out
