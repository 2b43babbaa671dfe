"""Events the monitor loop posts besides the core's timeline events."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CameraUnavailable:
    """The source could not be opened or stopped delivering; retrying in ``retry_in`` s."""

    t: float
    reason: str
    retry_in: float


@dataclass(frozen=True)
class CameraRecovered:
    """The source works again after a :class:`CameraUnavailable`."""

    t: float


@dataclass(frozen=True)
class SourceEnded:
    """A replayed source (video, folder, recording) has no more frames."""

    t: float


@dataclass(frozen=True)
class Paused:
    """Monitoring is paused (camera released) until ``until`` (session seconds, or None)."""

    t: float
    until: float | None


@dataclass(frozen=True)
class Resumed:
    t: float
