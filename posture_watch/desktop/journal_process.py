"""The tray's side of the end-of-day journal window: start it, poll it, close it.

Same design as :mod:`posture_watch.desktop.stretch_process`, for the same reasons: Tk wants
the main thread of its process, which in the tray belongs to pystray, so the window runs as
``python -m posture_watch.desktop.journal_window`` and reports back with one JSON line on
stdout when it closes. This module never imports tkinter.

Whatever happens to the child (it crashes, prints garbage, is still open at shutdown), the
caller gets a :class:`JournalResult` — answer ``ignored`` plus one logged line — never an
exception. The child-process plumbing is :class:`~.child_window.ChildWindowProcess`'s; this
module adds the journal window's result.

A ``saved`` result turns into the history's :class:`~posture_watch.core.journal.JournalEntry`
with :meth:`JournalResult.entry`; the window validates with that same class before it
prints, and :meth:`JournalResult.from_json` again, so a saved answer always stores.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from posture_watch.core.journal import JournalEntry
from posture_watch.desktop.child_window import (
    ChildWindowProcess,
    result_object,
    typed_field,
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
        data = result_object(line, _FIELDS, "journal result")
        areas = typed_field(data, "areas", list)
        if not all(isinstance(area, str) for area in areas):
            raise ValueError(f"areas must be strings: {areas!r}")
        result = cls(
            answer=JournalAnswer(typed_field(data, "answer", str)),
            pain=None if data["pain"] is None else typed_field(data, "pain", int),
            areas=tuple(areas),
            note=typed_field(data, "note", str),
            numbness=typed_field(data, "numbness", bool),
            weakness=typed_field(data, "weakness", bool),
        )
        try:
            result.entry(0.0)
        except ConfigError as exc:
            raise ValueError(f"not a valid journal entry: {exc.one_line()}") from exc
        return result


class JournalWindowProcess(ChildWindowProcess[JournalResult]):
    """One journal window in a child process; the tray polls it from its own tick.

    ``env`` is the child's environment (None: this process's); ``python`` the interpreter
    that runs it (tests swap in other programs to see how failures are handled).
    """

    window_module = WINDOW_MODULE
    kind = "journal window"
    log = log

    def __init__(
        self, env: Mapping[str, str] | None = None, *, python: str = sys.executable
    ) -> None:
        super().__init__(env, python)

    def parse_line(self, line: str) -> JournalResult:
        """The child's result; refused if it says ``ignored``."""
        result = JournalResult.from_json(line)
        if result.answer is JournalAnswer.IGNORED:
            raise ValueError(f"answered with 'ignored': {line}")
        return result

    def ignored_result(self, seconds_open: float) -> JournalResult:
        """``ignored`` with no answers (the journal does not record how long it was open)."""
        return JournalResult(JournalAnswer.IGNORED)


__all__ = ["JournalAnswer", "JournalResult", "JournalWindowProcess"]
