"""The ``posture-watch`` command line.

A bare ``posture-watch`` prints a short status and the main commands
(:mod:`posture_watch.commands.overview`); a typo gets the closest command or option, and
a command's error shows that command's usage (:mod:`posture_watch.commands.did_you_mean`).

Only :class:`~posture_watch.errors.PostureWatchError` is caught: it becomes one line on
stderr (``posture-watch: message (hint)``) and its exit code (2). Anything else is a
bug and keeps its traceback. That translation is :func:`posture_watch.errors.run_command`,
shared with the control commands run alone.

Ctrl-C is not a bug: wherever it arrives outside a command's own handling, the program
says ``posture-watch: interrupted`` and exits with :data:`EXIT_INTERRUPTED` (130), never
with a traceback. That is why this module imports the commands (and with them NumPy,
OpenCV and MediaPipe) and even argparse inside :func:`main`, in :func:`build_parser`,
and at its top only what Python has loaded already and the small error module: the
console script imports this module before it calls ``main``, and a Ctrl-C during a
top-level import would escape every handler. What runs before this module (the
``posture_watch`` package's own imports) is beyond its reach.

SIGTERM and SIGHUP while ``monitor`` or ``tray`` starts stop it as they would later (a
clean stop, exit 0) rather than kill it with 143: :func:`main` installs
:func:`~posture_watch.commands.foreground.catch_early_stops` first thing, where Ctrl-C is
already handled and before anything heavy is imported. What Python does before it runs
this module (its own start-up, the ``site`` imports) is beyond reach: a signal there acts
as Python's default.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Sequence
from types import FrameType
from typing import TYPE_CHECKING

from posture_watch import __version__
from posture_watch.errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_USER_ERROR, run_command

if TYPE_CHECKING:
    import argparse


def build_parser() -> argparse.ArgumentParser:
    """The parser with every command. Imports the commands, which take most of a second
    (NumPy, OpenCV): call it where Ctrl-C is handled, as :func:`main` does."""
    from posture_watch.commands import (
        analyze,
        autostart,
        calibrate,
        control_cli,
        history_cli,
        insights,
        journal,
        monitor,
        record,
        report,
        settings,
        tray,
        uninstall,
    )
    from posture_watch.commands.did_you_mean import CommandParser
    from posture_watch.core.text import pgettext
    from posture_watch.model_cli import add_model_commands

    parser = CommandParser(
        prog="posture-watch",
        description=pgettext(
            "cli", "A quiet posture monitor: notices sustained slouching and long sitting."
        ),
        epilog=pgettext(
            "cli",
            "posture-watch alone prints a short status and the main commands; "
            "posture-watch COMMAND --help explains one command.",
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"posture-watch {__version__}",
        help=pgettext("cli", "show program's version number and exit"),
    )
    sub: argparse._SubParsersAction = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND"
    )
    analyze.add_parser(sub)
    calibrate.add_parser(sub)
    record.add_parser(sub)
    tray.add_parser(sub)
    monitor.add_parser(sub)
    report.add_parser(sub)
    insights.add_parser(sub)
    history_cli.add_parsers(sub)
    journal.add_parser(sub)
    autostart.add_parser(sub)
    control_cli.add_parsers(sub)
    add_model_commands(sub)
    settings.add_parser(sub)
    uninstall.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns its exit code (argparse's own errors exit 2 directly).

    Called without ``argv`` (the console script, ``python -m posture_watch.cli``) it owns
    the process, so it also keeps a Ctrl-C during the interpreter's shutdown after it (a
    thread being joined, buffers flushed) from printing a traceback: such a Ctrl-C ends
    the process at once with :data:`EXIT_INTERRUPTED`. Called with ``argv`` (tests,
    embedding) it leaves the signal handlers alone.
    """
    try:
        return run_command(lambda: _run(argv))
    finally:
        if argv is None:
            signal.signal(signal.SIGINT, _exit_interrupted)


def _starts_a_monitor(words: Sequence[str]) -> bool:
    """True for ``monitor`` and ``tray`` (the first word that is not an option)."""
    command = next((word for word in words if not word.startswith("-")), None)
    return command in ("monitor", "tray")


def _run(argv: Sequence[str] | None) -> int:
    from posture_watch import i18n
    from posture_watch.commands import control_cli

    i18n.setup()  # before any word: the help, the errors and every command's output

    words = sys.argv[1:] if argv is None else list(argv)
    if argv is None and _starts_a_monitor(words):  # before the heavy imports below
        from posture_watch.commands.foreground import catch_early_stops

        catch_early_stops()  # a SIGTERM while starting stops it cleanly, as later
    if not words:  # a bare `posture-watch`: where things stand, and what to type next
        from posture_watch.commands import overview

        return overview.run()
    # pause/resume/status/stretch/quit run from keyboard shortcuts: their own small
    # parser, without the other commands' NumPy, OpenCV and MediaPipe
    fast = control_cli.is_control_command(words)
    args = (control_cli.build_parser() if fast else build_parser()).parse_args(argv)
    chosen = getattr(args, "config", None)  # --config FILE: that file's language, if it sets one
    if chosen is not None and i18n.setting_language(chosen) != "auto":
        i18n.setup(i18n.setting_language(chosen))
    return int(args.run(args))


def _exit_interrupted(_signum: int, _frame: FrameType | None) -> None:
    """SIGINT once main has returned: flush what was written and end, quietly."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # closed, or a broken pipe: nothing to keep
            stream.flush()
    os._exit(EXIT_INTERRUPTED)


__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USER_ERROR",
    "build_parser",
    "main",
]

if __name__ == "__main__":
    sys.exit(main())
