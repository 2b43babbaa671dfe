"""The monitor's worker loop: frames in, verdicts and events out, for hours on end.

It runs on a worker thread and reports through one callback (the tray hands the events to
its UI thread). Care for the machine and the user:
- the pose model runs about once a second while the state is stable, faster only while
  a change is being confirmed (:class:`~posture_watch.core.sampling.AdaptiveSampler`);
  frames in between are only grabbed, never retrieved (a webcam's frame is then not
  decoded at all; a video file's is decoded by FFmpeg but not converted to BGR);
- a dark, flat frame (a covered camera) reads as *away*, without running the model;
- when the source fails (camera unplugged or taken by another program) the loop reports
  it, retries with back-off and resumes by itself; the timeline, and so the day's
  history, carries on;
- while paused the source is closed, so the camera is released.

Session time ``t`` is what the core sees: seconds since the monitor started, scaled by
``speed`` for replays faster than real time (how the tests drive it).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from posture_watch.core.analyzer import PostureAnalyzer
from posture_watch.core.sampling import AdaptiveSampler
from posture_watch.errors import SourceError
from posture_watch.monitor.events import (
    CameraRecovered,
    CameraUnavailable,
    Paused,
    Resumed,
    SourceEnded,
)
from posture_watch.pose import PoseEstimator
from posture_watch.sources.base import Frame, FrameSource

#: A frame this dark and this flat is a covered lens or a closed laptop lid.
DARK_MEAN, DARK_STD = 20.0, 8.0
#: Longest single wait, so that stop and pause requests are seen within this many seconds.
WAIT_SLICE = 0.1


def is_covered(image: np.ndarray) -> bool:
    """True for a dark, featureless frame (lens covered): treated as nobody there."""
    small = image[::8, ::8]
    return float(small.mean()) < DARK_MEAN and float(small.std()) < DARK_STD


class MonitorLoop:
    """Drives one source through the analyzer until stopped (or the replay ends)."""

    def __init__(
        self,
        open_source: Callable[[], FrameSource],
        analyzer: PostureAnalyzer,
        on_event: Callable[[object], None],
        *,
        model_path: Path | None,
        sampler: AdaptiveSampler | None = None,
        speed: float = 1.0,
        retry_first: float = 1.0,
        retry_max: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._open_source = open_source
        self.analyzer = analyzer
        self._emit = on_event
        self._model_path = model_path
        self.sampler = sampler or AdaptiveSampler()
        self.speed = speed
        self._retry_first, self._retry_max = retry_first, retry_max
        self._clock = clock
        self._start = clock()
        self.stop_event = threading.Event()
        self._wake = threading.Event()
        self._pause_until: float | None = None
        self._paused = False
        self.frames_seen = self.frames_analysed = 0

    # -- control, from any thread -------------------------------------------------------

    def now(self) -> float:
        """Session seconds since the monitor started."""
        return (self._clock() - self._start) * self.speed

    def stop(self) -> None:
        self.stop_event.set()
        self._wake.set()

    def pause(self, seconds: float | None) -> None:
        """Pause for ``seconds`` of session time (None: until :meth:`resume`)."""
        self._pause_until = None if seconds is None else self.now() + seconds
        self._paused = True
        self._wake.set()

    def resume(self) -> None:
        self._paused = False
        self._wake.set()

    @property
    def paused(self) -> bool:
        if self._paused and self._pause_until is not None and self.now() >= self._pause_until:
            self._paused = False
        return self._paused

    # -- the loop -----------------------------------------------------------------------

    def run(self) -> None:
        """Run until :meth:`stop` or the end of a replayed source."""
        retry = self._retry_first
        unavailable = False
        while not self.stop_event.is_set():
            if self.paused:
                self._sit_out_pause()
                continue
            try:
                source = self._open_source()
                if unavailable:
                    self._emit(CameraRecovered(self.now()))
                    unavailable, retry = False, self._retry_first
                ended = self._run_source(source)
            except SourceError as exc:
                unavailable = True
                self._emit(CameraUnavailable(self.now(), str(exc), retry))
                self._wait(retry)
                retry = min(retry * 2, self._retry_max)
                continue
            if ended:
                self._emit(SourceEnded(self.now()))
                return

    def _sit_out_pause(self) -> None:
        self._emit(Paused(self.now(), self._pause_until))
        while self.paused and not self.stop_event.is_set():
            self._wait(WAIT_SLICE * self.speed)
        if not self.stop_event.is_set():
            self.sampler.reset()
            self._emit(Resumed(self.now()))

    def _wait(self, session_seconds: float) -> None:
        """Sleep ``session_seconds`` of session time, waking early for stop or control."""
        deadline = self._clock() + session_seconds / self.speed
        while not self.stop_event.is_set():
            left = deadline - self._clock()
            if left <= 0:
                return
            if self._wake.wait(min(left, WAIT_SLICE)):
                self._wake.clear()
                return

    def _run_source(self, source: FrameSource) -> bool:
        """Feed one opened source; True when it ran out of frames, False when interrupted."""
        base = self.now()
        self.sampler.reset()
        if hasattr(source, "sample"):
            source.sample = lambda t: self.sampler.due(base + t)  # type: ignore[attr-defined]
        estimator = PoseEstimator(self._model_path, video=True) if source.has_pixels else None
        try:
            with source:
                for frame in source:
                    self.frames_seen += 1
                    t = base + frame.t
                    if not self.sampler.due(t):
                        continue
                    self._pace(t)
                    if self.stop_event.is_set() or self.paused:
                        return False
                    self._analyse(t, frame, estimator)
            return True
        finally:
            if estimator is not None:
                estimator.close()

    def _pace(self, t: float) -> None:
        """Replays run at (scaled) real time; a live camera is never ahead of the clock."""
        ahead = t - self.now()
        if ahead > 0:
            self._wait(ahead)

    def _analyse(self, t: float, frame: Frame, estimator: PoseEstimator | None) -> None:
        if estimator is None:
            landmarks = frame.landmarks
        elif frame.image is None or is_covered(frame.image):
            landmarks = None
        else:
            landmarks = estimator.estimate(frame.image, t)
        self.frames_analysed += 1
        verdict = self.analyzer.step(t, landmarks)
        self.sampler.analysed(t, verdict.raw_state, verdict.state)
        self._emit(verdict)
        for event in verdict.events:
            self._emit(event)
