"""One calibration: a source and the pose model, opened, sampled and judged.

``posture-watch calibrate`` (guided in the terminal) and the tray's calibration window
(guided in Tk, :mod:`posture_watch.desktop.calibration_window`) both calibrate through
:class:`CalibrationSession`, so they open the same source the same way, sample the same
frames through the same path as ``analyze`` and the monitor
(:func:`~posture_watch.pipeline.frame_landmarks`: a covered lens counts as nobody here
too), and refuse the same references for the same reasons. What differs between them is
only the guidance: a printed countdown, or a window with a live picture and a progress bar.

From a camera the session samples ``seconds`` of live frames after the countdown; from a
video or a recording its first ``seconds``; from an image or a folder of a few pictures,
all of them (that is how tests calibrate). Frames stay in memory: nothing is stored but
the reference the person keeps.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from posture_watch.clock import SYSTEM
from posture_watch.core.analyzer import score_frames
from posture_watch.core.calibration import calibrate
from posture_watch.core.landmarks import Landmarks
from posture_watch.core.scoring import Baseline
from posture_watch.pipeline import frame_landmarks
from posture_watch.pose import PoseEstimator, open_estimator
from posture_watch.profiles import save_profile
from posture_watch.sources.base import Frame, FrameSource
from posture_watch.worker.frames import model_for, need_model, opener, pixels

#: A folder or video with at most this many frames is a few pictures: one good frame suffices.
MAX_STILLS = 4
#: How often a wait for the countdown's end looks whether it should stop instead, seconds.
WAIT_STEP = 0.05

#: One sampled frame: seconds since the first sampled frame, and who was seen (or None).
Sample = tuple[float, Landmarks | None]


def is_live(source: FrameSource) -> bool:
    """True for a live camera (which is sampled for seconds, never taken as stills)."""
    return bool(getattr(source, "live", False))


def reference_from(
    frames: list[Sample],
    *,
    live: bool,
    sequence: bool,
    profile: str,
    accept_low: bool = False,
) -> Baseline:
    """The upright reference from sampled ``(t, landmarks)`` frames, or CalibrationError.

    A live camera must give enough frames over enough seconds; a single picture or a
    folder or video of at most :data:`MAX_STILLS` frames may calibrate from one good frame.
    Every refusal applies, the population check for a clearly slouched reference included
    (:class:`~posture_watch.core.calibration.SlouchedReferenceError`) unless
    ``accept_low``: then such a reference is returned, marked in its meta.
    """
    person, features, _, _ = score_frames([lm for _, lm in frames], Baseline.population())
    stills = not live and (not sequence or len(frames) <= MAX_STILLS)
    times = np.array([t for t, _ in frames], dtype=float) if live else None
    return calibrate(
        person,
        features,
        stills=stills,
        profile=profile,
        live_times=times,
        refuse_slouched=True,
        accept_low=accept_low,
    )


def profile_meta(source_label: str) -> dict[str, str]:
    """What a profile records about its making: when, and from which source."""
    created = datetime.fromtimestamp(SYSTEM.wall(), UTC).isoformat(timespec="seconds")
    return {"created": created, "source": source_label}


def save_reference(baseline: Baseline, path: Path, source_label: str) -> Path:
    """Save a kept reference as the profile file ``path``, with :func:`profile_meta`."""
    return save_profile(baseline, path, meta=profile_meta(source_label))


@dataclass
class CalibrationSession:
    """A source and its pose estimator, open for one calibration of ``profile``.

    Made by :meth:`open`, which closes both again; :meth:`sample` reads the frames and
    :meth:`reference` judges them (also after the source is closed).
    """

    source: FrameSource
    estimator: PoseEstimator
    profile: str

    @classmethod
    @contextmanager
    def open(
        cls,
        spec: str,
        *,
        profile: str,
        fps: float = 2.0,
        model: Path | None = None,
        model_variant: str = "lite",
        preview: int = 0,
    ) -> Iterator[CalibrationSession]:
        """Open the source named by ``spec`` and, when it has pixels, the pose model.

        The model loads here, before any countdown, so a bad model file fails before the
        person poses. ``model`` and ``model_variant`` are what
        :func:`~posture_watch.model.locate_model` takes. With the camera worker
        (:mod:`posture_watch.worker.frames`) the frames arrive as landmarks, and
        ``preview`` asks for a copy of each picture at most that wide, for a window.
        """
        found = model_for(model_variant, model)
        # the camera and the model in the worker, which may read the source and model only
        with opener([spec, found]) as frames:
            source = frames.open(spec, fps=fps, preview=preview)
            with source:
                model_file = need_model(found) if pixels(source) else None
                frames.use_model(model_file, load=True)  # a bad model fails before posing
                with closing(open_estimator(source, model_file)) as estimator:
                    yield cls(source, estimator, profile)

    @property
    def live(self) -> bool:
        """A live camera: sampled for seconds once the countdown is over."""
        return is_live(self.source)

    def sample(
        self,
        seconds: float,
        *,
        begin: threading.Event | None = None,
        stop: threading.Event | None = None,
        on_frame: Callable[[Frame], None] | None = None,
        on_progress: Callable[[float], None] | None = None,
        min_frames: int = 0,
    ) -> list[Sample] | None:
        """The frames of the first ``seconds`` from the first sampled one (all stills).

        Without ``begin`` sampling starts at once. With it, frames before ``begin`` is set
        only reach ``on_frame`` (a live picture for the countdown; a file waits, so that
        its first ``seconds`` are what is sampled). ``on_progress`` gets the share of
        ``seconds`` done, 0 to 1, after each sampled frame. None when ``stop`` was set.
        A file (not live) is read on past ``seconds`` until it gave ``min_frames`` frames:
        it has no time to wait for, and a recording holds a frame every few seconds.
        """
        frames: list[Sample] = []
        start: float | None = None
        for frame in self.source.frames():
            if stop is not None and stop.is_set():
                return None
            if on_frame is not None:
                on_frame(frame)
            if begin is not None and not begin.is_set():
                if self.live:
                    continue  # the countdown: the picture only
                if not _wait(begin, stop):
                    return None
            start = frame.t if start is None else start
            enough = self.live or len(frames) >= min_frames
            if self.source.is_sequence and frames and frame.t - start > seconds and enough:
                break
            frames.append((frame.t - start, frame_landmarks(frame, self.estimator)))
            if on_progress is not None:
                on_progress(min(1.0, (frame.t - start) / seconds))
        return frames

    def reference(
        self, frames: list[Sample], *, accept_low: bool = False, guided: bool = False
    ) -> Baseline:
        """:func:`reference_from` for this session's source and profile.

        ``guided``: the frames are the calibration window's "hold still" sampling, which
        stands for a camera whatever the source, so a video or a recording must give what
        a camera must (:data:`~posture_watch.core.calibration.MIN_LIVE_FRAMES` usable
        frames, as ``posture-watch calibrate`` asks of a camera). Only a source of a few
        pictures in all (at most :data:`MAX_STILLS`) may still calibrate from one good
        frame. The window once took two frames of the demo's recording for "a few
        pictures".
        """
        count = getattr(self.source, "frame_count", None)
        few_pictures = count is not None and count <= MAX_STILLS
        live = self.live or (guided and self.source.is_sequence and not few_pictures)
        return reference_from(
            frames,
            live=live,
            sequence=self.source.is_sequence,
            profile=self.profile,
            accept_low=accept_low,
        )


def _wait(begin: threading.Event, stop: threading.Event | None) -> bool:
    """Wait for ``begin``; False when ``stop`` is set first."""
    while not begin.wait(WAIT_STEP):
        if stop is not None and stop.is_set():
            return False
    return True
