"""``posture-watch autostart on|off|status`` and ``posture-watch launcher install|remove|status``.

Starting the tray at login should not need a text editor or knowledge of the XDG
autostart folders, and a venv deleted months later should not fail silently at every
login: ``status`` says which program the login entry runs and warns when it is gone.

- ``autostart on`` writes ``$XDG_CONFIG_HOME/autostart/posture-watch.desktop`` (running
  ``<this install>/posture-watch tray``) and, unless ``--no-launcher``, the application
  menu entry and icons, so the login item and the menu show posture-watch's icon.
- ``autostart off`` removes only the login entry, and says what stays and which command
  removes it: the menu entry (``launcher remove``), the data (``uninstall``).
- ``launcher install|remove|status`` handles the menu entry and icons alone; ``remove``
  lists every path it removed (with our lines in ``mimeinfo.cache``, and the folders
  left empty).

The work is done by :mod:`posture_watch.desktop.autostart`, which the tray's "Start at
login" item calls too.
"""

from __future__ import annotations

import argparse
import sys

from posture_watch.core.text import _
from posture_watch.desktop import autostart


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``autostart`` and ``launcher``."""
    p = sub.add_parser(
        "autostart",
        help=_("start the tray at login (on), stop that (off), or show what runs (status)"),
    )
    p.add_argument("action", choices=("on", "off", "status"))
    p.add_argument(
        "--no-launcher",
        action="store_true",
        help=_("with on: do not also install the application-menu entry and icons"),
    )
    p.set_defaults(run=run)

    p = sub.add_parser(
        "launcher",
        help=_("add posture-watch to the desktop's application menu, with its icon"),
    )
    p.add_argument("action", choices=("install", "remove", "status"))
    p.set_defaults(run=run_launcher)


def run(args: argparse.Namespace) -> int:
    """``autostart on|off|status``."""
    if args.action == "on":
        path = autostart.enable(launcher=not args.no_launcher)
        state = autostart.status()
        print(_("autostart: on: {path}").format(path=path))
        print(_("runs: {exec_line}").format(exec_line=state.exec_line))
        if not args.no_launcher:
            print(_("menu entry: {launcher_path}").format(launcher_path=autostart.launcher_path()))
        return 0
    if args.action == "off":
        path = autostart.autostart_path()
        if autostart.disable():
            print(_("autostart: off: removed {path}").format(path=path))
        else:
            print(_("autostart: already off (no {path})").format(path=path))
        print(what_stays())
        return 0
    state = autostart.status()
    if state.enabled:
        print(_("autostart: on"))
    elif state.present:
        print(_("autostart: off ({problem})").format(problem=state.problem))
    else:
        print(_("autostart: off"))
    if state.present:
        print(_("file: {path}").format(path=state.path))
    else:
        print(_("file: {path} (not present)").format(path=state.path))
    if state.exec_line is not None:
        print(_("runs: {exec_line}").format(exec_line=state.exec_line))
    _warn_missing_target(state, "autostart on")
    return 0


def run_launcher(args: argparse.Namespace) -> int:
    """``launcher install|remove|status``."""
    if args.action == "install":
        paths = autostart.install_launcher()
        print(_("menu entry: {launcher_path}").format(launcher_path=autostart.launcher_path()))
        print(_("runs: {exec_line}").format(exec_line=autostart.launcher_status().exec_line))
        print(
            _("icons: {count} in {icon_theme_dir}").format(
                count=len(paths) - 1, icon_theme_dir=autostart.icon_theme_dir()
            )
        )
        return 0
    if args.action == "remove":
        removed = autostart.remove_launcher()
        if not removed:
            print(_("menu entry: not installed"))
            return 0
        print(_("menu entry: removed {count} files").format(count=len(removed.files)))
        print("\n".join(removed.lines()))
        return 0
    state = autostart.launcher_status()
    if state.present and state.problem is None:
        print(_("menu entry: installed"))
    elif state.present:
        print(_("menu entry: damaged ({problem})").format(problem=state.problem))
    else:
        print(_("menu entry: not installed"))
    if state.present:
        print(_("file: {path}").format(path=state.path))
    else:
        print(_("file: {path} (not present)").format(path=state.path))
    if state.exec_line is not None:
        print(_("runs: {exec_line}").format(exec_line=state.exec_line))
    total = len(state.icons) + len(state.missing_icons)
    print(
        _("icons: {count} of {total} in {icon_theme_dir}").format(
            count=len(state.icons), total=total, icon_theme_dir=autostart.icon_theme_dir()
        )
    )
    _warn_missing_target(state, "launcher install")
    return 0


def what_stays() -> str:
    """After ``autostart off``: what is still installed, and the command that removes it."""
    menu = autostart.launcher_status().present
    parts = [_("the menu entry and its icons ('posture-watch launcher remove')")] if menu else []
    parts.append(_("your history, settings and reports ('posture-watch uninstall' removes all)"))
    return _("still there: {what}").format(what=_("; ").join(parts))


def _warn_missing_target(state: autostart.EntryStatus, fix: str) -> None:
    if state.exec_line is None or state.target_exists:
        return
    what = state.target if state.target is not None else (state.argv or ("nothing",))[0]
    print(
        _(
            "posture-watch: warning: {what} no longer exists, so this "
            "entry starts nothing (run 'posture-watch {fix}' again)"
        ).format(what=what, fix=fix),
        file=sys.stderr,
    )


__all__ = ["add_parser", "run", "run_launcher", "what_stays"]
