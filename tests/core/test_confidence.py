"""The confidence gate on hand-built landmarks: each reason, its precedence, and that a
gated frame is unknown (never slouch) through scoring, the analyzer and the timeline."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from posture_watch.core.analyzer import PostureAnalyzer, gate_frames, score_frames
from posture_watch.core.confidence import (
    JITTER_WINDOW,
    MAX_NOISE,
    MIN_LUMA,
    MIN_SHOULDER_SPAN,
    UnknownReason,
    frame_reason,
    moved_too_much,
)
from posture_watch.core.geometry import compute_features
from posture_watch.core.landmarks import Landmark as L
from posture_watch.core.landmarks import Landmarks, stack
from posture_watch.core.scoring import Baseline, PostureState
from posture_watch.core.settings import Settings
from tests.core.helpers import frontal_pose

#: Head heights (shoulder widths) at the population medians, and well below them.
UPRIGHT = {"ear_rise": 124.0, "nose_rise": 110.0}
SLOUCHED = {"ear_rise": 90.0, "nose_rise": 75.0}


def features_of(lm: Landmarks):
    image, world, size = stack([lm])
    return compute_features(image, world, size)


def with_points(lm: Landmarks, **changes: tuple[int, int, float]) -> Landmarks:
    """``lm`` with image landmark columns changed: name=(landmark, column, value)."""
    image = lm.image.copy()
    for landmark, column, value in changes.values():
        image[landmark, column] = value
    return dataclasses.replace(lm, image=image)


def reason(lm: Landmarks | None, moving: bool = False) -> UnknownReason | None:
    return frame_reason(lm, features_of(lm) if lm is not None else None, moving)


def test_a_clear_frontal_frame_passes() -> None:
    assert reason(frontal_pose()) is None
    assert reason(frontal_pose(**SLOUCHED)) is None  # a slouch is no reason to doubt
    assert reason(dataclasses.replace(frontal_pose(), luma=90.0, noise=3.0)) is None


def test_no_person_is_not_an_unknown_posture() -> None:
    assert reason(None) is None


@pytest.mark.parametrize(
    ("stats", "expected"),
    [
        ({"luma": MIN_LUMA - 4}, UnknownReason.TOO_DARK),
        ({"luma": MIN_LUMA + 4}, None),
        ({"noise": MAX_NOISE + 5}, UnknownReason.TOO_NOISY),
        ({"noise": MAX_NOISE - 5}, None),
        ({"luma": 5.0, "noise": 40.0}, UnknownReason.TOO_DARK),  # dark wins: easiest to fix
    ],
)
def test_frame_statistics(stats: dict, expected: UnknownReason | None) -> None:
    assert reason(dataclasses.replace(frontal_pose(**SLOUCHED), **stats)) == expected


def test_a_recording_without_pixels_is_not_gated_on_the_frame() -> None:
    lm = frontal_pose()
    assert lm.luma is None and lm.noise is None and reason(lm) is None


def test_a_small_person_is_too_far() -> None:
    # 640x480: diagonal 800 px; shoulder width = 2 x shoulder_half
    far = frontal_pose(shoulder_half=0.45 * MIN_SHOULDER_SPAN * 800, ear_half=10.0)
    near = frontal_pose(shoulder_half=0.55 * MIN_SHOULDER_SPAN * 800, ear_half=12.0)
    assert reason(far) == UnknownReason.TOO_FAR
    assert reason(near) is None


@pytest.mark.parametrize("column", [3, 4])  # visibility, presence
@pytest.mark.parametrize("landmark", [L.LEFT_SHOULDER, L.RIGHT_SHOULDER])
def test_a_hidden_shoulder(landmark: L, column: int) -> None:
    lm = with_points(frontal_pose(), x=(landmark, column, 0.2))
    assert reason(lm) == UnknownReason.SHOULDERS_HIDDEN


@pytest.mark.parametrize("landmark", [L.NOSE, L.LEFT_EAR, L.RIGHT_EAR])
def test_a_hidden_face(landmark: L) -> None:
    lm = with_points(frontal_pose(**SLOUCHED), x=(landmark, 3, 0.1))
    assert reason(lm) == UnknownReason.FACE_HIDDEN


def test_nan_landmarks_are_hidden_not_judged() -> None:
    lm = with_points(frontal_pose(), x=(L.NOSE, 0, math.nan))
    assert reason(lm) == UnknownReason.FACE_HIDDEN


def test_a_side_view_is_turned_away() -> None:
    # seen from the side: the shoulders foreshortened to the ears' width
    side = frontal_pose(shoulder_half=45.0, ear_half=40.0)
    assert features_of(side).frontal[0] == 0.0
    assert reason(side) == UnknownReason.TURNED_AWAY
    # a head turned far to one side: the nose off the ear midpoint
    turned = with_points(frontal_pose(), x=(L.NOSE, 0, (320 + 50) / 640))
    assert reason(turned) == UnknownReason.TURNED_AWAY


def test_shoulders_hidden_wins_over_turned_away() -> None:
    side = with_points(frontal_pose(shoulder_half=45.0), x=(L.LEFT_SHOULDER, 3, 0.1))
    assert reason(side) == UnknownReason.SHOULDERS_HIDDEN


def test_jumping_shoulders_are_moving_too_much() -> None:
    a = frontal_pose()
    shifted = frontal_pose(cx=320 + 150)  # 0.75 shoulder widths in one frame
    closer = frontal_pose(shoulder_half=150.0, ear_half=60.0)  # 1.5x larger at once
    small_step = frontal_pose(cx=320 + 40)
    assert moved_too_much(a, shifted, 0.5)
    assert moved_too_much(a, closer, 0.5)
    assert not moved_too_much(a, small_step, 0.5)
    assert not moved_too_much(a, shifted, JITTER_WINDOW + 1)  # too long apart to compare
    assert not moved_too_much(None, shifted, 0.5) and not moved_too_much(a, None, 0.5)
    assert reason(a, moving=True) == UnknownReason.MOVING


def test_gated_frames_are_unknown_never_slouch_in_vectorised_scoring() -> None:
    slouched = frontal_pose(**SLOUCHED)
    frames = [
        slouched,
        dataclasses.replace(slouched, luma=5.0),
        with_points(slouched, x=(L.LEFT_EAR, 3, 0.1)),
        None,
    ]
    _, _, scores, states, reasons = gate_frames(frames, Baseline.population())
    assert list(states) == [
        PostureState.SLOUCH,
        PostureState.UNKNOWN,
        PostureState.UNKNOWN,
        PostureState.AWAY,
    ]
    assert list(reasons) == [None, UnknownReason.TOO_DARK, UnknownReason.FACE_HIDDEN, None]
    assert scores[1] >= 1.0  # the geometry alone would have said slouch
    assert list(score_frames(frames, Baseline.population())[3]) == list(states)


def test_verdict_carries_the_reason_only_while_unknown() -> None:
    analyzer = PostureAnalyzer(Baseline.population(), smooth=False)
    dark = analyzer.step(0.0, dataclasses.replace(frontal_pose(**SLOUCHED), luma=5.0))
    assert (dark.state, dark.raw_state, dark.reason) == (
        PostureState.UNKNOWN,
        PostureState.UNKNOWN,
        UnknownReason.TOO_DARK,
    )
    clear = analyzer.step(1.0, frontal_pose(**UPRIGHT))
    assert (clear.state, clear.reason) == (PostureState.UPRIGHT, None)
    away = analyzer.step(2.0, None)
    assert (away.state, away.reason) == (PostureState.AWAY, None)


def test_a_dark_stretch_in_a_slouch_never_alerts() -> None:
    """Slouched geometry for two minutes, but the room is too dark: no slouch state, no
    alert; the same frames in good light alert once."""
    settings = Settings()
    slouched = frontal_pose(**SLOUCHED)
    for luma, alerts in ((5.0, 0), (120.0, 1)):
        analyzer = PostureAnalyzer(Baseline.population(), settings)
        frame = dataclasses.replace(slouched, luma=luma, noise=2.0)
        verdicts = [analyzer.step(t * 0.5, frame) for t in range(240)]
        states = {v.state for v in verdicts}
        kinds = [e.kind for v in verdicts for e in v.events if hasattr(e, "kind")]
        assert kinds.count("slouch") == alerts, kinds
        if luma < MIN_LUMA:
            assert states == {PostureState.UNKNOWN}
            assert {v.reason for v in verdicts} == {UnknownReason.TOO_DARK}


def test_the_analyzer_flags_a_jump_between_consecutive_frames_only_in_a_sequence() -> None:
    a, jumped = frontal_pose(), frontal_pose(cx=320 + 150)
    seq = PostureAnalyzer(Baseline.population())
    seq.step(0.0, a)
    assert seq.step(0.5, jumped).reason == UnknownReason.MOVING
    assert seq.step(1.0, jumped).reason is None  # still again: judged
    stills = PostureAnalyzer(Baseline.population(), smooth=False)
    stills.step(0.0, a)
    assert stills.step(0.5, jumped).reason is None  # unrelated pictures: no jitter


def test_every_reason_reads_as_words() -> None:
    for r in UnknownReason:
        assert r.value == str(r) and r.value[0].islower() and "_" not in r.value
    assert np.array([UnknownReason.TOO_DARK], dtype=object)[0] is UnknownReason.TOO_DARK
