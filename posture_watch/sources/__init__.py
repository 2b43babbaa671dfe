"""Frame sources: camera, video file, still image, image folder and landmark recording.

Use :func:`open_source` to pick one from a command-line spec; every source gives its
:class:`Frame` objects from ``frames()`` (or plain iteration) and is closed (or used as a
context manager).
"""

from posture_watch.sources.base import BadFrameHandler, Frame, FrameSource, SamplePredicate
from posture_watch.sources.camera import CameraSource
from posture_watch.sources.images import IMAGE_SUFFIXES, FolderSource, ImageSource
from posture_watch.sources.open import open_source
from posture_watch.sources.recording import RecordingSource, RecordingWriter
from posture_watch.sources.video import VideoSource

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
