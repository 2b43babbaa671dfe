"""open_source picks the source type from the spec; every source speaks the same frames()."""

import inspect
import shutil
from pathlib import Path

import pytest

from posture_watch.errors import CameraError, SourceError
from posture_watch.sources import (
    CameraSource,
    FolderSource,
    ImageSource,
    RecordingSource,
    RecordingWriter,
    VideoSource,
    open_source,
)


def test_dispatch(tmp_path: Path, sample_jpgs: list[Path], sample_video: Path) -> None:
    image = tmp_path / "photo.JPG"
    shutil.copy(sample_jpgs[0], image)
    recording = tmp_path / "s.jsonl"
    with RecordingWriter(recording, "camera 0", 2.0) as writer:
        writer.write(0, 0.0, "", None)

    assert isinstance(open_source(str(image)), ImageSource)
    assert isinstance(open_source(recording), RecordingSource)
    assert isinstance(open_source(str(sample_video)), VideoSource)
    folder = open_source(tmp_path, fps=4.0, stills=True)
    assert isinstance(folder, FolderSource)
    assert (folder.fps, folder.is_sequence) == (4.0, False)
    video = open_source(sample_video, target_fps=1.0)
    assert [f.index for f in video] == [0, 10]


def test_digits_mean_a_camera() -> None:
    with pytest.raises(CameraError, match=r"^camera 7: cannot open"):
        open_source("7")


def test_label_is_the_spec_as_given(sample_jpgs: list[Path]) -> None:
    spec = str(sample_jpgs[0])
    assert open_source(spec).label == spec


@pytest.mark.parametrize("name", ["missing.mp4", "missing.png", "missing.jsonl", "missing"])
def test_missing_paths(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    with pytest.raises(SourceError) as info:
        open_source(str(path))
    assert str(info.value) == f"{path}: no such file or folder"


@pytest.mark.parametrize(
    "source_type", [CameraSource, VideoSource, ImageSource, FolderSource, RecordingSource]
)
def test_every_source_declares_frames_with_sample_and_on_bad_frame(source_type: type) -> None:
    # the monitor calls frames(sample, on_bad_frame=...) on whatever open_source returns
    params = inspect.signature(source_type.frames).parameters
    assert list(params)[:3] == ["self", "sample", "on_bad_frame"]
    assert params["sample"].default is None and params["on_bad_frame"].default is None


def test_every_opened_source_yields_just_the_sampled_frames(
    tmp_path: Path, sample_jpgs: list[Path], sample_video: Path
) -> None:
    folder = tmp_path / "pics"
    folder.mkdir()
    for i, p in enumerate(sample_jpgs):
        shutil.copy(p, folder / f"{i}.jpg")
    recording = tmp_path / "s.jsonl"
    with RecordingWriter(recording, "camera 0", 2.0) as writer:
        for i in range(4):
            writer.write(i, i * 0.5, "", None)
    for spec in (sample_jpgs[0], folder, sample_video, recording):
        with open_source(spec, fps=2.0) as source:
            assert not hasattr(source, "sample")  # a declared argument, not an attribute
            every = [f.t for f in source]
            kept = [f.t for f in source.frames(lambda t: t < 0.4)]
            assert kept == [t for t in every if t < 0.4], spec
            assert [f.t for f in source.frames(on_bad_frame=print)] == every, spec
