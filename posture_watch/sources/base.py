"""The one frame-source interface: ask for frames, then close.

Every source (webcam, video file, single image, image folder, landmark recording) yields
:class:`Frame` objects with a timestamp in seconds from the start of the source. Pixel
sources fill ``image`` (BGR, uint8, HxWx3); a recording fills ``landmarks`` instead (or
neither, for a recorded frame with no person) and sets ``has_pixels`` to False, so the
pipeline skips the pose model and replays the session without pixels.

:meth:`FrameSource.frames` takes the two things a long-running consumer (the monitor)
needs to say up front, as declared arguments rather than attributes set from outside:

* ``sample(t) -> bool`` picks the frames worth analysing. A rejected frame is still
  grabbed where the device needs it (a webcam's queue stays fresh) but never decoded, so
  an idle monitor costs little CPU. Every source yields exactly the frames ``sample``
  accepts; sources that cannot skip decoding (a recording, a single image) just filter.
* ``on_bad_frame(error)`` receives a :class:`~posture_watch.errors.FrameError` for one
  damaged frame, which is then skipped and the iteration goes on. Without it the error is
  raised (what ``analyze`` wants: reject the input in one line).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from posture_watch.core.landmarks import Landmarks
from posture_watch.errors import FrameError

#: The file suffixes read as pictures (by Pillow or OpenCV); anything else that is not a
#: folder or a ``.jsonl`` recording is read as a video.
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})

#: ``sample(t)``: analyse the frame at ``t`` seconds from the start of the source?
SamplePredicate = Callable[[float], bool]
#: Told about one damaged frame that is skipped instead of ending the iteration.
BadFrameHandler = Callable[[FrameError], None]


@dataclass(frozen=True)
class Frame:
    """One frame: ``index`` from 0, ``t`` seconds since the source started."""

    index: int
    t: float
    image: np.ndarray | None = None
    landmarks: Landmarks | None = None
    name: str = ""
    #: A small copy of the picture for a window to show (the calibration's live picture)
    #: when the pixels stayed in the camera worker; never analysed.
    preview: np.ndarray | None = None


class FrameSource(Protocol):
    """What the pipeline needs of a source. Sources are also context managers."""

    #: Human-readable name used in errors and output (path or ``camera 0``).
    label: str
    #: True for sequences (camera, video, folder, recording), False for a single image.
    is_sequence: bool
    #: True when frames carry pixels; False for landmark recordings.
    has_pixels: bool

    def frames(
        self, sample: SamplePredicate | None = None, on_bad_frame: BadFrameHandler | None = None
    ) -> Iterator[Frame]:
        """The frames ``sample`` accepts (all without it), in order."""
        ...

    def __iter__(self) -> Iterator[Frame]:
        """All frames: the same as ``frames()``."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> FrameSource: ...

    def __exit__(self, *exc: object) -> None: ...
