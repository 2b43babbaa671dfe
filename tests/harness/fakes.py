"""The test doubles shared by several test files: only for what cannot exist here.

There is no webcam and no machine to put to sleep, so :class:`FlakyCamera` stands in for
a webcam (real pictures, and it can be unplugged) and :class:`SuspendingSource` wraps any
source and jumps the injected clock's wall time mid-replay, as a suspend does. The
:class:`Worker` is the controller's side of the monitor worker (the commands it was sent);
:class:`Icon`, :class:`Actions` and :class:`UnansweredWindow` stand in for the tray's
icon, its slow actions and a child window, recording what the controller asked of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path

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


class Icon:
    """Stands in for the tray icon: records each tooltip it is given, the menus set, the
    re-docks asked for and the stop. Subclasses record more from ``update``."""

    def __init__(self) -> None:
        self.tooltips: list[str] = []
        self.menus = self.docked = 0
        self.stopped = False

    def update(self, image: object | None, tooltip: str) -> None:
        self.tooltips.append(tooltip)

    def set_menu(self, entries: Sequence[object]) -> None:
        assert entries
        self.menus += 1

    def keep_docked(self) -> None:
        self.docked += 1

    def stop(self) -> None:
        self.stopped = True


class Actions:
    """The tray's slow actions when none but the report is expected: the days whose report
    was written are recorded (no file is), anything else fails the test."""

    def __init__(self) -> None:
        self.reports: list[date] = []

    def calibrate(self, post: Callable[[object], None]) -> None:
        raise AssertionError("not asked for")

    def open_settings(self, notifier: object) -> None:
        raise AssertionError("not asked for")

    def open_report(self, notifier: object, today: date, summary: str) -> None:
        raise AssertionError("not asked for")

    def write_report(self, today: date) -> Path | None:
        self.reports.append(today)
        return None

    def close(self) -> None:
        pass


class UnansweredWindow:
    """A child window (stretch, journal) that stays open: nobody answers it."""

    def poll(self) -> None:
        return None

    def close(self) -> None:
        return None
