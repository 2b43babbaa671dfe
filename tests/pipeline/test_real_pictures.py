"""Real pixels from ../shared/samples through the real model and the real CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.harness.cli import run_cli


def roc_auc(neg: list[float], pos: list[float]) -> float:
    """Probability that a slouch picture scores above an upright one (ties count half)."""
    n, p = np.asarray(neg)[:, None], np.asarray(pos)[None, :]
    return float(np.mean((p > n) + 0.5 * (p == n)))


def analyze_session(pictures, *extra):
    """Per-picture records of ``analyze --stills`` over the given pictures, by path."""
    folders = sorted({s.path.parent for s in pictures})
    result = run_cli("analyze", *folders, "--stills", *extra)
    assert result.code == 0, result.err
    records = {Path(r["source"]) / r["name"]: r for r in result.records() if "frame" in r}
    return {s.path: records[s.path] for s in pictures}


@pytest.fixture(scope="module")
def uncalibrated(samples):
    return {name: analyze_session(pics, "--uncalibrated") for name, pics in samples.items()}


def test_a_person_is_found_in_every_picture(uncalibrated):
    missing = [p for recs in uncalibrated.values() for p, r in recs.items() if not r["person"]]
    assert missing == []


#: Sessions whose slouch pictures lean in towards the camera rather than sink: only a
#: calibration (a scale reference) can see that, so the population baseline ranks them as
#: ties (every score 0 at the model's 320 px input; 0.07 vs 0 by chance at 1280 px).
LEAN_IN_SESSIONS = {"hcpostureguard"}


def test_uncalibrated_scores_rank_slouch_above_upright(uncalibrated, samples):
    assert LEAN_IN_SESSIONS.issubset(samples)
    for name, pics in samples.items():
        if name in LEAN_IN_SESSIONS:
            continue
        recs = uncalibrated[name]
        up = [recs[s.path]["slouch_score"] for s in pics if s.label == "upright"]
        down = [recs[s.path]["slouch_score"] for s in pics if s.label == "slouch"]
        assert roc_auc(up, down) >= 0.9, name
        assert all(not recs[s.path]["calibrated"] for s in pics)


def test_calibrated_on_first_upright_picture_separates_the_session(samples, tmp_path):
    agree = total = 0
    for name, pics in samples.items():
        first_upright = next(s for s in pics if s.label == "upright")
        profile = tmp_path / f"{name.replace('/', '_')}.json"
        cal = run_cli("calibrate", "--source", first_upright.path, "--out", profile)
        assert cal.code == 0, cal.err
        recs = analyze_session(pics, "--calibration", profile)
        up = [recs[s.path]["slouch_score"] for s in pics if s.label == "upright"]
        down = [recs[s.path]["slouch_score"] for s in pics if s.label == "slouch"]
        inverted_pairs = sum(d <= u for u in up for d in down)
        assert inverted_pairs <= 1, (name, inverted_pairs)
        assert all(recs[s.path]["calibrated"] for s in pics)
        agree += sum(recs[s.path]["state"] == s.label for s in pics)
        total += len(pics)
    assert agree / total >= 0.9, f"states agree with labels on {agree}/{total} pictures"


def test_scores_are_near_zero_on_the_calibration_picture(samples, tmp_path):
    pics = samples["slouchingornot/high"]
    first = next(s for s in pics if s.label == "upright")
    profile = tmp_path / "p.json"
    assert run_cli("calibrate", "--source", first.path, "--out", profile).code == 0
    result = run_cli("analyze", first.path, "--calibration", profile)
    (record,) = result.records()
    assert record["slouch_score"] == pytest.approx(0.0, abs=0.05)
    assert record["state"] == "upright"
