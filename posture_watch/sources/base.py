"""The one frame-source interface: iterate frames, then close.

Every source (webcam, video file, single image, image folder, landmark recording) yields
:class:`Frame` objects with a timestamp in seconds from the start of the source. Pixel
sources fill ``image`` (BGR, uint8, HxWx3); a recording fills ``landmarks`` instead (or
neither, for a recorded frame with no person) and sets ``has_pixels`` to False, so the
pipeline skips the pose model and replays the session without pixels.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from posture_watch.core.landmarks import Landmarks


@dataclass(frozen=True)
class Frame:
    """One frame: ``index`` from 0, ``t`` seconds since the source started."""

    index: int
    t: float
    image: np.ndarray | None = None
    landmarks: Landmarks | None = None
    name: str = ""


class FrameSource(Protocol):
    """What the pipeline needs of a source. Sources are also context managers."""

    #: Human-readable name used in errors and output (path or ``camera 0``).
    label: str
    #: True for sequences (camera, video, folder, recording), False for a single image.
    is_sequence: bool
    #: True when frames carry pixels; False for landmark recordings.
    has_pixels: bool

    def __iter__(self) -> Iterator[Frame]: ...

    def close(self) -> None: ...

    def __enter__(self) -> FrameSource: ...

    def __exit__(self, *exc: object) -> None: ...
