"""ImageSource and FolderSource on real pictures, EXIF rotation and broken input."""

import shutil
import struct
from pathlib import Path

import cv2
import numpy as np
import pytest

from posture_watch.errors import SourceError
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
    with pytest.raises(SourceError) as info:
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
    with pytest.raises(SourceError) as info:
        FolderSource(tmp_path)
    assert str(tmp_path / "only.jpg") in str(info.value)
    assert "cannot decode image" in str(info.value)


def test_corrupt_image_later_in_folder_is_named(tmp_path: Path, sample_jpgs: list[Path]) -> None:
    shutil.copy(sample_jpgs[0], tmp_path / "1.jpg")
    (tmp_path / "2.jpg").write_bytes(sample_jpgs[1].read_bytes()[:300])  # valid header
    source = FolderSource(tmp_path)
    frames = iter(source)
    assert next(frames).name == "1.jpg"
    with pytest.raises(SourceError, match=r"2\.jpg: cannot decode image"):
        next(frames)


def test_folder_sample_predicate_skips_pictures(tmp_path: Path, sample_jpgs: list[Path]) -> None:
    import shutil

    for i, p in enumerate(sample_jpgs[:3]):
        shutil.copy(p, tmp_path / f"{i}.jpg")
    from posture_watch.sources import FolderSource

    source = FolderSource(tmp_path, fps=1.0)
    source.sample = lambda t: t in (0.0, 2.0)
    assert [f.index for f in source] == [0, 2]
