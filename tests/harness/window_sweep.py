"""Every Tk window of posture-watch built in one child process on an X display, in the
language the environment names (``LANGUAGE=en@pseudo`` for the pseudo-locale sweep), and
what each shows: its words and whatever does not fit.

Run as ``python -m tests.harness.window_sweep OUT_DIR [CODE ...]`` with ``DISPLAY`` set. Tk ends its
process when its X server goes, so the windows are built here, not in pytest's own
process; one process for all of them keeps the sweep to a couple of seconds (one Python
start, one Tk load). It sets the language up as every window's child process does
(:func:`posture_watch.i18n.setup`), builds each window with the classes the tray's child
processes run, brings it to the states that change its words (the calibration's result,
naming and refusals, a hold under way, the journal's warning, a preferences field in
error), saves a screenshot of each as ``OUT_DIR/<view>.png`` and prints one JSON line:
``{view: {"words": [...], "cut": [...], "outside": [...], "off_screen": [...]}}``. The
languages ``CODE ...`` follow, the same views under ``"<code>:<view>"`` without
screenshots: the pseudo-locale's 40% is not every language's worst case (one long word,
Portuguese "parte alta das costas", widens five equal columns more).

- ``words``: every text a person can read: the title, labels, buttons, check boxes, tab
  names, combobox choices and canvas texts (not what the fields hold: that is the
  person's own data).
- ``cut``: a text widget given less room than its text needs (width or height), or a
  label of fixed height whose text runs over it.
- ``outside``: a widget reaching past its parent's box (the parent clips it).
- ``off_screen``: the window reaching past the screen.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

TEXT_CLASSES = {
    "Label", "Button", "Checkbutton", "Radiobutton", "Message", "Labelframe",
    "TLabel", "TButton", "TCheckbutton", "TRadiobutton", "TLabelframe",
}  # fmt: skip
#: A profile name and a settings file the windows show (placeholder values, not words).
PROFILE = "default"


def widgets(root: Any) -> Iterator[Any]:
    stack = [root]
    while stack:
        widget = stack.pop()
        yield widget
        stack += widget.winfo_children()


def texts(root: Any) -> list[str]:
    """What the person reads in ``root``'s window as it is now."""
    found = [str(root.title())]
    for widget in widgets(root):
        kind = widget.winfo_class()
        if kind in TEXT_CLASSES:
            found.append(str(widget.cget("text")))
            variable = str(widget.cget("textvariable") or "")
            if variable:
                found.append(str(widget.getvar(variable)))
        elif kind == "TNotebook":
            found += [str(widget.tab(tab, "text")) for tab in widget.tabs()]
        elif kind == "TCombobox":
            found += [str(value) for value in widget.cget("values")]
        elif kind == "Canvas":
            found += [
                str(widget.itemcget(item, "text"))
                for item in widget.find_all()
                if widget.type(item) == "text"
            ]
    return [text for text in found if text.strip()]


def natural_height(widget: Any) -> int:
    """The height a plain label's text needs when nothing fixes its number of lines."""
    import tkinter as tk

    options = ("text", "font", "wraplength", "justify", "padx", "pady", "borderwidth")
    twin = tk.Label(widget.master, **{name: widget.cget(name) for name in options})
    try:
        return int(twin.winfo_reqheight())
    finally:
        twin.destroy()


def misfits(root: Any) -> tuple[list[str], list[str]]:
    """The texts cut short and the widgets reaching past their parent, in the window's
    mapped widgets (a hidden tab's are looked at when that tab is shown)."""
    cut, outside = [], []
    for widget in widgets(root):
        if widget is root or not widget.winfo_ismapped():
            continue
        kind = widget.winfo_class()
        width, height = widget.winfo_width(), widget.winfo_height()
        name = f"{kind} {str(widget.cget('text'))[:60]!r}" if kind in TEXT_CLASSES else kind
        if kind in TEXT_CLASSES:
            needed = (widget.winfo_reqwidth(), widget.winfo_reqheight())
            if kind == "Label" and str(widget.cget("height")) not in ("", "0"):
                needed = (needed[0], max(needed[1], natural_height(widget)))
            if width < needed[0] or height < needed[1]:
                cut.append(f"{name}: {width}x{height} shown, {needed[0]}x{needed[1]} needed")
        parent = widget.nametowidget(widget.winfo_parent())
        if parent.winfo_class() == "TNotebook":
            continue  # a tab's page: the notebook places it inside its own border
        x, y = widget.winfo_x(), widget.winfo_y()
        if x < 0 or y < 0 or x + width > parent.winfo_width() or y + height > parent.winfo_height():
            outside.append(
                f"{name} at {x},{y} {width}x{height} in {parent.winfo_class()} "
                f"{parent.winfo_width()}x{parent.winfo_height()}"
            )
    return cut, outside


