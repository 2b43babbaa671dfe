"""Keep the native libraries' own logging out of the user's terminal.

The README promises one line per problem, but the C++ underneath writes its own: MediaPipe's
LiteRT/TFLite logger (``INFO: [accelerator_registry.cc:43] DestroyAccelerator...``,
"Created TensorFlow Lite XNNPACK delegate", "Sparsity tensors..."), absl's
``W0000 ...`` lines, and FFmpeg inside OpenCV (``moov atom not found`` for a text file named
``.mp4``). None of them can be turned off from Python, and LiteRT writes straight to file
descriptor 2, so two tools are used:

* FFmpeg is told to log nothing (``OPENCV_FFMPEG_LOGLEVEL=-8``, AV_LOG_QUIET) before OpenCV's
  FFmpeg backend starts; that covers opening a file and every later decoding error, with no
  file descriptor games in the threads that read frames.
* Around the MediaPipe calls that log (loading the model, the first frame, closing),
  :func:`native_quiet` points file descriptor 2 at ``/dev/null``. Because that is
  process-wide and the monitor, the tray and their helpers write to stderr from several
  threads, Python's ``sys.stderr`` is first moved onto a duplicate of the real stderr: our
  own lines and tracebacks (``print(..., file=sys.stderr)``, ``sys.excepthook``,
  ``threading.excepthook``, logging's last-resort handler) keep reaching the terminal, or
  wherever stderr was sent, while the native lines go nowhere. Windows from several
  threads may overlap; the last one to end restores descriptor 2.

The native lines are dropped rather than written to the log file: they are the same
start-up and shutdown chatter on every run and would bury the tracebacks the log exists
for. With ``POSTURE_WATCH_DEBUG`` set to anything but ``""`` or ``0``, nothing is silenced
and every native line reaches stderr, for bug reports.

Limits: a child process started during a window (a fraction of a second) inherits the
silenced descriptor; an object that kept a reference to the original ``sys.stderr`` from
before the move writes to descriptor 2 and loses what it writes during a window.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import threading
from collections.abc import Iterator

#: Set (to anything but "" or "0") to let the native libraries' logging through.
DEBUG_ENV = "POSTURE_WATCH_DEBUG"
#: FFmpeg's AV_LOG_QUIET, read by OpenCV when its FFmpeg backend starts.
_FFMPEG_QUIET = "-8"

_lock = threading.Lock()
_depth = 0  # windows open now, over all threads
_saved_fd: int | None = None  # the real descriptor 2 while a window is open
_moved = False  # sys.stderr already moved onto its own duplicate of descriptor 2


def debug_enabled() -> bool:
    """Whether ``POSTURE_WATCH_DEBUG`` asks for the native libraries' logging."""
    return os.environ.get(DEBUG_ENV, "") not in ("", "0")


def quiet_ffmpeg() -> None:
    """Ask OpenCV's FFmpeg backend to log nothing, unless debugging or the user chose a
    level (``OPENCV_FFMPEG_LOGLEVEL``). Call before the first video file is opened: OpenCV
    reads the variable once, when its FFmpeg backend starts."""
    if not debug_enabled():
        os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", _FFMPEG_QUIET)


def keep_python_stderr() -> None:
    """Move ``sys.stderr`` onto a private duplicate of descriptor 2 (once per process), so
    a :func:`native_quiet` window in one thread never swallows another thread's lines.

    Nothing happens when ``sys.stderr`` is not descriptor 2 (a test's capture, a
    redirected stream): writes to it do not go through descriptor 2 anyway.
    """
    global _moved
    with _lock:
        if _moved:
            return
        stream = sys.stderr
        try:
            if stream is None or stream.fileno() != 2:
                return
        except (AttributeError, OSError, ValueError):
            return
        stream.flush()
        fd = os.dup(2)  # not inherited by child processes (os.dup's default)
        sys.stderr = io.TextIOWrapper(
            io.FileIO(fd, "w", closefd=True),
            encoding=stream.encoding,
            errors=stream.errors,
            line_buffering=True,
            write_through=True,
        )
        _moved = True


@contextlib.contextmanager
def native_quiet() -> Iterator[None]:
    """Send descriptor 2 to ``/dev/null`` for the duration (nothing when debugging).

    Safe from several threads and nested: descriptor 2 is restored when the last open
    window closes. Python's own stderr writes are not affected (:func:`keep_python_stderr`).
    """
    global _depth, _saved_fd
    if debug_enabled():
        yield
        return
    keep_python_stderr()
    with _lock:
        if _depth == 0:
            _flush(sys.__stderr__)  # Python's buffer for descriptor 2, if any is left
            saved = os.dup(2)
            sink = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(sink, 2)
            except OSError:
                os.close(saved)
                raise
            finally:
                os.close(sink)
            _saved_fd = saved
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved_fd is not None:
                os.dup2(_saved_fd, 2)
                os.close(_saved_fd)
                _saved_fd = None


def _flush(stream: object) -> None:
    """Flush what Python buffered for descriptor 2 before it changes target."""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        stream.flush()  # type: ignore[attr-defined]
