"""Following the set-up, stepped with time on hand-built poses: what the monitor scores
against after a moved camera, with or without a saved profile that fits. No thread, no
clock, no file: the saved profiles are handed in when the follower asks for them (the
end-to-end runs on recorded landmarks are in tests/monitor/test_loop_drift.py)."""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import pytest

from posture_watch.core.analyzer import score_frames
from posture_watch.core.calibration import calibrate
from posture_watch.core.geometry import Features
from posture_watch.core.landmarks import Landmarks
from posture_watch.core.scoring import Baseline, PostureState
from posture_watch.core.setup_drift import SUSTAIN
from posture_watch.core.setup_follow import PROFILE_RECHECK, SetupFollower, Switch
from posture_watch.core.worker_events import Recalibrated, SetupChanged
from tests.core.helpers import frontal_pose

STEP = 2.0  # seconds between analysed frames, as the monitor's stable interval
CLOSER = 1.4  # a laptop pulled closer: the person 1.4 times larger in the picture


def pose(scale: float = 1.0, cx: float = 320.0) -> Landmarks:
    return frontal_pose(
        shoulder_half=100 * scale,
        ear_half=40 * scale,
        ear_rise=62 * scale,
        nose_rise=55 * scale,
        cx=cx,
    )


def frame(scale: float = 1.0) -> tuple[Features, PostureState]:
    _, features, _, states = score_frames([pose(scale)], Baseline.population())
    return features, states[0]


def calibrated(scale: float) -> Baseline:
    person, features, _, _ = score_frames(
        [pose(scale), pose(scale * 1.02, cx=324), pose(scale * 0.98)], Baseline.population()
    )
    return calibrate(person, features, stills=True)


@pytest.fixture(scope="module")
def home() -> Baseline:
    return calibrated(1.0)


@pytest.fixture(scope="module")
def desk() -> Baseline:
    return calibrated(CLOSER)


def follow(
    follower: SetupFollower,
    plan: list[tuple[float, float]],
    saved: Mapping[str, Baseline],
    t0: float = 0.0,
) -> tuple[list[float], list[tuple[float, Switch]], float]:
    """Feed ``plan`` ([(seconds, scale)]) at one frame per STEP, handing ``saved`` over
    whenever asked: the times asked, the switches made, and the time after the plan."""
    asked: list[float] = []
    switches: list[tuple[float, Switch]] = []
    t = t0
    for seconds, scale in plan:
        features, state = frame(scale)
        for _ in range(int(seconds / STEP)):
            if follower.observe(t, features, state):
                asked.append(t)
                switch = follower.choose(t, saved)
                if switch is not None:
                    switches.append((t, switch))
            t += STEP
    return asked, switches, t


def test_an_unchanged_set_up_never_asks_for_the_profiles(home) -> None:
    follower = SetupFollower(home)
    asked, switches, _ = follow(follower, [(900, 1.0)], {"default": home})
    assert asked == [] and switches == []
    assert follower.uncalibrated_since is None


def test_a_moved_camera_with_no_fitting_profile_scores_uncalibrated(home) -> None:
    follower = SetupFollower(home)
    asked, switches, _ = follow(follower, [(120, 1.0), (240, CLOSER)], {"default": home})
    ((t, switch),) = switches
    assert 120 + 0.8 * SUSTAIN - STEP <= t <= 120 + SUSTAIN + STEP
    assert switch == Switch(Baseline.population(), (SetupChanged(t, None, "closer"),))
    assert follower.uncalibrated_since == t
    assert asked == [t], "not asked again before 3 minutes seen after the change"


def test_while_uncalibrated_a_profile_is_looked_for_once_a_minute(home) -> None:
    follower = SetupFollower(home)
    asked, switches, _ = follow(follower, [(60, 1.0), (600, CLOSER)], {"default": home})
    ((changed, _),) = switches
    rechecks = asked[1:]
    assert rechecks, "looked for a fitting profile again"
    assert rechecks[0] == pytest.approx(changed + SUSTAIN, abs=STEP)
    assert all(
        b - a == pytest.approx(PROFILE_RECHECK, abs=STEP) for a, b in itertools.pairwise(rechecks)
    )


def test_a_saved_profile_that_fits_is_switched_to(home, desk) -> None:
    follower = SetupFollower(home)
    saved = {"default": home, "desk": desk}
    _, switches, _ = follow(follower, [(120, 1.0), (420, CLOSER)], saved)
    ((t, switch),) = switches
    assert switch == Switch(desk, (Recalibrated(t, "desk"), SetupChanged(t, "desk", "closer")))
    assert follower.uncalibrated_since is None


def test_the_camera_put_back_finds_the_profile_again(home) -> None:
    follower = SetupFollower(home)
    plan = [(60, 1.0), (360, CLOSER), (420, 1.0)]
    _, switches, _ = follow(follower, plan, {"default": home})
    (lost_t, lost), (found_t, found) = switches
    assert lost.events == (SetupChanged(lost_t, None, "closer"),)
    assert found == Switch(
        home, (Recalibrated(found_t, "default"), SetupChanged(found_t, "default", ""))
    )
    # found once most of the last 3 minutes seen fit it (checked once a minute)
    assert 420 + SUSTAIN / 2 <= found_t <= 420 + SUSTAIN + PROFILE_RECHECK + STEP
    assert follower.uncalibrated_since is None


def test_a_recalibration_follows_the_new_baseline_afresh(home, desk) -> None:
    follower = SetupFollower(home)
    _, _, t = follow(follower, [(60, 1.0), (300, CLOSER)], {"default": home})
    assert follower.uncalibrated_since is not None
    assert follower.recalibrated(t, desk, "desk") == Switch(desk, (Recalibrated(t, "desk"),))
    assert follower.uncalibrated_since is None
    # at the desk nothing drifts now; back home, the desk's own tracker tells it
    _, switches, _ = follow(follower, [(300, CLOSER), (300, 1.0)], {"default": home}, t)
    ((_, back),) = switches
    assert back.baseline is home and back.events[1].reason == "farther"


def test_choose_without_being_asked_changes_nothing(home) -> None:
    follower = SetupFollower(home)
    features, state = frame(1.0)
    assert not follower.observe(0.0, features, state)
    assert follower.choose(0.0, {"default": home}) is None
