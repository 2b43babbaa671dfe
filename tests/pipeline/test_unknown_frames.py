"""Frames that come out ``unknown`` flow through every output of ``analyze`` (issue 8, item 2).

A frontal-webcam tool must not judge a side view, and it must not crash on one either:
consumers once failed with ``AttributeError: 'str' object has no attribute 'value'`` on
such frames. The side-view pictures (``../shared/samples/sideview``, see its SOURCE.md)
are people at a desk seen from beside it; the answer for each is ``unknown`` (or ``away``
where no person is found), never ``upright`` or ``slouch``. Landmarks with NaN values (a
damaged or hand-edited recording) must likewise give ``unknown`` frames, not a crash.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import cv2
import numpy as np
import pytest

from posture_watch.paths import SAMPLES_DIR
from tests.harness.cli import run_cli, run_process

ABSTAINED = {"unknown", "away"}
NAN_FRAMES = (5, 6, 20)  # every landmark value NaN
NAN_SHOULDER_FRAME = 12  # only the two shoulders NaN


def strict_records(out: str) -> list[dict]:
    """The JSON lines of ``out``, refusing NaN and Infinity (not JSON, whatever Python says)."""

    def refuse(token: str) -> None:
        raise AssertionError(f"{token} in JSON output")

    return [json.loads(line, parse_constant=refuse) for line in out.splitlines() if line]


@pytest.fixture(scope="module")
def side_views(shared_samples: Path) -> list[Path]:
    folder = shared_samples / "sideview"
    with open(folder / "labels.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {row["view"] for row in rows} == {"side"}
    return [folder / row["path"] for row in rows]


@pytest.fixture(scope="module")
def stills_jsonl(side_views: list[Path], tmp_path_factory) -> list[dict]:
    home = tmp_path_factory.mktemp("home")
    proc = run_process("analyze", "--stills", "--format", "jsonl", *side_views, env_home=home)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return strict_records(proc.stdout)


def test_every_side_view_picture_is_unknown_or_away(side_views, stills_jsonl) -> None:
    assert len(side_views) == 27
    assert [Path(r["source"]) for r in stills_jsonl] == side_views
    judged = {r["name"]: r["state"] for r in stills_jsonl if r["state"] not in ABSTAINED}
    assert judged == {}
    assert all(r["raw_state"] in ABSTAINED for r in stills_jsonl)
    # the model does see these people; it is the view, not an empty chair, that abstains
    assert sum(r["person"] for r in stills_jsonl) >= 20


def test_side_view_table_counts_every_picture_as_unknown_or_away(
    side_views, stills_jsonl, tmp_path
) -> None:
    proc = run_process("analyze", "--stills", "--format", "table", *side_views, env_home=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    rows = [line.strip() for line in proc.stdout.splitlines() if "in all:" in line]
    assert len(rows) == 27
    assert all(row.startswith("in all: upright 0, slouch 0,") for row in rows), rows
    unknown = sum(row.endswith("unknown 1") for row in rows)
    assert unknown == sum(r["state"] == "unknown" for r in stills_jsonl)


def test_analyze_prints_nothing_but_its_own_lines_on_stderr(side_views, tmp_path) -> None:
    # MediaPipe logs from C++ while its graph starts and stops; none of that may show
    proc = run_process("analyze", "--stills", *side_views[:3], env_home=tmp_path)
    assert proc.returncode == 0
    assert [ln for ln in proc.stderr.splitlines() if not ln.startswith("note:")] == []


def letterboxed(picture: np.ndarray, width: int = 640, height: int = 480) -> np.ndarray:
    """``picture`` shrunk to fit ``width`` x ``height`` and centred on grey, not stretched."""
    scale = min(width / picture.shape[1], height / picture.shape[0])
    small = cv2.resize(picture, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    canvas = np.full((height, width, 3), 40, np.uint8)
    top, left = (height - small.shape[0]) // 2, (width - small.shape[1]) // 2
    canvas[top : top + small.shape[0], left : left + small.shape[1]] = small
    return canvas


def test_a_video_of_side_views_is_unknown_throughout(side_views, tmp_path) -> None:
    video = tmp_path / "side.mp4"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter.fourcc(*"mp4v"), 2.0, (640, 480))
    assert writer.isOpened(), "this OpenCV build cannot encode mp4v"
    for path in side_views:
        canvas = letterboxed(cv2.imread(str(path)))
        writer.write(canvas)
        writer.write(canvas)  # each picture held one second
    writer.release()

    result = run_cli("analyze", video, "--format", "jsonl")
    assert result.code == 0, result.err
    records = strict_records(result.out)
    frames = [r for r in records if "frame" in r]
    assert len(frames) == 2 * len(side_views)
    assert {r["state"] for r in frames} <= ABSTAINED
    (summary,) = [r for r in records if "summary" in r]
    assert summary["alerts"] == []
    seconds = summary["summary"]
    assert seconds["seconds_upright"] == seconds["seconds_slouch"] == 0.0
    assert seconds["seconds_unknown"] + seconds["seconds_away"] == pytest.approx(27.0)

    table = run_cli("analyze", video, "--format", "table")
    assert table.code == 0, table.err
    assert "nudges the tray would show: none" in table.out
    assert "unknown" in table.out


@pytest.fixture
def nan_recording(tmp_path) -> Path:
    """The repository's recorded session with some frames' landmarks turned into NaN."""
    lines = (SAMPLES_DIR / "slouchingornot-high.jsonl").read_text().splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        obj = json.loads(line)
        if obj["frame"] in NAN_FRAMES:
            obj["image"] = [[math.nan] * 5 for _ in obj["image"]]
            obj["world"] = [[math.nan] * 5 for _ in obj["world"]]
        elif obj["frame"] == NAN_SHOULDER_FRAME:
            for row in (11, 12):  # left and right shoulder
                obj["image"][row] = [math.nan] * 5
                obj["world"][row] = [math.nan] * 5
        out.append(json.dumps(obj))  # Python writes NaN, as a damaged file might hold it
    path = tmp_path / "nan.jsonl"
    path.write_text("\n".join(out) + "\n")
    return path


def test_nan_landmarks_in_a_recording_are_unknown_frames(nan_recording) -> None:
    result = run_cli("analyze", nan_recording, "--format", "jsonl")
    assert result.code == 0, result.err
    frames = [r for r in strict_records(result.out) if "frame" in r]
    assert len(frames) == 29
    damaged = {*NAN_FRAMES, NAN_SHOULDER_FRAME}
    for r in frames:
        if r["frame"] in damaged:
            assert (r["person"], r["raw_state"], r["state"]) == (True, "unknown", "unknown")
            assert r["raw_score"] is None  # NaN is no JSON number: null
        else:
            assert r["raw_state"] in {"upright", "slouch"}, r["frame"]

    table = run_cli("analyze", nan_recording, "--format", "table")
    assert table.code == 0, table.err
    assert "Traceback" not in table.err
    assert "unknown" in table.out and "frames: 29, person found in 29" in table.out
