"""Pose estimators: a frame in, the person's landmarks out (or None when nobody is seen).

:class:`PoseEstimator` is the interface the pipeline and the monitor program against. Two
implementations exist: :class:`MediaPipeEstimator` runs the MediaPipe Pose Landmarker on a
frame's pixels, and :class:`RecordedLandmarks` hands back the landmarks a recording already
holds, so a recorded session replays through exactly the same code without the model.
:func:`open_estimator` picks the right one for a source.

MediaPipe's VIDEO running mode is used for sequences, because it tracks the person between
frames (cheaper and steadier) but needs strictly increasing timestamps; IMAGE mode for
unrelated stills. MediaPipe's native logging is silenced while the graph starts, runs its
first frame and stops (:mod:`posture_watch.native_log`), so the CLI prints only its own
lines.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.abc
import importlib.machinery
import sys
import types
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Self

import numpy as np

from posture_watch.core.landmarks import Landmarks
from posture_watch.core.text import _
from posture_watch.errors import ModelError
from posture_watch.native_log import native_quiet
from posture_watch.sources.base import Frame, FrameSource

#: The frame-to-model preprocessing before issue 10: shrink to at most 1280 px, nothing else.
LEGACY_MAX_SIDE = 1280


def noise_sigma(image_bgr: np.ndarray) -> float:
    """Estimated standard deviation (grey levels) of per-pixel noise in a BGR frame.

    J. Immerkaer, "Fast Noise Variance Estimation" (1996), on the grey frame
    (:func:`immerkaer_sigma`). Clean webcam frames at 320 px measure about 0.2-1.0, a dim
    room's auto-gain noise 3-8 (``benchmarks/bench_conditions.py``).
    """
    import cv2

    return immerkaer_sigma(cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY).astype(np.float32))


def immerkaer_sigma(grey: np.ndarray) -> float:
    """Immerkaer's noise estimate of a float grey image: the mean absolute response to the
    3x3 mask ``[1 -2 1; -2 4 -2; 1 -2 1]``, which is near zero on smooth content and
    proportional to per-pixel noise (applied as two 1-D passes: the mask is the outer
    product of ``[1, -2, 1]`` with itself), scaled to a standard deviation; 0 for a
    picture smaller than the mask. Shared by :func:`noise_sigma` and the confidence gate's
    :func:`posture_watch.pipeline.frame_stats`."""
    if min(grey.shape[:2]) < 3:
        return 0.0
    rows = grey[:, :-2] - 2 * grey[:, 1:-1] + grey[:, 2:]
    response = rows[:-2] - 2 * rows[1:-1] + rows[2:]
    return float(np.sqrt(np.pi / 2) * np.abs(response).mean() / 6.0)


@dataclass(frozen=True)
class Preprocessing:
    """How a frame is prepared for the model; :data:`PREPROCESSING` is the product's.

    ``max_side``: frames whose long side is larger are shrunk with area averaging (never
    enlarged). The model works at 256x256 whatever it is given and resizes without
    averaging, so a large frame's sensor noise would reach it at full strength; area
    averaging first removes much of it. ``denoise_above``: after shrinking, a frame whose
    :func:`noise_sigma` exceeds this gets an edge-preserving bilateral filter (None: never),
    so clean frames reach the model untouched. ``clahe``: clip limit of contrast-limited
    histogram equalisation of the luminance (0: none; measured, not used).
    ``brighten_below``: a frame whose bright end (99th luminance percentile) is below this
    is dark (an underexposed camera without gain); its luminance range is stretched
    linearly to full scale (None: never). A dim room's auto-gained frame is not dark and is
    left alone: stretching it amplified its noise and cost accuracy. ``sharpen_below``: a
    frame whose Laplacian variance (after the steps above) is below this is soft (out of
    focus) and gets an unsharp mask (None: never); clean webcam frames measure 35 and up.
    ``benchmarks/bench_conditions.py`` measures each choice in every room condition.
    """

    max_side: int = LEGACY_MAX_SIDE
    denoise_above: float | None = None
    clahe: float = 0.0
    brighten_below: float | None = None
    sharpen_below: float | None = None

    def apply(self, image_bgr: np.ndarray) -> np.ndarray:
        """The RGB uint8 picture the model gets for a BGR (H, W, 3) uint8 frame."""
        import cv2

        height, width = image_bgr.shape[:2]
        scale = self.max_side / max(height, width)
        if scale < 1:
            size = (max(1, round(width * scale)), max(1, round(height * scale)))
            image_bgr = cv2.resize(image_bgr, size, interpolation=cv2.INTER_AREA)
        if self.denoise_above is not None and noise_sigma(image_bgr) > self.denoise_above:
            image_bgr = cv2.bilateralFilter(image_bgr, 7, 40, 5)
        if self.brighten_below is not None:
            image_bgr = _brighten_if_dark(image_bgr, self.brighten_below)
        if self.sharpen_below is not None:
            image_bgr = _sharpen_if_soft(image_bgr, self.sharpen_below)
        if self.clahe > 0:
            lab = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2LAB)
            clahe = cv2.createCLAHE(clipLimit=self.clahe, tileGridSize=(4, 4))
            lab[:, :, 0] = clahe.apply(np.ascontiguousarray(lab[:, :, 0]))
            return cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)
        return cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)


def _brighten_if_dark(image_bgr: np.ndarray, below: float) -> np.ndarray:
    """Stretch the 1st-99th luminance percentiles to 0-255 when the 99th is below ``below``."""
    import cv2

    grey = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY)
    cumulative = np.cumsum(cv2.calcHist([grey], [0], None, [256], [0, 256]).ravel())
    low, high = np.searchsorted(cumulative, [0.01 * grey.size, 0.99 * grey.size])
    if high >= below or high <= low:
        return image_bgr
    gain = 255.0 / float(high - low)
    return cv2.convertScaleAbs(image_bgr, alpha=gain, beta=-float(low) * gain)


def _sharpen_if_soft(image_bgr: np.ndarray, below: float) -> np.ndarray:
    """Unsharp mask (amount 1.2, radius 2 px) when the Laplacian variance is below ``below``."""
    import cv2

    grey = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY)
    if cv2.Laplacian(grey, cv2.CV_32F).var() >= below:
        return image_bgr
    blur = cv2.GaussianBlur(image_bgr, (0, 0), 2.0)
    return cv2.addWeighted(image_bgr, 2.2, blur, -1.2, 0)


#: The old path, kept for the before/after benchmark.
LEGACY_PREPROCESSING = Preprocessing()
#: What every frame gets on its way to the model (analyze, calibrate, record, monitor):
#: 320 px with area averaging, a bilateral filter only for visibly noisy frames, a
#: luminance stretch only for dark ones and an unsharp mask only for soft ones.
PREPROCESSING = Preprocessing(
    max_side=320, denoise_above=2.0, brighten_below=110.0, sharpen_below=20.0
)


#: Estimators not closed yet: closed (quietly) at exit, before the interpreter tears down
#: the modules MediaPipe's own ``__del__`` needs (else a TypeError traceback on stderr).
_open_estimators: weakref.WeakSet[MediaPipeEstimator] = weakref.WeakSet()


@atexit.register
def _close_left_open() -> None:
    for estimator in list(_open_estimators):
        estimator.close()


class PoseEstimator(Protocol):
    """Turns one frame into the landmarks of the person in it; closed when done."""

    def estimate(self, frame: Frame) -> Landmarks | None:
        """The most prominent person's landmarks, or None when nobody is seen."""
        ...

    def close(self) -> None:
        """Free what the estimator holds (the model); safe to call twice."""
        ...


