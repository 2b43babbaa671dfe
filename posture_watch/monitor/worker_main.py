"""The worker process: opens sources, runs the pose model, and sends landmarks or events.

Started by :class:`~posture_watch.worker.client.WorkerClient` through
:mod:`~posture_watch.monitor.worker_entry` (which shuts the process in first) with two
inherited pipe descriptors; its stdin and stdout are ``/dev/null`` and its stderr a pipe
the parent reads. It answers
requests one at a time on its main thread (:mod:`posture_watch.worker.messages` tells
the conversation). While the monitor loop runs, a second thread reads the pipe and hands
commands to the loop. It exits when the parent says :class:`Exit`, when the pipe closes
(the parent died), or after the monitor loop's last event. Its own crash (a Python error
outside the loop, or a native one anywhere) is the parent's to notice: the pipe closes.
"""

from __future__ import annotations

import faulthandler
import os
import sys
import threading
import traceback
from contextlib import suppress
from pathlib import Path

import numpy as np

from posture_watch.errors import FrameError, PostureWatchError
from posture_watch.landlock import Applied
from posture_watch.monitor.worker_loop import run_loop
from posture_watch.pipeline import frame_landmarks
from posture_watch.pose import MediaPipeEstimator, PoseEstimator, open_estimator
from posture_watch.sources import open_source
from posture_watch.sources.base import FrameSource
from posture_watch.sources.camera_users import scan_elsewhere
from posture_watch.sources.open import is_numbered_folder
from posture_watch.worker import messages as m
from posture_watch.worker.inbox import Inbox
from posture_watch.worker.protocol import ProtocolError, Reader, Writer


class Worker:
    """The worker's state between requests: the open sources and the loaded model."""

    def __init__(self, reader: Inbox, writer: Writer) -> None:
        self.reader, self.writer = reader, writer
        self.sources: dict[int, FrameSource] = {}
        self.model: Path | None = None
        self.estimator: PoseEstimator | None = None  # the VIDEO-mode model of LoadModel

    def serve(self) -> None:
        """Answer requests until Exit, the pipe's end, or the monitor loop's end."""
        while True:
            try:
                request = self.reader.receive()
            except EOFError:
                return
            if isinstance(request, m.Exit):
                return
            if isinstance(request, m.Halt | m.Send):
                continue  # late: the stream or loop it was for has ended
            try:
                reply = self._handle(request)
            except PostureWatchError as exc:
                reply = m.Failed(m.ErrorInfo.of(exc))
            if reply is not None:
                self.writer.send(reply)
            if isinstance(request, m.RunMonitor):
                return  # one loop per worker: the worker ends with it

    def _handle(self, request: object) -> object | None:
        match request:
            case m.OpenSource():
                return self._open(request)
            case m.LoadModel(path=path, load=load):
                return self._load(path, load)
            case m.CloseSource(source_id=sid):
                return self._close(sid)
            case m.Stream():
                return self._stream(request)
            case m.RunMonitor(spec=spec):
                self._monitor(spec)
                return None
        raise ProtocolError(f"unexpected request {type(request).__name__}")

    # -- requests ------------------------------------------------------------------------

    def _open(self, request: m.OpenSource) -> m.Opened:
        source = open_source(
            request.spec, fps=request.fps, stills=request.stills, size=request.size
        )
        self.sources[request.source_id] = source
        device = getattr(source, "device", None)
        return m.Opened(
            request.source_id,
            source.label,
            source.is_sequence,
            source.has_pixels,
            live=bool(getattr(source, "live", False)),
            device=Path(device) if device is not None else None,
            frame_count=getattr(source, "frame_count", None),
            fps=getattr(source, "fps", None),
            numbered_folder=is_numbered_folder(source),
        )

    def _load(self, path: Path, load: bool) -> m.Done:
        self.model = path
        if load:
            self.estimator = MediaPipeEstimator(path, video=True)
        return m.Done()

    def _close(self, source_id: int) -> m.Done:
        source = self.sources.pop(source_id, None)
        if source is not None:
            source.close()
        return m.Done()

    def _stream(self, request: m.Stream) -> m.StreamEnded:
        """Every frame of the source as landmarks, until its end or a Halt."""
        source = self.sources[request.source_id]
        if self.estimator is not None and source.has_pixels and source.is_sequence:
            estimator, self.estimator = self.estimator, None  # loaded early: used once
        else:
            estimator = open_estimator(source, self.model)

        def bad(error: FrameError) -> None:
            self.writer.send(m.BadFrame(str(error)))

        try:
            for frame in source.frames(on_bad_frame=bad):
                landmarks = frame_landmarks(frame, estimator)
                preview = _preview(frame.image, request.preview)
                self.writer.send(
                    m.LandmarkFrame(frame.index, frame.t, landmarks, frame.name, preview)
                )
                if self.reader.ready(0) and isinstance(self.reader.receive(), m.Halt):
                    break
        finally:
            estimator.close()
        return m.StreamEnded()

    def _monitor(self, spec: m.LoopSpec) -> None:
        first = self.sources.pop(spec.first, None) if spec.first is not None else None
        run_loop(spec, first, self.estimator, self.reader, self.writer)


def _preview(image: np.ndarray | None, width: int) -> np.ndarray | None:
    """A copy of ``image`` at most ``width`` pixels wide (None without one)."""
    if not width or image is None:
        return None
    height, wide = image.shape[:2]
    if wide <= width:
        return image.copy()
    import cv2  # a source with pictures loaded it already

    size = (width, max(1, round(height * width / wide)))
    return np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA))


def main(argv: list[str], no_sockets: bool, applied: Applied) -> int:
    """Serve the parent on the two pipe descriptors in ``argv``, in the sandbox
    :mod:`~posture_watch.monitor.worker_entry` entered (``no_sockets``, ``applied``)."""
    threading.current_thread().name = "posture-watch-worker"
    read_fd, write_fd = int(argv[0]), int(argv[1])
    faulthandler.enable()  # a native crash leaves its Python stack on stderr
    writer = Writer(write_fd)
    reader = Inbox(Reader(read_fd), writer)
    scan_elsewhere(reader.ask_camera_users)  # Landlock: the parent scans /proc for us
    sandbox = m.Sandboxed(no_sockets, applied.abi, applied.applied, applied.reason)
    try:
        writer.send(m.Ready(os.getpid(), sandbox))
        Worker(reader, writer).serve()
    except (BrokenPipeError, EOFError):
        return 0  # the parent is gone: nothing to tell
    except BaseException:
        traceback.print_exc(file=sys.stderr)
        return 1
    finally:
        with suppress(OSError):
            sys.stderr.flush()
    return 0
