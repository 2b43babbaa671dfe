"""Scores, states and calibration statistics on hand-built landmarks."""

import numpy as np
import pytest

from posture_watch.core.analyzer import PostureAnalyzer, score_frames
from posture_watch.core.calibration import calibrate
from posture_watch.core.scoring import Baseline, PostureState
from posture_watch.errors import CalibrationError
from tests.core.helpers import frontal_pose


def baseline_from(*poses, stills=True):
    person, features, _, _ = score_frames(list(poses), Baseline.population())
    return calibrate(person, features, stills=stills)


def test_score_is_zero_at_calibration_and_one_at_the_threshold():
    base = baseline_from(frontal_pose(ear_rise=62, nose_rise=55))
    # an 8% drop of both ear and nose height is exactly the calibrated threshold
    at = frontal_pose(ear_rise=62 * 0.92, nose_rise=55 * 0.92)
    beyond = frontal_pose(ear_rise=62 * 0.9, nose_rise=55 * 0.9)
    _, _, scores, states = score_frames([frontal_pose(), at, beyond, None], base)
    assert scores[0] == pytest.approx(0.0)
    assert scores[1] == pytest.approx(1.0)
    assert scores[2] == pytest.approx(0.10 / 0.08)
    assert [states[0], states[2], states[3]] == [
        PostureState.UPRIGHT,
        PostureState.SLOUCH,
        PostureState.AWAY,
    ]


def test_sitting_taller_than_calibration_is_not_negative():
    base = baseline_from(frontal_pose())
    _, _, scores, _ = score_frames([frontal_pose(ear_rise=80, nose_rise=70)], base)
    assert scores[0] == 0.0


def test_looking_down_scores_less_than_slumping_by_the_same_nose_drop():
    base = baseline_from(frontal_pose(ear_rise=62, nose_rise=55))
    look = frontal_pose(ear_rise=62, nose_rise=45)  # nose only
    slump = frontal_pose(ear_rise=52, nose_rise=45)  # whole head
    _, _, scores, _ = score_frames([look, slump], base)
    assert scores[0] < 1.0 <= scores[1]
    assert scores[1] > 2.5 * scores[0]


def test_leaning_in_counts_only_with_a_calibration_and_on_a_sinking_head():
    base = baseline_from(frontal_pose())
    big = 1.4  # 40% closer: every distance scales, ratios stay the same

    def closer(ear_rise: float = 62, nose_rise: float = 55):
        return frontal_pose(
            shoulder_half=100 * big, ear_rise=ear_rise * big, ear_half=40 * big,
            nose_rise=nose_rise * big,
        )  # fmt: skip

    _, _, alone, _ = score_frames([closer()], base)
    # a larger head with the neck as straight as at calibration: a laptop pulled closer
    assert alone[0] == pytest.approx(0.0)
    sinking = closer(ear_rise=58, nose_rise=51)  # and the head sinks ~6.5%
    _, _, lean_and_sink, _ = score_frames([sinking], base)
    _, _, sink_only, _ = score_frames([frontal_pose(ear_rise=58, nose_rise=51)], base)
    assert 0.8 <= sink_only[0] < 1.0  # not a slouch on its own
    assert lean_and_sink[0] == pytest.approx(sink_only[0] + (0.4 - 0.10) / 0.15)
    _, _, population, _ = score_frames([sinking], Baseline.population())
    _, _, same, _ = score_frames([frontal_pose(ear_rise=58, nose_rise=51)], Baseline.population())
    assert population[0] == pytest.approx(same[0])  # no lean-in without a calibration


def test_side_view_is_unknown_not_a_guess():
    _, _, _, states = score_frames([frontal_pose(shoulder_half=30)], Baseline.population())
    assert states[0] == PostureState.UNKNOWN


def test_noisy_calibration_widens_the_threshold():
    rises = [56, 60, 62, 64, 68, 58, 66, 62, 61, 63]
    base = baseline_from(*[frontal_pose(ear_rise=r) for r in rises], stills=False)
    assert base.threshold() > 0.08
    assert base.n_frames == len(rises)


def test_calibration_refuses_no_person():
    person, features, _, _ = score_frames([None, None], Baseline.population())
    with pytest.raises(CalibrationError, match="no person"):
        calibrate(person, features)


def test_calibration_refuses_a_side_view():
    person, features, _, _ = score_frames(
        [frontal_pose(shoulder_half=30)] * 8, Baseline.population()
    )
    with pytest.raises(CalibrationError, match="not frontal"):
        calibrate(person, features)


def test_calibration_of_a_stream_needs_enough_usable_frames():
    frames = [frontal_pose()] * 3 + [None] * 20
    person, features, _, _ = score_frames(frames, Baseline.population())
    with pytest.raises(CalibrationError, match="too few usable frames"):
        calibrate(person, features, stills=False)
    assert calibrate(person[:3], features.take(slice(0, 3)), stills=True).n_frames == 3


def test_calibration_refuses_movement():
    rises = np.linspace(40, 80, 12)
    person, features, _, _ = score_frames(
        [frontal_pose(ear_rise=r) for r in rises], Baseline.population()
    )
    with pytest.raises(CalibrationError, match="too much movement"):
        calibrate(person, features)


def test_baseline_round_trips_through_json():
    base = baseline_from(frontal_pose(), frontal_pose(ear_rise=61))
    again = Baseline.from_json(base.to_json())
    assert again == base


def test_analyzer_reports_lean_only_when_calibrated():
    base = baseline_from(frontal_pose())
    v = PostureAnalyzer(base).step(0.0, frontal_pose())
    assert v.lean == pytest.approx(1.0)
    assert (
        PostureAnalyzer(Baseline.population()).step(0.0, frontal_pose()).feature_row()["lean"]
        is None
    )
