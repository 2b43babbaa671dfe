"""Frame sources: camera, video file, still image, image folder and landmark recording.

Use :func:`open_source` to pick one from a command-line spec; every source gives its
:class:`Frame` objects from ``frames()`` (or plain iteration) and is closed (or used as a
context manager).
"""

from typing import TYPE_CHECKING, Any

from posture_watch.sources.base import BadFrameHandler, Frame, FrameSource, SamplePredicate

if TYPE_CHECKING:
    from posture_watch.sources.camera import CameraSource
    from posture_watch.sources.images import IMAGE_SUFFIXES, FolderSource, ImageSource
    from posture_watch.sources.open import open_source
    from posture_watch.sources.recording import RecordingSource, RecordingWriter
    from posture_watch.sources.video import VideoSource

#: Where each source lives, loaded on first use: OpenCV (about 130 ms and 28 MB) is only
#: needed by the sources with pixels, so a landmark recording, the tray's process (whose
#: frames come from the camera worker) and the frame type itself never load it.
_LAZY = {
    "CameraSource": "camera",
    "FolderSource": "images",
    "IMAGE_SUFFIXES": "images",
    "ImageSource": "images",
    "open_source": "open",
    "RecordingSource": "recording",
    "RecordingWriter": "recording",
    "VideoSource": "video",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "IMAGE_SUFFIXES",
    "BadFrameHandler",
    "CameraSource",
    "FolderSource",
    "Frame",
    "FrameSource",
    "ImageSource",
    "RecordingSource",
    "RecordingWriter",
    "SamplePredicate",
    "VideoSource",
    "open_source",
]
