"""The tray menu for X11 panels without menu support: a small Tk menu at the pointer.

Run as ``python -m posture_watch.tray.popup_menu ENTRIES_JSON`` by the tray (a child
process, so Tk owns its own main thread and never shares one with pystray). It prints the
chosen entry id on stdout and exits 0; Escape, a click elsewhere or 60 s without a choice
close it with nothing printed.
"""

from __future__ import annotations

import json
import sys
import tkinter as tk
from collections.abc import Sequence

from posture_watch.tray.menu import SEPARATOR, MenuEntry

TIMEOUT_MS = 60_000


def choose(entries: Sequence[MenuEntry]) -> str | None:
    """Show the menu at the pointer and wait for a choice (None when dismissed)."""
    root = tk.Tk(className="posture-watch-menu")
    root.title("posture-watch menu")
    root.overrideredirect(True)
    root.attributes("-topmost", True)
    chosen: list[str] = []

    def pick(entry_id: str) -> None:
        chosen.append(entry_id)
        root.destroy()

    frame = tk.Frame(root, borderwidth=1, relief="solid", background="#f4f4f4")
    frame.pack(fill="both", expand=True)
    for entry in entries:
        if entry.id == SEPARATOR:
            tk.Frame(frame, height=1, background="#c0c0c0").pack(fill="x", pady=2)
            continue
        tk.Button(
            frame,
            text=entry.label,
            anchor="w",
            relief="flat",
            state="normal" if entry.enabled else "disabled",
            command=lambda e=entry.id: pick(e),
        ).pack(fill="x")
    root.bind("<Escape>", lambda _e: root.destroy())
    root.update_idletasks()
    _place_near_pointer(root)
    root.after(TIMEOUT_MS, root.destroy)
    root.mainloop()
    return chosen[0] if chosen else None


def _place_near_pointer(root: tk.Tk) -> None:
    """Below-left of the pointer, kept on screen (trays sit in a corner)."""
    x, y = root.winfo_pointerxy()
    w, h = root.winfo_reqwidth(), root.winfo_reqheight()
    sw, sh = root.winfo_screenwidth(), root.winfo_screenheight()
    x = min(max(0, x - w // 2), sw - w)
    y = y + 8 if y + 8 + h <= sh else max(0, y - h - 8)
    root.geometry(f"+{x}+{y}")


def main(argv: Sequence[str] | None = None) -> int:
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