#: MediaPipe's drawing helpers, which ``import mediapipe`` loads and posture-watch never uses.
DRAWING_HELPERS = frozenset(
    {
        "mediapipe.tasks.python.vision.drawing_utils",
        "mediapipe.tasks.python.vision.drawing_styles",
    }
)


class _NoDrawingHelpers(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Gives empty modules for :data:`DRAWING_HELPERS`.

    Why: ``import mediapipe`` imports its drawing helpers, which import
    ``matplotlib.pyplot``: 0.7 to 1 s of every start here (460 of MediaPipe's 550 ms of
    imports on a quiet machine), a font-list scan on a first run, and a writable
    matplotlib folder, which the sandboxed camera worker does not have. We draw nothing
    with them, so they are empty modules: the import goes on without matplotlib.
    """

    def find_spec(
        self, name: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        if name in DRAWING_HELPERS:
            return importlib.machinery.ModuleSpec(name, self)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None  # the default: an empty module

    def exec_module(self, module: types.ModuleType) -> None:
        module.__doc__ = "Not loaded by posture-watch: it draws nothing with MediaPipe."


def skip_drawing_helpers() -> None:
    """Load MediaPipe from now on without its drawing helpers (see
    :class:`_NoDrawingHelpers`); a no-op once done, or once MediaPipe is loaded."""
    if "mediapipe" in sys.modules:
        return
    if not any(isinstance(finder, _NoDrawingHelpers) for finder in sys.meta_path):
        sys.meta_path.insert(0, _NoDrawingHelpers())


class MediaPipeEstimator:
    """Wraps ``mediapipe.tasks.python.vision.PoseLandmarker``; use as a context manager.

    ``video=True`` (VIDEO mode) is for frames of one sequence in time order; the frames'
    ``t`` become the model's timestamps, nudged forward by a millisecond where they would
    not increase. A model file that cannot be loaded is a :class:`ModelError` here, before
    any frame is read.
    """

    def __init__(
        self, model_path: Path, *, video: bool, preprocessing: Preprocessing = PREPROCESSING
    ) -> None:
        with native_quiet():
            skip_drawing_helpers()
            import mediapipe as mp
            from mediapipe.tasks.python import BaseOptions, vision

            self._mp = mp
            mode = vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE
            options = vision.PoseLandmarkerOptions(
                base_options=BaseOptions(model_asset_path=str(model_path)),
                running_mode=mode,
                num_poses=1,
            )
            try:
                self._landmarker = vision.PoseLandmarker.create_from_options(options)
            except (RuntimeError, ValueError, OSError) as exc:
                raise ModelError(
                    _("{model_path}: cannot load pose model: {problem}").format(
                        model_path=model_path, problem=exc
                    )
                ) from exc
        self.video = video
        self.preprocessing = preprocessing
        self._last_ms = -1
        self._warm = False
        _open_estimators.add(self)

    def estimate(self, frame: Frame) -> Landmarks | None:
        """Landmarks of the person in ``frame.image`` at ``frame.t``, or None if nobody."""
        if frame.image is None:
            raise ValueError(f"frame {frame.index} has no pixels for the pose model")
        return self.estimate_image(frame.image, frame.t)

    def estimate_image(self, image_bgr: np.ndarray, t: float) -> Landmarks | None:
        """Landmarks of the most prominent person in a BGR (H, W, 3) uint8 picture taken
        at ``t`` seconds, or None if nobody; for callers that hold bare pixels."""
        height, width = image_bgr.shape[:2]  # the frame's own size, not the model input's
        rgb = self.preprocessing.apply(image_bgr)
        mp_image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=rgb)
        ctx = native_quiet() if not self._warm else contextlib.nullcontext()
        with ctx:
            if self.video:
                ms = max(round(t * 1000), self._last_ms + 1)
                self._last_ms = ms
                result = self._landmarker.detect_for_video(mp_image, ms)
            else:
                result = self._landmarker.detect(mp_image)
        self._warm = True
        if not result.pose_landmarks:
            return None
        image = [[p.x, p.y, p.z, p.visibility, p.presence] for p in result.pose_landmarks[0]]
        world = [[p.x, p.y, p.z, p.visibility, p.presence] for p in result.pose_world_landmarks[0]]
        arr_i = np.nan_to_num(np.asarray(image, dtype=np.float64), nan=0.0)
        arr_w = np.nan_to_num(np.asarray(world, dtype=np.float64), nan=0.0)
        return Landmarks(image=arr_i, world=arr_w, width=int(width), height=int(height))

    def close(self) -> None:
        """Stop the MediaPipe graph (its native shutdown log is silenced); safe twice."""
        landmarker, self._landmarker = self._landmarker, None
        _open_estimators.discard(self)
        if landmarker is not None:
            with native_quiet():
                landmarker.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class RecordedLandmarks:
    """The estimator for sources without pixels: a recorded frame already holds its
    landmarks (None for a recorded frame with nobody in it), so no model is needed."""

    def estimate(self, frame: Frame) -> Landmarks | None:
        """The frame's recorded landmarks."""
        return frame.landmarks

    def close(self) -> None:
        """Nothing is held."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_estimator(source: FrameSource, model_path: Path | None) -> PoseEstimator:
    """The estimator for ``source``: the recorded landmarks when it has no pixels, else the
    pose model, in VIDEO mode for a sequence and IMAGE mode for a single picture.

    ``model_path`` may be None only for a source without pixels (then no model is loaded,
    which is what lets a recording replay on a machine without the model file).
    """
    if not source.has_pixels:
        return RecordedLandmarks()
    if model_path is None:
        raise ValueError(f"{source.label}: a pose model is needed for a source with pixels")
    return MediaPipeEstimator(model_path, video=source.is_sequence)
