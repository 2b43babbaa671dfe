"""Bad input: one readable line on stderr naming what and where, exit code 2, no traceback."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest

from posture_watch.model import VARIANTS
from posture_watch.paths import BUNDLED_MODELS_DIR
from tests.harness.cli import run_cli, run_process

BUNDLED_LITE = BUNDLED_MODELS_DIR / "pose_landmarker_lite.task"


def assert_one_line_error(proc: subprocess.CompletedProcess, *words: str) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("posture-watch:")]
    assert len(lines) == 1, proc.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_corrupt_image(tmp_path):
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(2000))
    proc = run_process("analyze", bad, env_home=tmp_path)
    assert_one_line_error(proc, "broken.jpg", "decode")


def test_zero_byte_video(tmp_path):
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    proc = run_process("analyze", empty, env_home=tmp_path)
    assert_one_line_error(proc, "empty.mp4", "video")


def test_wrong_path(tmp_path):
    proc = run_process("analyze", tmp_path / "nope.mp4", env_home=tmp_path)
    assert_one_line_error(proc, "nope.mp4", "no such file")


def test_bad_calibration_file(tmp_path, shared_samples):
    bad = tmp_path / "cal.json"
    bad.write_text("{ this is not json")
    image = shared_samples / "hcpostureguard/webcam_crops/setup.png"
    proc = run_process("analyze", image, "--calibration", bad, env_home=tmp_path)
    assert_one_line_error(proc, "cal.json", "calibration")


def test_calibration_file_of_the_wrong_kind(tmp_path, shared_samples):
    wrong = tmp_path / "other.json"
    wrong.write_text(json.dumps({"format": "something-else"}))
    image = shared_samples / "hcpostureguard/webcam_crops/setup.png"
    result = run_cli("analyze", image, "--calibration", wrong)
    assert result.code == 2 and "not a posture-watch calibration profile" in result.err


def test_damaged_calibration_values(tmp_path, shared_samples):
    doc = {
        "format": "posture-watch-calibration",
        "schema_version": 1,
        "features": {"head_height": {"median": -1, "spread": 0}},
    }
    damaged = tmp_path / "damaged.json"
    damaged.write_text(json.dumps(doc))
    image = shared_samples / "hcpostureguard/webcam_crops/setup.png"
    result = run_cli("analyze", image, "--calibration", damaged)
    assert result.code == 2 and "damaged calibration profile" in result.err


def test_unknown_profile_name(shared_samples):
    image = shared_samples / "hcpostureguard/webcam_crops/setup.png"
    result = run_cli("analyze", image, "--profile", "desk")
    assert result.code == 2 and "no calibration profile named 'desk'" in result.err


def test_camera_that_does_not_open(tmp_path):
    proc = run_process("analyze", "7", env_home=tmp_path)
    assert_one_line_error(proc, "camera 7")


def test_corrupt_model_file(tmp_path, shared_samples):
    model = tmp_path / "pose.task"
    model.write_bytes(os.urandom(4096))
    image = shared_samples / "hcpostureguard/webcam_crops/setup.png"
    proc = run_process("analyze", image, "--model", model, env_home=tmp_path)
    assert_one_line_error(proc, "pose.task")


def test_bad_option_value_is_an_argparse_error(tmp_path):
    proc = run_process("analyze", "x.jpg", "--format", "xml", env_home=tmp_path)
    assert proc.returncode == 2 and "invalid choice" in proc.stderr


def test_calibration_refuses_a_picture_without_a_person(tmp_path):
    room = tmp_path / "empty-room.png"
    cv2.imwrite(str(room), np.full((480, 640, 3), 128, np.uint8))
    result = run_cli("calibrate", "--source", room, "--out", tmp_path / "p.json")
    assert result.code == 2
    assert "no person found" in result.err
    assert not (tmp_path / "p.json").exists()


def test_calibration_refuses_too_much_movement(tmp_path, samples):
    # upright and slouching pictures mixed: not one steady posture
    folder = tmp_path / "mixed"
    folder.mkdir()
    pics = samples["slouchingornot/middle"]
    for i, s in enumerate(pics[::2]):
        shutil.copy(s.path, folder / f"{i:03d}.jpg")
    result = run_cli("calibrate", "--source", folder, "--out", tmp_path / "p.json")
    assert result.code == 2 and "too much movement" in result.err, result.err


def test_calibration_profiles_by_name_are_used_by_analyze(samples):
    pics = samples["slouchingornot/high"]
    first = next(s for s in pics if s.label == "upright")
    assert run_cli("calibrate", "--source", first.path, "--profile", "laptop").code == 0
    slouch = next(s for s in pics if s.label == "slouch")
    (rec,) = run_cli("analyze", slouch.path, "--profile", "laptop").records()
    assert rec["calibrated"] is True and rec["state"] == "slouch"
    (plain,) = run_cli("analyze", slouch.path).records()
    assert plain["calibrated"] is False  # no default profile yet


@pytest.mark.parametrize("name", ["../escape", "", "a/b"])
def test_profile_names_cannot_be_paths(name, samples):
    first = samples["hcpostureguard"][0]
    result = run_cli("calibrate", "--source", first.path, "--profile", name)
    assert result.code == 2 and "invalid profile name" in result.err


def pinned_lite_copies(folder: Path) -> dict[str, Path]:
    """The shipped lite model cut to 1000 bytes, and with 4 bytes changed (same size)."""
    data = bytearray(BUNDLED_LITE.read_bytes())
    truncated = folder / "truncated.task"
    truncated.write_bytes(data[:1000])
    data[200_000:200_004] = bytes(b ^ 0xFF for b in data[200_000:200_004])
    changed = folder / "changed.task"
    changed.write_bytes(data)
    assert changed.stat().st_size == VARIANTS["lite"].size
    return {"truncated": truncated, "changed": changed}


@pytest.mark.parametrize("kind", ["truncated", "changed"])
def test_a_model_that_is_not_the_pinned_file_is_refused(tmp_path, kind):
    model = pinned_lite_copies(tmp_path)[kind]
    image = tmp_path / "setup.png"
    cv2.imwrite(str(image), np.full((240, 320, 3), 90, np.uint8))
    verify = run_process("model", "verify", "--model", model, env_home=tmp_path)
    line = assert_one_line_error(verify, f"{model.name} is not the pinned lite model")
    assert "--allow-own-model" in line and verify.stdout == ""
    analyze = run_process("analyze", image, "--model", model, env_home=tmp_path)
    assert_one_line_error(analyze, f"{model.name} is not the pinned lite model")
    assert analyze.stdout == ""


def test_own_models_run_with_the_opt_in_and_a_warning(tmp_path, shared_samples):
    changed = pinned_lite_copies(tmp_path)["changed"]
    image = shared_samples / "hcpostureguard/webcam_crops/setup.png"
    argv = ("analyze", image, "--uncalibrated", "--model", changed, "--allow-own-model")
    proc = run_process(*argv, env_home=tmp_path)
    assert proc.returncode == 0, proc.stderr
    (warning,) = [ln for ln in proc.stderr.splitlines() if ln.startswith("posture-watch:")]
    assert f"{changed} is not a pinned pose model (size 5777746 bytes, sha256" in warning
    assert len(proc.stdout.splitlines()) == 1  # the picture was analysed
    own = ("model", "verify", "--model", changed, "--allow-own-model")
    verify = run_process(*own, env_home=tmp_path)
    assert verify.returncode == 0, verify.stderr
    sha = hashlib.sha256(changed.read_bytes()).hexdigest()
    assert verify.stdout == f"own {changed} {sha}\n"
    assert "is not a pinned pose model" in verify.stderr
    pinned = run_process("model", "verify", "--model", BUNDLED_LITE, env_home=tmp_path)
    assert pinned.stdout == f"ok {BUNDLED_LITE} {VARIANTS['lite'].sha256}\n"
    assert pinned.stderr == ""
