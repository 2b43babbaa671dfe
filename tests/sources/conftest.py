"""Sample files for the source tests: real pictures, copied or encoded into tmp_path."""

from pathlib import Path

import cv2
import numpy as np
import pytest


@pytest.fixture(scope="session")
def sample_jpgs(shared_samples: Path) -> list[Path]:
    """A few real webcam-style JPEGs (224x224)."""
    files = sorted(shared_samples.glob("slouchingornot/images/*/*/*.jpg"))
    if len(files) < 3:
        pytest.skip(f"fewer than 3 sample JPEGs under {shared_samples}")
    return files[:3]


@pytest.fixture(scope="session")
def sample_png(shared_samples: Path) -> Path:
    path = shared_samples / "hcpostureguard" / "webcam_crops" / "good_posture.png"
    if not path.is_file():
        pytest.skip(f"sample PNG missing: {path}")
    return path


@pytest.fixture(scope="session")
def sample_video(tmp_path_factory: pytest.TempPathFactory, sample_jpgs: list[Path]) -> Path:
    """A 20-frame, 10 fps, 640x480 mp4v video built from the sample pictures."""
    path = tmp_path_factory.mktemp("video") / "clip.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 10.0, (640, 480))
    assert writer.isOpened(), "this OpenCV build cannot encode mp4v"
    pictures = [cv2.resize(cv2.imread(str(p)), (640, 480)) for p in sample_jpgs]
    for i in range(20):
        writer.write(pictures[i % len(pictures)])
    writer.release()
    assert path.stat().st_size > 0
    return path


@pytest.fixture(scope="session")
def junk() -> bytes:
    """Bytes that are no image or video format (fixed seed, so not a lucky JPEG header)."""
    return np.random.default_rng(0).integers(0, 256, 2048, dtype=np.uint8).tobytes()
