"""The tray menu for X11 panels without menu support: a small Tk menu at the pointer.

Run as ``python -m posture_watch.tray.popup_menu ENTRIES_JSON`` by the tray (a child
process, so Tk owns its own main thread and never shares one with pystray). It prints the
chosen entry id on stdout and exits 0. Like any menu it goes away without a choice on
Escape, on a click anywhere outside it (the icon included: a second click on the icon
closes the menu instead of opening another), when it loses the keyboard focus, and after
60 s; then it prints nothing. A click outside only reaches us because the menu grabs the
pointer while it is open; an override-redirect window gets no focus or clicks otherwise.
Check items ("Start at login") show a ticked or empty box before their label.
"""

from __future__ import annotations

import functools
import json
import sys
import tkinter as tk
from collections.abc import Callable, Sequence

from posture_watch import i18n
from posture_watch.core.text import _
from posture_watch.desktop.child_window import DISABLED_TEXT
from posture_watch.tray.menu import SEPARATOR, MenuEntry

TIMEOUT_MS = 60_000
#: One background for the menu and its rows, dark text on it, and greyed-out rows (the
#: status line, Calibrate… while calibrating) still readable: 6:1 on it, where Tk's own
#: #a3a3a3 on its #d9d9d9 buttons was 1.8:1.
MENU_BACKGROUND, MENU_TEXT = "#f4f4f4", "#1a1a1a"
BOX_TICKED, BOX_EMPTY = "\u2611", "\u2610"


def choose(entries: Sequence[MenuEntry]) -> str | None:
    """Show the menu at the pointer and wait for a choice (None when dismissed)."""
    chosen: list[str] = []
    closed: list[bool] = []

    def close() -> None:
        if not closed:
            closed.append(True)
            root.destroy()

    def pick(entry_id: str) -> None:
        chosen.append(entry_id)
        close()

    root = build(entries, pick)
    root.bind("<Escape>", lambda _e: close())
    root.update_idletasks()
    _place_near_pointer(root)
    root.after(TIMEOUT_MS, close)

    def on_press(event: tk.Event) -> None:
        # with the grab, a press anywhere on the screen comes here; outside: dismiss
        x, y = event.x_root - root.winfo_rootx(), event.y_root - root.winfo_rooty()
        if not (0 <= x < root.winfo_width() and 0 <= y < root.winfo_height()):
            close()

    def focus_elsewhere() -> None:
        try:
            inside = root.focus_displayof() is not None
        except (KeyError, tk.TclError):  # focus on another program's window
            inside = False
        if not inside and not closed:
            close()

    def on_focus_out(event: tk.Event) -> None:
        # after a moment: focus moving between our own widgets passes through "nowhere"
        if event.widget is root and not closed:
            root.after(100, focus_elsewhere)

    root.bind_all("<ButtonPress>", on_press, add="+")
    root.bind("<FocusOut>", on_focus_out)
    _take_focus_and_pointer(root)
    root.mainloop()
    return chosen[0] if chosen else None


def build(entries: Sequence[MenuEntry], pick: Callable[[str], None]) -> tk.Tk:
    """The menu's window with a row per entry (``pick`` gets the id of the row clicked),
    not yet placed or shown; :func:`choose` places it and waits, a test looks at it."""
    root = tk.Tk(className="posture-watch-menu")
    root.title(_("posture-watch menu"))
    root.overrideredirect(True)
    root.attributes("-topmost", True)
    frame = tk.Frame(root, borderwidth=1, relief="solid", background=MENU_BACKGROUND)
    frame.pack(fill="both", expand=True)
    for entry in entries:
        if entry.id == SEPARATOR:
            tk.Frame(frame, height=1, background="#c0c0c0").pack(fill="x", pady=2)
            continue
        tk.Button(
            frame,
            text=_label(entry),
            anchor="w",
            relief="flat",
            background=MENU_BACKGROUND,
            foreground=MENU_TEXT,
            disabledforeground=DISABLED_TEXT,
            state="normal" if entry.enabled else "disabled",
            command=functools.partial(pick, entry.id),
        ).pack(fill="x")
    return root


def _label(entry: MenuEntry) -> str:
    if entry.checked is None:
        return entry.label
    box = BOX_TICKED if entry.checked else BOX_EMPTY
    return f"{box} {entry.label}"


def _take_focus_and_pointer(root: tk.Tk, tries: int = 20) -> None:
    """Keyboard focus (for Escape and focus loss) and a global pointer grab (for clicks
    elsewhere), as soon as the window is viewable; a grab that keeps failing (another
    program holds one) only loses the click-elsewhere dismissal."""
    root.update()
    root.focus_force()
    try:
        root.grab_set_global()
    except tk.TclError as exc:
        if tries > 0:
            root.after(25, lambda: _take_focus_and_pointer(root, tries - 1))
        else:
            print(f"posture-watch menu: no pointer grab ({exc})", file=sys.stderr)


def _place_near_pointer(root: tk.Tk) -> None:
    """Below-left of the pointer, kept on screen (trays sit in a corner)."""
    x, y = root.winfo_pointerxy()
    w, h = root.winfo_reqwidth(), root.winfo_reqheight()
    sw, sh = root.winfo_screenwidth(), root.winfo_screenheight()
    x = min(max(0, x - w // 2), sw - w)
    y = y + 8 if y + 8 + h <= sh else max(0, y - h - 8)
    root.geometry(f"+{x}+{y}")


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:  # a process of its own: its title in the tray's language (LANGUAGE)
        i18n.setup()
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        entries = [MenuEntry(**item) for item in json.loads(args[0])]
    except (IndexError, ValueError, TypeError) as exc:
        print(f"posture-watch menu: bad entries argument: {exc}", file=sys.stderr)
        return 2
    choice = choose(entries)
    if choice:
        print(choice, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
