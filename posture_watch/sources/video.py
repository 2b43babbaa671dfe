"""A video file read with ``cv2.VideoCapture``, optionally sub-sampled to a target rate.

Posture changes over seconds, so analysing every frame of a 30 fps video wastes most of
the pose model's time. With ``target_fps`` the source keeps only the frames nearest to
that rate and skips the rest with ``grab()``; only kept frames pay for ``retrieve()``.

FFmpeg's ``grab()`` decodes a frame (a P-frame codec needs every frame decoded to decode
the next), which costs the monitor more than its pose model once the model runs
rarely. A Motion-JPEG video (what webcams send, and what a webcam recording usually is)
has no such chain: each frame is a JPEG of its own, so it is read in OpenCV's raw mode
(``CAP_PROP_FORMAT = -1``: ``grab()`` only demuxes, 0.006 ms instead of 0.6 ms) and a
kept frame is decoded by itself with ``cv2.imdecode``, as a webcam's frame is.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator

import cv2
import numpy as np

from posture_watch.core.text import _
from posture_watch.errors import SourceError
from posture_watch.native_log import quiet_ffmpeg
from posture_watch.sources._common import (
    SourceMixin,
    checked_fps,
    existing_file,
    label_of,
    quiet_opencv,
)
from posture_watch.sources.base import BadFrameHandler, Frame, SamplePredicate

#: Codecs whose every frame decodes by itself (read raw; kept frames decoded alone).
INTRA_CODECS = frozenset({"MJPG"})
#: Used when the container states no usable frame rate and no position timestamps.
FALLBACK_FPS = 30.0
_MAX_PLAUSIBLE_FPS = 1000.0


def fourcc_of(cap: cv2.VideoCapture) -> str:
    """The stream's codec as its four characters (``MJPG``, ``FMP4``), "" if unknown."""
    code = int(cap.get(cv2.CAP_PROP_FOURCC))
    return code.to_bytes(4, "little").decode("ascii", "replace") if code > 0 else ""


