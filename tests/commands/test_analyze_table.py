"""``analyze --stills --format table`` on a folder names every picture (issue 11, item 11).

Real pictures from the shared samples, copied into a temporary folder with a picture of an
empty room; the table's rows are checked against the ``jsonl`` output of the same run,
which is the documented per-frame interface.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import numpy as np

from tests.harness.cli import run_cli
from tests.harness.samples import Sample


def stills_folder(tmp_path: Path, samples: dict[str, list[Sample]]) -> Path:
    """Two upright and two slouching pictures of one session, and an empty room."""
    folder = tmp_path / "pictures"
    folder.mkdir()
    session = samples["slouchingornot/middle"]
    for label in ("upright", "slouch"):
        for i, sample in enumerate([s for s in session if s.label == label][:2]):
            shutil.copyfile(sample.path, folder / f"{label}-{i}{sample.path.suffix}")
    cv2.imwrite(str(folder / "empty-room.png"), np.full((480, 640, 3), 128, np.uint8))
    return folder


def table_rows(out: str) -> tuple[list[list[str]], str]:
    """The picture rows (name, state, score[, reason]) and the counts line of one source."""
    lines = out.splitlines()
    header = next(i for i, ln in enumerate(lines) if ln.split()[:2] == ["picture", "state"])
    counts = next(i for i, ln in enumerate(lines) if ln.startswith("  in all: "))
    rows = [ln.split(maxsplit=3) for ln in lines[header + 1 : counts]]
    return rows, lines[counts]


def test_the_table_has_one_row_per_picture_agreeing_with_jsonl(tmp_path, samples):
    folder = stills_folder(tmp_path, samples)
    table = run_cli("analyze", folder, "--stills", "--uncalibrated", "--format", "table")
    assert table.code == 0, table.err
    assert f"{folder}\n  5 pictures, person found in 4\n" in table.out
    rows, counts = table_rows(table.out)

    records = run_cli("analyze", folder, "--stills", "--uncalibrated").records()
    expected = []
    for rec in records:
        score = "-" if rec["slouch_score"] is None else f"{rec['slouch_score']:.2f}"
        expected.append([rec["name"], rec["state"], score, *filter(None, [rec["reason"]])])
    assert rows == expected
    assert [row[0] for row in rows] == [
        "empty-room.png",
        "slouch-0.jpg",
        "slouch-1.jpg",
        "upright-0.jpg",
        "upright-1.jpg",
    ]
    assert rows[0][1:] == ["away", "-"]  # nobody there: no score, not "unknown"

    states = [row[1] for row in rows]
    wanted = {s: states.count(s) for s in ("upright", "slouch", "away", "unknown")}
    assert counts == "  in all: " + ", ".join(f"{s} {n}" for s, n in wanted.items())


def test_a_single_picture_is_one_row(tmp_path, samples):
    picture = samples["slouchingornot/middle"][0].path
    copy = tmp_path / "me.jpg"
    shutil.copyfile(picture, copy)
    table = run_cli("analyze", copy, "--uncalibrated", "--format", "table")
    assert table.code == 0, table.err
    rows, counts = table_rows(table.out)
    assert [row[0] for row in rows] == ["me.jpg"]
    assert "  1 picture, person found in 1\n" in table.out
    (state,) = [row[1] for row in rows]
    assert counts.count(" 1") == 1 and f"{state} 1" in counts
