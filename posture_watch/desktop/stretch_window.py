"""The stretch-break window: the prompt, its steps, a hold countdown and three answers.

Run as its own process so Tk owns that process's main thread and never shares one with
the tray (whose side is :mod:`posture_watch.desktop.stretch_process`)::

    python -m posture_watch.desktop.stretch_window --prompt-id ID \\
        [--snooze-minutes 10] [--hold-seconds N] [--parent-pid PID]

On exit it prints exactly one JSON line (:meth:`StretchResult.to_json`) and exits 0. An
unknown prompt id or a prompt without steps is one line on stderr and exit 2.

The window asks for attention without taking it: it sits near the bottom-right corner of
the screen and never forces focus or grabs input. Keys, once the person is in it:
Return = Done, Escape = Skip, Space = Start hold (the hold button has the window's focus).
Closing it with the window manager answers ``dismissed``. The answer buttons fill the
bottom row in three equal columns — Done, Snooze, Skip — ``PAD`` pixels from the edges.

tkinter is imported only when a window is built, so the tray can import this module (for
:class:`StretchWindowProcess`) without loading Tk or needing it installed.
"""

from __future__ import annotations

import argparse
import functools
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from posture_watch.clock import SYSTEM, Clock
from posture_watch.core.prompts import Prompt
from posture_watch.desktop.child_window import (
    SECONDARY_TEXT,
    paragraph,
    place_in_corner,
    positive_number,
    readable_colours,
    run_window,
)
from posture_watch.desktop.lifeline import add_parent_option
from posture_watch.desktop.stretch_process import (
    StretchAnswer,
    StretchResult,
    StretchWindowProcess,
)
from posture_watch.errors import ConfigError, PostureWatchError
from posture_watch.prompt_library import load_prompts

if TYPE_CHECKING:
    import tkinter as tk

#: Gap between the window and the screen's right and bottom edges, pixels (the bottom one
#: leaves room for a taskbar).
MARGIN_RIGHT, MARGIN_BOTTOM = 24, 64
#: Padding around the window's content, pixels.
PAD = 8
#: Width at which the texts wrap, pixels.
WRAP = 420
TICK_MS = 100


class HoldPhase(StrEnum):
    """Where a stretch's holds stand."""

    READY = "ready"  # waiting for the person to press Start hold
    HOLDING = "holding"
    FINISHED = "finished"  # every repetition held


@dataclass(frozen=True)
class HoldStatus:
    """What the window shows: ``repetition`` is 1-based (the last one once finished),
    ``seconds_left`` belongs to the hold under way (the full hold when ready, 0 when
    finished)."""

    phase: HoldPhase
    repetition: int
    repetitions: int
    repetitions_done: int
    seconds_left: float


@dataclass(frozen=True)
class HoldCountdown:
    """The hold timer as a value; every method takes ``now`` (monotonic seconds).

    The person starts each hold; it ends by itself after ``hold_seconds`` and counts as one
    repetition done. Reads no clock and needs no Tk, so tests step it with plain numbers.
    """

    hold_seconds: float
    repetitions: int
    done: int = 0
    started_at: float | None = None

    def __post_init__(self) -> None:
        if self.hold_seconds <= 0 or self.repetitions <= 0:
            raise ValueError("hold_seconds and repetitions must be > 0")
        if not 0 <= self.done <= self.repetitions:
            raise ValueError("done must be between 0 and repetitions")

    def settle(self, now: float) -> HoldCountdown:
        """Count the hold under way as done once its time is up."""
        if self.started_at is not None and now >= self.started_at + self.hold_seconds:
            return replace(self, done=self.done + 1, started_at=None)
        return self

    def start(self, now: float) -> HoldCountdown:
        """Begin the next hold; no change while one is under way or when all are done."""
        settled = self.settle(now)
        if settled.started_at is not None or settled.done >= settled.repetitions:
            return settled
        return replace(settled, started_at=now)

    def status(self, now: float) -> HoldStatus:
        """Phase, repetition and seconds left at ``now``."""
        s = self.settle(now)
        if s.done >= s.repetitions:
            return HoldStatus(HoldPhase.FINISHED, s.repetitions, s.repetitions, s.done, 0.0)
        if s.started_at is None:
            return HoldStatus(HoldPhase.READY, s.done + 1, s.repetitions, s.done, s.hold_seconds)
        left = min(s.hold_seconds, s.started_at + s.hold_seconds - now)
        return HoldStatus(HoldPhase.HOLDING, s.done + 1, s.repetitions, s.done, left)


