"""``posture-watch pause|resume|status|stretch|quit``: ask the running monitor.

Each is a one-shot process made for keyboard shortcuts and scripts: it sends one request
over the control socket (:mod:`posture_watch.monitor.control_client`), prints the
monitor's one line and exits with a code a script can branch on:

- 0: done (the reply's message on stdout; ``--json`` prints the raw reply instead);
- 1: the monitor refused (``ok: false``, e.g. ``stretch`` with ``monitor --no-tray``) or
  gave no answer in time; its line on stderr;
- 2: a bad duration or option (one line), or an unsafe control folder;
- 3: no monitor runs on this history (``posture-watch: no running posture-watch …``).

It must start in a blink, so this path imports neither NumPy, OpenCV nor MediaPipe, nor
the history package (which does): the default history path is worked out here from the
data folder, as ``history_cli.history_path`` does. :func:`build_parser` is the small
parser the CLI uses when the first word is one of these commands.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from posture_watch import paths
from posture_watch.commands.did_you_mean import CommandParser
from posture_watch.core.control_protocol import (
    COMMANDS,
    MAX_PAUSE,
    UNTIL_TOMORROW,
    ControlCommand,
    ControlReply,
    ControlRequest,
)
from posture_watch.core.text import N_, _, pgettext
from posture_watch.errors import ConfigError, run_command
from posture_watch.monitor.control_client import send_request
from posture_watch.monitor.control_socket import NotRunningError

#: The history file's name in the data folder (``posture_watch.history.store.FILE_NAME``,
#: which cannot be imported here without NumPy).
HISTORY_FILE_NAME = "history.sqlite3"
EXIT_OK, EXIT_REFUSED, EXIT_NOT_RUNNING = 0, 1, 3
#: Marked here, translated where it is printed (the language is chosen after import).
NOT_RUNNING_LINE = N_(
    "posture-watch: no running posture-watch (start it with `posture-watch tray`)"
)

_DURATION = re.compile(r"(?:(\d+)h)?(?:(\d+)m(?:in)?)?(?:(\d+)s)?")
_HELP = {
    "pause": N_("pause the running monitor (releases the camera)"),
    "resume": N_("resume the running monitor after a pause"),
    "status": N_("show the running monitor's state, e.g. 'Upright · sitting 23 min'"),
    "stretch": N_("open the stretch window now (needs the tray)"),
    "quit": N_("stop the running monitor (the tray also writes today's report)"),
}


def parse_duration(text: str) -> ControlRequest:
    """A ``pause`` request from ``30m``, ``1h``, ``90s``, ``1h30m``, ``30`` (minutes) or
    ``until-tomorrow``; a :class:`ConfigError` (one line, exit 2) for anything else."""
    word = text.strip().lower().replace(" ", "")
    if word in ("until-tomorrow", "tomorrow"):
        return ControlRequest(ControlCommand.PAUSE, until=UNTIL_TOMORROW)
    if word.isdigit():
        seconds = int(word) * 60
    else:
        match = _DURATION.fullmatch(word)
        if not word or match is None or not any(match.groups()):
            raise ConfigError(
                _("pause: {text} is not a duration").format(text=repr(text)),
                hint=_("use e.g. 30m, 1h, 90s, 1h30m, plain minutes (30) or until-tomorrow"),
            )
        hours, minutes, secs = (int(g or 0) for g in match.groups())
        seconds = hours * 3600 + minutes * 60 + secs
    if seconds <= 0:
        raise ConfigError(
            _("pause: {text} is no time at all").format(text=repr(text)),
            hint=_("pause for at least 1 s"),
        )
    if seconds > MAX_PAUSE:
        raise ConfigError(
            _("pause: {text} is longer than {hours} h").format(
                text=repr(text), hours=f"{MAX_PAUSE / 3600:.0f}"
            ),
            hint=_("use until-tomorrow, or quit the monitor"),
        )
    return ControlRequest(ControlCommand.PAUSE, seconds=seconds)


def history_path(args: argparse.Namespace) -> Path:
    """The history the monitor to ask writes: ``--history`` or the default one."""
    return args.history or paths.data_dir() / HISTORY_FILE_NAME


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add ``pause``, ``resume``, ``status``, ``stretch`` and ``quit``."""
    for command in COMMANDS:
        p = sub.add_parser(command, help=_(_HELP[command]))  # the help is the description too
        if command == "pause":
            p.add_argument(
                "duration",
                metavar="DURATION",
                help=_("30m, 1h, 90s, 1h30m, plain minutes (30) or until-tomorrow"),
            )
        p.add_argument("--json", action="store_true", help=_("print the monitor's raw JSON reply"))
        p.add_argument(
            "--history",
            type=Path,
            default=None,
            metavar="FILE",
            help=_(
                "the history of the monitor to ask (default: history.sqlite3 in the "
                "user's data folder), as given to `tray`/`monitor`"
            ),
        )
        p.set_defaults(run=run, control=command)


def build_parser() -> argparse.ArgumentParser:
    """A parser with only these commands: what the CLI uses for them, to start fast."""
    parser = CommandParser(
        prog="posture-watch", description=_("Ask the running posture-watch monitor.")
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_parsers(sub)
    return parser


def is_control_command(argv: Sequence[str]) -> bool:
    """True when ``argv``'s first word is one of these commands."""
    return bool(argv) and argv[0] in COMMANDS


def run(args: argparse.Namespace) -> int:
    if args.control == "pause":
        request = parse_duration(args.duration)
    else:
        request = ControlRequest(ControlCommand(args.control))
    try:
        reply = send_request(request, history_path(args))
    except NotRunningError:
        demo = _ask_the_demo(request) if args.history is None else None
        if demo is None:
            print(_(NOT_RUNNING_LINE), file=sys.stderr)
            return EXIT_NOT_RUNNING
        reply = demo
    return show(reply, as_json=args.json)


def _ask_the_demo(request: ControlRequest) -> ControlReply | None:
    """Nothing runs on the person's history: the demo may (its icon is on the screen), and
    it keeps its own history in its throw-away folder. None when it does not run either."""
    try:
        return send_request(request, paths.demo_history())
    except NotRunningError:
        return None


def show(reply: ControlReply, *, as_json: bool = False) -> int:
    """Print the reply (stdout when ok, else stderr) and return the exit code."""
    if as_json:
        print(json.dumps(reply.to_json(), ensure_ascii=False))
    elif reply.ok:
        print(reply.message)
    else:
        print(
            pgettext("cli", "posture-watch: {message}").format(message=reply.message),
            file=sys.stderr,
        )
    return EXIT_OK if reply.ok else EXIT_REFUSED


def main(argv: Sequence[str] | None = None) -> int:
    """Run one of these commands alone (``python -m posture_watch.commands.control_cli``),
    with the CLI's one-line errors; the console script reaches them through
    :func:`posture_watch.cli.main`."""
    args = build_parser().parse_args(argv)
    return run_command(lambda: int(args.run(args)))


if __name__ == "__main__":
    sys.exit(main())
