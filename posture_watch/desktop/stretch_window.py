"""The stretch-break window: the stretch, its drawing, a hold countdown and three answers.

Run as its own process so Tk owns that process's main thread and never shares one with
the tray (whose side is :mod:`posture_watch.desktop.stretch_process`)::

    python -m posture_watch.desktop.stretch_window --prompt-id ID \\
        [--snooze-minutes 10] [--hold-seconds N] [--sound] [--parent-pid PID]

On exit it prints exactly one JSON line (:meth:`StretchResult.to_json`) and exits 0. An
unknown prompt id or a prompt without steps is one line on stderr and exit 2.

The window asks for attention without taking it: it sits near the bottom-right corner of
the screen and never forces focus or grabs input. It wears the theme of
:mod:`~posture_watch.desktop.theme` (dark or light as the desktop prefers, scaled for the
screen). One hold at a time: "Left side · 2 of 3" for a two-sided stretch, "Repetition 2
of 3" otherwise, with a ring that empties as the hold runs and the seconds left in it;
``--sound`` plays a soft chime when a hold ends. Keys, once the person is in it: Space =
Start hold (it has the window's focus), Return = Done (the default button, drawn in the
accent colour), Escape = Snooze, Tab moves between the buttons. Closing it with the window
manager answers ``dismissed``. The answer buttons fill the bottom row in three equal
columns — Done, Snooze, Skip — :data:`PAD` pixels (at 96 DPI) from the edges.

tkinter is imported only when a window is built, so the tray can import this module (for
:class:`StretchWindowProcess`) without loading Tk or needing it installed.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from posture_watch.clock import SYSTEM, Clock
from posture_watch.core.prompts import Prompt
from posture_watch.core.stretch_drawings import drawing_for
from posture_watch.core.stretch_holds import (
    SIDES,
    HoldCountdown,
    HoldPhase,
    HoldStatus,
    hold_texts,
    ring_seconds,
)
from posture_watch.core.text import _, pgettext
from posture_watch.desktop.child_window import (
    place_in_corner,
    positive_number,
    run_window,
)
from posture_watch.desktop.chime import play_chime
from posture_watch.desktop.drawing_canvas import paint
from posture_watch.desktop.lifeline import add_parent_option
from posture_watch.desktop.stretch_process import (
    StretchAnswer,
    StretchResult,
    StretchWindowProcess,
)
from posture_watch.desktop.theme import Theme, apply_theme
from posture_watch.errors import ConfigError, PostureWatchError
from posture_watch.prompt_library import load_prompts

if TYPE_CHECKING:
    import tkinter as tk
    from tkinter import ttk

#: Gap between the window and the screen's right and bottom edges, pixels (the bottom one
#: leaves room for a taskbar).
MARGIN_RIGHT, MARGIN_BOTTOM = 24, 64
#: Padding around the window's content, pixels at 96 DPI.
PAD = 16
#: Room for a step's number ("1.") before its text, pixels at 96 DPI.
STEP_INDENT = 24
#: Width at which the steps wrap, the drawing's and the ring's sides: pixels at 96 DPI.
WRAP, DRAWING, RING = 340, 150, 96
TICK_MS = 100


def answer_buttons(snooze_minutes: float) -> tuple[tuple[str, StretchAnswer], ...]:
    """The bottom row's buttons, left to right: label and the answer each gives."""
    return (
        (pgettext("button", "Done"), StretchAnswer.DONE),
        (snooze_label(snooze_minutes), StretchAnswer.SNOOZED),
        (pgettext("button", "Skip"), StretchAnswer.SKIPPED),
    )


def snooze_label(snooze_minutes: float) -> str:
    """``Snooze 10 min`` (a unit's abbreviation: no plural to choose)."""
    return pgettext("button", "Snooze {minutes} min").format(minutes=f"{snooze_minutes:g}")


def find_prompt(prompt_id: str, prompts: Sequence[Prompt]) -> Prompt:
    """The prompt with ``prompt_id``; ConfigError if there is none or it has no steps."""
    for prompt in prompts:
        if prompt.id == prompt_id:
            if not prompt.steps:
                raise ConfigError(
                    _("prompt {id} has no steps to show").format(id=repr(prompt_id)),
                    hint=_("pick a stretch prompt"),
                )
            return prompt
    raise ConfigError(
        _("unknown prompt id {id}").format(id=repr(prompt_id)),
        hint=_("see the ids in the prompt files"),
    )


