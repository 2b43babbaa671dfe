"""How one message crosses the pipe between the parent and the worker.

A message is a 4-byte big-endian length and a pickle of that many bytes. Pickle, because
the events are frozen dataclasses holding NumPy arrays and enums, and a hand-written
encoding of each would be a second copy of every type. But an ordinary unpickler runs
whatever a pickle names, and the worker is the process that decodes untrusted videos: a
worker taken over through a decoder bug must not be able to run code in the parent by
writing a crafted pickle. So both sides read with :class:`SafeUnpickler`, which builds
only:

- classes of ``posture_watch.core`` (events, commands, verdicts, the analyzer) and of
  :mod:`posture_watch.worker.messages`;
- NumPy arrays, dtypes and scalars (how NumPy pickles them);
- a few plain types (``pathlib`` paths, ``collections.deque``, ``complex``, sets);

any other name ends the conversation with :class:`ProtocolError`. A message longer than
:data:`MAX_MESSAGE` is refused before it is read whole. Both ends are blocking file
descriptors; :class:`Writer` holds a lock so that several threads may send.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import select
import struct
import threading
from typing import Any

#: The largest message: a preview picture (320x240x3 is 230 kB) with room to spare.
MAX_MESSAGE = 8 * 1024 * 1024
_HEADER = struct.Struct(">I")

#: Modules whose classes may be built, by prefix (a trailing dot: the whole package).
_ALLOWED_PREFIXES = ("posture_watch.core.", "posture_watch.worker.messages")
#: Single names outside our package that pickles of our types need.
_ALLOWED_NAMES = {
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.numeric", "_frombuffer"),
    ("numpy._core.numeric", "_frombuffer"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
    ("pathlib", "PosixPath"),
    ("pathlib", "Path"),
    ("collections", "deque"),
    ("collections", "OrderedDict"),
    ("builtins", "complex"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("builtins", "slice"),
}


class ProtocolError(Exception):
    """The other side wrote something that is not a message of ours."""


class SafeUnpickler(pickle.Unpickler):
    """An unpickler that builds only our message and event types (see the module)."""

    def find_class(self, module: str, name: str) -> Any:
        allowed = (module, name) in _ALLOWED_NAMES or any(
            module == p or (p.endswith(".") and module.startswith(p)) for p in _ALLOWED_PREFIXES
        )
        if not allowed or (name.startswith("_") and (module, name) not in _ALLOWED_NAMES):
            raise ProtocolError(f"refused to build {module}.{name} from the other process")
        return super().find_class(module, name)


def loads(data: bytes) -> object:
    """One message from its pickle, through :class:`SafeUnpickler`."""
    try:
        return SafeUnpickler(io.BytesIO(data)).load()
    except ProtocolError:
        raise
    except Exception as exc:  # a truncated or malformed pickle
        raise ProtocolError(f"a malformed message ({type(exc).__name__}: {exc})") from exc


def dumps(message: object) -> bytes:
    """The framed bytes of ``message`` (header and pickle)."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    if len(data) > MAX_MESSAGE:
        raise ProtocolError(f"a message of {len(data)} bytes is over the limit")
    return _HEADER.pack(len(data)) + data


class Writer:
    """Sends messages on a file descriptor, whole, from any thread."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._lock = threading.Lock()

    def send(self, message: object) -> None:
        """Send ``message``; OSError (EPIPE) when the other side is gone."""
        data = memoryview(dumps(message))
        with self._lock:
            if self.fd < 0:
                raise BrokenPipeError("the pipe to the other process is closed")
            while data:
                written = os.write(self.fd, data)
                data = data[written:]

    def close(self) -> None:
        """Close the descriptor once: a second close could close whatever file reused
        its number meanwhile (another thread's socket)."""
        with self._lock:
            fd, self.fd = self.fd, -1
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)


class Reader:
    """Reads messages from a file descriptor (one thread at a time)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def ready(self, timeout: float) -> bool:
        """Whether a message (or the end) can be read within ``timeout`` real seconds.
        This waits on the pipe, not on time: a manual clock has nothing to say here."""
        if self.fd < 0:
            return True  # closed: the next read says so at once
        readable, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        return bool(readable)

    def receive(self) -> object:
        """The next message; EOFError when the other side closed the pipe (or died)."""
        header = self._exactly(_HEADER.size)
        (size,) = _HEADER.unpack(header)
        if size > MAX_MESSAGE:
            raise ProtocolError(f"a message of {size} bytes is over the limit")
        return loads(self._exactly(size))

    def _exactly(self, size: int) -> bytes:
        chunks: list[bytes] = []
        left = size
        while left:
            if self.fd < 0:
                raise EOFError("the pipe from the other process is closed")
            chunk = os.read(self.fd, min(left, 1 << 20))
            if not chunk:
                raise EOFError("the other process closed the pipe")
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        """Close the descriptor once (see :meth:`Writer.close`); a later read says EOF."""
        fd, self.fd = self.fd, -1
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)
