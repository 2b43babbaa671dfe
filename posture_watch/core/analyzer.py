"""One frame in, one verdict out: geometry, score, per-frame state and the timeline.

This is the whole decision path shared by ``analyze``, ``calibrate``'s checks and the
tray monitor. It holds no I/O: the caller passes landmarks (or None when no person was
found) with a timestamp, and gets back a :class:`Verdict`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from posture_watch.core.confidence import UnknownReason, frame_stats, gate, moved_too_much
from posture_watch.core.events import Event
from posture_watch.core.geometry import Features, compute_features
from posture_watch.core.landmarks import Landmarks, stack
from posture_watch.core.scoring import (
    Baseline,
    PostureState,
    frame_states,
    lean_ratio,
    slouch_scores,
)
from posture_watch.core.settings import Settings
from posture_watch.core.timeline import Timeline


@dataclass(frozen=True)
class Verdict:
    """What posture-watch concluded about one frame.

    ``raw_state``/``raw_score`` judge the frame alone; ``state``/``score`` are smoothed
    over time (equal to the raw values when the analyzer runs on unrelated stills).
    """

    t: float
    person: bool
    raw_state: PostureState
    raw_score: float
    state: PostureState
    score: float
    features: Features  # one row
    events: tuple[Event, ...]

    lean: float  # head-and-shoulder scale vs calibration (1.0 = same distance), NaN uncalibrated
    #: Start of the current sitting stretch after this frame (None: on a break, or stills).
    #: Carried here so that subscribers on other threads never read the timeline.
    sitting_since: float | None = None
    #: Why the frame could not be judged (``state`` is then unknown); None otherwise.
    reason: UnknownReason | None = None

    def feature_row(self) -> dict[str, float | None]:
        """Features as a JSON-ready dict, ``lean`` included (None where not measurable)."""
        lean = None if math.isnan(self.lean) else round(self.lean, 4)
        return self.features.row(0) | {"lean": lean}


def score_frames(
    frames: list[Landmarks | None], baseline: Baseline, moving: np.ndarray | None = None
) -> tuple[np.ndarray, Features, np.ndarray, np.ndarray]:
    """Vectorised scoring of many frames: (person, features, scores, states).

    Frames the confidence gate rejects are ``unknown``; :func:`gate_frames` says why.
    """
    person, features, scores, states, _ = gate_frames(frames, baseline, moving)
    return person, features, scores, states


def gate_frames(
    frames: list[Landmarks | None], baseline: Baseline, moving: np.ndarray | None = None
) -> tuple[np.ndarray, Features, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`score_frames` plus the (N,) :class:`UnknownReason` (or None) of each frame.

    ``moving`` marks frames whose landmarks jumped since the previous frame (sequences).
    """
    image, world, size = stack(frames)
    person = np.array([f is not None for f in frames], dtype=bool)
    features = compute_features(image, world, np.nan_to_num(size, nan=1.0))
    scores = slouch_scores(features, baseline)
    luma, noise = frame_stats(frames)
    reasons = gate(person, image, features, luma, noise, moving)
    return person, features, scores, frame_states(person, features, scores, reasons), reasons


class PostureAnalyzer:
    """Stateful per-frame analysis. ``smooth=False`` treats frames as unrelated stills."""

    def __init__(
        self, baseline: Baseline, settings: Settings | None = None, *, smooth: bool = True
    ) -> None:
        self.baseline = baseline
        self.settings = settings or Settings()
        self.smooth = smooth
        self.timeline = Timeline(self.settings)
        self._previous: tuple[float, Landmarks] | None = None

    def step(self, t: float, landmarks: Landmarks | None) -> Verdict:
        moving = False
        if self.smooth and landmarks is not None:
            if self._previous is not None:
                t0, before = self._previous
                moving = moved_too_much(before, landmarks, t - t0)
            self._previous = (t, landmarks)
        person, features, scores, states, reasons = gate_frames(
            [landmarks], self.baseline, np.array([moving])
        )
        raw_state, raw_score = states[0], float(scores[0])
        lean = float(lean_ratio(features, self.baseline)[0])
        state, score = raw_state, raw_score
        events: tuple[Event, ...] = ()
        if self.smooth:
            step = self.timeline.update(t, raw_state, raw_score)
            state, events = step.state, step.events
            score = step.score if not math.isnan(step.score) else raw_score
        sitting_since = self.timeline.sitting_since if self.smooth else None
        reason = reasons[0] if state == PostureState.UNKNOWN else None
        return Verdict(
            t,
            bool(person[0]),
            raw_state,
            raw_score,
            state,
            score,
            features,
            events,
            lean,
            sitting_since,
            reason,
        )

    def away(self, t: float) -> tuple[Event, ...]:
        """The screen locked or unlocked at ``t``: the time between counts as away
        (:meth:`Timeline.away <posture_watch.core.timeline.Timeline.away>`)."""
        return self.timeline.away(t) if self.smooth else ()

    def unmonitored(self, since: float, until: float) -> None:
        """Another program had the camera from ``since`` to ``until``: neither away nor a
        break (:meth:`Timeline.unmonitored <posture_watch.core.timeline.Timeline.unmonitored>`)."""
        if self.smooth:
            self.timeline.unmonitored(since, until)

    def finish(self, t_end: float) -> tuple[Event, ...]:
        """Close the session at ``t_end`` (end of the last frame)."""
        return self.timeline.finish(t_end) if self.smooth else ()