class StretchWindow:
    """The Tk window for one prompt; :meth:`run` blocks until it is answered.

    ``hold_seconds`` overrides the prompt's hold time. A prompt without holds (no
    repetitions) gets no countdown; one the guide has no drawing for gets no drawing.
    ``sound`` plays the chime when a hold ends. Raises PostureWatchError when there is no
    display.
    """

    def __init__(
        self,
        prompt: Prompt,
        *,
        snooze_minutes: float = 10,
        hold_seconds: float | None = None,
        sound: bool = False,
        clock: Clock = SYSTEM,
    ) -> None:
        import tkinter as tk  # here, not at the top: see the module docstring
        from tkinter import ttk

        self.prompt = prompt.shown()  # its words in the person's language; the id stays
        self.sound = sound
        self._clock = clock
        self._opened_at = clock.monotonic()
        self._answer: StretchAnswer | None = None
        hold = prompt.hold_seconds if hold_seconds is None else hold_seconds
        has_holds = hold > 0 and prompt.repetitions > 0
        sides = 2 if prompt.both_sides else 1
        self.countdown = HoldCountdown(hold, prompt.repetitions, sides=sides) if has_holds else None
        self._shown_holds = 0
        self._shown_side = ""
        try:
            self.root = tk.Tk(className="posture-watch")
        except tk.TclError as exc:
            why = _("cannot open the stretch window: {error}").format(error=exc)
            raise PostureWatchError(why) from exc
        self.theme: Theme = apply_theme(self.root)
        self.root.withdraw()  # shown by _place, already in its corner
        self.root.title(_("posture-watch: {title}").format(title=self.prompt.title))
        self.root.resizable(False, False)
        pad = self.theme.px(PAD)
        body = ttk.Frame(self.root, padding=pad)
        body.pack(fill="both", expand=True)
        self._add_texts(body)
        self._add_middle(body)
        if self.countdown is not None:
            self._add_hold(body)
        self._add_answers(body, snooze_minutes)
        self.root.protocol("WM_DELETE_WINDOW", lambda: self.finish(StretchAnswer.DISMISSED))
        self.root.bind("<Return>", lambda _event: self.finish(StretchAnswer.DONE))
        self.root.bind("<KP_Enter>", lambda _event: self.finish(StretchAnswer.DONE))
        self.root.bind("<Escape>", lambda _event: self.finish(StretchAnswer.SNOOZED))
        self._tick_id: str | None = None
        self._place()

    def _add_texts(self, body: ttk.Frame) -> None:
        from tkinter import ttk

        wrap = self.theme.px(WRAP + DRAWING + PAD)
        ttk.Label(body, text=self.prompt.title, style="Title.TLabel", wraplength=wrap).pack(
            anchor="w"
        )
        ttk.Label(body, text=self.prompt.text, wraplength=wrap, justify="left").pack(
            anchor="w", fill="x", pady=(self.theme.px(4), 0)
        )

    def _add_middle(self, body: ttk.Frame) -> None:
        """The drawing on the left (when the guide has one), the steps on the right."""
        import tkinter as tk
        from tkinter import ttk

        row = ttk.Frame(body)
        row.pack(fill="x", pady=(self.theme.px(PAD), 0))
        self._canvas: tk.Canvas | None = None
        if drawing_for(self.prompt.id) is not None:
            side = self.theme.px(DRAWING)
            self._canvas = tk.Canvas(
                row, width=side, height=side, highlightthickness=0,
                background=self.theme.palette.background,
            )  # fmt: skip
            self._canvas.pack(side="left", anchor="n", padx=(0, self.theme.px(PAD)))
            self._paint_drawing()
        steps = ttk.Frame(row)
        steps.pack(side="left", fill="both", expand=True)
        wrap = self.theme.px(WRAP if self._canvas is not None else WRAP + DRAWING + PAD)
        # The number in a column of its own, the step beside it (a hanging indent): a
        # language without spaces (Japanese) would otherwise wrap right after "1."
        numbers = ttk.Frame(steps)
        numbers.pack(anchor="w", fill="x")
        indent = self.theme.px(STEP_INDENT)
        for row_number, step in enumerate(self.prompt.steps):
            ttk.Label(numbers, text=f"{row_number + 1}.").grid(
                row=row_number, column=0, sticky="nw", pady=(0, self.theme.px(4))
            )
            ttk.Label(numbers, text=step, wraplength=wrap - indent, justify="left").grid(
                row=row_number, column=1, sticky="nw", pady=(0, self.theme.px(4))
            )
        numbers.columnconfigure(0, minsize=indent)
        source = _("From the guide: {source}").format(source=self.prompt.source)
        ttk.Label(steps, text=source, style="Secondary.TLabel", wraplength=wrap).pack(
            anchor="w", pady=(self.theme.px(4), 0)
        )

    def _paint_drawing(self, right_side: bool = False) -> None:
        drawing = drawing_for(self.prompt.id, right_side=right_side)
        if self._canvas is not None and drawing is not None:
            paint(self._canvas, drawing, self.theme.px(DRAWING), self.theme.palette)

    def _add_hold(self, body: ttk.Frame) -> None:
        """The ring with the seconds left, the side and repetition, and Start hold."""
        import tkinter as tk
        from tkinter import ttk

        row = ttk.Frame(body)
        row.pack(fill="x", pady=(self.theme.px(PAD), 0))
        side = self.theme.px(RING)
        self._ring = tk.Canvas(
            row, width=side, height=side, highlightthickness=0,
            background=self.theme.palette.background,
        )  # fmt: skip
        self._ring.pack(side="left")
        texts = ttk.Frame(row)
        texts.pack(side="left", fill="x", expand=True, padx=(self.theme.px(PAD), 0))
        self._repetition = ttk.Label(texts, style="Heading.TLabel")
        self._repetition.pack(anchor="w")
        self._seconds = ttk.Label(texts)
        self._seconds.pack(anchor="w", pady=(self.theme.px(2), self.theme.px(8)))
        start = pgettext("button", "Start hold  (Space)")
        self._start = ttk.Button(texts, text=start, command=self.start_hold)
        self._start.pack(anchor="w")
        self._start.focus_set()  # Tk's focus within the window only: nothing is taken

    def _draw_ring(self, fraction: float, label: str) -> None:
        ring, colours = self._ring, self.theme.palette
        side = self.theme.px(RING)
        width = self.theme.px(8)
        inset = width / 2 + 1
        box = (inset, inset, side - inset, side - inset)
        ring.delete("all")
        ring.create_oval(*box, outline=colours.track, width=width)
        if fraction > 0:
            ring.create_arc(*box, start=90, extent=-359.9 * fraction, style="arc",
                            outline=colours.accent, width=width)  # fmt: skip
        ring.create_text(side / 2, side / 2, text=label, font="PWCountdown", fill=colours.text)

    def _add_answers(self, body: ttk.Frame, snooze_minutes: float) -> None:
        from tkinter import ttk

        row = ttk.Frame(body)
        row.pack(fill="x", pady=(self.theme.px(PAD), 0))
        pad = self.theme.px(PAD) // 2
        for column, (text, answer) in enumerate(answer_buttons(snooze_minutes)):
            done = answer is StretchAnswer.DONE
            button = ttk.Button(
                row,
                text=text,
                command=functools.partial(self.finish, answer),
                style="Accent.TButton" if done else "TButton",
                default="active" if done else "normal",
            )
            button.grid(row=0, column=column, sticky="ew", padx=(0 if column == 0 else pad, 0))
            row.columnconfigure(column, weight=1, uniform="answers")
            if done:
                self._done = button

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
        if self.countdown.holds > self._shown_holds:
            self._shown_holds = self.countdown.holds
            if self.sound:
                play_chime()
        repetition, seconds = hold_texts(status)
        self._repetition.configure(text=repetition)
        self._seconds.configure(text=seconds)
        self._draw_ring(status.fraction_left, ring_seconds(status))
        if status.side != self._shown_side and status.side:
            self._shown_side = status.side
            self._paint_drawing(right_side=status.side == SIDES[1])
        self._start.configure(state="normal" if status.phase is HoldPhase.READY else "disabled")
        if status.phase is HoldPhase.FINISHED and self.root.focus_lastfor() is self._start:
            self._done.focus_set()  # every hold done: Space now answers Done too

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
    parser.add_argument("--sound", action="store_true", help="play a soft chime when a hold ends")
    add_parent_option(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the child process; returns the exit code."""
    args = _parser().parse_args(argv)

    def build() -> StretchWindow:
        prompt = find_prompt(args.prompt_id, load_prompts())
        return StretchWindow(
            prompt,
            snooze_minutes=args.snooze_minutes,
            hold_seconds=args.hold_seconds,
            sound=args.sound,
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
    "ring_seconds",
]

if __name__ == "__main__":
    sys.exit(main())
