"""Set-up drift on hand-built landmarks: a moved camera is noticed once, after minutes;
leaning in for a while or slouching is not a set-up change."""

import json

import numpy as np
import pytest

from posture_watch import paths
from posture_watch.core.analyzer import score_frames
from posture_watch.core.calibration import calibrate
from posture_watch.core.landmarks import Landmarks
from posture_watch.core.scoring import Baseline, PostureState
from posture_watch.core.setup_drift import (
    POSITION_LIMIT,
    SUSTAIN,
    SetupDrift,
    best_profile,
    frame_drift,
    profile_error,
)
from posture_watch.profiles import load_profile, save_profile
from tests.core.helpers import frontal_pose

STEP = 2.0  # seconds between analysed frames, as the monitor's stable interval


def pose(scale: float = 1.0, *, cx: float = 320.0, shoulder_y: float = 400.0, drop: float = 0.0):
    """An upright person at ``scale`` times the calibrated size; ``drop`` lowers the head
    by that share (a slouch)."""
    return frontal_pose(
        shoulder_half=100 * scale,
        ear_half=40 * scale,
        ear_rise=62 * scale * (1 - drop),
        nose_rise=55 * scale * (1 - drop),
        cx=cx,
        shoulder_y=shoulder_y,
    )


def features_of(*poses):
    person, features, _, states = score_frames(list(poses), Baseline.population())
    return person, features, states


def calibrated(*poses) -> Baseline:
    person, features, _ = features_of(*poses)
    return calibrate(person, features, stills=True)


@pytest.fixture(scope="module")
def home() -> Baseline:
    # slightly different upright frames, as a real calibration has
    return calibrated(pose(1.0), pose(1.02, cx=324), pose(0.98, shoulder_y=398))


def run(tracker: SetupDrift, plan, t0: float = 0.0):
    """Feed ``plan`` ([(seconds, pose)]) at one frame per STEP; the changes reported."""
    changes, t = [], t0
    for seconds, landmarks in plan:
        _, features, states = features_of(landmarks)
        for _ in range(int(seconds / STEP)):
            change = tracker.observe(t, features, states[0])
            if change is not None:
                changes.append(change)
            t += STEP
    return changes


def test_calibration_stores_the_position_and_old_profiles_still_load(home, tmp_path):
    assert home.median("center_x") == pytest.approx(0.5, abs=0.01)
    assert home.median("center_y") == pytest.approx(400 / 480, abs=0.01)
    path = save_profile(home, tmp_path / "desk.json", meta={})
    assert load_profile(path).median("center_x") == pytest.approx(home.median("center_x"))
    # a profile written before the position features: drift on position is unknown
    doc = json.loads(path.read_text())
    del doc["features"]["center_x"], doc["features"]["center_y"]
    path.write_text(json.dumps(doc))
    old = load_profile(path)
    assert np.isnan(old.median("center_x"))
    _, features, _ = features_of(pose(1.0, cx=600))
    scale, shift, drifted = frame_drift(features, old)
    assert scale == pytest.approx(1.0, abs=0.01)
    assert np.isnan(shift) and not drifted
    # ...but a scale drift still counts
    _, features, _ = features_of(pose(1.5))
    assert frame_drift(features, old)[2]


def test_leaning_in_for_30_seconds_is_not_a_setup_change(home):
    tracker = SetupDrift(home)
    plan = [(120, pose(1.0)), (30, pose(1.45)), (400, pose(1.0))]
    assert run(tracker, plan) == []
    assert not tracker.fired


def test_camera_moved_for_4_minutes_is_one_change_after_3_minutes(home):
    tracker = SetupDrift(home)
    # upright at home for 5 minutes, then the laptop is pulled closer and to the side
    moved = pose(1.45, cx=420, shoulder_y=380)
    changes = run(tracker, [(300, pose(1.0)), (240, moved)])
    assert len(changes) == 1
    change = changes[0]
    assert change.reason == "closer"
    assert change.scale == pytest.approx(1.45, abs=0.05)
    # 80% of the last 3 minutes drifted: between 2.4 and 3 minutes after the move
    assert 300 + 0.8 * SUSTAIN - STEP <= change.t <= 300 + SUSTAIN + STEP
    assert tracker.fired


