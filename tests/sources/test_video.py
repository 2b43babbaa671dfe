"""VideoSource on a clip encoded from the sample pictures, and on broken files."""

from pathlib import Path

import pytest

from posture_watch.errors import SourceError
from posture_watch.sources import VideoSource

UNREADABLE = "cannot read video (empty, corrupt or unsupported format)"


def test_reads_every_frame_with_container_timestamps(sample_video: Path) -> None:
    with VideoSource(sample_video) as source:
        frames = list(source)
        assert source.fps == pytest.approx(10.0)
    assert source.is_sequence and source.has_pixels
    assert len(frames) == 20
    assert [f.index for f in frames] == list(range(20))
    assert [f.t for f in frames] == pytest.approx([i / 10 for i in range(20)])
    assert {f.image.shape for f in frames if f.image is not None} == {(480, 640, 3)}
    assert all(f.name == "clip.mp4" for f in frames)


@pytest.mark.parametrize(
    ("target_fps", "indices"),
    [(2.5, [0, 4, 8, 12, 16]), (2.0, [0, 5, 10, 15]), (1.0, [0, 10]), (50.0, list(range(20)))],
)
def test_target_fps_keeps_frames_nearest_the_ticks(
    sample_video: Path, target_fps: float, indices: list[int]
) -> None:
    frames = list(VideoSource(str(sample_video), target_fps=target_fps))
    assert [f.index for f in frames] == indices
    assert [f.t for f in frames] == pytest.approx([i / 10 for i in indices])
    assert all(f.image is not None for f in frames)


def test_second_pass_starts_from_the_top(sample_video: Path) -> None:
    source = VideoSource(sample_video, target_fps=1.0)
    assert [f.index for f in source] == [0, 10]
    assert [f.index for f in source] == [0, 10]
    source.close()
    source.close()


def test_bad_target_fps(sample_video: Path) -> None:
    with pytest.raises(SourceError, match="frame rate must be positive"):
        VideoSource(sample_video, target_fps=0)


def test_zero_byte_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.mp4"
    path.touch()
    with pytest.raises(SourceError) as info:
        VideoSource(path)
    assert str(info.value) == f"{path}: {UNREADABLE}"


def test_text_file_named_mp4(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp4"
    path.write_text("this is not a video\n" * 20)
    with pytest.raises(SourceError) as info:
        VideoSource(path)
    assert str(info.value) == f"{path}: {UNREADABLE}"


def test_junk_bytes_named_avi(tmp_path: Path, junk: bytes) -> None:
    path = tmp_path / "junk.avi"
    path.write_bytes(junk)
    with pytest.raises(SourceError, match="cannot read video"):
        VideoSource(path)


def test_missing_video(tmp_path: Path) -> None:
    path = tmp_path / "gone.mp4"
    with pytest.raises(SourceError) as info:
        VideoSource(path)
    assert str(info.value) == f"{path}: no such file or folder"


def test_sample_predicate_decides_per_frame_which_frames_are_decoded(sample_video: Path) -> None:
    asked: list[float] = []

    def every_third_second_half(t: float) -> bool:
        asked.append(t)
        return t >= 1.0 and round(t * 10) % 3 == 0

    source = VideoSource(sample_video)
    frames = list(source.frames(every_third_second_half))
    assert [f.index for f in frames] == [12, 15, 18]
    assert len(asked) == 20  # every frame was grabbed and offered, only three decoded


def test_a_motion_jpeg_video_is_read_raw_and_each_kept_frame_decoded_alone(
    tmp_path: Path,
) -> None:
    """Issue 21: frames the monitor skips cost a demux, not a decode, as a webcam's do."""
    import cv2
    import numpy as np

    path = tmp_path / "webcam.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 10.0, (64, 48))
    for i in range(10):
        writer.write(np.full((48, 64, 3), 20 * i, np.uint8))
    writer.release()
    source = VideoSource(path)
    assert source.raw
    frames = list(source.frames(sample=lambda t: round(t * 10) % 3 == 0))
    assert [f.index for f in frames] == [0, 3, 6, 9]
    for frame in frames:
        assert frame.image is not None and frame.image.shape == (48, 64, 3)
        assert abs(float(frame.image.mean()) - 20 * frame.index) < 2
    source.close()