def off_screen(root: Any) -> list[str]:
    x, y = root.winfo_rootx(), root.winfo_rooty()
    width, height = root.winfo_width(), root.winfo_height()
    screen = root.winfo_screenwidth(), root.winfo_screenheight()
    if x < 0 or y < 0 or x + width > screen[0] or y + height > screen[1]:
        return [f"window at {x},{y} {width}x{height} on a {screen[0]}x{screen[1]} screen"]
    return []


def settle(root: Any, drawn: bool) -> None:
    """``root`` shown and laid out (no window manager: mapped at once); ``drawn``: also
    painted, for a screenshot (the layout alone needs only the idle tasks)."""
    root.deiconify()
    root.update_idletasks()
    deadline = time.monotonic() + 5
    while not root.winfo_ismapped() and time.monotonic() < deadline:
        root.update()
    for _ in range(3 if drawn else 0):
        root.update()


def look(root: Any, out: Path | None, view: str) -> dict[str, list[str]]:
    """What ``view`` shows now, and its screenshot in ``out`` (None: none taken)."""
    from PIL import ImageGrab

    settle(root, drawn=out is not None)
    if out is not None:
        x, y = root.winfo_rootx(), root.winfo_rooty()
        box = (x, y, x + root.winfo_width(), y + root.winfo_height())
        shot = ImageGrab.grab(bbox=box, xdisplay=os.environ["DISPLAY"])
        shot.save(out / f"{view}.png", compress_level=1)
    cut, outside = misfits(root)
    return {"words": texts(root), "cut": cut, "outside": outside, "off_screen": off_screen(root)}


def stretch_views(out: Path | None) -> dict[str, dict[str, list[str]]]:
    """A stretch with a drawing and holds on both sides (a hold under way), the same with
    every hold done, one with neither drawing nor holds, and the one with the longest
    text (when it is not the first)."""
    from posture_watch.clock import ManualClock
    from posture_watch.core.stretch_drawings import drawing_for
    from posture_watch.desktop.stretch_window import StretchWindow
    from posture_watch.prompt_library import builtin_prompts

    with_steps = [p for p in builtin_prompts() if p.steps]
    drawn = next(p for p in with_steps if drawing_for(p.id) and p.both_sides and p.repetitions)
    plain = next(p for p in with_steps if not drawing_for(p.id))
    longest = max(with_steps, key=lambda p: len(" ".join((p.text, *p.steps))))
    views = {}
    shown = [("stretch", drawn), ("stretch-finished", drawn), ("stretch-plain", plain)]
    if longest.id != drawn.id:
        shown.append(("stretch-long", longest))
    for view, prompt in shown:
        clock = ManualClock(0.0)
        window = StretchWindow(prompt, hold_seconds=30, clock=clock)
        window._refresh()  # as run() does first: the side, the count and Start hold
        if view == "stretch":
            window.start_hold()  # "Left side · 1 of 3" and the seconds left
        while view == "stretch-finished" and window.countdown and not window.countdown.finished:
            window.start_hold()  # each hold, to "Well done: all 3 repetitions held."
            clock.advance(31.0)
            window._refresh()
        views[view] = look(window.root, out, view)
        window.root.destroy()
    return views


def journal_views(out: Path | None) -> dict[str, dict[str, list[str]]]:
    from posture_watch.desktop.journal_window import JournalWindow

    window = JournalWindow()
    window.save()  # nothing filled in: the warning line says what to do
    views = {"journal": look(window.root, out, "journal")}
    window.root.destroy()
    return views


