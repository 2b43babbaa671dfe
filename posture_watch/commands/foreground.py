"""What the two foreground monitors (``monitor --no-tray`` and ``tray``) share: how a
signal becomes an exit code (also one that arrives while they start), and how a whole
line reaches the console.

**Signals while starting.** The monitors install their stop handlers only once their loop
exists, a second or more after the process starts (NumPy, OpenCV, the model). Before
that, SIGTERM and SIGHUP would kill the process (143, no word) where later they stop it
cleanly (0). So the command line calls :func:`catch_early_stops` first thing, for these
two commands only: a stop signal is remembered, and the monitor takes it
(:func:`early_stops`) as soon as its own handlers are in place, stopping as it would
later. A second SIGTERM or SIGHUP while still starting ends the process at once, as
before, so a stuck start can still be stopped. Ctrl-C needs none of this: it raises
KeyboardInterrupt, which the command line turns into 130 at any moment.

Both commands import this module rather than each other (``tray`` once took these from
``monitor``, which in turn starts ``tray``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import TextIO

from posture_watch.core.text import _

#: Exit codes after a signal: Ctrl-C is 130 as in any shell; SIGTERM and SIGHUP ask for a
#: normal stop (a service manager or a closed terminal), so they exit 0 after a clean stop.
SIGNAL_EXIT = {signal.SIGINT: 130, signal.SIGTERM: 0, signal.SIGHUP: 0}
#: The console monitor's exit code when its output was closed (``| head -1``, a log
#: reader that died) or full (``> /dev/full``): sysexits' EX_IOERR, not 0, so that a
#: service manager set to restart on failure restarts it.
EXIT_OUTPUT_LOST = 74


#: Stop signals received while starting, in order (see :func:`catch_early_stops`).
_early: list[int] = []


def catch_early_stops() -> None:
    """Remember SIGTERM and SIGHUP until the monitor installs its own handlers."""
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, _remember)


def _remember(number: int, _frame: object) -> None:
    if number in _early:  # asked twice while starting: stop now, as the default would
        signal.signal(number, signal.SIG_DFL)
        os.kill(os.getpid(), number)
    _early.append(number)


def early_stops() -> list[int]:
    """The stop signals received before the monitor's own handlers were installed (each
    is returned once). Call it right after installing them."""
    taken = list(_early)
    _early.clear()
    return taken


def say(line: str) -> None:
    """One whole line on stdout. ``print`` writes the text and its newline separately, so
    two threads printing at once (the session watcher's note at start-up and the first
    state line) could run their lines together; one write of the line and its newline
    cannot be split."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class ConsoleOutput:
    """The console monitor's stdout and stderr, from any thread, where a closed or full
    stream is an end, not a traceback.

    The first line that cannot be written (EPIPE, ENOSPC, a closed file) sets :attr:`lost`
    and calls ``on_lost`` (the monitor stops, writing the open minute). That stream is then
    pointed at ``/dev/null``, so that no later write, nor Python's own flush at exit, fails
    again; its later lines are dropped, while the other stream (stderr, when only stdout
    was closed) still says why the monitor stopped."""

    def __init__(self) -> None:
        self.lost = threading.Event()
        self.lost_why = ""
        self.on_lost: Callable[[], None] | None = None
        self._lock = threading.Lock()
        self._dead: set[int] = set()  # id() of the streams that failed

    def say(self, line: str) -> None:
        """One whole line on stdout (see :func:`say`)."""
        self._write(sys.stdout, line)

    def warn(self, line: str) -> None:
        """One whole line on stderr, ``posture-watch: `` in front."""
        self._write(sys.stderr, f"posture-watch: {line}")

    def _write(self, stream: TextIO, line: str) -> None:
        with self._lock:
            if id(stream) in self._dead:
                return
            try:
                stream.write(line + "\n")
                stream.flush()
                return
            except (OSError, ValueError) as exc:  # ValueError: the file was closed
                self._dead.add(id(stream))
                _silence(stream)
                first = not self.lost.is_set()
                if first:
                    name = "stdout" if stream is sys.stdout else "stderr"
                    why = getattr(exc, "strerror", None) or str(exc)
                    self.lost_why = _("{stream} is closed or full ({reason})").format(
                        stream=name, reason=why
                    )
                    self.lost.set()
        if first and self.on_lost is not None:
            self.on_lost()


def _silence(stream: TextIO) -> None:
    """Point ``stream``'s file at /dev/null, so its buffered text and later writes go
    nowhere quietly (the reader is gone, or the disk is full)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, stream.fileno())
        finally:
            os.close(null)


__all__ = [
    "EXIT_OUTPUT_LOST",
    "SIGNAL_EXIT",
    "ConsoleOutput",
    "catch_early_stops",
    "early_stops",
    "say",
]
