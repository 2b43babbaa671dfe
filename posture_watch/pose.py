"""MediaPipe Pose Landmarker (Tasks API) as a small estimator: pixels in, Landmarks out.

VIDEO running mode is used for sequences, because it tracks the person between frames
(cheaper and steadier) but needs strictly increasing timestamps; IMAGE mode for unrelated
stills. MediaPipe's native logging is silenced while the graph starts, so the CLI prints
only its own lines.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from posture_watch.core.landmarks import Landmarks
from posture_watch.errors import ModelError

#: Larger frames are shrunk first: the model itself works at 256x256.
MAX_SIDE = 1280


@contextlib.contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null (TFLite and glog write there from C++)."""
    if os.environ.get("POSTURE_WATCH_DEBUG"):
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


class PoseEstimator:
    """Wraps ``mediapipe.tasks.python.vision.PoseLandmarker``; use as a context manager."""

    def __init__(self, model_path: Path, *, video: bool) -> None:
        with _native_stderr_silenced():
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
                raise ModelError(f"{model_path}: cannot load pose model: {exc}") from exc
        self.video = video
        self._last_ms = -1
        self._warm = False

    def estimate(self, image_bgr: np.ndarray, t: float) -> Landmarks | None:
        """Landmarks of the most prominent person in a BGR frame, or None if nobody."""
        import cv2

        height, width = image_bgr.shape[:2]
        scale = MAX_SIDE / max(height, width)
        if scale < 1:
            image_bgr = cv2.resize(
                image_bgr, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA
            )
        rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
        mp_image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=rgb)
        ctx = _native_stderr_silenced() if not self._warm else contextlib.nullcontext()
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
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
