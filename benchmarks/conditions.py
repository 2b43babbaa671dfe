"""Room and camera conditions made from the shared sample pictures, and how they are scored.

Issue 10: the detector is judged in real rooms, so each labelled frontal picture in
``../shared/samples/labels.csv`` is turned into what a webcam would deliver under one
condition (a dim room with auto-gain noise, underexposure, heavy JPEG, a low-resolution
camera, the person farther away, off-centre, a tilted camera, defocus, a mirrored image).
Both ``benchmarks/bench_conditions.py`` (the figures) and ``tests/pipeline/test_conditions.py``
(the floors) use this one module, so the test guards exactly what the benchmark measured.

Everything here is a pure function of the picture and a seed: noise comes from a generator
seeded per condition and picture, so every run sees the same pixels. Frames are made in
memory and never written anywhere.

The base of every condition is a 640x480 webcam frame (the monitor's default size): the
224x224 samples are enlarged to 480x480 and the 80 px on either side are filled with a
blurred continuation of the picture's own border, a plain out-of-focus room. The larger
real webcam crops are used at their own size.
"""

from __future__ import annotations

import csv
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from posture_watch.core.analyzer import score_frames
from posture_watch.core.calibration import calibrate
from posture_watch.core.landmarks import Landmarks
from posture_watch.core.scoring import Baseline
from posture_watch.errors import CalibrationError

WIDTH, HEIGHT = 640, 480
#: Upright pictures of each session (first ones in capture order) the user calibrates on.
CALIBRATION_FRAMES = 3


@dataclass(frozen=True)
class Picture:
    """One labelled sample picture as a webcam frame (BGR uint8)."""

    name: str
    label: str  # upright | slouch
    session: str
    frame: np.ndarray
    index: int  # position in labels.csv: part of the noise seed


def _capture_index(path: str) -> int:
    stem = Path(path).stem
    tail = stem.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _blurred_border(picture: np.ndarray, top: int, bottom: int, left: int, right: int):
    """``picture`` with borders continuing its own edge pixels, out of focus, then the sharp
    picture pasted back: more wall and chair around the person, nothing new in the scene."""
    border = cv2.copyMakeBorder(picture, top, bottom, left, right, cv2.BORDER_REPLICATE)
    soft = cv2.GaussianBlur(border, (0, 0), 12)
    h, w = picture.shape[:2]
    soft[top : top + h, left : left + w] = picture
    return soft


def webcam_frame(picture: np.ndarray) -> np.ndarray:
    """The clean 640x480-like webcam frame a sample stands for."""
    h, w = picture.shape[:2]
    if max(h, w) >= WIDTH:
        return picture.copy()
    scale = HEIGHT / h
    big = cv2.resize(picture, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    pad = max(0, WIDTH - big.shape[1])
    return _blurred_border(big, 0, 0, pad // 2, pad - pad // 2)


def load_pictures(shared_samples: Path) -> list[Picture]:
    """Every labelled frontal picture as a webcam frame, sessions in ``labels.csv`` order."""
    out = []
    with open(shared_samples / "labels.csv", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            image = cv2.imread(str(shared_samples / row["path"]), cv2.IMREAD_COLOR)
            if image is None:
                raise FileNotFoundError(shared_samples / row["path"])
            out.append(Picture(row["path"], row["label"], row["session"], webcam_frame(image), i))
    return out


def calibration_pictures(pictures: Sequence[Picture]) -> dict[str, list[Picture]]:
    """Per session, the first :data:`CALIBRATION_FRAMES` upright pictures in capture order
    (fewer where the session has fewer)."""
    out: dict[str, list[Picture]] = {}
    for p in sorted(pictures, key=lambda p: _capture_index(p.name)):
        if p.label == "upright":
            chosen = out.setdefault(p.session, [])
            if len(chosen) < CALIBRATION_FRAMES:
                chosen.append(p)
    return out


# --- conditions: (clean webcam frame, seed) -> what the camera delivers -----------------


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _to_uint8(image: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


def clean(frame: np.ndarray, seed: int) -> np.ndarray:
    """The webcam frame as it is."""
    return frame


def dim_room(frame: np.ndarray, seed: int) -> np.ndarray:
    """A dim room: the camera's auto-gain restores the brightness, which lifts the blacks,
    flattens the contrast to about half and amplifies the sensor noise (luminance noise of
    14 grey levels plus 7 per colour channel, per pixel: strong webcam gain noise)."""
    rng = _rng(seed)
    f = frame.astype(np.float32)
    f = 0.5 * f + 40.0
    h, w = f.shape[:2]
    luma = rng.normal(0.0, 14.0, (h, w, 1)).astype(np.float32)
    chroma = rng.normal(0.0, 7.0, (h, w, 3)).astype(np.float32)
    return _to_uint8(f + luma + chroma)


def underexposed(frame: np.ndarray, seed: int) -> np.ndarray:
    """A third of the light and no gain: dark, with a little read noise."""
    rng = _rng(seed)
    f = frame.astype(np.float32) * 0.33
    return _to_uint8(f + rng.normal(0.0, 2.0, f.shape).astype(np.float32))


def heavy_jpeg(frame: np.ndarray, seed: int) -> np.ndarray:
    """JPEG at quality 12 (a starved video call link or a cheap MJPEG camera)."""
    ok, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 12])
    assert ok
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


def low_resolution(frame: np.ndarray, seed: int) -> np.ndarray:
    """A camera with a third of the resolution (213x160 instead of 640x480)."""
    h, w = frame.shape[:2]
    return cv2.resize(frame, (round(w / 3), round(h / 3)), interpolation=cv2.INTER_AREA)


def farther_away(frame: np.ndarray, seed: int) -> np.ndarray:
    """The person 1.6x farther from the camera: the scene is 1.6x smaller, the body still
    continues to the bottom edge, and more of the (out-of-focus) room shows above and
    beside them."""
    h, w = frame.shape[:2]
    small = cv2.resize(frame, (round(w / 1.6), round(h / 1.6)), interpolation=cv2.INTER_AREA)
    sh, sw = small.shape[:2]
    left = (w - sw) // 2
    return _blurred_border(small, h - sh, 0, left, w - sw - left)


def off_centre(frame: np.ndarray, seed: int) -> np.ndarray:
    """The person an eighth of the width to one side and 5% lower (the camera on a second
    screen); the frame edge cuts into their shoulder on that side."""
    h, w = frame.shape[:2]
    dx, dy = w // 8, h // 20
    shifted = cv2.copyMakeBorder(frame, dy, 0, dx, 0, cv2.BORDER_REPLICATE)[:h, :w]
    soft = cv2.GaussianBlur(shifted, (0, 0), 12)
    soft[dy:, dx:] = shifted[dy:, dx:]
    return soft


def tilted(frame: np.ndarray, seed: int) -> np.ndarray:
    """The camera rolled by 7 degrees (a laptop on an uneven stack, a clip-on webcam)."""
    h, w = frame.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), 7.0, 1.0)
    return cv2.warpAffine(
        frame, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101
    )


