"""The tray's side of the stretch window: start it as a child process, poll it, close it.

The window is Tk, and Tk wants the main thread of its process, which in the tray belongs
to pystray. So the window runs as ``python -m posture_watch.desktop.stretch_window`` and
reports back with one JSON line on stdout when it closes. This module never imports
tkinter, so the tray does not need Tk to start.

Whatever happens to the child (it crashes, prints garbage, is still open at shutdown), the
caller gets a :class:`StretchResult` — answer ``ignored`` plus one logged line — never an
exception. The child's output goes to temporary files, not pipes, so a chatty child can
never block on a full pipe while the tray is not reading.
"""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
from types import TracebackType
from typing import IO, Any

log = logging.getLogger(__name__)

WINDOW_MODULE = "posture_watch.desktop.stretch_window"
#: How long close() waits for the child to end after SIGTERM before it kills it (seconds).
CLOSE_TIMEOUT = 2.0
_FIELDS = {"prompt_id", "answer", "repetitions_done", "seconds_open"}


class StretchAnswer(StrEnum):
    """How a stretch window ended; ``ignored`` is never sent by the window itself."""

    DONE = "done"
    SNOOZED = "snoozed"
    SKIPPED = "skipped"
    DISMISSED = "dismissed"  # closed with the window manager's close button
    IGNORED = "ignored"  # still open when the tray closed it, or the window failed


@dataclass(frozen=True)
class StretchResult:
    """What the person did with one stretch window; ``seconds_open`` is wall time, seconds."""

    prompt_id: str
    answer: StretchAnswer
    repetitions_done: int
    seconds_open: float

    def to_json(self) -> str:
        """The one line the window prints on stdout."""
        return json.dumps({**asdict(self), "answer": self.answer.value})

    @classmethod
    def from_json(cls, line: str) -> StretchResult:
        """Parse the window's line; ValueError naming the problem if it is not one."""
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not JSON: {line[:80]!r}") from exc
        if not isinstance(data, dict) or set(data) != _FIELDS:
            raise ValueError(f"not a stretch result: {line[:80]!r}")
        return cls(
            prompt_id=_typed(data, "prompt_id", str),
            answer=StretchAnswer(_typed(data, "answer", str)),
            repetitions_done=_typed(data, "repetitions_done", int),
            seconds_open=float(_typed(data, "seconds_open", (int, float))),
        )


def _typed(data: Mapping[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    value = data[name]
    if isinstance(value, bool) or not isinstance(value, kind):
        raise ValueError(f"{name} has the wrong type: {value!r}")
    return value


class StretchWindowProcess:
    """One stretch window in a child process; the tray polls it from its own tick.

    ``env`` is the child's environment (None: this process's). ``hold_seconds``
    overrides the prompt's hold time (tests use 1 s). ``clock`` measures ``seconds_open``
    for results the child did not report itself.
    """

    def __init__(
        self,
        prompt_id: str,
        snooze_minutes: float = 10,
        env: Mapping[str, str] | None = None,
        *,
        hold_seconds: float | None = None,
        python: str = sys.executable,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.prompt_id = prompt_id
        self.snooze_minutes = snooze_minutes
        self.env = dict(env) if env is not None else None
        self.hold_seconds = hold_seconds
        self.python = python
        self._clock = clock
        self._proc: subprocess.Popen[bytes] | None = None
        self._out: IO[bytes] | None = None
        self._err: IO[bytes] | None = None
        self._started_at = 0.0
        self._result: StretchResult | None = None

    def command(self) -> list[str]:
        """The child's command line."""
        argv = [self.python, "-m", WINDOW_MODULE, "--prompt-id", self.prompt_id]
        argv += ["--snooze-minutes", f"{self.snooze_minutes:g}"]
        if self.hold_seconds is not None:
            argv += ["--hold-seconds", f"{self.hold_seconds:g}"]
        return argv

    @property
    def pid(self) -> int | None:
        """The child's process id while it is (or was) running."""
        return self._proc.pid if self._proc is not None else None

    def start(self) -> None:
        """Open the window (returns at once; the window appears a moment later)."""
        if self._proc is not None or self._result is not None:
            raise RuntimeError("this stretch window was already started")
        self._started_at = self._clock()
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

    def poll(self) -> StretchResult | None:
        """The result once the window has closed; None while it is open. Never blocks."""
        if self._result is None:
            if self._proc is None:
                raise RuntimeError("start() the stretch window before polling it")
            if self._proc.poll() is not None:
                self._result = self._collect()
        return self._result

    def close(self, timeout: float = CLOSE_TIMEOUT) -> StretchResult:
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

    def __enter__(self) -> StretchWindowProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _collect(self, *, closing: bool = False) -> StretchResult:
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
            return self._ignored(f"{_exit_reason(code)}: {_last_line(err) or 'no message'}")
        return self._ignored(problem)

    def _parse(self, out: str) -> tuple[StretchResult | None, str]:
        lines = [line for line in out.splitlines() if line.strip()]
        if len(lines) != 1:
            return None, f"printed {len(lines)} lines instead of one result line"
        try:
            result = StretchResult.from_json(lines[0])
        except ValueError as exc:
            return None, str(exc)
        if result.prompt_id != self.prompt_id or result.answer is StretchAnswer.IGNORED:
            return None, f"answered for another prompt or with 'ignored': {lines[0]}"
        return result, ""

    def _ignored(self, problem: str | None) -> StretchResult:
        if problem is not None:
            log.warning("stretch window for %r gave no answer: %s", self.prompt_id, problem)
        seconds = round(max(0.0, self._clock() - self._started_at), 3)
        return StretchResult(self.prompt_id, StretchAnswer.IGNORED, 0, seconds)

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


def _exit_reason(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with {code}"


__all__ = ["StretchAnswer", "StretchResult", "StretchWindowProcess"]
