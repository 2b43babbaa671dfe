"""What both ends of a Tk window run as a child process share: start, poll, close, answer.

Tk wants the main thread of its process, which in the tray belongs to pystray, so each
window (stretch, journal) runs as ``python -m <its module>`` and reports back with one JSON
line on stdout when it closes. :class:`ChildWindowProcess` is the tray's side of that: it
starts the child, polls it without blocking, ends it on close (SIGTERM, then SIGKILL after
a timeout) and parses its line. Whatever happens to the child (it crashes, prints garbage,
is still open at shutdown), the caller gets the window's ``ignored`` result plus at most
one logged line, never an exception. The child's output goes to temporary files, not
pipes, so a chatty child can never block on a full pipe while the tray is not reading.

:func:`run_window` and :func:`place_in_corner` are the child's side. This module never
imports tkinter, so the tray does not need Tk to start.

A window must not outlive the tray, even a tray killed with SIGKILL: the tray passes its
pid (``--parent-pid``) and :func:`run_window` keeps the window on a
:class:`~.lifeline.Lifeline`, which closes it once that parent has gone, and on SIGTERM.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import math
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, ClassVar, Generic, Protocol, Self, TypeVar

from posture_watch import i18n
from posture_watch.clock import SYSTEM, Clock
from posture_watch.desktop.lifeline import Lifeline, Root
from posture_watch.errors import PostureWatchError, exit_reason

if TYPE_CHECKING:
    import tkinter as tk

#: How long close() waits for the child to end after SIGTERM before it kills it (seconds).
CLOSE_TIMEOUT = 2.0


def can_open_windows(env: Mapping[str, str] | None = None) -> bool:
    """Whether a Tk window can open: on Linux Tk needs an X display (``DISPLAY``: X11 or
    XWayland); a Wayland session without XWayland has only ``WAYLAND_DISPLAY``."""
    env = os.environ if env is None else env
    return not sys.platform.startswith("linux") or bool(env.get("DISPLAY"))


ResultT = TypeVar("ResultT")


class ChildWindowProcess(Generic[ResultT]):
    """One window in a child process; the tray polls it from its own tick.

    A subclass names the window (``window_module``, ``kind``, ``log``) and supplies its
    extra arguments, how to read its one result line and its ``ignored`` result. ``clock``
    measures how long the window was open, for results the child did not report itself.
    """

    #: The module run as ``python -m window_module``.
    window_module: ClassVar[str]
    #: What the window is called in errors, e.g. ``"stretch window"``.
    kind: ClassVar[str]
    #: Where the one line about a child that gave no answer goes.
    log: ClassVar[logging.Logger]

    def __init__(
        self,
        env: Mapping[str, str] | None,
        python: str,
        clock: Clock = SYSTEM,
    ) -> None:
        self.env = dict(env) if env is not None else None
        self.python = python
        self._clock = clock
        self._proc: subprocess.Popen[bytes] | None = None
        self._out: IO[bytes] | None = None
        self._err: IO[bytes] | None = None
        self._started_at = 0.0
        self._result: ResultT | None = None

    # -- what a window supplies -------------------------------------------------------

    def arguments(self) -> list[str]:
        """The child's arguments after its module name."""
        return []

    def parse_line(self, line: str) -> ResultT:
        """The result the child printed; ValueError naming the problem if it is not one
        this window accepts."""
        raise NotImplementedError

    def ignored_result(self, seconds_open: float) -> ResultT:
        """The ``ignored`` result, for a window that gave no answer of its own."""
        raise NotImplementedError

    def describe(self) -> str:
        """The window as the log line names it."""
        return self.kind

    # -- the lifecycle ----------------------------------------------------------------

    def command(self) -> list[str]:
        """The child's command line; ``--parent-pid`` lets the child close when we die."""
        parent = ["--parent-pid", str(os.getpid())]
        return [self.python, "-m", self.window_module, *parent, *self.arguments()]

    @property
    def pid(self) -> int | None:
        """The child's process id while it is (or was) running."""
        return self._proc.pid if self._proc is not None else None

    def start(self) -> None:
        """Open the window (returns at once; the window appears a moment later)."""
        if self._proc is not None or self._result is not None:
            raise RuntimeError(f"this {self.kind} was already started")
        self._started_at = self._clock.monotonic()
        # files, not pipes: nothing can block while the tray is busy; closed in _release()
        self._out = tempfile.TemporaryFile()  # noqa: SIM115
        self._err = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            self._proc = subprocess.Popen(
                self.command(),
                stdin=subprocess.DEVNULL,
                stdout=self._out,
                stderr=self._err,
                env=self.env,
            )
        except OSError as exc:
            self._release()
            self._result = self._ignored(f"could not start: {exc.strerror or exc}")

    def poll(self) -> ResultT | None:
        """The result once the window has closed; None while it is open. Never blocks."""
        if self._result is None:
            if self._proc is None:
                raise RuntimeError(f"start() the {self.kind} before polling it")
            if self._proc.poll() is not None:
                self._result = self._collect()
        return self._result

    def close(self, timeout: float = CLOSE_TIMEOUT) -> ResultT:
        """End the window: its own answer if it already closed, else ``ignored``."""
        if self._result is None and self._proc is None:  # never started
            self._result = self._ignored(None)
        elif self._result is None and self._proc is not None:
            still_open = self._proc.poll() is None
            if still_open:
                _stop(self._proc, timeout)
            self._result = self._collect(closing=still_open)
        assert self._result is not None
        return self._result

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _collect(self, *, closing: bool = False) -> ResultT:
        """The child's answer. A valid result line counts even if the child was terminated
        just after printing it (closing while it exits); otherwise the answer is
        ``ignored``, with one log line unless we ended the child ourselves."""
        assert self._proc is not None and self._out is not None and self._err is not None
        out, err = _read(self._out), _read(self._err)
        self._release()
        result, problem = self._parse(out)
        if result is not None:
            return result
        if closing:
            return self._ignored(None)
        code = self._proc.returncode
        if code != 0:
            return self._ignored(f"{exit_reason(code)}: {_last_line(err) or 'no message'}")
        return self._ignored(problem)

    def _parse(self, out: str) -> tuple[ResultT | None, str]:
        lines = [line for line in out.splitlines() if line.strip()]
        if len(lines) != 1:
            return None, f"printed {len(lines)} lines instead of one result line"
        try:
            return self.parse_line(lines[0]), ""
        except ValueError as exc:
            return None, str(exc)

    def _ignored(self, problem: str | None) -> ResultT:
        if problem is not None:
            self.log.warning("%s gave no answer: %s", self.describe(), problem)
        return self.ignored_result(round(max(0.0, self._clock.monotonic() - self._started_at), 3))

    def _release(self) -> None:
        for handle in (self._out, self._err):
            if handle is not None:
                handle.close()
        self._out = self._err = None