def hold_texts(status: HoldStatus) -> tuple[str, str]:
    """The repetition line and the countdown line for a status."""
    if status.phase is HoldPhase.FINISHED:
        return f"Well done: all {status.repetitions} repetitions held.", ""
    repetition = f"Repetition {status.repetition} of {status.repetitions}"
    if status.phase is HoldPhase.HOLDING:
        return repetition, f"Hold… {math.ceil(status.seconds_left)} s"
    return repetition, f"Hold for {status.seconds_left:g} s, then relax."


def answer_buttons(snooze_minutes: float) -> tuple[tuple[str, StretchAnswer], ...]:
    """The bottom row's buttons, left to right: label and the answer each gives."""
    return (
        ("Done", StretchAnswer.DONE),
        (f"Snooze {snooze_minutes:g} min", StretchAnswer.SNOOZED),
        ("Skip", StretchAnswer.SKIPPED),
    )


def find_prompt(prompt_id: str, prompts: Sequence[Prompt]) -> Prompt:
    """The prompt with ``prompt_id``; ConfigError if there is none or it has no steps."""
    for prompt in prompts:
        if prompt.id == prompt_id:
            if not prompt.steps:
                raise ConfigError(
                    f"prompt {prompt_id!r} has no steps to show", hint="pick a stretch prompt"
                )
            return prompt
    raise ConfigError(f"unknown prompt id {prompt_id!r}", hint="see the ids in the prompt files")


