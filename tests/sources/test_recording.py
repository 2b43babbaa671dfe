"""RecordingWriter → RecordingSource round trip, atomic writing, and damaged files."""

import json
from pathlib import Path

import numpy as np
import pytest

from posture_watch.core.landmarks import Landmarks
from posture_watch.errors import SourceError
from posture_watch.sources import RecordingSource, RecordingWriter

HEADER = {"format": "posture-watch-landmarks", "version": 1, "source": "camera 0", "fps": 2.0}


def random_landmarks(rng: np.random.Generator) -> Landmarks:
    return Landmarks(image=rng.random((33, 5)), world=rng.random((33, 5)), width=640, height=480)


def person_line(frame: int, t: float) -> dict:
    lm = random_landmarks(np.random.default_rng(frame))
    return {"frame": frame, "t": t, "name": "", "person": True, **lm.to_json()}


def write_lines(path: Path, lines: list[object]) -> Path:
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def test_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(42)
    written = [random_landmarks(rng), None, random_landmarks(rng)]
    path = tmp_path / "session.jsonl"
    with RecordingWriter(path, "camera 0", 2.0) as writer:
        for i, lm in enumerate(written):
            writer.write(i, i * 0.5, f"f{i}.jpg", lm)
    assert [p.name for p in tmp_path.iterdir()] == ["session.jsonl"]

    with RecordingSource(path) as source:
        frames = list(source)
    assert (source.is_sequence, source.has_pixels) == (True, False)
    assert (source.recorded_from, source.fps, source.label) == ("camera 0", 2.0, str(path))
    assert [(f.index, f.t, f.name) for f in frames] == [
        (0, 0.0, "f0.jpg"),
        (1, 0.5, "f1.jpg"),
        (2, 1.0, "f2.jpg"),
    ]
    assert all(f.image is None for f in frames)
    assert frames[1].landmarks is None
    for frame, lm in zip(frames, written, strict=True):
        if lm is not None:
            assert frame.landmarks is not None
            assert (frame.landmarks.width, frame.landmarks.height) == (640, 480)
            np.testing.assert_allclose(frame.landmarks.image, lm.image, atol=1e-6)
            np.testing.assert_allclose(frame.landmarks.world, lm.world, atol=1e-6)


def test_header_and_no_person_lines_match_the_format(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    with RecordingWriter(path, "clip.mp4", None) as writer:
        writer.write(0, 0.0, "", None)
    header, line = (json.loads(x) for x in path.read_text().splitlines())
    assert header == {**HEADER, "source": "clip.mp4", "fps": None}
    assert line == {"frame": 0, "t": 0.0, "name": "", "person": False}


def test_exception_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "failed.jsonl"
    with pytest.raises(RuntimeError), RecordingWriter(path, "camera 0", 2.0) as writer:
        writer.write(0, 0.0, "", None)
        raise RuntimeError("the pipeline broke")
    assert list(tmp_path.iterdir()) == []


def test_failed_run_keeps_the_earlier_recording(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "keep.jsonl", [HEADER, person_line(0, 0.0)])
    before = path.read_text()
    writer = RecordingWriter(path, "camera 0", 2.0)
    writer.write(0, 0.0, "", None)
    writer.discard()
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.jsonl"]


def test_writer_refuses_decreasing_time(tmp_path: Path) -> None:
    with RecordingWriter(tmp_path / "r.jsonl", "camera 0", None) as writer:
        writer.write(0, 1.0, "", None)
        with pytest.raises(ValueError, match="non-decreasing"):
            writer.write(1, 0.5, "", None)


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        ([person_line(0, 0.0)], "line 1: missing header"),
        ([{**HEADER, "version": 9}, person_line(0, 0.0)], "line 1: unsupported version 9"),
        ([HEADER, "oops"], "line 2: expected a JSON object"),
        ([HEADER, {"frame": -1, "t": 0, "person": False}], 'line 2: "frame" must be a non-neg'),
        ([HEADER, person_line(0, 0.0), {"frame": 1, "t": "soon", "person": False}], "line 3"),
        ([HEADER, {"frame": 0, "t": 0, "person": "yes"}], 'line 2: "person" must be'),
        ([HEADER, {"frame": 0, "t": 0, "person": True}], "line 2: person frame without 'size'"),
        (
            [HEADER, {**person_line(0, 0.0), "image": [[0.0] * 5] * 32}],
            r"line 2: bad landmarks \(image landmarks must have shape \(33, 5\)",
        ),
        (
            [HEADER, person_line(0, 1.0), person_line(1, 0.5)],
            "line 3: timestamp 0.5 is earlier than the previous one",
        ),
        ([HEADER], "recording has no frames"),
    ],
)
def test_damaged_recordings(tmp_path: Path, lines: list[object], reason: str) -> None:
    path = write_lines(tmp_path / "bad.jsonl", lines)
    with pytest.raises(SourceError, match=reason) as info:
        RecordingSource(path)
    assert str(info.value).startswith(f"{path}: ")


def test_not_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(HEADER) + "\n{frame: 0,\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r": line 2: not valid JSON") as info:
        RecordingSource(path)
    assert str(path) in str(info.value)


def test_empty_and_binary_files(tmp_path: Path, junk: bytes) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.touch()
    with pytest.raises(SourceError, match="line 1: missing header"):
        RecordingSource(empty)
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(junk)
    with pytest.raises(SourceError, match=r"binary\.jsonl: (not a text file|line 1)"):
        RecordingSource(binary)


def test_missing_recording(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file or folder"):
        RecordingSource(tmp_path / "none.jsonl")


def test_frames_applies_the_sample_predicate(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "r.jsonl", [HEADER, *(person_line(i, i * 0.5) for i in range(5))])
    source = RecordingSource(path)
    kept = list(source.frames(lambda t: t in (0.5, 1.5), on_bad_frame=lambda error: None))
    assert [(f.index, f.t) for f in kept] == [(1, 0.5), (3, 1.5)]
    assert [f.index for f in source] == [0, 1, 2, 3, 4]