def calibration_views(out: Path | None) -> dict[str, dict[str, list[str]]]:
    """Each phase's words in the window's one size: the start, the countdown, sampling,
    every refusal (the longest with its three buttons), the result (four buttons) and
    naming a profile. The phases are entered as the sampler's answers would enter them
    (the window's own methods), without a camera or the pose model."""
    from posture_watch import paths
    from posture_watch.core.text import _
    from posture_watch.desktop.calibration_window import (
        PLAIN_REFUSALS,
        CalibrationWindow,
        Outcome,
        Phase,
        countdown_text,
    )
    from posture_watch.profiles import load_profile

    reference = load_profile(paths.SAMPLES_DIR / "demo-profile.json")
    nowhere = "/nonexistent/no-such-camera"  # the sampler fails at once, off screen
    window = CalibrationWindow(nowhere, PROFILE, countdown=30)
    sampling = _("Hold still for {seconds} seconds…").format(seconds=5)
    steps: list[tuple[str, Callable[[], None]]] = [
        ("calibration-start", lambda: None),
        ("calibration-countdown", lambda: window._enter(Phase.COUNTDOWN, countdown_text(3))),
        ("calibration-sampling", lambda: window._enter(Phase.SAMPLING, sampling)),
        *(
            (
                f"calibration-refused-{key.replace(' ', '-')}",
                lambda key=key: window._finished(
                    Outcome(None, key, low=reference if key == "you look slouched" else None)
                ),
            )
            for key, _message, _text in PLAIN_REFUSALS
        ),
        ("calibration-result", lambda: window._finished(Outcome(reference))),
        ("calibration-naming", window._ask_name),
    ]
    views = {}
    for view, step in steps:
        step()
        views[view] = look(window.root, out, view)
    window.cancel()
    return views


def preferences_views(out: Path | None) -> dict[str, dict[str, list[str]]]:
    """Every tab, the first with a field in error and the "Not saved" line; then saved
    with a camera setting changed (the line that names what waits for a restart)."""
    from posture_watch.config import settings_path
    from posture_watch.desktop.preferences_window import PreferencesWindow

    window = PreferencesWindow(settings_path())
    first = next(iter(window.values.values()))
    before = first.get()
    first.set("not a value")  # its error shows beside it
    views = {}
    for index, tab in enumerate(window.tabs.tabs()):
        window.tabs.select(tab)
        if index == 0:
            window.save()  # refused: the status line says why
        views[f"preferences-{index}"] = look(window.root, out, f"preferences-{index}")
    first.set(before)
    window.values[("camera", "width")].set("800")
    assert window.save(), window.status.get()
    views["preferences-saved"] = look(window.root, out, "preferences-saved")
    window.root.destroy()
    return views


def menu_views(out: Path | None) -> dict[str, dict[str, list[str]]]:
    """The popup menu while running, with its longest status line (slouching, the
    sitting time, today's share and the nudges held back for a full-screen window), and
    while paused until tomorrow, with the "Start at login" box."""
    from posture_watch.core.do_not_disturb import HoldBack
    from posture_watch.core.held_back import Disturb
    from posture_watch.core.menu import menu_entries
    from posture_watch.core.scoring import PostureState
    from posture_watch.core.status import MonitorStatus
    from posture_watch.tray import popup_menu

    wall = 1_700_000_000.0  # any moment: the words are looked at, not the times
    status = MonitorStatus()
    status.observe(wall - 1500.0, PostureState.UPRIGHT, wall - 1500.0)
    status.observe(wall - 1498.0, PostureState.SLOUCH, wall - 1500.0)
    held = HoldBack(desktop=frozenset({Disturb.FULLSCREEN}), held_now=2).note()
    paused = MonitorStatus()
    paused.paused, paused.paused_until = True, wall + 36_000.0
    views = {}
    for view, entries in (
        ("menu", menu_entries(paused=False, calibrating=True,
                              status=status.status_line(wall, note=held), autostart=True)),
        ("menu-paused", menu_entries(paused=True, calibrating=False,
                                     status=paused.status_line(wall), autostart=False)),
    ):  # fmt: skip
        root = popup_menu.build(entries, lambda _id: None)
        views[view] = look(root, out, view)
        root.destroy()
    return views


VIEWS = (menu_views, stretch_views, journal_views, calibration_views, preferences_views)


def main(argv: list[str]) -> int:
    """``OUT_DIR [CODE ...]``: every view in the environment's language, with screenshots;
    then, for each ``CODE``, whether the same views fit in that language (its catalog
    installed in this process; no screenshots, to stay quick)."""
    from posture_watch import i18n
    from posture_watch.core import formats, text

    out, codes = Path(argv[0]), argv[1:]
    i18n.setup()  # as each window's child process does: the language from the environment
    views: dict[str, dict[str, list[str]]] = {}
    for make in VIEWS:
        views |= make(out)
    for code in codes:
        text.use(i18n.load([code, "en"]))
        formats.use(i18n.formats_for([code]))
        for make in VIEWS:
            views |= {f"{code}:{name}": view for name, view in make(None).items()}
    print(json.dumps(views), flush=True)
    os._exit(0)  # the calibration's sampler thread need not finish


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
