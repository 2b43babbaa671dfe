"""The end-of-day pain journal window: pain 0-10, where, a note, numbness and weakness.

The guide asks readers to keep a pain journal so that patterns and triggers show; the tray
offers this window once a day so that keeping one costs a few seconds. It runs as its own
process so Tk owns that process's main thread (the tray's side is
:mod:`posture_watch.desktop.journal_process`)::

    python -m posture_watch.desktop.journal_window [--parent-pid PID]

On exit it prints exactly one JSON line (:meth:`JournalResult.to_json`) and exits 0.

Like the stretch window it asks for attention without taking it: it sits near the
bottom-right corner, never forces focus or grabs input. Every part is optional — no pain
button chosen means "not rated" — but Save with nothing filled in is refused with a red
hint instead of storing an empty entry; the history's own rules
(:class:`~posture_watch.core.journal.JournalEntry`) decide what counts as empty. Keys, once
the person is in the window (the note field has Tk's focus): Return = Save, Escape = Not
today. Closing it with the window manager answers ``dismissed``.

Layout, top to bottom (tests find the widgets by it): heading, pain question, a row of 11
pain buttons (0-10), "Where?", the body-area checkboxes (``AREA_COLUMNS`` per row, in
:data:`~posture_watch.core.journal.BODY_AREAS` order), the note field, numbness and
weakness, the advice to see a doctor and its guide section, the hint line, and the answer
row (Save, Not today) in two equal columns ``PAD`` pixels from the edges.

tkinter is imported only when a window is built, so importing this module stays cheap.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from posture_watch.core.journal import BODY_AREAS, PAIN_MAX, PAIN_MIN, area_label
from posture_watch.core.text import N_, _, pgettext
from posture_watch.desktop.child_window import (
    paragraph,
    place_in_corner,
    readable_colours,
    run_window,
)
from posture_watch.desktop.journal_process import (
    JournalAnswer,
    JournalResult,
    JournalWindowProcess,
)
from posture_watch.desktop.lifeline import add_parent_option
from posture_watch.desktop.theme import apply_theme
from posture_watch.errors import ConfigError, PostureWatchError

if TYPE_CHECKING:
    import tkinter as tk

TITLE = N_("posture-watch: how do you feel today?")
#: Gap between the window and the screen's right and bottom edges, pixels (as the stretch
#: window: the bottom one leaves room for a taskbar).
MARGIN_RIGHT, MARGIN_BOTTOM = 24, 64
#: Padding around the window's content, pixels.
PAD = 8
#: Width at which the texts wrap, pixels (about the width of the area checkboxes).
WRAP = 520
#: Body-area checkboxes per row (fewer where a language's longest name would not fit the screen).
AREA_COLUMNS = 5
#: The guide section the advice below draws on.
ADVICE_SOURCE = N_("When to Seek Medical Attention")
#: Our own words for that section's advice (the report repeats it at more length).
ADVICE = N_(
    "Severe pain, numbness or weakness are reasons to have a doctor look at it; "
    "this tool cannot tell you what is wrong."
)
EMPTY_HINT = N_("Nothing to save yet: rate the pain, tick an area or write a note (or Not today).")
# The texts above are marked only (the language is chosen after import): ``_()`` where shown.


def pain_choice(value: int) -> int | None:
    """The pain buttons' variable as an answer: anything outside 0-10 (the unselected
    starting value) is "not rated"."""
    return value if PAIN_MIN <= value <= PAIN_MAX else None


def form_result(
    pain: int | None,
    checked: Iterable[str],
    note: str,
    *,
    numbness: bool,
    weakness: bool,
) -> JournalResult:
    """A ``saved`` result from the form's fields: areas in :data:`BODY_AREAS` order, the
    note on one line with single spaces (a Tk entry accepts pasted newlines and tabs, and
    the journal asks for a one-line note)."""
    chosen = set(checked)
    areas = tuple(area for area in BODY_AREAS if area in chosen)
    one_line = " ".join(note.split())
    return JournalResult(JournalAnswer.SAVED, pain, areas, one_line, numbness, weakness)


def save_problem(result: JournalResult) -> str | None:
    """Why the window refuses to save ``result`` (the hint to show), or None if it may.

    Nothing filled in gets the window's own hint; anything else is up to the history's
    entry rules, so the window never prints what the store would refuse (the time stamp
    is irrelevant to validity, so any will do).
    """
    if result == JournalResult(JournalAnswer.SAVED):
        return _(EMPTY_HINT)
    try:
        result.entry(0.0)
    except ConfigError as exc:
        return exc.one_line()
    return None


class JournalWindow:
    """The Tk window; :meth:`run` blocks until it is answered.

    Raises PostureWatchError when there is no display.
    """

    def __init__(self) -> None:
        import tkinter as tk  # here, not at the top: see the module docstring

        self._answer: JournalResult | None = None
        try:
            self.root = tk.Tk(className="posture-watch")
        except tk.TclError as exc:
            raise PostureWatchError(
                _("cannot open the journal window: {error}").format(error=exc)
            ) from exc
        readable_colours(self.root)
        self.theme = apply_theme(self.root)
        self.root.withdraw()  # shown by _place, already in its corner
        self.root.title(_(TITLE))
        self.root.resizable(False, False)
        self._pain = tk.IntVar(self.root, value=-1)  # -1: no button chosen
        self._areas = {area: tk.BooleanVar(self.root, value=False) for area in BODY_AREAS}
        self._note = tk.StringVar(self.root)
        self._numbness = tk.BooleanVar(self.root, value=False)
        self._weakness = tk.BooleanVar(self.root, value=False)
        body = tk.Frame(self.root, padx=self.theme.px(PAD * 2), pady=self.theme.px(PAD * 2))
        body.pack(fill="both", expand=True)
        self._add_questions(body)
        self._add_advice(body)
        self._add_answers(body)
        self.root.protocol("WM_DELETE_WINDOW", lambda: self.finish(JournalAnswer.DISMISSED))
        self.root.bind("<Return>", lambda _event: self.save())
        self.root.bind("<Escape>", lambda _event: self.finish(JournalAnswer.SKIPPED))
        self._place()

    def _add_questions(self, body: tk.Frame) -> None:
        import tkinter as tk
        from tkinter import ttk

        paragraph(body, _("How do you feel today?"), self._wrap, font="PWHeading").pack(fill="x")
        question = _("Pain today, 0 = none to 10 = worst imaginable (leave it if unsure):")
        paragraph(body, question, self._wrap).pack(fill="x", pady=(4, 2))
        pain_row = tk.Frame(body)
        pain_row.pack(fill="x")
        pain_buttons = [
            ttk.Radiobutton(
                pain_row, text=str(n), value=n, variable=self._pain, style="Toggle.TButton"
            )
            for n in range(PAIN_MIN, PAIN_MAX + 1)
        ]
        _grid(pain_row, pain_buttons, columns=len(pain_buttons))
        paragraph(body, _("Where?"), self._wrap).pack(fill="x", pady=(PAD, 0))
        areas = tk.Frame(body)
        areas.pack(fill="x")
        checks = [
            ttk.Checkbutton(areas, text=area_label(area), variable=var)
            for area, var in self._areas.items()
        ]
        _grid(areas, checks, columns=self._area_columns(checks))
        note_row = tk.Frame(body)
        note_row.pack(fill="x", pady=(PAD, 0))
        tk.Label(note_row, text=_("Note:")).pack(side="left", fill="y")  # level with the field
        self._note_entry = ttk.Entry(note_row, textvariable=self._note, font="PWBody")
        self._note_entry.pack(side="left", fill="x", expand=True, padx=(4, 0))
        self._note_entry.focus_set()  # Tk's focus within the window only: nothing is taken
        signs = tk.Frame(body)
        signs.pack(fill="x", pady=(4, 0))
        for text, var in ((_("Numbness"), self._numbness), (_("Weakness"), self._weakness)):
            ttk.Checkbutton(signs, text=text, variable=var).pack(side="left")

    def _area_columns(self, checks: Sequence[tk.Widget]) -> int:
        """:data:`AREA_COLUMNS` a row, fewer when the longest name of a body area would
        make the window wider than the screen (equal columns: five of Portuguese "parte
        alta das costas" made it 1094 px wide), keeping its margin on both sides."""
        self.root.update_idletasks()
        widest = max(check.winfo_reqwidth() for check in checks) + 2  # padx 1 each side
        room = self.root.winfo_screenwidth() - 2 * MARGIN_RIGHT - 2 * self.theme.px(PAD * 2)
        return max(1, min(AREA_COLUMNS, room // widest))

    def _add_advice(self, body: tk.Frame) -> None:
        paragraph(body, _(ADVICE), self._wrap).pack(fill="x", pady=(PAD, 0))
        source = _("From the guide: {source}").format(source=_(ADVICE_SOURCE))
        paragraph(body, source, self._wrap, fg=self.theme.palette.secondary, font="PWSmall").pack(
            fill="x"
        )
        self._hint = paragraph(body, "", self._wrap, fg=self.theme.palette.warning)
        self._hint.pack(fill="x", pady=(4, 0))

    @property
    def _wrap(self) -> int:
        return self.theme.px(WRAP)

    def _add_answers(self, body: tk.Frame) -> None:
        import tkinter as tk
        from tkinter import ttk

        row = tk.Frame(body)
        row.pack(fill="x", pady=(4, 0))
        buttons = (
            (pgettext("button", "Save"), self.save),
            (pgettext("button", "Not today"), lambda: self.finish(JournalAnswer.SKIPPED)),
        )
        for column, (text, command) in enumerate(buttons):
            save = column == 0
            button = ttk.Button(
                row,
                text=text,
                command=command,
                style="Accent.TButton" if save else "TButton",
                default="active" if save else "normal",
            )
            button.grid(row=0, column=column, sticky="ew", padx=(0 if column == 0 else PAD, 0))
            row.columnconfigure(column, weight=1, uniform="answers")

    def _place(self) -> None:
        place_in_corner(self.root, MARGIN_RIGHT, MARGIN_BOTTOM)

    def form(self) -> JournalResult:
        """What the form holds now, as a ``saved`` result (not yet checked)."""
        checked = [area for area, var in self._areas.items() if var.get()]
        return form_result(
            pain_choice(self._pain.get()),
            checked,
            self._note.get(),
            numbness=self._numbness.get(),
            weakness=self._weakness.get(),
        )

    def save(self) -> None:
        """Save and close, or show in red why not and stay open."""
        result = self.form()
        problem = save_problem(result)
        if problem is not None:
            self._hint.configure(text=problem)
            return
        self._close(result)

    def finish(self, answer: JournalAnswer) -> None:
        """Close without saving (Not today, Escape, the window manager)."""
        self._close(JournalResult(answer))

    def _close(self, result: JournalResult) -> None:
        if self._answer is not None:  # a second answer (a double click) is ignored
            return
        self._answer = result
        self.root.destroy()

    def run(self) -> JournalResult:
        """Show the window until it is answered, and say how."""
        self.root.mainloop()
        return self._answer or JournalResult(JournalAnswer.DISMISSED)


def _grid(frame: tk.Frame, widgets: Sequence[tk.Widget], *, columns: int) -> None:
    """Lay ``widgets`` out in reading order, ``columns`` equal columns wide."""
    for index, widget in enumerate(widgets):
        widget.grid(row=index // columns, column=index % columns, sticky="ew", padx=1, pady=1)
    for column in range(columns):
        frame.columnconfigure(column, weight=1, uniform="cells")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m posture_watch.desktop.journal_window",
        description="Ask for today's pain journal entry; print the answer as one JSON line.",
    )
    add_parent_option(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the child process; returns the exit code."""
    args = _parser().parse_args(argv)
    return run_window("journal window", JournalWindow, args.parent_pid)


__all__ = [
    "ADVICE",
    "ADVICE_SOURCE",
    "TITLE",
    "JournalAnswer",
    "JournalResult",
    "JournalWindow",
    "JournalWindowProcess",
    "area_label",
    "form_result",
    "main",
    "pain_choice",
    "save_problem",
]

if __name__ == "__main__":
    sys.exit(main())
