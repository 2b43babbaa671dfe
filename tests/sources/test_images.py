"""ImageSource and FolderSource on real pictures, EXIF rotation and broken input."""

import shutil
import struct
from pathlib import Path

import cv2
import numpy as np
import pytest

from posture_watch.errors import FrameError, SourceError
from posture_watch.sources import FolderSource, ImageSource
from posture_watch.sources.images import natural_key


def jpeg_with_orientation(image: np.ndarray, orientation: int) -> bytes:
    """Encode ``image`` as JPEG and insert a minimal EXIF APP1 segment after SOI."""
    ok, encoded = cv2.imencode(".jpg", image)
    assert ok
    # Big-endian TIFF header, one IFD with one entry: Orientation (0x0112), SHORT, count 1.
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8)
    tiff += struct.pack(">H", 1) + struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0)
    tiff += struct.pack(">I", 0)
    payload = b"Exif\x00\x00" + tiff
    app1 = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    data = encoded.tobytes()
    return data[:2] + app1 + data[2:]


def test_image_source_jpg(sample_jpgs: list[Path]) -> None:
    with ImageSource(sample_jpgs[0]) as source:
        frames = list(source)
    assert source.label == str(sample_jpgs[0])
    assert (source.is_sequence, source.has_pixels) == (False, True)
    assert len(frames) == 1
    frame = frames[0]
    assert (frame.index, frame.t, frame.name) == (0, 0.0, sample_jpgs[0].name)
    assert frame.image is not None
    assert frame.image.shape == (224, 224, 3)
    assert frame.image.dtype == np.uint8


def test_image_source_png(sample_png: Path) -> None:
    expected = cv2.imread(str(sample_png), cv2.IMREAD_COLOR).shape
    frames = list(ImageSource(str(sample_png)))
    assert len(frames) == 1
    assert frames[0].image is not None
    assert frames[0].image.shape == expected
    assert frames[0].image.shape[2] == 3


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    wide = np.zeros((40, 80, 3), np.uint8)
    wide[:, :40] = 255  # left half white, so the rotation direction is visible too
    path = tmp_path / "sideways.jpg"
    path.write_bytes(jpeg_with_orientation(wide, 6))  # 6 = rotate 90° clockwise to view
    (frame,) = ImageSource(path)
    assert frame.image is not None
    assert frame.image.shape == (80, 40, 3)
    # After a clockwise turn the former left half is the top half.
    assert frame.image[:30].mean() > 200
    assert frame.image[50:].mean() < 50


def test_non_ascii_path(tmp_path: Path, sample_jpgs: list[Path]) -> None:
    folder = tmp_path / "Bilder ü 写真"
    folder.mkdir()
    target = folder / "haltung é.jpg"
    shutil.copy(sample_jpgs[0], target)
    (frame,) = ImageSource(target)
    assert frame.image is not None
    assert frame.image.shape == (224, 224, 3)


def test_natural_key_orders_numbers_by_value() -> None:
    names = ["img10.jpg", "IMG2.jpg", "img1.jpg", "a.jpg", "img2b.jpg"]
    assert sorted(names, key=natural_key) == [
        "a.jpg",
        "img1.jpg",
        "IMG2.jpg",
        "img2b.jpg",
        "img10.jpg",
    ]


def test_folder_natural_order_and_timing(tmp_path: Path, sample_jpgs: list[Path]) -> None:
    for name, source in zip(["2.jpg", "10.jpg", "1.jpg"], sample_jpgs, strict=True):
        shutil.copy(source, tmp_path / name)
    (tmp_path / ".hidden.jpg").write_bytes(b"not looked at")
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / "sub").mkdir()
    with FolderSource(tmp_path, fps=0.5) as source:
        frames = list(source)
    assert source.is_sequence and source.has_pixels
    assert [f.name for f in frames] == ["1.jpg", "2.jpg", "10.jpg"]
    assert [f.index for f in frames] == [0, 1, 2]
    assert [f.t for f in frames] == [0.0, 2.0, 4.0]
    assert all(f.image is not None and f.image.shape == (224, 224, 3) for f in frames)


def test_folder_stills_is_not_a_sequence(tmp_path: Path, sample_png: Path) -> None:
    shutil.copy(sample_png, tmp_path / "a.png")
    assert not FolderSource(tmp_path, stills=True).is_sequence


@pytest.mark.parametrize("fps", [0, -1.0, float("nan")])
def test_folder_rejects_bad_fps(tmp_path: Path, sample_png: Path, fps: float) -> None:
    shutil.copy(sample_png, tmp_path / "a.png")
    with pytest.raises(SourceError, match="frame rate must be positive"):
        FolderSource(tmp_path, fps=fps)


def test_corrupt_image(tmp_path: Path, junk: bytes) -> None:
    path = tmp_path / "broken.jpg"
    path.write_bytes(junk)
    with pytest.raises(FrameError) as info:
        ImageSource(path)
    assert str(info.value) == f"{path}: cannot decode image (corrupt or not an image)"


def test_truncated_jpeg(tmp_path: Path, sample_jpgs: list[Path]) -> None:
    path = tmp_path / "cut.jpg"
    path.write_bytes(sample_jpgs[0].read_bytes()[:300])
    with pytest.raises(SourceError, match="cannot decode image"):
        ImageSource(path)


