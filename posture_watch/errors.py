"""One error tree for the whole program.

Adapters translate library exceptions into these once, where they meet the library
(``raise SourceError(...) from exc``); the CLI catches only :class:`PostureWatchError`,
prints ``posture-watch: message`` on one line (a sentence for a person: no class name)
and exits with :attr:`PostureWatchError.exit_code`.
"""

from __future__ import annotations


class PostureWatchError(Exception):
    """Base class: a problem the user can act on, reported in one line."""

    exit_code: int = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint

    def one_line(self) -> str:
        """The message, with the hint appended, for a single stderr line."""
        text = str(self)
        return f"{text} ({self.hint})" if self.hint else text


class SourceError(PostureWatchError):
    """A frame source (camera, video, image, folder, recording) cannot be read."""


class CameraError(SourceError):
    """The webcam cannot be opened or stopped delivering frames."""


class FrameError(SourceError):
    """One frame of a file-based source is damaged (a corrupt picture in a folder).

    Unlike a missing camera, retrying cannot help: ``analyze`` rejects the input, the
    monitor skips the frame and says so once.
    """


class ModelError(PostureWatchError):
    """The pose model file is missing, corrupt, or cannot be loaded or downloaded."""


class CalibrationError(PostureWatchError):
    """A calibration was refused, or a stored calibration profile is unusable."""


class ConfigError(PostureWatchError):
    """A setting or command-line value is not allowed."""


class StorageError(PostureWatchError):
    """A file the program writes (profile, recording, history) cannot be written or read."""


class TrayError(PostureWatchError):
    """The tray icon cannot be shown (no display, no tray support)."""


class CameraBusyError(CameraError):
    """Another program (a video call) has the webcam; ``by`` names it as far as we can tell
    (``"zoom (pid 4242)"``, several joined by ``", "``), or is ``""`` when only our own
    open or grab said busy. Unlike a missing camera, this is expected to pass: the monitor
    waits for the camera to be free again instead of stopping."""

    DEFAULT_HINT = "close the video call or other program using the camera, then try again"

    def __init__(self, message: str, *, hint: str | None = None, by: str = "") -> None:
        super().__init__(message, hint=self.DEFAULT_HINT if hint is None else hint)
        self.by = by
