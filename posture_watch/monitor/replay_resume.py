"""A replayed file carries on where it stopped when the monitor opens it again.

The monitor closes its source while paused, while the screen is locked and while the
calibration window has the camera, and opens it again afterwards. For a webcam that is
right: the frames of now are what count. A replay (the demo recording, a video, a folder
of pictures) opened again used to start from its first frame, so calibrating during the
5-minute demo played it from the start again and the demo ran 9 minutes. Wrapped in a
:class:`ReplayPosition`, a reopened replay skips the frames it already played and gives the
rest at once, with times counted from the reopening, as any source's times count from its
start; a paused replay is thus paused, as a paused video is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from posture_watch.sources.base import BadFrameHandler, Frame, FrameSource, SamplePredicate


class ReplayPosition:
    """How far a replay has played, across its openings (one per monitor loop)."""

    def __init__(self) -> None:
        #: The source's own time (s) of the last frame it offered; None before the first.
        self.played_to: float | None = None

    def wrap(self, source: FrameSource) -> FrameSource:
        """``source`` itself for a live camera or a single picture; a replay that starts
        after :attr:`played_to` for any other source."""
        if getattr(source, "live", False) or not source.is_sequence:
            return source
        return _Resumed(source, self)


class _Resumed:
    """A replayed source that starts where :class:`ReplayPosition` says it stopped."""

    def __init__(self, source: FrameSource, position: ReplayPosition) -> None:
        self.source, self.position = source, position
        self.label, self.is_sequence = source.label, source.is_sequence
        self.has_pixels = source.has_pixels
        self.start = position.played_to

    def frames(
        self, sample: SamplePredicate | None = None, on_bad_frame: BadFrameHandler | None = None
    ) -> Iterator[Frame]:
        """The frames after the last one played, the first of them at time 0 (a resumed
        replay goes on at once); the frames before are skipped without being decoded
        (``sample`` says no to them)."""
        start = self.start
        shift: list[float] = [] if start is not None else [0.0]

        def wanted(t: float) -> bool:
            if start is not None and t <= start:
                return False
            if not shift:
                shift.append(t)
            self.position.played_to = t
            return sample is None or sample(t - shift[0])

        for frame in self.source.frames(wanted, on_bad_frame):
            yield replace(frame, t=frame.t - shift[0]) if shift[0] else frame

    def __iter__(self) -> Iterator[Frame]:
        return self.frames()

    def close(self) -> None:
        self.source.close()

    def __enter__(self) -> _Resumed:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["ReplayPosition"]
