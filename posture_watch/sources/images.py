"""Still images: one picture (:class:`ImageSource`) or a folder of them (:class:`FolderSource`).

Photos from phones are often stored sideways with an EXIF Orientation tag; pose geometry on
an unrotated picture would measure a lying person. We decode with ``cv2.imdecode`` and
``IMREAD_COLOR``, which applies the EXIF orientation (a test checks this), from bytes read
with ``np.fromfile`` because ``cv2.imread`` cannot open non-ASCII paths on Windows.

The picture's size is read from its header first (Pillow opens lazily: it reads the header
and decodes nothing), and one above :data:`MAX_PIXELS` is refused before any decoding: a
855 KB PNG that says 30000×30000 made OpenCV allocate 5 GB.
"""

from __future__ import annotations

import io
import os
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

from posture_watch.core.text import _
from posture_watch.errors import FrameError, SourceError
from posture_watch.sources._common import SourceMixin, checked_fps, existing_file, label_of
from posture_watch.sources.base import IMAGE_SUFFIXES, BadFrameHandler, Frame, SamplePredicate

#: File suffixes (lower case) treated as still images.

# Leading bytes of the formats above: a cheap check of every file in a folder up front, so
# a text file or random bytes named .jpg is reported before hours of analysis, not after.
_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"BM", b"II*\x00", b"MM\x00*")


#: The largest picture decoded, in pixels: 100 megapixels (a 108 MP phone photo is
#: 12000×9000) is about 300 MB once decoded; anything larger is refused unread.
MAX_PIXELS = 100_000_000


def check_pixels(data: np.ndarray, label: str) -> None:
    """Refuse a picture whose header says more than :data:`MAX_PIXELS`, from the header
    alone. Bytes whose header Pillow cannot read are no picture: OpenCV also sniffs
    formats by content, and one of those must not reach it unmeasured."""
    try:
        with warnings.catch_warnings():  # Pillow's warning above 89 MP: ours is the line
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data.tobytes())) as picture:
                width, height = picture.size
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise _undecodable(label) from exc
    except Image.DecompressionBombError as exc:  # Pillow's own limit, far above ours
        raise _too_large(label, "") from exc
    if width * height > MAX_PIXELS:
        raise _too_large(label, f" ({width}×{height})")


def _too_large(label: str, size: str) -> FrameError:
    return FrameError(
        _(
            "{label}: the picture{size} has more than the {count} megapixels posture-watch reads"
        ).format(label=label, size=size, count=MAX_PIXELS // 1000000)
    )


def decode_image(path: Path, label: str) -> np.ndarray:
    """Read an image file as BGR uint8 (H, W, 3), upright per its EXIF orientation.

    A file that cannot be read (gone, no permission) is a :class:`SourceError`: trying
    again later may work. Bytes that are no picture are a :class:`FrameError`: that one
    frame is damaged, and trying again cannot help.
    """
    try:
        data = np.fromfile(path, dtype=np.uint8)
    except OSError as exc:
        raise SourceError(
            _("{label}: cannot read ({reason})").format(label=label, reason=exc.strerror or exc)
        ) from exc
    check_pixels(data, label)
    try:
        image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    except cv2.error as exc:
        raise _undecodable(label) from exc
    if image is None:
        raise _undecodable(label)
    return image


def _undecodable(label: str) -> FrameError:
    return FrameError(
        _("{label}: cannot decode image (corrupt or not an image)").format(label=label)
    )


def natural_key(name: str) -> tuple:
    """Sort key that orders ``img2`` before ``img10`` (digit runs compare as numbers)."""
    parts = re.split(r"(\d+)", name.casefold())
    # re.split with a group alternates text, digits, text, ... so types line up per slot.
    return (tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), name)


#: A frame's name in a numbered sequence: a prefix, the frame number, the suffix
#: (``frame_0001.png``, ``img7.jpg``, ``0042.png``).
_NUMBERED = re.compile(r"^(.*?)(\d+)(\.[^.]+)$")


