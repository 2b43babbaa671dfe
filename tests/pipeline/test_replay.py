"""A real session replayed in time order (upright, then slouch) as a folder and as a video.

Each picture stands for 4 s of sitting, so the slouch half lasts about a minute: the
default settings must raise exactly one slouch alert, about 30 s into it.
"""

from __future__ import annotations

import re
import shutil

import cv2
import numpy as np
import pytest

from tests.harness.cli import run_cli
from tests.harness.samples import time_ordered, write_session_video

SECONDS_PER_PICTURE = 4.0
SESSION = "slouchingornot/high"


@pytest.fixture(scope="module")
def session(samples):
    return time_ordered(samples[SESSION])


@pytest.fixture(scope="module")
def profile(session, tmp_path_factory):
    path = tmp_path_factory.mktemp("cal") / "profile.json"
    assert run_cli("calibrate", "--source", session[0].path, "--out", path).code == 0
    return path


def slouch_start(session) -> float:
    return SECONDS_PER_PICTURE * sum(s.label == "upright" for s in session)


def check_alerts(records, session):
    (summary,) = [r for r in records if "summary" in r]
    slouch_alerts = [a for a in summary["alerts"] if a["kind"] == "slouch"]
    assert len(slouch_alerts) == 1, summary
    delay = slouch_alerts[0]["t"] - slouch_start(session)
    assert 28.0 <= delay <= 36.0, delay
    assert not [a for a in summary["alerts"] if a["kind"] == "long_sitting"]
    seconds = summary["summary"]
    assert seconds["seconds_slouch"] >= 40.0
    assert seconds["seconds_upright"] >= 50.0
    return summary


def test_folder_replay_alerts_once_about_thirty_seconds_into_the_slouch(session, profile, tmp_path):
    folder = tmp_path / "session"
    folder.mkdir()
    for i, sample in enumerate(session):
        shutil.copy(sample.path, folder / f"frame{i}.jpg")  # natural order: frame2 < frame10
    fps = 1.0 / SECONDS_PER_PICTURE
    result = run_cli("analyze", folder, "--calibration", profile, "--fps", fps)
    assert result.code == 0, result.err
    records = result.records()
    frames = [r for r in records if "frame" in r]
    assert [r["name"] for r in frames] == [f"frame{i}.jpg" for i in range(len(session))]
    assert frames[-1]["t"] == pytest.approx((len(session) - 1) * SECONDS_PER_PICTURE)
    check_alerts(records, session)


def test_video_replay_alerts_once_about_thirty_seconds_into_the_slouch(session, profile, tmp_path):
    video = tmp_path / "session.mp4"
    pictures = [cv2.imread(str(s.path)) for s in session]
    write_session_video(pictures, video, fps=2.0, hold=SECONDS_PER_PICTURE)
    result = run_cli("analyze", video, "--calibration", profile, "--format", "jsonl")
    assert result.code == 0, result.err
    records = result.records()
    frames = [r for r in records if "frame" in r]
    assert len(frames) == len(session) * 8
    assert all(r["person"] for r in frames)
    check_alerts(records, session)


def test_record_then_replay_gives_the_same_verdicts(session, profile, tmp_path):
    folder = tmp_path / "session"
    folder.mkdir()
    for i, sample in enumerate(session):
        shutil.copy(sample.path, folder / f"{i:03d}.jpg")
    recording = tmp_path / "session.jsonl"
    rec = run_cli("record", folder, "-o", recording, "--fps", 0.25)
    assert rec.code == 0, rec.err
    direct = run_cli("analyze", folder, "--calibration", profile, "--fps", 0.25).records()
    replay = run_cli("analyze", recording, "--calibration", profile).records()
    assert [r.get("state") for r in direct] == [r.get("state") for r in replay]
    scores_a = [r["slouch_score"] for r in direct if "frame" in r]
    scores_b = [r["slouch_score"] for r in replay if "frame" in r]
    np.testing.assert_allclose(scores_a, scores_b, atol=1e-3)
    assert direct[-1]["alerts"] == replay[-1]["alerts"]


def test_table_format_summarises_each_source(session, profile, tmp_path):
    folder = tmp_path / "session"
    folder.mkdir()
    for i, sample in enumerate(session):
        shutil.copy(sample.path, folder / f"{i:03d}.jpg")
    result = run_cli(
        "analyze", folder, "--calibration", profile, "--fps", 0.25, "--format", "table"
    )
    assert result.code == 0
    assert "calibrated" in result.out and "UNCALIBRATED" not in result.out
    assert re.search(r"nudges the tray would show: posture nudge at 1 min \d+ s\n", result.out), (
        result.out
    )
    assert "longest sitting spell: " in result.out


def test_progress_bar_on_stderr_when_asked(session, tmp_path):
    folder = tmp_path / "session"
    folder.mkdir()
    for i, sample in enumerate(session[:6]):
        shutil.copy(sample.path, folder / f"{i:03d}.jpg")
    shown = run_cli("analyze", folder, "--progress", "--format", "table")
    hidden = run_cli("analyze", folder, "--no-progress", "--format", "table")
    assert "100% 6/6 frames" in shown.err
    assert "frames" not in hidden.err
