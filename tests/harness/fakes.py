"""The test doubles shared by several test files: only for what cannot exist here.

There is no webcam and no machine to put to sleep, so :class:`FlakyCamera` stands in for
a webcam (real pictures, and it can be unplugged) and :class:`SuspendingSource` wraps any
source and jumps the injected clock's wall time mid-replay, as a suspend does. The
:class:`Worker` is the controller's side of the monitor worker: the commands it was sent.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from posture_watch.clock import ManualClock
from posture_watch.core.worker_events import Stop
from posture_watch.errors import CameraError
from posture_watch.sources.base import Frame


class FlakyCamera:
    """Stands in for a webcam (none exists here): real pictures at 2 fps, and it can
    'unplug' after ``fail_after`` frames."""

    is_sequence, has_pixels, live = True, True, True

    def __init__(self, pictures: list[np.ndarray], fail_after: int | None = None) -> None:
        self.label = "camera 0"
        self.pictures, self.fail_after = pictures, fail_after
        self.closed = False

    def frames(self, sample=None, on_bad_frame=None) -> Iterator[Frame]:
        for i, image in enumerate(self.pictures):
            if self.fail_after is not None and i == self.fail_after:
                raise CameraError("camera 0: stopped delivering frames (unplugged?)")
            yield Frame(index=i, t=i * 0.5, image=image)

    def __iter__(self) -> Iterator[Frame]:
        return self.frames()

    def close(self) -> None:
        self.closed = True

    def __enter__(self) -> FlakyCamera:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SuspendingSource:
    """A replay of ``inner`` during which the machine sleeps ``hours`` after ``after``
    frames: the wall clock jumps, the monotonic clock does not (as ``CLOCK_MONOTONIC`` on a
    laptop). ``live`` makes it a camera, which the loop opens again after the wake."""

    is_sequence = True

    def __init__(
        self, inner, clock: ManualClock, after: int, hours: float, *, live: bool = False
    ) -> None:
        self.inner, self.clock, self.after, self.hours = inner, clock, after, hours
        self.label, self.has_pixels = inner.label, inner.has_pixels
        self.live = live

    def frames(self, sample=None, on_bad_frame=None) -> Iterator[Frame]:
        for i, frame in enumerate(self.inner.frames(sample)):
            if i == self.after:
                self.clock.suspend(self.hours * 3600)
            yield frame

    def close(self) -> None:
        self.inner.close()

    def __enter__(self) -> SuspendingSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Worker:
    """The controller's side of the monitor worker: the commands it was sent, in order."""

    def __init__(self) -> None:
        self.commands: list[object] = []

    def send(self, command: object) -> None:
        self.commands.append(command)

    def stop(self) -> None:
        self.send(Stop())
