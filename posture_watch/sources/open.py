"""Pick the frame source for what the user typed: a camera index, a folder, or a file.

The choice is made from the spec alone (digits, folder, suffix), so the same command line
works for a live camera, a video, photos and a replayed recording; each source then
checks its input on construction and reports problems before any processing starts.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from posture_watch.core.text import _
from posture_watch.errors import SourceError
from posture_watch.sources.base import IMAGE_SUFFIXES, FrameSource

RECORDING_SUFFIX = ".jsonl"


def open_source(
    spec: str | os.PathLike[str],
    *,
    fps: float = 2.0,
    stills: bool | None = False,
    target_fps: float | None = None,
    size: tuple[int, int] = (640, 480),
) -> FrameSource:
    """Open the source named by ``spec``.

    * a string of digits (``"0"``): that camera index, asking for ``size`` pixels;
    * a folder: its images, timed ``i / fps`` (``stills`` marks them as unrelated photos;
      None decides from their names: a numbered frame sequence is a video, else stills);
    * ``*.jsonl``: a landmark recording;
    * an image suffix (jpg, jpeg, png, bmp, webp, tif, tiff): that single image;
    * anything else: a video file, sub-sampled to ``target_fps`` if given.

    Raises :class:`~posture_watch.errors.SourceError` (or ``CameraError``) with a one-line
    message when the source cannot be opened.
    """
    # each source's module is loaded when it is picked: a recording never loads OpenCV
    if isinstance(spec, str) and re.fullmatch(r"[0-9]+", spec.strip()):
        from posture_watch.sources.camera import CameraSource

        return CameraSource(int(spec), width=size[0], height=size[1])
    path = Path(spec)
    try:
        if path.is_dir():
            from posture_watch.sources.images import FolderSource

            return FolderSource(spec, fps=fps, stills=stills)
        suffix = path.suffix.lower()
        if suffix == RECORDING_SUFFIX:
            from posture_watch.sources.recording import RecordingSource

            return RecordingSource(spec)
        if suffix in IMAGE_SUFFIXES:
            from posture_watch.sources.images import ImageSource

            return ImageSource(spec)
        from posture_watch.sources.video import VideoSource

        return VideoSource(spec, target_fps=target_fps)
    except PermissionError as exc:  # a folder on the way, or the file, is not ours to read
        raise SourceError(
            _("{spec}: cannot read it (permission denied)").format(spec=spec)
        ) from exc


def is_numbered_folder(source: FrameSource) -> bool:
    """Whether ``source`` is a folder of numbered pictures, read as a video (``analyze``
    says so). Asked without loading the folder's module (and OpenCV) for other sources."""
    images = sys.modules.get("posture_watch.sources.images")
    return images is not None and isinstance(source, images.FolderSource) and source.is_sequence
