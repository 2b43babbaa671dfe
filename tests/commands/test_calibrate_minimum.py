"""``posture-watch calibrate`` asks a recording or a video for what it asks of a camera
(:data:`~posture_watch.core.calibration.MIN_LIVE_FRAMES` usable frames), as the tray's
calibration window does: a few seconds of a recording with a frame every few seconds
once gave a profile from 2 frames, taken for "a few pictures"."""

from __future__ import annotations

import json
from pathlib import Path

from posture_watch.calibration_session import MAX_STILLS
from posture_watch.core.calibration import MIN_LIVE_FRAMES
from posture_watch.paths import DEMO_DIR
from tests.harness.cli import run_cli

RECORDING = DEMO_DIR / "demo-session.jsonl"


def test_a_short_calibration_from_a_recording_reads_on_to_the_cameras_minimum(
    tmp_path: Path,
) -> None:
    out = tmp_path / "p.json"
    result = run_cli("calibrate", "--source", RECORDING, "--seconds", "5", "--out", out)
    assert result.code == 0, result.err
    assert json.loads(out.read_text())["n_frames"] >= MIN_LIVE_FRAMES
    assert f"from {MIN_LIVE_FRAMES} frames" in result.out


def test_a_recording_too_short_for_the_minimum_is_refused(tmp_path: Path) -> None:
    short = tmp_path / "short.jsonl"
    header, *frames = RECORDING.read_text().splitlines()
    kept = MAX_STILLS + 2  # more than "a few pictures", fewer than a camera must give
    assert kept < MIN_LIVE_FRAMES
    short.write_text("\n".join([header, *frames[:kept]]) + "\n")
    out = tmp_path / "p.json"
    result = run_cli("calibrate", "--source", short, "--seconds", "5", "--out", out)
    assert result.code == 2, result.err
    assert "too few usable frames" in result.err
    assert not out.exists()
