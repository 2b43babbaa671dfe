"""The webcam, read with ``cv2.VideoCapture`` at a modest resolution.

Pose landmarks need no more than 640x480, and a small frame keeps both the USB bandwidth
and the pose model's time per frame low, so that is what we ask the camera for. On Linux
the V4L2 backend is tried first: it opens in milliseconds and fails fast when there is no
camera, where the generic backend may try GStreamer and stall.

A camera that fails because another program (a video call) has it is a
:class:`~posture_watch.errors.CameraBusyError` naming that program, not the generic
:class:`~posture_watch.errors.CameraError`: the monitor waits for a busy camera but stops
for a missing one. OpenCV does not tell us why an open or grab failed (its V4L2 messages,
"Device or resource busy" among them, go to its log, not to the exception), so after a
failure we look at who else has the device node open (:mod:`.camera_users`).

Frames are never written anywhere; they live only as long as the caller holds them.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import cv2

from posture_watch.clock import Clock, SystemClock
from posture_watch.core.text import _
from posture_watch.errors import CameraBusyError, CameraError
from posture_watch.sources._common import SourceMixin, quiet_opencv
from posture_watch.sources.base import BadFrameHandler, Frame, SamplePredicate
from posture_watch.sources.camera_users import device_for_index, other_users

_EBUSY_TEXT = os.strerror(errno.EBUSY).lower()  # "device or resource busy"


def _backends() -> list[int]:
    if sys.platform.startswith("linux"):
        return [cv2.CAP_V4L2, cv2.CAP_ANY]
    return [cv2.CAP_ANY]


def _device(index: int) -> Path | None:
    """The node OpenCV opens for ``index`` on Linux; None elsewhere (no ``/proc`` to ask)."""
    return device_for_index(index) if sys.platform.startswith("linux") and index >= 0 else None


def _says_busy(exc: BaseException | None) -> bool:
    """Whether an OpenCV or OS error itself says EBUSY (rare: OpenCV mostly only logs it)."""
    if isinstance(exc, OSError):
        return exc.errno == errno.EBUSY
    return exc is not None and _EBUSY_TEXT in str(exc).lower()


def _busy_error(
    index: int, device: Path | None, *, said_busy: bool = False
) -> CameraBusyError | None:
    """The error for camera ``index`` after an open or grab failed, if it failed because
    the camera is busy: another process of ours has ``device`` open (named in the
    message), or the failure itself said EBUSY (``said_busy``; then we cannot say who).
    None means "not busy": the caller reports its usual error."""
    users = other_users(device) if device is not None else []
    if users:
        by = ", ".join(str(user) for user in users)
        return CameraBusyError(
            _("camera {index} is in use by {by}").format(index=index, by=by), by=by
        )
    if said_busy:
        return CameraBusyError(_("camera {index} is in use by another program").format(index=index))
    return None


class CameraSource(SourceMixin):
    """Live frames from camera ``index``, with ``t`` in seconds since the first frame.

    The camera is opened and one test frame read on construction, so a missing or busy
    camera is reported at once (busy: :class:`CameraBusyError`). ``device`` is the node
    behind the index on Linux (``/dev/video0``), None elsewhere. ``t`` comes from the
    injected clock's monotonic time because a live frame has no timestamp of its own; the
    monitor adds the time a suspend took (``live`` tells it to reopen the camera after one).
    :meth:`frames` runs until :meth:`close` is called (or the loop is left).
    """

    is_sequence = True
    has_pixels = True
    live = True

    def __init__(
        self, index: int, width: int = 640, height: int = 480, *, clock: Clock | None = None
    ) -> None:
        self._clock = clock or SystemClock()
        self.index = int(index)
        self.label = f"camera {self.index}"
        self.device: Path | None = _device(self.index)
        self.width, self.height = width, height
        self._cap: cv2.VideoCapture | None = self._open()

    def _open(self) -> cv2.VideoCapture:
        cause: cv2.error | None = None
        for backend in _backends():
            cap = None
            try:
                with quiet_opencv():
                    cap = cv2.VideoCapture(self.index, backend)
                    if cap.isOpened():
                        cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
                        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
                        if cap.read()[0]:
                            return cap
            except cv2.error as exc:
                cause = exc
            if cap is not None:
                cap.release()
        busy = _busy_error(self.index, self.device, said_busy=_says_busy(cause))
        if busy is not None:
            raise busy from cause
        raise CameraError(
            _("{label}: cannot open (not connected or in use by another program)").format(
                label=self.label
            )
        ) from cause

    def frames(
        self, sample: SamplePredicate | None = None, on_bad_frame: BadFrameHandler | None = None
    ) -> Iterator[Frame]:
        """Live frames until closed; frames ``sample`` rejects are grabbed (keeping the
        driver's queue fresh) but never decoded. A live frame cannot be damaged on its own,
        so ``on_bad_frame`` is never called: a failing camera raises ``CameraError``."""
        start: float | None = None
        index = 0
        while (cap := self._cap) is not None:
            try:
                ok = cap.grab()
                now = self._clock.monotonic()
                start = now if start is None else start
                wanted = sample is None or sample(now - start)
                image = None
                if ok and wanted:
                    ok, image = cap.retrieve()
            except cv2.error as exc:
                self._raise_if_busy(exc)
                raise CameraError(
                    _("{label}: stopped delivering frames ({problem})").format(
                        label=self.label, problem=exc.err
                    )
                ) from exc
            if self._cap is None:
                return  # closed while we were waiting for the frame
            if not ok or (wanted and image is None):
                self._raise_if_busy(None)
                raise CameraError(
                    _("{label}: stopped delivering frames (unplugged?)").format(label=self.label)
                )
            if wanted:
                yield Frame(index=index, t=now - start, image=image)
            index += 1

    def _raise_if_busy(self, cause: cv2.error | None) -> None:
        """A grab failed mid-stream: if someone else has the camera now, say who."""
        busy = _busy_error(self.index, self.device, said_busy=_says_busy(cause))
        if busy is not None:
            raise busy from cause

    def close(self) -> None:
        """Release the camera so other programs can use it; safe to call twice."""
        cap, self._cap = self._cap, None
        if cap is not None:
            cap.release()
