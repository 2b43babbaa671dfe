"""Small helpers shared by the frame sources (private to the package).

They exist so that every source reports problems the same way: one line that starts with
the source's label and says what is wrong, raised as :class:`SourceError` before any frame
is processed, instead of OpenCV's log noise or a traceback from deep inside the library.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

from posture_watch.core.text import _
from posture_watch.errors import SourceError
from posture_watch.sources.base import BadFrameHandler, Frame, SamplePredicate


def label_of(spec: str | os.PathLike[str]) -> str:
    """The path exactly as the user gave it, so messages echo what they typed."""
    return spec if isinstance(spec, str) else os.fspath(spec)


def existing_file(spec: str | os.PathLike[str]) -> Path:
    """Return ``spec`` as a Path after checking it names a readable regular file."""
    label, path = label_of(spec), Path(spec)
    if not path.exists():
        raise SourceError(_("{label}: no such file or folder").format(label=label))
    if path.is_dir():
        raise SourceError(_("{label}: is a folder, not a file").format(label=label))
    if not os.access(path, os.R_OK):
        raise SourceError(_("{label}: cannot read (permission denied)").format(label=label))
    return path


def checked_fps(label: str, fps: float, name: str = "frame rate") -> float:
    """A frame rate must be a positive finite number; anything else is a usage error."""
    try:
        value = float(fps)
    except (TypeError, ValueError) as exc:
        raise SourceError(
            _("{label}: {name} must be a number, got {fps!r}").format(
                label=label, name=name, fps=fps
            )
        ) from exc
    if not math.isfinite(value) or value <= 0:
        raise SourceError(
            _("{label}: {name} must be positive, got {fps!r}").format(
                label=label, name=name, fps=fps
            )
        )
    return value


@contextmanager
def quiet_opencv() -> Iterator[None]:
    """Silence OpenCV's own warning log while probing a file or camera.

    A failed ``VideoCapture`` prints several ``[ WARN ]`` lines to stderr; we report the
    failure ourselves in one line, so the library's lines would only be noise. The previous
    level is restored afterwards.
    """
    import cv2  # here: the sources without pixels never load OpenCV

    previous = cv2.utils.logging.getLogLevel()
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
    try:
        yield
    finally:
        cv2.utils.logging.setLogLevel(previous)


class SourceMixin:
    """What every source shares: iterating means ``frames()`` with no sampling, and
    ``with`` closes the source on the way out."""

    def frames(
        self, sample: SamplePredicate | None = None, on_bad_frame: BadFrameHandler | None = None
    ) -> Iterator[Frame]:  # pragma: no cover - every source overrides it
        raise NotImplementedError

    def close(self) -> None:  # pragma: no cover - every source overrides it
        raise NotImplementedError

    def __iter__(self) -> Iterator[Frame]:
        return self.frames()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
