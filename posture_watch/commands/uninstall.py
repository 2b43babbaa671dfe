"""``posture-watch uninstall [--keep-data] [--yes] [--dry-run]``: leave without a trace.

``pipx uninstall`` removes the program but none of what it wrote: the login entry would
try to start a program that is gone at every login, the menu would list it, and the
history, the event log and the reports (health data) would stay in the home folder. This
command removes all of it first, naming every path (:mod:`.uninstall_places` says what
and where), and ends by saying how to remove the program itself.

- A running monitor (tray, console, the demo) is asked to quit first and waited for, so
  it does not go on writing into deleted files (:mod:`.running_monitor`).
- ``--keep-data`` keeps the person's data: the history, the event log, the reports,
  settings, calibration profiles, prompt overrides, downloaded models and the log file,
  each listed as kept. The login entry, the menu entry, the icons and the caches go.
- ``--dry-run`` lists what would go and what would stay, and changes nothing.
- On a terminal it lists what will go and asks; elsewhere it needs ``--yes``.

Exit codes: 0 done (or nothing to remove, or the question answered no); 1 some paths
could not be removed (each named on stderr, the rest is gone); 2 no confirmation (not on
a terminal and no ``--yes``); 3 a running posture-watch did not quit (nothing removed).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from posture_watch.commands.running_monitor import (
    RunningMonitor,
    ask_to_quit,
    find_running,
    wait_until_gone,
)
from posture_watch.commands.uninstall_places import (
    Outcome,
    Place,
    count_files,
    entries,
    places,
    present,
    remove_desktop_files,
    remove_tree,
)
from posture_watch.core.text import _, ngettext
from posture_watch.core.words import is_yes
from posture_watch.desktop.autostart import launcher_path
from posture_watch.desktop.desktop_files import MIME_CACHE
from posture_watch.errors import ConfigError, PostureWatchError

EXIT_OK, EXIT_NOT_ALL_REMOVED, EXIT_STILL_RUNNING = 0, 1, 3


class StillRunningError(PostureWatchError):
    """A running posture-watch did not quit when asked: nothing was removed."""

    exit_code = EXIT_STILL_RUNNING


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``uninstall``."""
    description = _("Remove everything posture-watch wrote, listing each path.")
    p = sub.add_parser(
        "uninstall", help=_("remove everything posture-watch wrote"), description=description
    )
    p.add_argument(
        "--keep-data",
        action="store_true",
        help=_("keep your history, event log, reports, settings, calibration profiles and logs"),
    )
    p.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    p.add_argument("--dry-run", action="store_true", help=_("only list what would be removed"))
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    every = places()
    going = [p for p in every if not (args.keep_data and p.data)]
    staying = [p for p in every if args.keep_data and p.data]
    running = find_running([p.path for p in every if p.folder])
    there = [p for p in going if present(p)]
    if args.dry_run:
        for monitor in running:
            print(_("would ask {describe} to quit first").format(describe=monitor.describe()))
        _say(_("would remove {what}").format(what=line) for line in _summary(there))
        _say(_kept(staying))
        print(program_line())
        return EXIT_OK
    if not there and not running:
        print(_("nothing to remove: posture-watch has no files here"))
        _say(_kept(staying))
        print(program_line())
        return EXIT_OK
    if not args.yes and not _confirm(there, staying, running):
        print(_("nothing removed"))
        return EXIT_OK
    _stop(running)
    outcome = _remove(going)
    _say(outcome.removed.lines() or [_("nothing to remove")])
    _say(_kept(staying))
    for problem in outcome.problems:
        print(_("posture-watch: {problem}").format(problem=problem), file=sys.stderr)
    print(program_line())
    return EXIT_NOT_ALL_REMOVED if outcome.problems else EXIT_OK


def _say(lines: Iterable[str]) -> None:
    for line in lines:
        print(line)