def test_position_alone_counts_and_a_smaller_person_is_farther(home):
    shifted = SetupDrift(home)
    (change,) = run(shifted, [(240, pose(1.0, cx=460))])  # 140 px of a 640 px wide frame
    assert change.reason == "moved" and change.shift > POSITION_LIMIT
    farther = SetupDrift(home)
    (change,) = run(farther, [(240, pose(0.6))])
    assert change.reason == "farther"


def test_a_sustained_slouch_is_not_a_setup_change(home):
    tracker = SetupDrift(home)
    # slumped back: smaller in the picture (as in the sample sessions) and the head low
    assert run(tracker, [(60, pose(1.0)), (600, pose(0.7, drop=0.2))]) == []
    # the same size change with the head where it was would be one
    assert len(run(SetupDrift(home), [(240, pose(0.7))])) == 1


def test_after_one_change_no_second(home):
    tracker = SetupDrift(home)
    changes = run(tracker, [(240, pose(1.5)), (120, pose(1.0)), (600, pose(0.6, cx=500))])
    assert len(changes) == 1


def test_away_time_is_not_seen_time(home):
    tracker = SetupDrift(home)
    # 2 minutes drifted, a 5 minute break, 50 s drifted: not yet 3 minutes seen
    assert run(tracker, [(120, pose(1.5))]) == []
    t = 120.0
    for _ in range(150):
        assert tracker.observe(t, features_of(None)[1], PostureState.AWAY) is None
        t += STEP
    assert run(tracker, [(50, pose(1.5))], t0=t) == []
    assert len(run(tracker, [(20, pose(1.5))], t0=t + 50)) == 1


def test_the_population_baseline_never_fires():
    tracker = SetupDrift(Baseline.population())
    assert not tracker.measurable
    assert run(tracker, [(600, pose(1.6, cx=500))]) == []


def test_best_profile_picks_the_one_that_fits(home):
    desk = calibrated(pose(1.45, cx=420, shoulder_y=380))
    sofa = calibrated(pose(0.6, cx=250, shoulder_y=300))
    far_right = calibrated(pose(1.0, cx=520))
    profiles = {"home": home, "desk": desk, "sofa": sofa, "right": far_right}
    recent = features_of(*[pose(1.42 + 0.01 * (i % 3), cx=418, shoulder_y=382) for i in range(30)])
    assert best_profile(recent[1], profiles, current=home) == "desk"
    assert profile_error(recent[1], desk) < 0.2 < 1.0 < profile_error(recent[1], home)
    # rows as the history stores them work too
    rows = [recent[1].row(i) for i in range(len(recent[1]))]
    assert best_profile(rows, profiles, current=home) == "desk"
    # nothing fits: None
    nowhere = features_of(*[pose(2.0, cx=100) for _ in range(10)])[1]
    assert best_profile(nowhere, profiles, current=home) is None
    # the current profile itself is never "much better" than itself
    at_home = features_of(*[pose(1.0) for _ in range(10)])[1]
    assert best_profile(at_home, {"home": home}, current=home) is None
    # without a current baseline, a profile must fit well (within half the limits)
    assert best_profile(at_home, profiles) == "home"


def test_tracker_recent_frames_feed_best_profile(home):
    desk = calibrated(pose(1.45, cx=420, shoulder_y=380))
    tracker = SetupDrift(home)
    (change,) = run(tracker, [(240, pose(1.45, cx=420, shoulder_y=380))])
    recent = tracker.recent()
    assert len(recent) >= SUSTAIN / STEP
    assert best_profile(recent, {"home": home, "desk": desk}, current=tracker.baseline) == "desk"
    assert change.since <= 60


def test_a_real_session_swaying_and_slouching_for_10_minutes_is_no_setup_change():
    """The sample session's real landmarks: the person sways side to side (the shoulder
    midpoint moves by up to 0.14 of the frame) and slouches back (a quarter smaller)."""
    lines = (paths.SAMPLES_DIR / "slouchingornot-high.jsonl").read_text().splitlines()[1:]
    frames = [Landmarks.from_json(json.loads(line)) for line in lines]
    upright, slouched = frames[:15], frames[15:]
    home = calibrated(*upright[:8])
    for plan in (frames, slouched):
        tracker = SetupDrift(home)
        _, features, states = features_of(*plan)
        drifted = 0
        for i in range(300):  # 10 minutes at one frame per 2 s
            k = i % len(plan)
            row = features.take(slice(k, k + 1))
            drifted += frame_drift(row, home)[2]
            assert tracker.observe(i * STEP, row, states[k]) is None
        assert drifted < 0.2 * 300
