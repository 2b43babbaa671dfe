"""The worker's side of the pipe from the parent: requests, commands and scan answers.

Why a layer over :class:`~posture_watch.worker.protocol.Reader`: the worker asks its
parent who else holds the camera (:class:`~.messages.ScanCamera`; under Landlock it may
not look itself) from inside a source, while the parent's own messages keep coming on
the same pipe. :meth:`Inbox.ask_camera_users` sends the question and takes the answer
out of the stream:

- between requests and during a stream (one thread reads), it reads on until the answer
  and keeps what came before it for :meth:`receive` (a Halt is not lost);
- while the monitor loop runs, the command thread is the one reader: it routes the
  answer to the waiting question (:meth:`receive` never returns an answer).
"""

from __future__ import annotations

import collections
import queue
from pathlib import Path

from posture_watch.sources.camera_users import CameraUser
from posture_watch.worker import messages as m
from posture_watch.worker.protocol import Reader, Writer

#: Seconds a question waits for the parent's answer while the loop runs; none: nobody.
ASK_TIMEOUT = 5.0


class Inbox:
    def __init__(self, reader: Reader, writer: Writer) -> None:
        self.reader, self.writer = reader, writer
        self.threaded = False  # True while the monitor loop's command thread reads
        self._kept: collections.deque[object] = collections.deque()
        self._answers: queue.Queue[m.CameraUsers] = queue.Queue()

    def ready(self, timeout: float) -> bool:
        """A message is there to :meth:`receive` (or the pipe's end) within ``timeout``."""
        return bool(self._kept) or self.reader.ready(timeout)

    def receive(self) -> object:
        """The parent's next request or command (EOFError at the pipe's end)."""
        if self._kept:
            return self._kept.popleft()
        while True:
            message = self.reader.receive()
            if not isinstance(message, m.CameraUsers):
                return message
            self._answers.put(message)  # for a question asked from another thread

    def ask_camera_users(self, device: Path) -> list[CameraUser]:
        """The parent's scan of who else has ``device`` open (see the module)."""
        self.writer.send(m.ScanCamera(device))
        if self.threaded:
            try:
                answer = self._answers.get(timeout=ASK_TIMEOUT)
            except queue.Empty:
                return []
        else:
            while True:
                message = self.reader.receive()
                if isinstance(message, m.CameraUsers):
                    answer = message
                    break
                self._kept.append(message)
        return [CameraUser(pid, name) for pid, name in answer.users]


__all__ = ["ASK_TIMEOUT", "Inbox"]
