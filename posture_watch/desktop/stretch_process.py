"""The tray's side of the stretch window: start it as a child process, poll it, close it.

The window is Tk, and Tk wants the main thread of its process, which in the tray belongs
to pystray. So the window runs as ``python -m posture_watch.desktop.stretch_window`` and
reports back with one JSON line on stdout when it closes. This module never imports
tkinter, so the tray does not need Tk to start.

Whatever happens to the child (it crashes, prints garbage, is still open at shutdown), the
caller gets a :class:`StretchResult` — answer ``ignored`` plus one logged line — never an
exception. The child-process plumbing is :class:`~.child_window.ChildWindowProcess`'s,
shared with the journal window; this module adds the stretch window's arguments and result.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum

# still importable from here, where it used to live
from posture_watch.clock import SYSTEM, Clock
from posture_watch.desktop.child_window import CLOSE_TIMEOUT as CLOSE_TIMEOUT
from posture_watch.desktop.child_window import (
    ChildWindowProcess,
    result_object,
    typed_field,
)

log = logging.getLogger(__name__)

WINDOW_MODULE = "posture_watch.desktop.stretch_window"
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
        data = result_object(line, _FIELDS, "stretch result")
        return cls(
            prompt_id=typed_field(data, "prompt_id", str),
            answer=StretchAnswer(typed_field(data, "answer", str)),
            repetitions_done=typed_field(data, "repetitions_done", int),
            seconds_open=float(typed_field(data, "seconds_open", (int, float))),
        )


class StretchWindowProcess(ChildWindowProcess[StretchResult]):
    """One stretch window in a child process; the tray polls it from its own tick.

    ``env`` is the child's environment (None: this process's). ``hold_seconds``
    overrides the prompt's hold time (tests use 1 s); ``sound`` plays a soft chime when a
    hold ends (off by default). ``clock`` measures ``seconds_open``
    for results the child did not report itself.
    """

    window_module = WINDOW_MODULE
    kind = "stretch window"
    log = log

    def __init__(
        self,
        prompt_id: str,
        snooze_minutes: float = 10,
        env: Mapping[str, str] | None = None,
        *,
        hold_seconds: float | None = None,
        sound: bool = False,
        python: str = sys.executable,
        clock: Clock = SYSTEM,
    ) -> None:
        super().__init__(env, python, clock)
        self.prompt_id = prompt_id
        self.snooze_minutes = snooze_minutes
        self.hold_seconds = hold_seconds
        self.sound = sound

    def arguments(self) -> list[str]:
        """``--prompt-id``, ``--snooze-minutes`` and, if set, ``--hold-seconds`` and
        ``--sound``."""
        argv = ["--prompt-id", self.prompt_id, "--snooze-minutes", f"{self.snooze_minutes:g}"]
        if self.hold_seconds is not None:
            argv += ["--hold-seconds", f"{self.hold_seconds:g}"]
        if self.sound:
            argv.append("--sound")
        return argv

    def parse_line(self, line: str) -> StretchResult:
        """The child's result; refused if it is for another prompt or says ``ignored``."""
        result = StretchResult.from_json(line)
        if result.prompt_id != self.prompt_id or result.answer is StretchAnswer.IGNORED:
            raise ValueError(f"answered for another prompt or with 'ignored': {line}")
        return result

    def ignored_result(self, seconds_open: float) -> StretchResult:
        """``ignored`` for this prompt, no repetitions done."""
        return StretchResult(self.prompt_id, StretchAnswer.IGNORED, 0, seconds_open)

    def describe(self) -> str:
        """``stretch window for 'prompt-id'``."""
        return f"stretch window for {self.prompt_id!r}"


__all__ = ["StretchAnswer", "StretchResult", "StretchWindowProcess"]
