"""A frame source opened in the worker: its frames arrive here as landmarks.

:class:`RemoteSource` is a :class:`~posture_watch.sources.base.FrameSource` like the
others, so ``analyze``, ``record`` and the calibration read it with the code they use for
any source. The worker opens the source, runs the pose model on every frame
(:func:`~posture_watch.pipeline.frame_landmarks`, so a covered lens is nobody and the
brightness and noise are measured on the real pixels) and sends the landmarks. Here the
frames carry no pixels (``has_pixels`` is False, so the caller's estimator is the one for
recordings, which returns the landmarks as they came); ``pixels`` says whether the source
itself has them. A window that shows the live picture asks for a small ``preview`` copy.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from posture_watch.errors import FrameError
from posture_watch.sources.base import BadFrameHandler, Frame, SamplePredicate
from posture_watch.worker import messages as m
from posture_watch.worker.client import WorkerClient, raise_error


class RemoteSource:
    """A source held by ``client``'s worker (see the module)."""

    has_pixels = False  # frames arrive as landmarks

    def __init__(self, client: WorkerClient, opened: m.Opened, *, preview: int = 0) -> None:
        self.client, self.source_id, self.preview = client, opened.source_id, preview
        self.label = opened.label
        self.is_sequence = opened.is_sequence
        self.pixels = opened.has_pixels
        self.live = opened.live
        self.device: Path | None = opened.device
        self.frame_count = opened.frame_count
        self.fps = opened.fps
        self.numbered_folder = opened.numbered_folder
        self._closed = False

    @classmethod
    def open(
        cls,
        client: WorkerClient,
        spec: str | Path,
        *,
        fps: float = 2.0,
        stills: bool | None = False,
        size: tuple[int, int] = (640, 480),
        preview: int = 0,
    ) -> RemoteSource:
        """Open ``spec`` in the worker (its error, one line, is raised here)."""
        request = m.OpenSource(client.new_id(), str(spec), fps, stills, size)
        opened = client.request(request)
        assert isinstance(opened, m.Opened)
        return cls(client, opened, preview=preview)

    def frames(
        self, sample: SamplePredicate | None = None, on_bad_frame: BadFrameHandler | None = None
    ) -> Iterator[Frame]:
        """The frames ``sample`` accepts, as landmarks. Leaving early ends the worker's
        stream too; a damaged frame raises FrameError unless ``on_bad_frame`` takes it."""
        self.client.send(m.Stream(self.source_id, self.preview))
        ended = False
        try:
            while True:
                message = self.client.receive()
                match message:
                    case m.LandmarkFrame():
                        frame = Frame(
                            message.index,
                            message.t,
                            None,
                            message.landmarks,
                            message.name,
                            preview=message.preview,
                        )
                        if sample is None or sample(frame.t):
                            yield frame
                    case m.BadFrame(reason=reason):
                        if on_bad_frame is None:
                            raise FrameError(reason)
                        on_bad_frame(FrameError(reason))
                    case m.StreamEnded():
                        ended = True
                        return
                    case m.Failed(error=error):
                        ended = True
                        raise_error(error)
        finally:
            if not ended and self.client.alive():
                self._halt()

    def _halt(self) -> None:
        """End the worker's stream and read what it sent meanwhile, up to its end."""
        self.client.send(m.Halt())
        while True:
            message = self.client.receive()
            if isinstance(message, m.StreamEnded | m.Failed):
                return

    def __iter__(self) -> Iterator[Frame]:
        return self.frames()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.client.alive():
            self.client.request(m.CloseSource(self.source_id))

    def __enter__(self) -> RemoteSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["RemoteSource"]