def defocus(frame: np.ndarray, seed: int) -> np.ndarray:
    """Out of focus: a disc blur of radius 5 px at 640x480 (a fixed-focus lens too close)."""
    r = 5
    yy, xx = np.mgrid[-r : r + 1, -r : r + 1]
    disc = (xx**2 + yy**2 <= r * r).astype(np.float32)
    return cv2.filter2D(frame, -1, disc / disc.sum(), borderType=cv2.BORDER_REFLECT_101)


def mirrored(frame: np.ndarray, seed: int) -> np.ndarray:
    """Left and right swapped (many webcam drivers mirror the picture)."""
    return np.ascontiguousarray(frame[:, ::-1])


Condition = Callable[[np.ndarray, int], np.ndarray]

CONDITIONS: dict[str, Condition] = {
    "clean": clean,
    "dim room": dim_room,
    "underexposed": underexposed,
    "heavy JPEG (q12)": heavy_jpeg,
    "low resolution (1/3)": low_resolution,
    "farther away (1.6x)": farther_away,
    "off-centre": off_centre,
    "tilted 7°": tilted,
    "defocus": defocus,
    "mirrored": mirrored,
}


def seed_for(condition: str, picture: Picture) -> int:
    """A fixed seed per condition and picture (crc32: stable across runs and machines)."""
    return zlib.crc32(f"{condition}|{picture.index}".encode())


def variant(condition: str, picture: Picture) -> np.ndarray:
    """``picture`` as the camera delivers it under ``condition``."""
    return CONDITIONS[condition](picture.frame, seed_for(condition, picture))


# --- scoring ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """Balanced accuracies of one condition; None where a calibration was refused."""

    uncalibrated: float
    calibrated: float
    states_uncalibrated: tuple[str, ...]
    states_calibrated: tuple[str, ...]
    refused: tuple[str, ...]  # sessions whose calibration was refused


def balanced_accuracy(labels: Iterable[str], states: Iterable[str]) -> float:
    """Mean of the share of upright pictures called upright and the share of slouch
    pictures called slouch. ``unknown`` and ``away`` on a labelled picture count as wrong."""
    labels, states = list(labels), list(states)
    recalls = []
    for cls in ("upright", "slouch"):
        idx = [i for i, lab in enumerate(labels) if lab == cls]
        if idx:
            recalls.append(sum(states[i] == cls for i in idx) / len(idx))
    return float(np.mean(recalls))


def states_for(landmarks: Sequence[Landmarks | None], baseline: Baseline) -> list[str]:
    """Per-frame states of unrelated stills against ``baseline``."""
    _, _, _, states = score_frames(list(landmarks), baseline)
    return [str(s) for s in states]


def baseline_for(landmarks: Sequence[Landmarks | None]) -> Baseline:
    """The calibration ``posture-watch calibrate`` makes from these stills."""
    person, features, _, _ = score_frames(list(landmarks), Baseline.population())
    return calibrate(person, features, stills=True)


def evaluate(
    pictures: Sequence[Picture],
    landmarks: Sequence[Landmarks | None],
    calibration: dict[str, Sequence[Landmarks | None]],
) -> Outcome:
    """Score one condition: ``landmarks[i]`` belongs to ``pictures[i]``; ``calibration``
    holds, per session, the landmarks of its untouched calibration frames.

    A session whose calibration is refused is scored uncalibrated in the calibrated
    column, as the product would (and listed in ``refused``).
    """
    labels = [p.label for p in pictures]
    uncal = states_for(landmarks, Baseline.population())
    cal: list[str] = [""] * len(pictures)
    refused = []
    for session in dict.fromkeys(p.session for p in pictures):
        idx = [i for i, p in enumerate(pictures) if p.session == session]
        try:
            baseline = baseline_for(calibration[session])
        except CalibrationError:
            refused.append(session)
            baseline = Baseline.population()
        for i, state in zip(idx, states_for([landmarks[i] for i in idx], baseline), strict=True):
            cal[i] = state
    return Outcome(
        balanced_accuracy(labels, uncal),
        balanced_accuracy(labels, cal),
        tuple(uncal),
        tuple(cal),
        tuple(refused),
    )
