"""analyze, calibrate and record share one path from frame to verdict (issue 8).

The path is :func:`posture_watch.pipeline.frame_landmarks` and the user's decision
settings: a covered lens is nobody wherever the frame comes from, and a settings file
moves ``analyze``'s alerts exactly as it moves the monitor's.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from posture_watch.config import settings_path
from posture_watch.paths import SAMPLES_DIR
from tests.harness.cli import run_cli
from tests.harness.samples import darkened

SESSION = SAMPLES_DIR / "slouchingornot-high.jsonl"  # 29 frames 4 s apart, slouch from 60 s


@pytest.fixture(scope="module")
def upright(samples) -> Path:
    return next(s.path for s in samples["slouchingornot/high"] if s.label == "upright")


def test_a_covered_lens_is_away_in_analyze(upright: Path, tmp_path: Path) -> None:
    black = tmp_path / "black.png"
    cv2.imwrite(str(black), np.zeros((480, 640, 3), np.uint8))
    dim = darkened(upright, 0.1, tmp_path / "dim.png")  # the model alone finds someone here
    result = run_cli("analyze", black, dim, upright)
    assert result.code == 0, result.err
    states = [(r["name"], r["person"], r["state"]) for r in result.records()]
    assert states == [
        ("black.png", False, "away"),
        ("dim.png", False, "away"),
        (upright.name, True, "upright"),
    ]


def test_a_covered_frame_in_a_sequence_is_away(upright: Path, tmp_path: Path) -> None:
    for i in (0, 1, 3):
        shutil.copy(upright, tmp_path / f"{i}.jpg")
    darkened(upright, 0.1, tmp_path / "2.png")
    result = run_cli("analyze", tmp_path, "--fps", 1)
    assert result.code == 0, result.err
    frames = [r for r in result.records() if "frame" in r]
    assert [r["person"] for r in frames] == [True, True, False, True]
    assert frames[2]["raw_state"] == frames[2]["state"] == "away"


def test_calibrate_sees_nobody_behind_a_covered_lens(upright: Path, tmp_path: Path) -> None:
    dim = darkened(upright, 0.1, tmp_path / "dim.png")
    result = run_cli("calibrate", "--source", dim, "--out", tmp_path / "p.json")
    assert result.code == 2 and "no person found" in result.err
    assert not (tmp_path / "p.json").exists()


def test_record_writes_a_covered_frame_as_nobody(upright: Path, tmp_path: Path) -> None:
    folder = tmp_path / "pics"
    folder.mkdir()
    shutil.copy(upright, folder / "1.jpg")
    darkened(upright, 0.1, folder / "2.png")
    out = tmp_path / "r.jsonl"
    assert run_cli("record", folder, "-o", out).code == 0
    lines = [json.loads(x) for x in out.read_text().splitlines()[1:]]
    assert [x["person"] for x in lines] == [True, False]


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    """Calibrated on the recording's first (upright) frame."""
    path = tmp_path / "profile.json"
    result = run_cli("calibrate", "--source", SESSION, "--seconds", 1, "--out", path)
    assert result.code == 0, result.err
    return path


def slouch_alerts(*argv: str | Path) -> list[float]:
    result = run_cli("analyze", SESSION, *argv)
    assert result.code == 0, result.err
    (summary,) = [r for r in result.records() if "summary" in r]
    return [a["t"] for a in summary["alerts"] if a["kind"] == "slouch"]


def write_settings(path: Path, slouch_after: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"schema_version = 1\n\n[posture]\nslouch_after = {slouch_after}\n")
    return path


def test_config_file_decides_when_analyze_alerts(profile: Path, tmp_path: Path) -> None:
    (default,) = slouch_alerts("--calibration", profile)
    fast = write_settings(tmp_path / "fast.toml", 10)
    (early,) = slouch_alerts("--calibration", profile, "--config", fast)
    assert early <= default - 16  # 20 s less patience; frames are 4 s apart
    slow = write_settings(tmp_path / "slow.toml", 600)
    assert slouch_alerts("--calibration", profile, "--config", slow) == []


def test_the_users_settings_file_is_used_without_config(profile: Path) -> None:
    assert len(slouch_alerts("--calibration", profile)) == 1
    assert not settings_path().exists()  # analyze never creates the file
    write_settings(settings_path(), 600)
    assert slouch_alerts("--calibration", profile) == []


def test_a_missing_or_bad_config_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    missing = run_cli("analyze", SESSION, "--config", tmp_path / "nope.toml")
    assert missing.code == 2
    assert missing.err.strip() == f"posture-watch: {tmp_path / 'nope.toml'}: no such settings file"
    bad = tmp_path / "bad.toml"
    bad.write_text("[posture]\nslouch_after = -5\n")
    result = run_cli("analyze", SESSION, "--config", bad)
    assert result.code == 2 and "slouch_after" in result.err and "bad.toml" in result.err
