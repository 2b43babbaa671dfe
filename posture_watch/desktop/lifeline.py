"""Ties a window's child process to the tray that started it.

A stretch or journal window on screen after the tray has gone can never be answered, and
nobody records it: a tray killed with SIGKILL, or crashing, cannot close its windows
itself, so each child watches for that. The tray passes its pid (``--parent-pid``, see
:func:`add_parent_option`); a :class:`Lifeline` in the child closes the window within
:data:`PARENT_POLL_MS` once its parent pid is no longer that one (a child whose parent
dies is handed to init or a subreaper). On Linux the kernel also sends SIGHUP at that
moment (``PR_SET_PDEATHSIG``), which covers the start-up before Tk runs. SIGTERM, which
the tray's :meth:`~.child_window.ChildWindowProcess.close` sends, closes the window
cleanly too instead of killing the process in the middle of Tk.

Nothing here imports tkinter: the lifeline needs only a root's ``after``, ``quit`` and
``destroy`` (:class:`Root`).
"""

from __future__ import annotations

import argparse
import ctypes
import os
import signal
import sys
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Any, Protocol, Self

#: How often the child checks that its parent is still there (milliseconds). The check
#: also lets Python run its signal handlers, which wait while Tk sleeps for events.
PARENT_POLL_MS = 200


class Root(Protocol):
    """What the lifeline needs of a ``tk.Tk``."""

    def after(self, ms: int, func: Callable[[], object]) -> str: ...
    def quit(self) -> None: ...
    def destroy(self) -> None: ...


#: The signal the kernel sends when the parent ends (Linux); SIGHUP: "the tray hung up".
PARENT_DEATH_SIGNAL = signal.SIGHUP
_Handler = Callable[[int, FrameType | None], Any] | int | None
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def add_parent_option(parser: argparse.ArgumentParser) -> None:
    """``--parent-pid PID``, which every window's command line accepts."""
    parser.add_argument(
        "--parent-pid",
        type=int,
        metavar="PID",
        help="close the window when this process (the tray that started it) ends",
    )


class Lifeline:
    """Closes the child's window when its parent has gone, or on SIGTERM or SIGHUP.

    ``kind`` names the window in the one stderr line; ``parent_pid`` is the tray's pid
    (None: run by hand, no parent to watch). A context manager: on entry it installs the
    signal handlers (and on Linux the parent-death signal), on exit it puts back what was
    there before. Until :meth:`watch` is given the window's root an ending signal ends the
    process at once (SystemExit: nothing is on screen yet); afterwards it makes Tk's main
    loop return, so the window closes cleanly. :attr:`ended_by` is the signal that ended
    it (SIGHUP also when the poll found the parent gone), None while nothing has.
    """

    def __init__(self, kind: str, parent_pid: int | None, *, poll_ms: int = PARENT_POLL_MS) -> None:
        self.kind = kind
        self.parent_pid = parent_pid
        self.poll_ms = poll_ms
        self.ended_by: signal.Signals | None = None
        self._root: Root | None = None
        self._previous: dict[signal.Signals, _Handler] = {}

    def __enter__(self) -> Self:
        for sig in (signal.SIGTERM, PARENT_DEATH_SIGNAL):
            self._previous[sig] = signal.signal(sig, self._on_signal)
        try:
            if self.parent_pid is not None:
                # after the handler, before the check: a parent dying in between is seen
                set_parent_death_signal(PARENT_DEATH_SIGNAL)
                if self.parent_gone():
                    self.end(PARENT_DEATH_SIGNAL)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.parent_pid is not None:
            set_parent_death_signal(0)
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()

    @property
    def exit_code(self) -> int:
        """The child's exit code once ended: 128 + the signal, as a shell reports it."""
        return 128 + int(self.ended_by) if self.ended_by is not None else 0

    def parent_gone(self) -> bool:
        """True once the parent has ended (this process now belongs to another one)."""
        return self.parent_pid is not None and os.getppid() != self.parent_pid

    def watch(self, root: Root) -> None:
        """From now on close ``root``'s window (end its main loop) instead of exiting,
        and check the parent every ``poll_ms``."""
        self._root = root
        self._poll()

    def end(self, sig: signal.Signals) -> None:
        """Close the window, or exit at once while there is none."""
        if self.ended_by is None:
            self.ended_by = sig
        if self._root is None:
            print(self.message(), file=sys.stderr, flush=True)
            raise SystemExit(self.exit_code)
        self._root.quit()  # safe at any moment, even after the window was destroyed

    def message(self) -> str:
        """The child's one stderr line saying why it stopped."""
        if self.ended_by is PARENT_DEATH_SIGNAL and self.parent_gone():
            why = f": its parent (pid {self.parent_pid}) has gone"
        else:
            why = f" by {self.ended_by.name if self.ended_by else 'nothing'}"
        return f"posture-watch {self.kind}: stopped{why}"

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        sig = signal.Signals(signum)
        # PR_SET_PDEATHSIG fires when the *thread* that started us ends, which is not
        # the tray ending: only a parent that has really gone counts
        if sig is PARENT_DEATH_SIGNAL and self.parent_pid is not None and not self.parent_gone():
            return
        self.end(sig)

    def _poll(self) -> None:
        if self._root is None:
            return
        if self.ended_by is None and self.parent_gone():
            self.ended_by = PARENT_DEATH_SIGNAL
        if self.ended_by is None:
            self._root.after(self.poll_ms, self._poll)
        else:  # also ends a main loop that started after a signal asked it to end
            self._root.quit()


def set_parent_death_signal(sig: int) -> bool:
    """Linux: have the kernel send ``sig`` to this process when its parent ends (0: no
    signal any more); False elsewhere or when refused."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0)
    except (OSError, AttributeError):  # no libc prctl: the poll alone has to do
        return False


__all__ = [
    "PARENT_DEATH_SIGNAL",
    "PARENT_POLL_MS",
    "Lifeline",
    "Root",
    "add_parent_option",
    "set_parent_death_signal",
]