def test_missing_image(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.jpg"
    with pytest.raises(SourceError) as info:
        ImageSource(path)
    assert str(info.value) == f"{path}: no such file or folder"


def test_missing_folder(tmp_path: Path) -> None:
    path = tmp_path / "nowhere"
    with pytest.raises(SourceError, match="no such file or folder"):
        FolderSource(path)


def test_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("no pictures here")
    with pytest.raises(SourceError) as info:
        FolderSource(tmp_path)
    assert str(tmp_path) in str(info.value)
    assert "no images in folder" in str(info.value)


def test_folder_whose_only_image_is_corrupt(tmp_path: Path, junk: bytes) -> None:
    (tmp_path / "only.jpg").write_bytes(junk)
    with pytest.raises(FrameError) as info:
        FolderSource(tmp_path)
    assert str(tmp_path / "only.jpg") in str(info.value)
    assert "cannot decode image" in str(info.value)


def test_corrupt_image_later_in_folder_is_named(tmp_path: Path, sample_jpgs: list[Path]) -> None:
    shutil.copy(sample_jpgs[0], tmp_path / "1.jpg")
    (tmp_path / "2.jpg").write_bytes(sample_jpgs[1].read_bytes()[:300])  # valid header
    source = FolderSource(tmp_path)
    frames = iter(source)
    assert next(frames).name == "1.jpg"
    with pytest.raises(FrameError, match=r"2\.jpg: cannot decode image"):
        next(frames)


def test_folder_sample_predicate_skips_pictures(tmp_path: Path, sample_jpgs: list[Path]) -> None:
    import shutil

    for i, p in enumerate(sample_jpgs[:3]):
        shutil.copy(p, tmp_path / f"{i}.jpg")
    from posture_watch.sources import FolderSource

    source = FolderSource(tmp_path, fps=1.0)
    assert [f.index for f in source.frames(lambda t: t in (0.0, 2.0))] == [0, 2]
    assert [f.index for f in source] == [0, 1, 2]  # the predicate is per call, not kept


def folder_of_three(folder: Path, sample_jpgs: list[Path]) -> Path:
    """``1.jpg`` to ``3.jpg`` from real pictures; ``2.jpg`` truncated after 300 bytes, so its
    header still looks like a JPEG and only decoding finds the damage."""
    shutil.copy(sample_jpgs[0], folder / "1.jpg")
    (folder / "2.jpg").write_bytes(sample_jpgs[1].read_bytes()[:300])
    shutil.copy(sample_jpgs[2], folder / "3.jpg")
    return folder


def test_damaged_picture_is_reported_and_skipped_with_on_bad_frame(
    tmp_path: Path, sample_jpgs: list[Path]
) -> None:
    source = FolderSource(folder_of_three(tmp_path, sample_jpgs), fps=1.0)
    reported: list[FrameError] = []
    frames = list(source.frames(on_bad_frame=reported.append))
    assert [(f.name, f.t) for f in frames] == [("1.jpg", 0.0), ("3.jpg", 2.0)]
    assert all(f.image is not None and f.image.shape == (224, 224, 3) for f in frames)
    (error,) = reported
    assert str(error) == f"{tmp_path / '2.jpg'}: cannot decode image (corrupt or not an image)"


def test_without_on_bad_frame_a_damaged_picture_ends_that_pass_only(
    tmp_path: Path, sample_jpgs: list[Path]
) -> None:
    source = FolderSource(folder_of_three(tmp_path, sample_jpgs))
    with pytest.raises(FrameError):
        list(source)
    # the source itself is still usable: a new pass that skips the picture reads the rest
    assert [f.name for f in source.frames(lambda t: t != 0.5)] == ["1.jpg", "3.jpg"]


def test_a_picture_sampled_out_is_never_decoded_so_never_reported(
    tmp_path: Path, sample_jpgs: list[Path]
) -> None:
    source = FolderSource(folder_of_three(tmp_path, sample_jpgs), fps=1.0)
    reported: list[FrameError] = []
    frames = list(source.frames(lambda t: t != 1.0, reported.append))
    assert [f.name for f in frames] == ["1.jpg", "3.jpg"]
    assert reported == []


def test_picture_removed_after_opening_is_a_source_error_not_a_frame_error(
    tmp_path: Path, sample_jpgs: list[Path]
) -> None:
    for i in range(3):
        shutil.copy(sample_jpgs[i], tmp_path / f"{i}.jpg")
    source = FolderSource(tmp_path)
    (tmp_path / "1.jpg").unlink()
    reported: list[FrameError] = []
    frames = source.frames(on_bad_frame=reported.append)
    assert next(frames).name == "0.jpg"
    with pytest.raises(SourceError) as info:
        next(frames)
    assert not isinstance(info.value, FrameError)  # a consumer may retry the whole folder
    assert "1.jpg: cannot read" in str(info.value)
    assert reported == []


def test_folder_renamed_after_opening_is_a_source_error(
    tmp_path: Path, sample_jpgs: list[Path]
) -> None:
    folder = tmp_path / "shots"
    folder.mkdir()
    shutil.copy(sample_jpgs[0], folder / "a.jpg")
    source = FolderSource(folder)
    folder.rename(tmp_path / "moved")
    with pytest.raises(SourceError) as info:
        list(source.frames(on_bad_frame=lambda error: None))
    assert not isinstance(info.value, FrameError)
    with pytest.raises(SourceError, match="no such file or folder") as reopened:
        FolderSource(folder)
    assert not isinstance(reopened.value, FrameError)


def test_single_image_applies_the_sample_predicate(sample_jpgs: list[Path]) -> None:
    source = ImageSource(sample_jpgs[0])
    asked: list[float] = []
    assert list(source.frames(lambda t: asked.append(t) or False)) == []
    assert asked == [0.0]
    assert [f.t for f in source.frames(lambda t: True)] == [0.0]