class VideoSource(SourceMixin):
    """Frames of a video file with ``t`` in seconds from the start of the video.

    ``t`` is ``frame_number / fps`` from the container's frame rate; if the container
    states none, the decoder's position timestamp is used, else 30 fps is assumed.
    ``Frame.index`` is the frame's number in the video, so with ``target_fps`` the
    indices have gaps (0, 5, 10, ...) but still locate the frame in the file.

    The file is opened and its first frame decoded on construction, so an empty, corrupt
    or unsupported file fails before any processing.
    """

    is_sequence = True
    has_pixels = True

    def __init__(self, path: str | os.PathLike[str], *, target_fps: float | None = None) -> None:
        self.label = label_of(path)
        self.path = existing_file(path)
        self.target_fps = None if target_fps is None else checked_fps(self.label, target_fps)
        #: Read raw (an intra-only codec): grab() demuxes, a kept frame is decoded alone.
        self.raw = False
        cap, first = self._open()
        self._cap: cv2.VideoCapture | None = cap
        self._first: np.ndarray | None = first
        fps = cap.get(cv2.CAP_PROP_FPS)
        #: The container's frame rate, or None when it states none.
        self.fps: float | None = fps if 0 < fps <= _MAX_PLAUSIBLE_FPS else None
        count = cap.get(cv2.CAP_PROP_FRAME_COUNT)
        #: Frame count claimed by the container (an estimate; None if unknown).
        self.frame_count: int | None = int(count) if math.isfinite(count) and count > 0 else None

    def _unreadable(self) -> SourceError:
        return SourceError(
            _("{label}: cannot read video (empty, corrupt or unsupported format)").format(
                label=self.label
            )
        )

    def _open(self) -> tuple[cv2.VideoCapture, np.ndarray]:
        """Open the capture and decode the first frame (kept for the first yield)."""
        try:
            empty = self.path.stat().st_size == 0
        except OSError as exc:
            raise SourceError(
                _("{label}: cannot read ({reason})").format(
                    label=self.label, reason=exc.strerror or exc
                )
            ) from exc
        if empty:
            raise self._unreadable()
        cap, ok, first, cause = None, False, None, None
        quiet_ffmpeg()  # FFmpeg's own "moov atom not found" would precede our one line
        try:
            with quiet_opencv():
                # one decoding thread: frames the monitor skips are still decoded by
                # grab(), and threads cost more CPU than they save on 640x480
                cap = cv2.VideoCapture(str(self.path), cv2.CAP_ANY, [cv2.CAP_PROP_N_THREADS, 1])
                self.raw = cap.isOpened() and fourcc_of(cap) in INTRA_CODECS
                if self.raw and not cap.set(cv2.CAP_PROP_FORMAT, -1):
                    self.raw = False
                if cap.isOpened() and cap.grab():
                    ok, first = cap.retrieve()
                    if ok and self.raw:
                        first = cv2.imdecode(first, cv2.IMREAD_COLOR)
                        ok = first is not None
        except cv2.error as exc:
            cause = exc
        if cap is None or not ok or first is None:
            if cap is not None:
                cap.release()
            raise self._unreadable() from cause
        return cap, first

    def _timestamp(self, cap: cv2.VideoCapture, number: int, previous: float) -> float:
        if self.fps is not None:
            return number / self.fps
        msec = cap.get(cv2.CAP_PROP_POS_MSEC)
        if math.isfinite(msec) and (msec > 0 or number == 0):
            return max(msec / 1000.0, previous)
        return max(number / FALLBACK_FPS, previous)

    def frames(
        self, sample: SamplePredicate | None = None, on_bad_frame: BadFrameHandler | None = None
    ) -> Iterator[Frame]:
        """The frames ``sample`` accepts, else those of ``target_fps``, else all.

        Rejected frames are grabbed (FFmpeg decodes them) but never retrieved or converted.
        A frame that fails to retrieve ends the video with :class:`SourceError`: the
        decoder's state after such a failure is not trusted, so ``on_bad_frame`` is unused.
        """
        if self._cap is not None and self._first is not None:
            cap, first = self._cap, self._first
        else:  # a second pass starts again from the top (and ends any first pass)
            self.close()
            cap, first = self._open()
        self._cap, self._first = cap, None
        number, t = 0, self._timestamp(cap, 0, 0.0)
        image: np.ndarray | None = first
        tick = 0  # next tick k / target_fps still waiting for a frame
        while True:
            if self._keep(sample, t, tick):
                if image is None:
                    image = self._retrieve(cap, number)
                yield Frame(index=number, t=t, image=image, name=self.path.name)
                while self.target_fps is not None and self._tick_time(tick) <= t:
                    tick += 1
            if self._cap is not cap or not self._grab(cap):
                return  # closed while iterating, or end of video
            number, image = number + 1, None
            t = self._timestamp(cap, number, t)

    def _keep(self, sample: SamplePredicate | None, t: float, tick: int) -> bool:
        """Decode this frame? ``sample`` (the monitor's) wins over ``target_fps``."""
        if sample is not None:
            return sample(t)
        return self.target_fps is None or t >= self._tick_time(tick)

    def _tick_time(self, tick: int) -> float:
        """Earliest ``t`` that fills ``tick``: half a frame early keeps the nearest frame."""
        assert self.target_fps is not None
        return tick / self.target_fps - 0.5 / (self.fps or FALLBACK_FPS)

    def _grab(self, cap: cv2.VideoCapture) -> bool:
        try:
            return bool(cap.grab())
        except cv2.error as exc:
            raise SourceError(
                _("{label}: video stream broke off ({problem})").format(
                    label=self.label, problem=exc.err
                )
            ) from exc

    def _retrieve(self, cap: cv2.VideoCapture, number: int) -> np.ndarray:
        cause: cv2.error | None = None
        image: np.ndarray | None
        try:
            ok, image = cap.retrieve()
            if ok and self.raw:  # a JPEG of its own
                image = cv2.imdecode(image, cv2.IMREAD_COLOR)
        except cv2.error as exc:
            ok, image, cause = False, None, exc
        if not ok or image is None:
            raise SourceError(
                _("{label}: cannot decode frame {number} (corrupt video?)").format(
                    label=self.label, number=number
                )
            ) from cause
        return image

    def close(self) -> None:
        """Release the decoder; safe to call twice."""
        if self._cap is not None:
            self._cap.release()
        self._cap, self._first = None, None