class StretchWindow:
    """The Tk window for one prompt; :meth:`run` blocks until it is answered.

    ``hold_seconds`` overrides the prompt's hold time. A prompt without holds (no
    repetitions) gets no countdown. Raises PostureWatchError when there is no display.
    """

    def __init__(
        self,
        prompt: Prompt,
        *,
        snooze_minutes: float = 10,
        hold_seconds: float | None = None,
        clock: Clock = SYSTEM,
    ) -> None:
        import tkinter as tk  # here, not at the top: see the module docstring

        self.prompt = prompt
        self._clock = clock
        self._opened_at = clock.monotonic()
        self._answer: StretchAnswer | None = None
        hold = prompt.hold_seconds if hold_seconds is None else hold_seconds
        has_holds = hold > 0 and prompt.repetitions > 0
        self.countdown = HoldCountdown(hold, prompt.repetitions) if has_holds else None
        try:
            self.root = tk.Tk(className="posture-watch")
        except tk.TclError as exc:
            raise PostureWatchError(f"cannot open the stretch window: {exc}") from exc
        readable_colours(self.root)
        self.root.withdraw()  # shown by _place, already in its corner
        self.root.title(f"posture-watch: {prompt.title}")
        self.root.resizable(False, False)
        body = tk.Frame(self.root, padx=PAD, pady=PAD)
        body.pack(fill="both", expand=True)
        self._add_texts(body)
        if self.countdown is not None:
            self._add_hold(body)
        self._add_answers(body, snooze_minutes)
        self.root.protocol("WM_DELETE_WINDOW", lambda: self.finish(StretchAnswer.DISMISSED))
        self.root.bind("<Return>", lambda _event: self.finish(StretchAnswer.DONE))
        self.root.bind("<Escape>", lambda _event: self.finish(StretchAnswer.SKIPPED))
        self._tick_id: str | None = None
        self._place()

    def _add_texts(self, body: tk.Frame) -> None:
        paragraph(body, self.prompt.title, WRAP, font="TkHeadingFont").pack(fill="x")
        paragraph(body, self.prompt.text, WRAP).pack(fill="x", pady=(4, 4))
        for number, step in enumerate(self.prompt.steps, 1):
            paragraph(body, f"{number}. {step}", WRAP).pack(fill="x")
        source = f"From the guide: {self.prompt.source}"
        paragraph(body, source, WRAP, fg=SECONDARY_TEXT, font="TkSmallCaptionFont").pack(
            fill="x", pady=(4, 0)
        )

    def _add_hold(self, body: tk.Frame) -> None:
        import tkinter as tk

        row = tk.Frame(body)
        row.pack(fill="x", pady=(PAD, 0))
        self._repetition = tk.Label(row, anchor="w", font="TkHeadingFont")
        self._repetition.pack(side="left")
        self._start = tk.Button(row, text="Start hold", command=self.start_hold)
        self._start.pack(side="right")
        self._seconds = tk.Label(row, anchor="e")
        self._seconds.pack(side="right", padx=PAD)
        self._start.focus_set()  # Tk's focus within the window only: nothing is taken

    def _add_answers(self, body: tk.Frame, snooze_minutes: float) -> None:
        import tkinter as tk

        row = tk.Frame(body)
        row.pack(fill="x", pady=(PAD, 0))
        for column, (text, answer) in enumerate(answer_buttons(snooze_minutes)):
            button = tk.Button(row, text=text, command=functools.partial(self.finish, answer))
            button.grid(row=0, column=column, sticky="ew", padx=(0 if column == 0 else PAD, 0))
            row.columnconfigure(column, weight=1, uniform="answers")

    def _place(self) -> None:
        place_in_corner(self.root, MARGIN_RIGHT, MARGIN_BOTTOM)

    def start_hold(self) -> None:
        """Start the next hold (the Start hold button)."""
        if self.countdown is not None:
            self.countdown = self.countdown.start(self._clock.monotonic())
            self._refresh()

    def _refresh(self) -> None:
        if self.countdown is None:
            return
        now = self._clock.monotonic()
        self.countdown = self.countdown.settle(now)
        status = self.countdown.status(now)
        repetition, seconds = hold_texts(status)
        self._repetition.configure(text=repetition)
        self._seconds.configure(text=seconds)
        self._start.configure(state="normal" if status.phase is HoldPhase.READY else "disabled")

    def _tick(self) -> None:
        self._refresh()
        self._tick_id = self.root.after(TICK_MS, self._tick)

    def finish(self, answer: StretchAnswer) -> None:
        """Answer and close; later answers (a double click) are ignored."""
        if self._answer is not None:
            return
        self._answer = answer
        if self._tick_id is not None:
            self.root.after_cancel(self._tick_id)
        self.root.destroy()

    def run(self) -> StretchResult:
        """Show the window until it is answered, and say how."""
        self._tick()
        self.root.mainloop()
        now = self._clock.monotonic()
        done = self.countdown.settle(now).done if self.countdown is not None else 0
        answer = self._answer or StretchAnswer.DISMISSED
        return StretchResult(self.prompt.id, answer, done, round(now - self._opened_at, 3))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m posture_watch.desktop.stretch_window",
        description="Show one stretch prompt; print the answer as one JSON line.",
    )
    parser.add_argument("--prompt-id", required=True, help="id of a prompt with steps")
    parser.add_argument("--snooze-minutes", type=positive_number, default=10.0, metavar="MINUTES")
    parser.add_argument(
        "--hold-seconds", type=positive_number, metavar="N", help="override the hold time (tests)"
    )
    add_parent_option(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the child process; returns the exit code."""
    args = _parser().parse_args(argv)

    def build() -> StretchWindow:
        prompt = find_prompt(args.prompt_id, load_prompts())
        return StretchWindow(
            prompt, snooze_minutes=args.snooze_minutes, hold_seconds=args.hold_seconds
        )

    return run_window("stretch window", build, args.parent_pid)


__all__ = [
    "HoldCountdown",
    "HoldPhase",
    "HoldStatus",
    "StretchAnswer",
    "StretchResult",
    "StretchWindow",
    "StretchWindowProcess",
    "answer_buttons",
    "find_prompt",
    "hold_texts",
    "main",
]

if __name__ == "__main__":
    sys.exit(main())
