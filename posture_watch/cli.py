"""The ``posture-watch`` command line.

Only :class:`~posture_watch.errors.PostureWatchError` is caught: it becomes one line on
stderr (``posture-watch: Name: message (hint)``) and its exit code (2). Anything else is a
bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from posture_watch import __version__
from posture_watch.commands import (
    analyze,
    calibrate,
    history_cli,
    journal,
    monitor,
    record,
    report,
    tray,
)
from posture_watch.config import add_settings_command
from posture_watch.errors import PostureWatchError
from posture_watch.model_cli import add_model_commands

EXIT_OK = 0
EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="posture-watch",
        description="A quiet posture monitor: notices sustained slouching and long sitting.",
    )
    parser.add_argument("--version", action="version", version=f"posture-watch {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    analyze.add_parser(sub)
    calibrate.add_parser(sub)
    record.add_parser(sub)
    tray.add_parser(sub)
    monitor.add_parser(sub)
    report.add_parser(sub)
    history_cli.add_parsers(sub)
    journal.add_parser(sub)
    add_model_commands(sub)
    add_settings_command(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except PostureWatchError as exc:
        print(f"posture-watch: {type(exc).__name__}: {exc.one_line()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("posture-watch: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