def is_numbered_sequence(names: list[str]) -> bool:
    """Whether ``names`` are the frames of one video: at least two, one common prefix and
    suffix, and consecutive numbers (``frame_0001.png``, ``frame_0002.png``...).

    A folder of pictures is otherwise unrelated stills, each judged alone: three photos
    named ``desk.jpg``, ``me.png``, ``IMG_2041.jpg`` are no second of video, and
    ``IMG_2041.jpg``, ``IMG_2057.jpg`` (gaps) are separate shots, not a film.
    """
    found = [_NUMBERED.match(name.casefold()) for name in names]
    if len(found) < 2 or any(m is None for m in found):
        return False
    matches = [m for m in found if m is not None]
    if len({(m.group(1), m.group(3)) for m in matches}) != 1:
        return False
    numbers = sorted(int(m.group(2)) for m in matches)
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def _looks_like_image(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(12)
    is_webp = head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    return is_webp or any(head.startswith(sig) for sig in _SIGNATURES)


class ImageSource(SourceMixin):
    """A single still image: one frame at ``t = 0``.

    The image is decoded on construction, so a corrupt file fails before any processing.
    """

    is_sequence = False
    has_pixels = True

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.label = label_of(path)
        self.path = existing_file(path)
        self._image: np.ndarray | None = decode_image(self.path, self.label)

    def frames(
        self, sample: SamplePredicate | None = None, on_bad_frame: BadFrameHandler | None = None
    ) -> Iterator[Frame]:
        """The one frame, unless ``sample`` rejects ``t = 0``. The picture was decoded on
        construction, so there is no damaged frame to report here."""
        if self._image is not None and (sample is None or sample(0.0)):
            yield Frame(index=0, t=0.0, image=self._image, name=self.path.name)

    def close(self) -> None:
        """Drop the decoded pixels."""
        self._image = None


class FolderSource(SourceMixin):
    """The image files of one folder, in natural name order, timed ``t = i / fps``.

    Not recursive; hidden files (``.name``) are skipped. On construction every file's
    leading bytes are checked and the first image is decoded; each image is then decoded
    only when its frame is reached, so memory stays flat for large folders.

    A picture that does not decode is a :class:`FrameError` naming the file, both on
    construction and while iterating (a file replaced meanwhile); a folder or file that
    cannot be read at all (renamed, removed) is a plain :class:`SourceError`.

    ``stills=True`` marks the folder as unrelated photos rather than a time series
    (``is_sequence`` False), so the pipeline scores each picture on its own;
    ``stills=False`` makes it a time series whatever the names; ``stills=None`` decides
    from the names (:func:`is_numbered_sequence`): a numbered frame sequence is a video at
    ``fps``, anything else is stills.
    """

    has_pixels = True

    def __init__(
        self, path: str | os.PathLike[str], *, fps: float = 2.0, stills: bool | None = False
    ) -> None:
        self.label = label_of(path)
        folder = Path(path)
        if not folder.exists():
            raise SourceError(_("{label}: no such file or folder").format(label=self.label))
        if not folder.is_dir():
            raise SourceError(_("{label}: not a folder").format(label=self.label))
        self.path = folder
        self.fps = checked_fps(self.label, fps)
        self.files = self._list_images(folder)
        if stills is None:
            stills = not is_numbered_sequence([f.name for f in self.files])
        self.is_sequence = not stills
        self.frame_count = len(self.files)
        decode_image(self.files[0], self._file_label(self.files[0]))

    def _list_images(self, folder: Path) -> list[Path]:
        try:
            entries = list(folder.iterdir())
        except OSError as exc:
            raise SourceError(
                _("{label}: cannot list folder ({reason})").format(
                    label=self.label, reason=exc.strerror
                )
            ) from exc
        files = [
            p
            for p in entries
            if p.suffix.lower() in IMAGE_SUFFIXES and not p.name.startswith(".") and p.is_file()
        ]
        if not files:
            suffixes = ", ".join(sorted(s.lstrip(".") for s in IMAGE_SUFFIXES))
            raise SourceError(
                _("{label}: no images in folder (looked for {suffixes})").format(
                    label=self.label, suffixes=suffixes
                )
            )
        files.sort(key=lambda p: natural_key(p.name))
        for file in files:
            try:
                ok = _looks_like_image(file)
            except OSError as exc:
                raise SourceError(
                    _("{file}: cannot read ({reason})").format(
                        file=self._file_label(file), reason=exc.strerror
                    )
                ) from exc
            if not ok:
                raise _undecodable(self._file_label(file))
        return files

    def _file_label(self, file: Path) -> str:
        return os.path.join(self.label, file.name)

    def frames(
        self, sample: SamplePredicate | None = None, on_bad_frame: BadFrameHandler | None = None
    ) -> Iterator[Frame]:
        """The pictures ``sample`` accepts, decoded one at a time.

        A picture that no longer decodes raises :class:`FrameError`; with ``on_bad_frame``
        it is reported there instead and skipped, and the next picture follows, so a
        long-running consumer loses one frame rather than the folder.
        """
        for i, file in enumerate(self.files):
            t = i / self.fps
            if sample is not None and not sample(t):
                continue  # not analysed: never decoded
            try:
                image = decode_image(file, self._file_label(file))
            except FrameError as exc:
                if on_bad_frame is None:
                    raise
                on_bad_frame(exc)
                continue
            yield Frame(index=i, t=t, image=image, name=file.name)

    def close(self) -> None:
        """Nothing is held open between frames."""
