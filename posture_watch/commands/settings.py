"""``posture-watch settings``: show the effective settings, or locate or check the file.

Without an option it prints the effective settings as commented TOML (what the monitor
would use, defaults included); ``--path`` prints where the file is, creating it with the
defaults when missing, so an editor can open it; ``--check`` validates it and prints
``ok PATH``; ``--edit`` opens the preferences window over it (a running monitor follows
what it saves at once). A file named with ``--config`` is never created.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from posture_watch.config import ensure_config_file, load_config, settings_path
from posture_watch.core.settings_schema import to_toml
from posture_watch.core.text import _
from posture_watch.errors import ConfigError


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Add ``settings [--path | --check | --edit] [--config FILE]``; ``args.run`` is
    :func:`run`."""
    parser = subparsers.add_parser(
        "settings",
        help=_("show the effective settings, or locate or check the settings file"),
        description=_("Without an option: print the effective settings as TOML."),
    )
    parser.set_defaults(run=run)
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--path",
        dest="show_path",
        action="store_true",
        help=_("print the settings file's path (creating it with the defaults if missing)"),
    )
    which.add_argument(
        "--check", action="store_true", help=_("validate the settings file; print 'ok PATH'")
    )
    which.add_argument(
        "--edit",
        action="store_true",
        help=_(
            "change the settings in the preferences window (a running monitor follows them at once)"
        ),
    )
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help=_(
            "show, locate, check or edit this settings file instead of your settings.toml "
            "(the file other commands take with --config)"
        ),
    )
    return parser


def run(args: argparse.Namespace) -> int:
    """Run ``posture-watch settings``; returns the exit code (0), errors are ConfigError.

    A file named with ``--config`` is never created: one that does not exist is an error,
    where the user's own missing file means the defaults (and ``--path`` creates it)."""
    named = args.config is not None
    path = args.config if named else settings_path()
    if named and not path.is_file():
        raise ConfigError(_("{path}: no such settings file").format(path=path))
    if args.show_path:
        if not named:
            ensure_config_file(path)
        print(path)
    elif args.edit:
        from posture_watch.desktop.preferences_window import edit

        return edit(path)
    elif args.check:
        load_config(path, create=False)
        if path.exists():
            print(_("ok {path}").format(path=path))
        else:
            print(_("ok {path} (no file yet: the defaults apply)").format(path=path))
    else:
        config = load_config(path)
        sys.stdout.write(
            to_toml(config, header=_("effective settings from {path}").format(path=path))
        )
    return 0


__all__ = ["add_parser", "run"]
