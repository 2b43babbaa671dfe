"""``posture-watch calibrate --accept-low-head``: a person whose upright head sits low in the
picture (a camera high above the screen) can calibrate after a clear warning, on real
slouched sample pictures through the real pose model; every other refusal stays one.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from posture_watch.cli import build_parser
from posture_watch.commands.calibrate import ACCEPT_LOW_OPTION
from posture_watch.core.calibration import ACCEPTED_LOW, MAX_POPULATION_DROP, POPULATION_DROP
from tests.harness.cli import run_cli, run_process

MIDDLE = "slouchingornot/images/low-isSlouching__middle-notSlouching"


def folder_of(shared: Path, tmp_path: Path, name: str, files: list[Path]) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for i, file in enumerate(files):
        shutil.copy(shared / file, folder / f"{i:03d}{file.suffix}")
    return folder


@pytest.fixture
def slouched(shared_samples: Path, tmp_path: Path) -> Path:
    """Three real pictures the slouched check refuses (as the calibration window's tests)."""
    files = [Path(MIDDLE, "isSlouching", f"sample-1543068389411-{i}.jpg") for i in (3, 4, 5)]
    return folder_of(shared_samples, tmp_path, "slouched", files)


def test_without_the_option_the_refusal_says_how_to_override_it(
    slouched: Path, tmp_path: Path
) -> None:
    out = tmp_path / "p.json"
    result = run_cli("calibrate", "--source", slouched, "--out", out)
    assert result.code == 2 and not out.exists()
    (line,) = [ln for ln in result.err.splitlines() if ln.startswith("posture-watch:")]
    assert "you look slouched" in line
    assert (
        f"if you are sitting upright and your camera sits high, run again with {ACCEPT_LOW_OPTION}"
        in line
    )


def test_with_the_option_the_profile_is_saved_with_one_warning_line(
    slouched: Path, tmp_path: Path
) -> None:
    out = tmp_path / "p.json"
    proc = run_process(
        "calibrate", "--source", slouched, "--out", out, ACCEPT_LOW_OPTION, env_home=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout.startswith("calibrated profile 'default' from 3 frames")
    warnings = [ln for ln in proc.stderr.splitlines() if "warning" in ln]
    assert len(warnings) == 1, proc.stderr
    assert warnings[0].startswith("posture-watch: warning: this reference is lower than usual")
    assert "slouching is measured from it" in warnings[0]
    meta = json.loads(out.read_text())["meta"]
    assert meta[ACCEPTED_LOW] == "true" and float(meta[POPULATION_DROP]) > MAX_POPULATION_DROP
    assert f"head {100 * float(meta[POPULATION_DROP]):.0f}% lower" in warnings[0]
    # measured from that reference, the same pictures read as the person's upright posture
    records = run_cli("analyze", slouched, "--stills", "--calibration", out).records()
    assert [r["state"] for r in records] == ["upright"] * 3


def test_the_option_overrules_no_other_refusal(
    shared_samples: Path, tmp_path: Path, samples
) -> None:
    out = tmp_path / "p.json"
    middle = samples["slouchingornot/middle"]
    # enough frames for any source (MIN_LIVE_FRAMES), so movement is what is refused
    mixed = [s.path for s in middle if s.label == "upright"][:6]
    mixed += [s.path for s in middle if s.label == "slouch"][:6]
    moving = folder_of(shared_samples, tmp_path, "moving", mixed)
    result = run_cli("calibrate", "--source", moving, "--out", out, ACCEPT_LOW_OPTION)
    assert result.code == 2 and "too much movement" in result.err, result.err
    side = sorted((shared_samples / "sideview" / "images").glob("bad_posture_*"))[:3]
    turned = folder_of(shared_samples, tmp_path, "side", side)
    result = run_cli("calibrate", "--source", turned, "--out", out, ACCEPT_LOW_OPTION)
    assert result.code == 2 and "view is not frontal" in result.err, result.err
    assert ACCEPT_LOW_OPTION not in result.err  # only the slouched refusal offers it
    assert not out.exists()


def test_the_help_explains_the_option_in_plain_words() -> None:
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    calibrate = sub.choices["calibrate"]
    (action,) = [a for a in calibrate._actions if ACCEPT_LOW_OPTION in a.option_strings]
    assert "sitting upright" in action.help and "camera high above the screen" in action.help