def _stop(proc: subprocess.Popen[bytes], timeout: float) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _read(handle: IO[bytes]) -> str:
    handle.seek(0)
    return handle.read().decode("utf-8", errors="replace")


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def result_object(line: str, fields: set[str], what: str) -> dict[str, Any]:
    """The result line as a JSON object with exactly ``fields``; ValueError naming the
    problem (``what`` says what it should have been, e.g. ``"stretch result"``)."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {line[:80]!r}") from exc
    if not isinstance(data, dict) or set(data) != fields:
        raise ValueError(f"not a {what}: {line[:80]!r}")
    return data


def typed_field(data: Mapping[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    """``data[name]`` if it is a ``kind``, else ValueError. JSON's true and false are not
    numbers here (bool is an int subclass): only a field that asks for bool may hold one."""
    value = data[name]
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ValueError(f"{name} has the wrong type: {value!r}")
    return value


# -- the child's side ---------------------------------------------------------------------


class _Result(Protocol):
    def to_json(self) -> str: ...


class _Window(Protocol):
    @property
    def root(self) -> Root: ...
    def run(self) -> _Result: ...


def positive_number(text: str) -> float:
    """An argparse ``type`` for the windows' options in seconds, minutes or frames a
    second: a finite number above 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0 or math.isinf(value):
        raise argparse.ArgumentTypeError(f"must be a number > 0, got {text!r}")
    return value


def run_window(kind: str, build: Callable[[], _Window], parent_pid: int | None = None) -> int:
    """The child's main: build the window, run it until answered, print its one JSON line.

    Returns the exit code: 0, or the error's own code after one line on stderr when the
    window cannot be built (no display, unknown prompt). A window closed because its
    parent (``parent_pid``) has gone or by SIGTERM prints no answer, only one line on
    stderr, and returns 128 + the signal (129 for a parent that has gone, 143 for SIGTERM).
    """
    i18n.setup()  # a child is a program of its own: its words in the person's language
    with Lifeline(kind, parent_pid) as lifeline:
        try:
            window = build()
        except PostureWatchError as exc:
            print(f"posture-watch {kind}: {exc.one_line()}", file=sys.stderr)
            return exc.exit_code
        lifeline.watch(window.root)
        result = window.run()
        if lifeline.ended_by is not None:
            _destroy(window.root)
            print(lifeline.message(), file=sys.stderr, flush=True)
            return lifeline.exit_code
    print(result.to_json(), flush=True)
    return 0


def _destroy(root: Root) -> None:
    """Take the window off the screen now, unless an answer already did."""
    import tkinter  # the child has loaded Tk already; the tray never gets here

    with contextlib.suppress(tkinter.TclError):  # "application has been destroyed"
        root.destroy()


def place_in_corner(root: tk.Tk, margin_right: int, margin_bottom: int) -> None:
    """Show ``root`` ``margin_right`` and ``margin_bottom`` pixels from the screen's
    bottom-right corner, without taking focus."""
    # negative offsets anchor the right and bottom edges, so Tk keeps the margins
    # even when the window's final size differs from its first estimate
    root.geometry(f"-{margin_right}-{margin_bottom}")
    root.deiconify()


#: Text colours that keep 4.5:1 (WCAG AA) on Tk's grey (#d9d9d9) and on the menu's
#: #f4f4f4: secondary text (a source line), greyed-out entries (Tk's own #a3a3a3 on
#: #d9d9d9 is 1.8:1: the tray menu's status line was unreadable) and warnings (red3 was
#: 4.1:1).
SECONDARY_TEXT = "#4d4d4d"
DISABLED_TEXT = "#595959"
WARNING_TEXT = "#a30000"


def readable_colours(root: tk.Misc) -> None:
    """Greyed-out text in every widget of ``root``'s window at :data:`DISABLED_TEXT`."""
    root.option_add("*disabledForeground", DISABLED_TEXT)


def paragraph(parent: tk.Misc, text: str, wrap: int, **style: Any) -> tk.Label:
    """A label of running text: left-aligned and wrapped at ``wrap`` pixels; ``style`` are
    further label options (``font``, ``fg``). Tk is loaded: ``parent`` is a widget."""
    import tkinter as tk

    return tk.Label(parent, text=text, wraplength=wrap, justify="left", anchor="w", **style)


__all__ = [
    "CLOSE_TIMEOUT",
    "DISABLED_TEXT",
    "SECONDARY_TEXT",
    "WARNING_TEXT",
    "ChildWindowProcess",
    "can_open_windows",
    "exit_reason",
    "paragraph",
    "place_in_corner",
    "readable_colours",
    "result_object",
    "run_window",
    "typed_field",
]
