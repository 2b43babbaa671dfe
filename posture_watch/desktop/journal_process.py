"""The tray's side of the end-of-day journal window: start it, poll it, close it.

Same design as :mod:`posture_watch.desktop.stretch_process`, for the same reasons: Tk wants
the main thread of its process, which in the tray belongs to pystray, so the window runs as
``python -m posture_watch.desktop.journal_window`` and reports back with one JSON line on
stdout when it closes. This module never imports tkinter.

Whatever happens to the child (it crashes, prints garbage, is still open at shutdown), the
caller gets a :class:`JournalResult` — answer ``ignored`` plus one logged line — never an
exception. Output goes to temporary files, not pipes, so the child cannot block on a full
pipe while the tray is busy elsewhere.

A ``saved`` result turns into the history's :class:`~posture_watch.core.journal.JournalEntry`
with :meth:`JournalResult.entry`; the window validates with that same class before it
prints, and :meth:`JournalResult.from_json` again, so a saved answer always stores.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import TracebackType
from typing import IO, Any

from posture_watch.core.journal import JournalEntry

# the child-process plumbing is the stretch window's, shared rather than copied
from posture_watch.desktop.stretch_process import (
    CLOSE_TIMEOUT,
    _exit_reason,
    _last_line,
    _read,
    _stop,
)
from posture_watch.errors import ConfigError

log = logging.getLogger(__name__)

WINDOW_MODULE = "posture_watch.desktop.journal_window"
_FIELDS = {"answer", "pain", "areas", "note", "numbness", "weakness"}


class JournalAnswer(StrEnum):
    """How a journal window ended; ``ignored`` is never sent by the window itself."""

    SAVED = "saved"
    SKIPPED = "skipped"  # "Not today" or Escape
    DISMISSED = "dismissed"  # closed with the window manager's close button
    IGNORED = "ignored"  # still open when the tray closed it, or the window failed


@dataclass(frozen=True)
class JournalResult:
    """What the person did with one journal window.

    Only a ``saved`` result carries answers; the others carry the empty defaults, because
    a half-filled form the person then declined is not something to keep. ``pain`` is
    0-10, None when not rated; ``areas`` use the spelling of
    :data:`~posture_watch.core.journal.BODY_AREAS`.
    """

    answer: JournalAnswer
    pain: int | None = None
    areas: tuple[str, ...] = ()
    note: str = ""
    numbness: bool = False
    weakness: bool = False

    def entry(self, t: float) -> JournalEntry | None:
        """The journal entry to store, stamped ``t`` (epoch seconds); None unless saved.

        Raises :class:`~posture_watch.errors.ConfigError` for a saved result the history
        would refuse (empty, pain out of range, unknown area).
        """
        if self.answer is not JournalAnswer.SAVED:
            return None
        return JournalEntry(
            t, self.pain, self.areas, self.note, numbness=self.numbness, weakness=self.weakness
        )

    def to_json(self) -> str:
        """The one line the window prints on stdout."""
        return json.dumps(
            {
                "answer": self.answer.value,
                "pain": self.pain,
                "areas": list(self.areas),
                "note": self.note,
                "numbness": self.numbness,
                "weakness": self.weakness,
            }
        )

    @classmethod
    def from_json(cls, line: str) -> JournalResult:
        """Parse the window's line; ValueError naming the problem if it is not a valid one
        (including a ``saved`` answer the history would refuse)."""
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not JSON: {line[:80]!r}") from exc
        if not isinstance(data, dict) or set(data) != _FIELDS:
            raise ValueError(f"not a journal result: {line[:80]!r}")
        areas = _typed(data, "areas", list)
        if not all(isinstance(area, str) for area in areas):
            raise ValueError(f"areas must be strings: {areas!r}")
        result = cls(
            answer=JournalAnswer(_typed(data, "answer", str)),
            pain=None if data["pain"] is None else _typed(data, "pain", int),
            areas=tuple(areas),
            note=_typed(data, "note", str),
            numbness=_typed(data, "numbness", bool),
            weakness=_typed(data, "weakness", bool),
        )
        try:
            result.entry(0.0)
        except ConfigError as exc:
            raise ValueError(f"not a valid journal entry: {exc.one_line()}") from exc
        return result


def _typed(data: Mapping[str, Any], name: str, kind: type) -> Any:
    value = data[name]
    # bool is an int subclass: only a field that asks for bool may hold one
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ValueError(f"{name} has the wrong type: {value!r}")
    return value


class JournalWindowProcess:
    """One journal window in a child process; the tray polls it from its own tick.

    ``env`` is the child's environment (None: this process's); ``python`` the interpreter
    that runs it (tests swap in other programs to see how failures are handled).
    """

    def __init__(
        self, env: Mapping[str, str] | None = None, *, python: str = sys.executable
    ) -> None:
        self.env = dict(env) if env is not None else None
        self.python = python
        self._proc: subprocess.Popen[bytes] | None = None
        self._out: IO[bytes] | None = None
        self._err: IO[bytes] | None = None
        self._result: JournalResult | None = None

    def command(self) -> list[str]:
        """The child's command line."""
        return [self.python, "-m", WINDOW_MODULE]

    @property
    def pid(self) -> int | None:
        """The child's process id while it is (or was) running."""
        return self._proc.pid if self._proc is not None else None

    def start(self) -> None:
        """Open the window (returns at once; the window appears a moment later)."""
        if self._proc is not None or self._result is not None:
            raise RuntimeError("this journal window was already started")
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
            self._result = _ignored(f"could not start: {exc.strerror or exc}")

    def poll(self) -> JournalResult | None:
        """The result once the window has closed; None while it is open. Never blocks."""
        if self._result is None:
            if self._proc is None:
                raise RuntimeError("start() the journal window before polling it")
            if self._proc.poll() is not None:
                self._result = self._collect()
        return self._result

    def close(self, timeout: float = CLOSE_TIMEOUT) -> JournalResult:
        """End the window: its own answer if it already closed, else ``ignored``."""
        if self._result is None and self._proc is None:  # never started
            self._result = _ignored(None)
        elif self._result is None and self._proc is not None:
            still_open = self._proc.poll() is None
            if still_open:
                _stop(self._proc, timeout)
            self._result = self._collect(closing=still_open)
        assert self._result is not None
        return self._result

    def __enter__(self) -> JournalWindowProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _collect(self, *, closing: bool = False) -> JournalResult:
        """The child's answer. A valid line counts even if the child was terminated just
        after printing it; otherwise ``ignored``, logged unless we ended the child."""
        assert self._proc is not None and self._out is not None and self._err is not None
        out, err = _read(self._out), _read(self._err)
        self._release()
        result, problem = _parse(out)
        if result is not None:
            return result
        if closing:
            return _ignored(None)
        code = self._proc.returncode
        if code != 0:
            return _ignored(f"{_exit_reason(code)}: {_last_line(err) or 'no message'}")
        return _ignored(problem)

    def _release(self) -> None:
        for handle in (self._out, self._err):
            if handle is not None:
                handle.close()
        self._out = self._err = None


def _parse(out: str) -> tuple[JournalResult | None, str]:
    lines = [line for line in out.splitlines() if line.strip()]
    if len(lines) != 1:
        return None, f"printed {len(lines)} lines instead of one result line"
    try:
        result = JournalResult.from_json(lines[0])
    except ValueError as exc:
        return None, str(exc)
    if result.answer is JournalAnswer.IGNORED:
        return None, f"answered with 'ignored': {lines[0]}"
    return result, ""


def _ignored(problem: str | None) -> JournalResult:
    if problem is not None:
        log.warning("journal window gave no answer: %s", problem)
    return JournalResult(JournalAnswer.IGNORED)


__all__ = ["JournalAnswer", "JournalResult", "JournalWindowProcess"]
