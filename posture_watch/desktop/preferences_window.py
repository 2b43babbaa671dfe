"""The preferences window: every setting of ``settings.toml``, in plain words, one tab a group.

Opened from the tray menu's "Preferences…" (as a child process, like the stretch window:
:mod:`.preferences_process`) and by ``posture-watch settings --edit`` (in the command's
own process). The groups, words, units, ranges and checks are the pure
:mod:`posture_watch.core.settings_form`'s, so the window accepts exactly what the file
does: a field that the file would refuse shows why beside it, in the file's words, and
Save refuses until it is right.

Save writes the file (:func:`posture_watch.config.save_config`: only the values that
changed, comments kept, atomically) and nothing else: a running monitor follows the file
(:mod:`posture_watch.tray.settings_watch`) within two seconds, as it follows a hand edit.
The camera's settings say beside them that they apply after a restart of the monitor.
"Start at login" is not in the file: its tab turns the autostart entry on or off.

Keyboard: Ctrl+Tab and Ctrl+Shift+Tab change tab, Tab moves between fields (the first
field of a tab has the focus when it opens), Return saves, Escape closes.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from posture_watch.config import AppConfig, load_config, save_config, settings_path
from posture_watch.core.languages import AUTO, KNOWN
from posture_watch.core.settings_form import (
    RESTART_NOTE,
    Field,
    FormValue,
    Group,
    Key,
    check_form,
    field_error,
    form_value,
    groups,
    restart_fields,
    restart_names,
)
from posture_watch.core.settings_schema import BoolKey, LanguageKey, NumberKey
from posture_watch.core.text import N_, _, ngettext, pgettext
from posture_watch.desktop.child_window import SECONDARY_TEXT, WARNING_TEXT, run_window
from posture_watch.desktop.lifeline import add_parent_option
from posture_watch.desktop.preferences_process import PreferencesResult
from posture_watch.errors import PostureWatchError

if TYPE_CHECKING:
    import tkinter as tk
    from tkinter import ttk

#: Marked only (the language is chosen after import): ``_()`` where shown. The settings'
#: own words (group titles, labels, notes) come from settings_form and are shown through
#: ``_()`` too (a text already translated there comes back unchanged).
TITLE = N_("posture-watch preferences")
START_AT_LOGIN = N_("Start at login")
#: Pixels (at 96 DPI) around the window's content and between its parts.
PAD = 16
WRAP = 520
#: Where the field names and the allowed values wrap when the window would not fit the
#: screen otherwise (pixels at 96 DPI; English never needs it).
NAME_WRAP, ALLOWED_WRAP = 300, 200


class PreferencesWindow:
    """The Tk window over the settings file ``path``; :meth:`run` blocks until closed.

    Raises PostureWatchError when there is no display, or when the file is wrong now
    (saving over a bad hand edit would hide it).
    """

    def __init__(self, path: Path, autostart: Autostart | None = None) -> None:
        import tkinter as tk  # here, not at the top: the tray never loads Tk

        self.path = path
        self.config = load_config(path, create=False)
        self.autostart = autostart if autostart is not None else Autostart()
        self.saved = False
        try:
            self.root = tk.Tk(className="posture-watch")
        except tk.TclError as exc:
            raise PostureWatchError(
                _("cannot open the preferences window: {error}").format(error=exc)
            ) from exc
        self.root.withdraw()
        self.fonts, self.scale = _styles(self.root)
        self.root.title(_(TITLE))
        self.values: dict[Key, tk.Variable] = {}
        self.errors: dict[Key, ttk.Label] = {}
        self.first: dict[int, tk.Widget] = {}  # tab index -> its first field
        self.tab_of: dict[Key, int] = {}
        #: The field names and allowed values beside the fields (narrowed by _fit_tabs).
        self.side_labels: list[tuple[ttk.Label, int]] = []
        self.login = tk.BooleanVar(self.root, value=self.autostart.enabled() or False)
        self.status = tk.StringVar(self.root)
        self._build()
        self._fit_tabs()
        self.root.protocol("WM_DELETE_WINDOW", self.close)
        self.root.bind("<Return>", lambda _e: self.save())
        self.root.bind("<KP_Enter>", lambda _e: self.save())
        self.root.bind("<Escape>", lambda _e: self.close())
        _centre(self.root)
        self.root.after_idle(self._focus_tab)

    # -- building ---------------------------------------------------------------------

    def px(self, pixels: int) -> int:
        """``pixels`` as designed at 96 DPI, at the screen's scale (HiDPI)."""
        return round(pixels * self.scale)

    def _build(self) -> None:
        from tkinter import ttk

        body = ttk.Frame(self.root, padding=self.px(PAD))
        body.pack(fill="both", expand=True)
        ttk.Label(body, text=_("Preferences"), style="PrefTitle.TLabel", font="PWPrefTitle").pack(
            anchor="w"
        )
        where = _("Saved in {file}; a running monitor follows the file at once.").format(
            file=_shown(self.path)
        )
        ttk.Label(body, text=where, style="PrefNote.TLabel", wraplength=self.px(WRAP + 240)).pack(
            anchor="w", pady=(0, self.px(PAD // 2))
        )
        self.tabs = ttk.Notebook(body)
        self.tabs.pack(fill="both", expand=True)
        self.tabs.enable_traversal()  # Ctrl+Tab
        for index, group in enumerate(groups()):
            self.tabs.add(self._group_tab(group, index), text=_words(group.title))
        self.tabs.insert(5, self._login_tab(), text=_(START_AT_LOGIN))  # before Privacy
        self.tabs.bind("<<NotebookTabChanged>>", lambda _e: self._focus_tab())
        foot = ttk.Frame(body, padding=(0, self.px(PAD), 0, 0))
        foot.pack(fill="x")
        ttk.Label(foot, textvariable=self.status, wraplength=self.px(WRAP)).pack(side="left")
        save = ttk.Button(
            foot, text=pgettext("button", "Save"), style="Accent.TButton", command=self.save
        )
        save.pack(side="right")
        ttk.Button(foot, text=pgettext("button", "Close"), command=self.close).pack(
            side="right", padx=self.px(PAD // 2)
        )
        save.configure(default="active")

    def _fit_tabs(self) -> None:
        """Put each tab's name on two lines when the window would be wider than the
        screen: ttk's tabs never wrap, and the seven names set the window's width (872 px
        in English; a language whose words are longer pushed Save off a 1024 px screen)."""
        self.root.update_idletasks()
        if self.root.winfo_reqwidth() <= self.root.winfo_screenwidth() - self.px(PAD):
            return
        for tab in self.tabs.tabs():
            self.tabs.tab(tab, text=two_lines(str(self.tabs.tab(tab, "text"))))
        for label, wrap in self.side_labels:  # then the rows: long names and values wrap
            label.configure(wraplength=self.px(wrap))

    def _group_tab(self, group: Group, index: int) -> ttk.Frame:
        from tkinter import ttk

        tab = ttk.Frame(self.tabs, padding=self.px(PAD))
        ttk.Label(
            tab, text=_words(group.intro), style="PrefNote.TLabel", wraplength=self.px(WRAP + 160)
        ).grid(row=0, column=0, columnspan=3, sticky="w", pady=(0, self.px(PAD // 2)))
        row = 1
        for field in group.fields:
            widget = self._field(tab, field, row)
            self.first.setdefault(index if index < 5 else index + 1, widget)
            self.tab_of[(field.table, field.key)] = index if index < 5 else index + 1
            row += 2
        if group.title in ("Privacy", _("Privacy")):  # English, or already translated
            self._privacy_notes(tab, row)
        tab.columnconfigure(2, weight=1)
        return tab

    def _field(self, tab: ttk.Frame, field: Field, row: int) -> tk.Widget:
        import tkinter as tk
        from tkinter import ttk

        key = (field.table, field.key)
        shown = form_value(field, self.config)
        kind = field.kind
        widget: tk.Widget
        if isinstance(kind, BoolKey):
            var: tk.Variable = tk.BooleanVar(self.root, value=bool(shown))
            widget = ttk.Checkbutton(tab, text=_words(field.label), variable=var)
            widget.grid(row=row, column=0, columnspan=2, sticky="w", pady=(self.px(PAD // 2), 0))
        else:
            var = tk.StringVar(self.root, value=str(shown))
            name = ttk.Label(tab, text=_words(field.label))
            name.grid(
                row=row, column=0, sticky="w", pady=(self.px(PAD // 2), 0), padx=(0, self.px(PAD))
            )
            self.side_labels.append((name, NAME_WRAP))
            widget = _entry(tab, kind, var)
            widget.grid(row=row, column=1, sticky="w", pady=(self.px(PAD // 2), 0))
        allowed = ttk.Label(tab, text=_words(field.allowed), style="PrefNote.TLabel")
        allowed.grid(
            row=row, column=2, sticky="w", padx=(self.px(PAD // 2), 0), pady=(self.px(PAD // 2), 0)
        )
        self.side_labels.append((allowed, ALLOWED_WRAP))
        note = ttk.Label(tab, text=_note(field), style="PrefNote.TLabel", wraplength=self.px(WRAP))
        note.grid(row=row + 1, column=0, columnspan=3, sticky="nw", pady=(2, 0))
        if not note.cget("text"):
            note.grid_remove()  # no empty line under a field without a note
        self.values[key] = var
        self.errors[key] = note
        var.trace_add("write", lambda *_: self._check_one(field))
        return widget

    def _login_tab(self) -> ttk.Frame:
        from tkinter import ttk

        tab = ttk.Frame(self.tabs, padding=self.px(PAD))
        offered = self.autostart.enabled() is not None
        box = ttk.Checkbutton(
            tab, text=_("Start posture-watch when you log in"), variable=self.login
        )
        box.grid(row=0, column=0, sticky="w")
        if not offered:
            box.state(["disabled"])
        text = (
            _("Adds posture-watch to your desktop's autostart folder; saved with Save.")
            if offered
            else _("Not offered on this system.")
        )
        ttk.Label(tab, text=text, style="PrefNote.TLabel", wraplength=self.px(WRAP)).grid(
            row=1, column=0, sticky="w", pady=(self.px(PAD // 2), 0)
        )
        self.first[5] = box
        return tab

    def _privacy_notes(self, tab: ttk.Frame, row: int) -> None:
        from tkinter import ttk

        lines = (
            _("No network: the camera and the pose model run in a sealed worker process."),
            _("Forget days of history with: posture-watch forget --before DATE (or --all)."),
        )
        for offset, line in enumerate(lines):
            ttk.Label(tab, text=line, style="PrefNote.TLabel", wraplength=self.px(WRAP + 160)).grid(
                row=row + offset, column=0, columnspan=3, sticky="w", pady=(self.px(PAD // 2), 0)
            )

    # -- checking and saving ------------------------------------------------------------

    def shown(self) -> dict[Key, FormValue]:
        """What every field holds now."""
        return {key: var.get() for key, var in self.values.items()}

    def _check_one(self, field: Field) -> None:
        key = (field.table, field.key)
        error = field_error(field, self.values[key].get())
        self._show_error(field, error)

    def _show_error(self, field: Field, error: str | None) -> None:
        label = self.errors[(field.table, field.key)]
        if error:
            label.configure(text=error[:1].upper() + error[1:], style="PrefError.TLabel")
        else:
            label.configure(text=_note(field), style="PrefNote.TLabel")
        if label.cget("text"):
            label.grid()
        else:
            label.grid_remove()

    def save(self) -> bool:
        """Write the form into the file, if the file's checks accept all of it."""
        checked = check_form(self.shown(), str(self.path))
        fields = {(f.table, f.key): f for g in groups() for f in g.fields}
        for key, field in fields.items():
            self._show_error(field, checked.errors.get(key))
        if checked.config is None:
            wrong = list(checked.errors)
            if wrong:
                self.tabs.select(self.tab_of[wrong[0]])
                self.status.set(
                    ngettext(
                        "Not saved: {n} setting needs a fix (in red).",
                        "Not saved: {n} settings need a fix (in red).",
                        len(wrong),
                    ).format(n=len(wrong))
                )
            else:
                self.status.set(_("Not saved: {error}").format(error=checked.general))
            return False
        try:
            before = self.config
            self.config = save_config(self.path, checked.config)
            login = self.autostart.change(self.login.get())
        except PostureWatchError as exc:
            self.status.set(_("Not saved: {error}").format(error=exc.one_line()))
            return False
        self.saved = True
        self.status.set(_saved_line(before, self.config, login))
        return True

    def close(self) -> None:
        self.root.destroy()

    def _focus_tab(self) -> None:
        """The first field of the open tab has the focus, its text selected."""
        from tkinter import ttk

        with contextlib.suppress(Exception):  # the window is closing
            widget = self.first.get(self.tabs.index("current"))
            if widget is not None:
                widget.focus_set()
                if isinstance(widget, ttk.Entry):  # a Spinbox too
                    widget.selection_range(0, "end")
                    widget.icursor("end")

    def run(self) -> PreferencesResult:
        self.root.mainloop()
        return PreferencesResult(self.saved)


def _entry(tab: ttk.Frame, kind: Any, var: tk.StringVar) -> ttk.Entry:
    from tkinter import ttk

    if isinstance(kind, NumberKey):
        step = 1 if kind.whole or kind.hi - kind.lo >= 20 else 0.05 if kind.lo < 0.1 else 0.1
        return ttk.Spinbox(
            tab, from_=kind.lo, to=kind.hi, increment=step, textvariable=var, width=8
        )
    if isinstance(kind, LanguageKey):  # a list, not free text: only codes with a catalog
        return ttk.Combobox(
            tab, textvariable=var, values=(AUTO, *KNOWN), state="readonly", width=12
        )
    return ttk.Entry(tab, textvariable=var, width=14)


def _words(text: str) -> str:
    """A settings_form text in the person's language; "" stays "" (``gettext("")`` would
    give the catalog's header)."""
    return _(text) if text else text


def _note(field: Field) -> str:
    text = _words(field.help) if field.help else ""
    if not field.live:
        restart = _(RESTART_NOTE)
        # Translators: a field's note, then "applies after a restart of the monitor"
        text = _("{note}; {restart}").format(note=text, restart=restart) if text else restart
    return text[:1].upper() + text[1:]


def _saved_line(before: AppConfig, after: AppConfig, login: str | None) -> str:
    waiting = restart_fields(before, after)
    line = _("Saved. A running monitor uses the new settings now.")
    if waiting:
        names = restart_names(waiting)
        line = _("Saved. New {names}: {note}; the rest applies now.").format(
            names=names, note=_(RESTART_NOTE)
        )
    return f"{line} {login}" if login else line


def _styles(root: tk.Tk) -> tuple[list[Any], float]:
    """The shared look (:mod:`posture_watch.desktop.theme`, plain ttk where it is not
    there), plus the window's own title, note and error styles in its colours. Returns
    the fonts made, which must live as long as the window (Tk deletes a font whose
    Python object is collected), and the screen's scale (1.0 at 96 DPI)."""
    from tkinter import font, ttk

    secondary, warning, scale = SECONDARY_TEXT, WARNING_TEXT, 1.0
    try:
        from posture_watch.desktop import theme
    except ImportError:  # hook: plain ttk until desktop/theme.py is there
        pass
    else:
        looks = theme.apply_theme(root)
        secondary, warning, scale = looks.palette.secondary, looks.palette.warning, looks.scale
    family = font.nametofont("TkDefaultFont", root).actual()["family"]
    title = font.Font(root, name="PWPrefTitle", family=family, size=17, weight="bold")
    small = font.Font(root, name="PWPrefNote", family=family, size=10)
    style = ttk.Style(root)
    style.configure("PrefTitle.TLabel", font=title)
    style.configure("PrefNote.TLabel", font=small, foreground=secondary)
    style.configure("PrefError.TLabel", font=small, foreground=warning)
    return [title, small], scale


def two_lines(name: str) -> str:
    """``name`` split at the space nearest its middle (a name without one stays whole)."""
    spaces = [i for i, c in enumerate(name) if c == " "]
    if not spaces:
        return name
    middle = min(spaces, key=lambda i: abs(i - len(name) / 2))
    return f"{name[:middle]}\n{name[middle + 1 :]}"


def _shown(path: Path) -> str:
    """``~/.config/posture-watch/settings.toml`` rather than the whole path."""
    try:
        return "~/" + str(path.resolve().relative_to(Path.home().resolve()))
    except (ValueError, RuntimeError, OSError):  # not under home, or no home at all
        return str(path)


def _centre(root: tk.Tk) -> None:
    """Show ``root`` in the middle of the screen (a desktop's window manager may move it)."""
    root.update_idletasks()
    width, height = root.winfo_reqwidth(), root.winfo_reqheight()
    x = max(0, (root.winfo_screenwidth() - width) // 2)
    y = max(0, (root.winfo_screenheight() - height) // 2)
    root.geometry(f"+{x}+{y}")
    root.deiconify()


class Autostart:
    """Start at login, over :mod:`posture_watch.desktop.autostart` (None: not offered)."""

    def enabled(self) -> bool | None:
        from posture_watch.desktop import autostart

        try:
            return autostart.is_enabled()
        except (PostureWatchError, OSError):
            return None

    def change(self, wanted: bool) -> str | None:
        """Turn it on or off when it differs; what changed, in words (None: nothing)."""
        from posture_watch.desktop import autostart

        if self.enabled() in (None, wanted):
            return None
        if wanted:
            autostart.enable()
            return _("posture-watch starts at login from now on.")
        autostart.disable()
        return _("posture-watch no longer starts at login.")


def edit(path: Path | None = None) -> int:
    """``posture-watch settings --edit``: the window in this process; 0 when closed."""
    window = PreferencesWindow(path or settings_path())
    window.run()
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m posture_watch.desktop.preferences_window",
        description="Show the preferences window over a settings file.",
    )
    add_parent_option(parser)
    parser.add_argument("--config", type=Path, required=True, metavar="FILE")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    build: Callable[[], PreferencesWindow] = lambda: PreferencesWindow(args.config)  # noqa: E731
    return run_window("preferences window", build, args.parent_pid)


__all__ = ["TITLE", "Autostart", "PreferencesWindow", "edit", "main", "two_lines"]

if __name__ == "__main__":
    sys.exit(main())
