"""``analyze FOLDER``: pictures are stills, each judged alone, unless their names are a
numbered frame sequence (issue 17: three unrelated pictures read "upright 1 s 100 %").

Real pictures from the shared samples, copied into temporary folders under new names.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from posture_watch.sources.images import FolderSource, is_numbered_sequence
from tests.harness.cli import run_cli
from tests.harness.samples import Sample


@pytest.mark.parametrize(
    ("names", "numbered"),
    [
        (["frame_0001.png", "frame_0002.png", "frame_0003.png"], True),
        (["0009.jpg", "0010.jpg", "0011.jpg"], True),
        (["Frame7.JPG", "frame8.jpg"], True),  # case does not make two prefixes
        (["bad_posture.png", "good_posture.png", "setup.png"], False),
        (["IMG_2041.jpg", "IMG_2057.jpg"], False),  # gaps: separate shots
        (["frame_1.png", "frame_2.jpg"], False),  # two suffixes
        (["a1.png", "b2.png"], False),  # two prefixes
        (["frame_0001.png"], False),  # one picture is a still
    ],
)
def test_numbered_sequences_are_told_from_unrelated_pictures(names, numbered):
    assert is_numbered_sequence(names) is numbered


def pictures(samples: dict[str, list[Sample]]) -> list[Path]:
    """Three unrelated pictures: one from each of three sessions."""
    sessions = ("hcpostureguard", "slouchingornot/high", "slouchingornot/middle")
    return [samples[name][0].path for name in sessions]


def copy_as(files: list[Path], folder: Path, names: list[str]) -> Path:
    folder.mkdir()
    for file, name in zip(files, names, strict=True):
        shutil.copyfile(file, folder / name)
    return folder


def test_a_folder_of_unrelated_pictures_is_judged_picture_by_picture(tmp_path, samples):
    files = pictures(samples)
    names = [f"{kind}{f.suffix}" for kind, f in zip(("desk", "me", "setup"), files, strict=True)]
    folder = copy_as(files, tmp_path / "pictures", names)
    assert not FolderSource(folder, stills=None).is_sequence

    table = run_cli("analyze", folder, "--uncalibrated", "--format", "table")
    assert table.code == 0, table.err
    assert f"{folder}\n  3 pictures, person found in " in table.out
    assert "100.0%" not in table.out and " 1 s " not in table.out  # no second of video
    assert "frames:" not in table.out and "numbered" not in table.err
    assert {line.split()[0] for line in table.out.splitlines()[5:8]} == set(names)

    records = run_cli("analyze", folder, "--uncalibrated").records()
    assert [r.get("name") for r in records] == sorted(names)
    assert not any("summary" in r for r in records)  # stills have no time summary


def test_numbered_frames_stay_a_video_at_their_fps_unless_stills(tmp_path, samples):
    session = [s.path for s in samples["slouchingornot/middle"][:4]]
    names = [f"frame_{i:04d}.jpg" for i in range(1, 5)]
    folder = copy_as(session, tmp_path / "frames", names)

    video = run_cli("analyze", folder, "--uncalibrated", "--fps", 4, "--format", "table")
    assert video.code == 0, video.err
    assert "numbered pictures, analysed as a video at 4 fps" in video.err
    assert f"{folder}\n  frames: 4, person found in " in video.out
    records = run_cli("analyze", folder, "--uncalibrated", "--fps", 4).records()
    assert [r["t"] for r in records[:4]] == [0.0, 0.25, 0.5, 0.75]
    assert "summary" in records[-1]

    stills = run_cli("analyze", folder, "--uncalibrated", "--stills", "--format", "table")
    assert f"{folder}\n  4 pictures, person found in " in stills.out
    assert "numbered" not in stills.err
