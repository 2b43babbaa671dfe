"""What the parent and the worker say to each other, one frozen dataclass per message.

Why typed messages: the pipe carries pickles, and the parent unpickles what a process fed
with untrusted pixels wrote, so it accepts only the classes named here, the monitor's
events and commands (``posture_watch.core``) and plain values
(:mod:`posture_watch.worker.protocol`). A message that is anything else ends the worker.

The conversation, parent first:

- the worker starts and says :class:`Ready` (its pid and what its sandbox holds);
- :class:`OpenSource` → :class:`Opened` or :class:`Failed` (the worker keeps the source);
- :class:`LoadModel` → :class:`Done` or :class:`Failed` (a bad model fails at start);
- :class:`Stream` → :class:`LandmarkFrame` and :class:`BadFrame` messages, then
  :class:`StreamEnded` (or :class:`Failed`); :class:`Halt` ends a stream early;
- :class:`RunMonitor` → :class:`LoopStarted`, then :class:`Emitted` events (with
  :class:`Checkpoint` and :class:`CrashText` among them) until the loop's ``Stopped``;
  :class:`Send` passes a command to the running loop;
- at any moment the worker may ask :class:`ScanCamera`, answered :class:`CameraUsers`;
- :class:`Exit` (or the pipe closing) ends the worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from posture_watch.core.landmarks import Landmarks
from posture_watch.core.scoring import Baseline
from posture_watch.core.settings import Settings
from posture_watch.errors import PostureWatchError

# -- parent → worker ------------------------------------------------------------------


@dataclass(frozen=True)
class OpenSource:
    """Open the source ``spec`` (as :func:`~posture_watch.sources.open_source` takes it)."""

    source_id: int
    spec: str
    fps: float = 2.0
    stills: bool | None = False
    size: tuple[int, int] = (640, 480)


@dataclass(frozen=True)
class LoadModel:
    """The pose model for the sources with pixels; ``load``: load it now (VIDEO mode),
    so that a bad file fails at start (else when a stream needs it)."""

    path: Path
    load: bool = True


@dataclass(frozen=True)
class Stream:
    """Send every frame of source ``source_id`` as landmarks; ``preview``: also a copy of
    the picture at most this many pixels wide, for a window to show (0: none)."""

    source_id: int
    preview: int = 0


@dataclass(frozen=True)
class Halt:
    """End the running stream at the next frame (the parent has what it wanted)."""


@dataclass(frozen=True)
class CloseSource:
    source_id: int


@dataclass(frozen=True)
class ClockSpec:
    """The parent's clock, for the worker to tell the same time: the real one (speed 1),
    or a replay's scaled clock with the parent's origin, so both read the same instant."""

    speed: float = 1.0
    origin: tuple[float, float, float | None] | None = None  # monotonic, wall, boottime


@dataclass(frozen=True)
class LoopSpec:
    """Everything the worker needs to run the monitor loop.

    ``first`` is the source already opened for it (None after a restart: the loop opens
    ``spec`` itself). ``resume`` is the parent's last :class:`Checkpoint` after a crash:
    the analyzer goes on from it, the time in between not monitored."""

    spec: str
    fps: float
    size: tuple[int, int]
    baseline: Baseline
    decision: Settings
    stable_interval: float
    confirm_interval: float
    model: Path | None
    yield_camera: bool
    camera_device: Path | None
    crash_limit: int
    crash_log: str
    clock: ClockSpec
    profiles: bool = True
    first: int | None = None
    resume: Checkpoint | None = None


@dataclass(frozen=True)
class RunMonitor:
    spec: LoopSpec


@dataclass(frozen=True)
class Send:
    """A command for the running loop (``posture_watch.core.worker_events``)."""

    command: object


@dataclass(frozen=True)
class Exit:
    """End the worker."""


# -- worker → parent ------------------------------------------------------------------


@dataclass(frozen=True)
class Sandboxed:
    """What the worker's sandbox holds: the seccomp filter without sockets, and Landlock
    (its ABI, 0 without; what it was not applied for)."""

    no_sockets: bool
    landlock_abi: int
    landlock: bool
    landlock_why: str = ""


@dataclass(frozen=True)
class Ready:
    pid: int
    sandbox: Sandboxed


@dataclass(frozen=True)
class ErrorInfo:
    """A :class:`~posture_watch.errors.PostureWatchError` raised in the worker, carried
    by name, so the parent raises the same class with the same line."""

    kind: str
    message: str
    hint: str | None = None
    by: str = ""

    @classmethod
    def of(cls, exc: PostureWatchError) -> ErrorInfo:
        return cls(type(exc).__name__, str(exc), exc.hint, getattr(exc, "by", ""))


@dataclass(frozen=True)
class Failed:
    error: ErrorInfo


@dataclass(frozen=True)
class Done:
    """The request succeeded (a model loaded, a source closed)."""


@dataclass(frozen=True)
class Opened:
    """What the parent needs to know of an opened source (its pixels stay here)."""

    source_id: int
    label: str
    is_sequence: bool
    has_pixels: bool
    live: bool = False
    device: Path | None = None
    frame_count: int | None = None
    fps: float | None = None
    numbered_folder: bool = False


@dataclass(frozen=True)
class LandmarkFrame:
    """One frame, as what the pose model saw in it (None: nobody, or a covered lens)."""

    index: int
    t: float
    landmarks: Landmarks | None
    name: str = ""
    preview: np.ndarray | None = field(default=None, compare=False)


@dataclass(frozen=True)
class BadFrame:
    """A damaged frame was skipped (the parent asked to be told, not to stop)."""

    reason: str


@dataclass(frozen=True)
class StreamEnded:
    pass


@dataclass(frozen=True)
class LoopStarted:
    """The loop exists; ``started`` is its true time at start (the console's zero)."""

    started: float


@dataclass(frozen=True)
class Emitted:
    """One event of the monitor loop, with the frame counts when it was posted."""

    event: object
    seen: int
    analysed: int


@dataclass(frozen=True)
class Checkpoint:
    """The analyzer's state after the verdict at ``t`` (an opaque pickle the parent keeps
    and only hands back to the next worker after a crash)."""

    t: float
    state: bytes


@dataclass(frozen=True)
class ScanCamera:
    """Who else has ``device`` open? (The worker may not read other processes' open files
    under Landlock; the parent scans for it, answering :class:`CameraUsers`.)"""

    device: Path


@dataclass(frozen=True)
class CameraUsers:
    """The parent's answer to :class:`ScanCamera`: ``(pid, command name)`` of each."""

    users: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class CrashText:
    """A traceback from the worker's loop, for the parent to write to the log file (the
    worker writes no files)."""

    text: str
    wall: float