def _summary(there: list[Place]) -> list[str]:
    """One line per place: ``PATH (what)``, a folder ``PATH/ (what: N files)``."""
    lines = []
    for place in there:
        if place.folder:
            n = count_files(place.path)
            lines.append(
                ngettext("{path}/ ({what}: {n} file)", "{path}/ ({what}: {n} files)", n).format(
                    path=place.path, what=place.what, n=n
                )
            )
        else:
            lines.append(_("{path} ({what})").format(path=place.path, what=place.what))
    cache = mime_cache()
    if cache.is_file() and any(p.path == launcher_path() for p in there):
        lines.append(
            _("{path} (the menu's file-type cache: our lines, or all of it if only ours)").format(
                path=cache
            )
        )
    return lines


def _kept(staying: list[Place]) -> list[str]:
    """``kept PATH`` for each file and folder in the data folders kept (``--keep-data``)."""
    lines = []
    for place in staying:
        for path in entries(place.path):
            if path.is_dir() and not path.is_symlink():
                n = count_files(path)
                lines.append(
                    ngettext("kept {path}/ ({n} file)", "kept {path}/ ({n} files)", n).format(
                        path=path, n=n
                    )
                )
            else:
                lines.append(_("kept {path}").format(path=path))
    return lines


def _confirm(there: list[Place], staying: list[Place], running: list[RunningMonitor]) -> bool:
    """List what goes and ask, on a terminal; refuse elsewhere, where no one can answer."""
    if not sys.stdin.isatty():
        raise ConfigError(
            _("uninstall needs a confirmation"),
            hint=_("add --yes to remove without asking, or --dry-run to see the list"),
        )
    for monitor in running:
        print(
            _("{describe} is running: it will be asked to quit first").format(
                describe=monitor.describe()
            )
        )
    print(_("posture-watch uninstall removes:"))
    print("\n".join(f"  {line}" for line in _summary(there)))
    if staying:
        print(_("and keeps your data (--keep-data):"))
        print("\n".join(f"  {line}" for line in _kept(staying)))
    try:
        answer = input(_("remove all of this? [y/N] "))
    except EOFError:
        return False
    return is_yes(answer)


def _stop(running: list[RunningMonitor]) -> None:
    """Ask each running monitor to quit and wait for it; StillRunningError (exit 3,
    nothing removed) when one cannot be asked or does not end in time."""
    for monitor in running:
        if not ask_to_quit(monitor):
            raise StillRunningError(
                _(
                    "{describe} is running and does not answer on its control "
                    "socket; nothing was removed"
                ).format(describe=monitor.describe()),
                hint=_("{how_to_stop}, then run `posture-watch uninstall` again").format(
                    how_to_stop=monitor.how_to_stop()
                ),
            )
        print(_("asked {describe} to quit").format(describe=monitor.describe()), flush=True)
    left = wait_until_gone(running)
    if left:
        raise StillRunningError(
            _("{describe} is still running; nothing was removed").format(
                describe=left[0].describe()
            ),
            hint=_("{how_to_stop}, then run `posture-watch uninstall` again").format(
                how_to_stop=left[0].how_to_stop()
            ),
        )


def _remove(going: list[Place]) -> Outcome:
    """The desktop's files first (the login entry before anything it would start), then
    each folder of ours."""
    outcome = remove_desktop_files()
    for place in going:
        if place.folder:
            outcome.add(remove_tree(place.path))
    return outcome


def mime_cache() -> Path:
    """The applications folder's ``mimeinfo.cache``, which names our menu entry."""
    return launcher_path().parent / MIME_CACHE


def program_line() -> str:
    """The one line that says how to remove the program itself, as it was installed."""
    prefix = Path(sys.prefix)
    if "pipx" in prefix.parts:
        how = "pipx uninstall posture-watch"
    elif sys.prefix != sys.base_prefix:
        how = _("pip uninstall posture-watch (it is installed in {prefix})").format(prefix=prefix)
    else:
        how = _("pipx uninstall posture-watch (or pip uninstall posture-watch)")
    return _("to remove the program itself: {how}").format(how=how)


__all__ = ["EXIT_NOT_ALL_REMOVED", "EXIT_STILL_RUNNING", "add_parser", "program_line", "run"]
