"""A changed set-up in the monitor loop, on real recorded landmarks: the sample session's
upright frames, then the same frames scaled and shifted as a laptop pulled closer (the
camera is the only thing that cannot exist here, and a recording needs none). Runs on the
virtual clock: minutes of replay take a fraction of a second."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest

from posture_watch import paths
from posture_watch.clock import ManualClock
from posture_watch.commands.monitor import describe
from posture_watch.core.analyzer import PostureAnalyzer, Verdict, score_frames
from posture_watch.core.calibration import calibrate
from posture_watch.core.landmarks import Landmarks
from posture_watch.core.sampling import AdaptiveSampler
from posture_watch.core.scoring import Baseline, PostureState
from posture_watch.core.setup_drift import SUSTAIN
from posture_watch.core.worker_events import Recalibrated, SetBaseline, SetupChanged, Stopped
from posture_watch.monitor.loop import MonitorLoop
from posture_watch.pose import RecordedLandmarks
from posture_watch.profiles import save_profile, saved_profiles
from posture_watch.sources import RecordingSource, RecordingWriter

START = 1_790_000_000.0
STEP = 2.0  # seconds between recorded frames
RECORDING = paths.SAMPLES_DIR / "slouchingornot-high.jsonl"
UPRIGHT = 15  # the session's first 15 frames are its upright pictures
CLOSER = dict(scale=1.4, dx=0.05, dy=-0.12)  # laptop pulled closer, camera a bit lower


def upright_frames() -> list[Landmarks]:
    lines = RECORDING.read_text().splitlines()[1:]
    frames = [Landmarks.from_json(json.loads(line)) for line in lines[:UPRIGHT]]
    assert len(frames) == UPRIGHT
    return frames


def moved(landmarks: Landmarks, scale: float, dx: float, dy: float) -> Landmarks:
    """The same pose seen by a camera moved: larger by ``scale`` about the frame centre
    and shifted by (dx, dy) of the frame. World landmarks (metres) do not change."""
    image = landmarks.image.copy()
    image[:, 0] = 0.5 + scale * (image[:, 0] - 0.5) + dx
    image[:, 1] = 0.5 + scale * (image[:, 1] - 0.5) + dy
    return Landmarks(image, landmarks.world, landmarks.width, landmarks.height)


def write_session(path: Path, plan: list[tuple[float, dict | None]]) -> Path:
    """A recording: for each (seconds, camera move or None), the upright frames cycled."""
    frames = upright_frames()
    with RecordingWriter(path, "test: moved camera", 1 / STEP) as writer:
        i = 0
        for seconds, move in plan:
            for _ in range(int(seconds / STEP)):
                pose = frames[i % len(frames)]
                writer.write(i, i * STEP, f"frame-{i}", moved(pose, **move) if move else pose)
                i += 1
    return path


def calibrated(frames: list[Landmarks], profile: str) -> Baseline:
    person, features, _, _ = score_frames(list(frames), Baseline.population())
    return calibrate(person, features, profile=profile)


@pytest.fixture(scope="module")
def home() -> Baseline:
    return calibrated(upright_frames()[:8], "default")


@pytest.fixture(scope="module")
def desk() -> Baseline:
    return calibrated([moved(f, **CLOSER) for f in upright_frames()[:8]], "desk")


def run(recording: Path, baseline: Baseline, profiles, *, on_event=None) -> list[object]:
    events: list[object] = []

    def emit(event: object) -> None:
        events.append(event)
        if on_event is not None:
            on_event(loop, event)

    loop = MonitorLoop(
        lambda: RecordingSource(recording),
        PostureAnalyzer(baseline),
        emit,
        make_estimator=lambda source: RecordedLandmarks(),
        clock=ManualClock(START),
        sampler=AdaptiveSampler(1.0, 0.25),  # every recorded frame is analysed
        profiles=profiles,
    )
    worker = threading.Thread(target=loop.run)
    worker.start()
    worker.join(60)
    assert not worker.is_alive()
    assert isinstance(events[-1], Stopped) and events[-1].reason == "end"
    return events


def others(events: list[object]) -> list[object]:
    """The set-up events, in order."""
    return [e for e in events if isinstance(e, SetupChanged | Recalibrated)]


def verdicts_between(events: list[object], t0: float, t1: float) -> list[Verdict]:
    return [e for e in events if isinstance(e, Verdict) and t0 <= e.t - START < t1]


def test_a_moved_camera_is_told_once_and_no_longer_scored_as_leaning_in(home, tmp_path):
    recording = write_session(tmp_path / "s.jsonl", [(120, None), (480, CLOSER)])
    events = run(recording, home, lambda: {"default": home})
    (change,) = others(events)  # no saved profile fits: no Recalibrated
    assert isinstance(change, SetupChanged) and change.matched is None
    assert change.reason == "closer"
    moved_for = change.t - START - 120
    assert 0.8 * SUSTAIN - STEP <= moved_for <= SUSTAIN + STEP
    # before: upright at home; right after the move the person is larger (lean > 1.3) but
    # the neck is as straight as at calibration: never a slouch, so no false alert before
    # the change is noticed
    assert all(v.raw_state == PostureState.UPRIGHT for v in verdicts_between(events, 0, 120))
    moved_in = verdicts_between(events, 122, change.t - START)
    assert moved_in and all(v.lean > 1.3 for v in moved_in)
    assert all(v.raw_state == PostureState.UPRIGHT for v in moved_in)
    assert not [e for v in moved_in for e in v.events if type(e).__name__ == "SlouchAlert"]
    # after the change it is scored uncalibrated: no lean-in measured at all
    after = verdicts_between(events, change.t - START + 1, 1e9)
    assert len(after) > 60
    assert all(v.raw_state == PostureState.UPRIGHT for v in after)
    assert all(v.raw_score < 1.0 and np.isnan(v.lean) for v in after)
    assert after[-1].state == PostureState.UPRIGHT


def test_a_saved_profile_that_fits_is_switched_to(home, desk, tmp_path):
    # the profiles come from real files, as the monitor reads them (one damaged one too)
    folder = tmp_path / "profiles"
    save_profile(home, folder / "default.json", meta={})
    save_profile(desk, folder / "desk.json", meta={})
    far = calibrated([moved(f, scale=0.6, dx=-0.2, dy=0.0) for f in upright_frames()[:8]], "far")
    save_profile(far, folder / "far.json", meta={})
    (folder / "broken.json").write_text("{not json")
    recording = write_session(tmp_path / "s.jsonl", [(120, None), (420, CLOSER)])
    events = run(recording, home, lambda: saved_profiles(folder))
    recal, change = others(events)
    assert isinstance(recal, Recalibrated) and recal.profile == "desk"
    assert isinstance(change, SetupChanged) and change.matched == "desk"
    assert recal.t == change.t
    after = verdicts_between(events, change.t - START + 1, 1e9)
    assert len(after) > 60
    # scored against the desk calibration: same distance, so no lean and no slouch
    assert all(v.raw_state == PostureState.UPRIGHT for v in after)
    assert all(v.lean == pytest.approx(1.0, abs=0.1) for v in after)


def test_a_recalibration_resets_and_a_fitting_profile_is_found_again(home, desk, tmp_path):
    recording = write_session(
        tmp_path / "s.jsonl", [(60, None), (420, CLOSER), (300, None), (480, CLOSER)]
    )
    asked: list[float] = []

    def profiles() -> dict[str, Baseline]:
        asked.append(1)
        return {"default": home}

    def on_event(loop: MonitorLoop, event: object) -> None:
        # the user recalibrates at the desk once told
        if isinstance(event, SetupChanged) and event.matched is None:
            loop.send(SetBaseline(desk, "desk"))

    events = run(recording, home, profiles, on_event=on_event)
    names = [
        (type(e).__name__, getattr(e, "matched", getattr(e, "profile", None)))
        for e in others(events)
    ]
    # at the desk: told once, recalibrated there; back home (at 480 s) the desk
    # calibration drifted, and the saved 'default' profile fits; at the desk again (at
    # 780 s) 'default' drifted (a new baseline is told again) and the user recalibrates
    assert names == [
        ("SetupChanged", None),
        ("Recalibrated", "desk"),
        ("Recalibrated", "default"),
        ("SetupChanged", "default"),
        ("SetupChanged", None),
        ("Recalibrated", "desk"),
    ]
    changes = [e.t - START for e in others(events) if isinstance(e, SetupChanged)]
    # the desk calibration's own tracker told the move home: smaller in the picture
    assert [e.reason for e in others(events) if isinstance(e, SetupChanged)][1] == "farther"
    for moved_at, t in zip((60, 480, 780), changes, strict=True):
        assert moved_at + 0.8 * SUSTAIN - STEP <= t <= moved_at + SUSTAIN + STEP
    assert asked, "the saved profiles are read when the set-up changes"


def test_scoring_uncalibrated_until_a_profile_fits_again(home, tmp_path):
    # moved away for 6 min (no profile fits), then the camera is put back
    recording = write_session(tmp_path / "s.jsonl", [(60, None), (360, CLOSER), (420, None)])
    events = run(recording, home, lambda: {"default": home})
    lost, recal, found = others(events)
    assert isinstance(lost, SetupChanged) and lost.matched is None
    assert isinstance(recal, Recalibrated) and recal.profile == "default"
    assert isinstance(found, SetupChanged) and found.matched == "default"
    # found once most of the last 3 minutes seen fit it (checked once a minute)
    assert 420 + SUSTAIN / 2 <= found.t - START <= 420 + SUSTAIN + 60 + STEP
    assert not any(v.raw_state == PostureState.SLOUCH for v in verdicts_between(events, 421, 1e9))


def test_console_lines():
    assert describe(SetupChanged(START, None, "closer"), START) == (
        "your set-up looks different from your calibration: scoring uncalibrated until you "
        "recalibrate (posture-watch calibrate)"
    )
    assert describe(SetupChanged(START, "desk", "moved"), START) == (
        "your set-up matches profile 'desk': using it"
    )
