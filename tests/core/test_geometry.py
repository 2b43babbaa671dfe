import numpy as np
import pytest

from posture_watch.core.geometry import compute_features
from posture_watch.core.landmarks import Landmark as L
from posture_watch.core.landmarks import Landmarks, stack
from tests.core.helpers import frontal_pose


def features_of(*poses):
    image, world, size = stack(list(poses))
    return compute_features(image, world, np.nan_to_num(size, nan=1.0))


def test_head_height_is_vertical_ear_rise_over_shoulder_width():
    f = features_of(frontal_pose(ear_rise=62.0, shoulder_half=100.0, nose_rise=55.0))
    assert f.head_height[0] == pytest.approx(62.0 / 200.0)
    assert f.nose_height[0] == pytest.approx(55.0 / 200.0)
    assert f.frontal[0] == 1.0


def test_features_are_invariant_to_position_and_scale():
    a = features_of(frontal_pose())
    moved = features_of(frontal_pose(cx=200.0, shoulder_y=300.0))
    doubled = features_of(
        frontal_pose(
            width=1280,
            height=960,
            shoulder_y=800,
            cx=640,
            shoulder_half=200,
            ear_rise=124,
            ear_half=80,
            nose_rise=110,
        )
    )
    for other in (moved, doubled):
        for name in ("head_height", "nose_height", "head_pitch", "shoulder_tilt", "head_roll"):
            assert getattr(other, name)[0] == pytest.approx(getattr(a, name)[0], abs=1e-9)


def test_aspect_ratio_is_handled_in_square_pixels():
    # the same pixel geometry in a 16:9 frame gives the same ratios as in 4:3
    wide = features_of(frontal_pose(width=1280, height=720, cx=640, shoulder_y=600))
    narrow = features_of(frontal_pose())
    assert wide.head_height[0] == pytest.approx(narrow.head_height[0])


def test_shoulder_tilt_and_head_roll_in_degrees():
    # left shoulder 200 px across and 200*tan(10 deg) lower
    drop = 200.0 * np.tan(np.radians(10.0))
    f = features_of(frontal_pose(shoulder_drop_left=drop))
    assert f.shoulder_tilt[0] == pytest.approx(10.0, abs=1e-6)
    assert f.head_roll[0] == pytest.approx(0.0, abs=1e-9)


def test_neck_angle_uses_world_depth():
    upright = features_of(frontal_pose(neck_forward=0.0))
    forward = features_of(frontal_pose(neck_forward=0.2))  # 0.2 m forward over 0.2 m rise
    assert upright.neck_angle[0] == pytest.approx(0.0, abs=1e-9)
    assert forward.neck_angle[0] == pytest.approx(45.0)


def test_head_pitch_separates_looking_down_from_slumping():
    base = features_of(frontal_pose(ear_rise=62, nose_rise=55))
    look_down = features_of(frontal_pose(ear_rise=62, nose_rise=35))  # only the nose drops
    slump = features_of(frontal_pose(ear_rise=42, nose_rise=35))  # whole head lower
    assert look_down.head_pitch[0] == pytest.approx(base.head_pitch[0] + 20 / 80)
    assert look_down.head_height[0] == pytest.approx(base.head_height[0])
    assert slump.head_pitch[0] == pytest.approx(base.head_pitch[0])
    assert slump.head_height[0] < base.head_height[0] - 0.09


def test_side_view_is_not_frontal():
    # shoulders foreshortened to 60 px while the ears stay 80 px apart
    side = features_of(frontal_pose(shoulder_half=30.0))
    turned = features_of(frontal_pose()).frontal[0]
    assert side.frontal[0] == 0.0 and turned == 1.0


def test_turned_head_is_not_frontal():
    lm = frontal_pose()
    image = lm.image.copy()
    image[L.NOSE, 0] += 45 / 640  # nose far to one side of the ear midpoint
    f = features_of(Landmarks(image=image, world=lm.world, width=640, height=480))
    assert f.frontal[0] == 0.0


def test_hidden_landmarks_give_nan_and_never_use_hips():
    lm = frontal_pose()
    image = lm.image.copy()
    image[L.LEFT_EAR, 3] = 0.1  # left ear not visible
    image[23:25, :] = np.nan  # hips garbage: must not matter
    f = features_of(Landmarks(image=np.nan_to_num(image), world=lm.world, width=640, height=480))
    assert np.isnan(f.head_height[0]) and f.frontal[0] == 0.0
    assert f.shoulder_tilt[0] == pytest.approx(0.0)


def test_no_person_rows_are_all_nan_and_vectorised_over_frames():
    f = features_of(frontal_pose(), None, frontal_pose(ear_rise=50))
    assert len(f) == 3
    assert np.isnan(f.head_height[1]) and f.frontal[1] == 0.0
    assert f.head_height[2] == pytest.approx(0.25)


def test_landmarks_reject_wrong_shapes():
    with pytest.raises(ValueError, match=r"\(33, 5\)"):
        Landmarks(image=np.zeros((32, 5)), world=np.zeros((33, 5)), width=1, height=1)
