"""How ``tray`` and ``monitor`` start: which history they write, the instance lock, the
set-up, and the notification when the start fails.

**Which folders.** The demo writes nothing of the person's: ``--demo``, or a start without
a webcam that falls back to the demo, runs in the demo's throw-away folder
(:mod:`posture_watch.monitor.demo_home`). A start that names no source does not know which
it will be until the webcam has been tried, so it first checks that no monitor runs on
the person's history (:meth:`InstanceLock.check_free`, which creates nothing), then sets
up, and only then takes the lock of the history it turned out to write. The person's
settings file is read (never created) by the demo too: the demo then shows the thresholds
the person chose, and a wrong setting is found at once, as the real monitor would find it.
A ``--history`` or ``--events`` file given on the command line is used as given.

**Failures a person sees.** The tray usually starts at login, where nobody reads stderr:
a start that fails (a wrong setting, a second launch, no display for the icon) also says
so in a desktop notification (:func:`tell_desktop`), quietly doing nothing when there is
no notification server.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from posture_watch.clock import SYSTEM, local_timezone
from posture_watch.commands.history_cli import history_path
from posture_watch.commands.monitor_options import setup_request
from posture_watch.config import settings_path
from posture_watch.core.stream import Notice
from posture_watch.core.text import _, pgettext
from posture_watch.errors import ConfigError, PostureWatchError
from posture_watch.monitor import demo_home
from posture_watch.monitor.instance import AlreadyRunningError, Holder, InstanceLock
from posture_watch.monitor.setup import MonitorSetup, prepare


@dataclass(frozen=True)
class Launched:
    """A monitor ready to run: its set-up, the history it writes, when it started (epoch
    s), the settings file it read (the person's, also in the demo: the tray's Settings…
    opens it) and, for the demo, the demo's folder (None otherwise)."""

    setup: MonitorSetup
    history: Path
    started: float
    settings: Path
    demo_folder: Path | None = None


@contextmanager
def launch(
    args: argparse.Namespace, kind: str, before: Callable[[], None] = lambda: None
) -> Iterator[Launched]:
    """Hold the instance lock of the right history and set the monitor up; ``kind`` is
    what a second start is told (``tray`` or ``console``); ``before`` runs once no other
    monitor is known to run, before the camera opens (the tray checks its display)."""
    started = SYSTEM.wall()
    # the person's settings, found before the demo moves the config folder
    settings = args.config or settings_path()
    request = replace(setup_request(args), config_file=settings)
    if args.demo:
        with _in_demo_folder(args, Holder("", kind, True, started)) as (history, folder):
            before()
            setup = prepare(request)
            try:
                yield Launched(setup, history, started, settings, folder)
            finally:
                setup.close()
        return
    history = history_path(args)
    InstanceLock.check_free(history)
    before()
    setup = prepare(request)
    with ExitStack() as held:
        try:
            if setup.demo:  # no webcam (or the demo recording named as the source)
                holder = Holder("", kind, True, started)
                history, folder = held.enter_context(_in_demo_folder(args, holder))
                launched = Launched(setup, history, started, settings, folder)
            else:
                held.enter_context(
                    InstanceLock.for_history(history, Holder("", kind, False, started))
                )
                launched = Launched(setup, history, started, settings)
        except BaseException:
            if setup.first is not None:
                setup.first.close()  # refused: the loop that would close it never runs
            setup.close()
            raise
        try:
            yield launched
        finally:
            setup.close()  # a worker the loop never took (its own end closes it otherwise)


@contextmanager
def _in_demo_folder(args: argparse.Namespace, holder: Holder) -> Iterator[tuple[Path, Path]]:
    """The demo's folder entered and emptied under the demo's own lock: ``(history,
    folder)``. A demo already running is refused before anything is deleted."""
    try:
        folder = demo_home.enter()
    except OSError as exc:
        raise PostureWatchError(
            _("cannot make the demo's folder: {problem}").format(problem=exc),
            hint=_("check the cache folder"),
        ) from exc
    history = history_path(args)  # the demo's own, unless --history names one
    with InstanceLock.for_history(history, holder) as lock:
        keep = lock.path if lock.path.is_relative_to(folder) else None
        demo_home.empty(folder, keep)
        yield history, folder


# -- failures a person sees ------------------------------------------------------------


def failure_notice(exc: PostureWatchError) -> Notice:
    """The notification for a start that failed with ``exc``."""
    if isinstance(exc, AlreadyRunningError):
        return Notice(
            pgettext("notification", "posture-watch is already running"),
            pgettext("notification", "{problem}: {hint}.").format(problem=exc, hint=exc.hint),
        )
    if isinstance(exc, ConfigError):
        return Notice(
            pgettext("notification", "posture-watch did not start: a setting is wrong"),
            pgettext(
                "notification",
                "{problem}. Fix it, then start posture-watch again "
                "(`posture-watch settings --check` checks the file).",
            ).format(problem=exc.one_line()),
        )
    return Notice(
        pgettext("notification", "posture-watch did not start"),
        pgettext("notification", "{problem}.").format(problem=exc.one_line()),
    )


# -- the demo's end -----------------------------------------------------------------------


def end_demo(launched: Launched, open_report: bool, *, notify: bool) -> None:
    """Say what the demo did (terminal, and a notification when ``notify``), with its
    report; ``open_report`` also opens the report in the default app (the browser)."""
    from posture_watch.commands.demo import finish

    assert launched.demo_folder is not None
    sit_max = launched.setup.config.decision.sit_max
    lines, notice, report = finish(
        launched.history, launched.started, local_timezone(), sit_max, launched.demo_folder
    )
    for line in lines:
        print(line, flush=True)
    if notify:
        tell_desktop(notice, urgency="normal")
    if open_report and report is not None:
        _open_report(report)


def _open_report(report: Path) -> None:
    """Open the demo's report as the tray's menu does; one line when nothing opens it."""
    from posture_watch.desktop.open_file import open_in_default_app
    from posture_watch.tray.actions import OPEN_WAIT, open_failure

    try:
        open_in_default_app(report, wait=OPEN_WAIT)
    except OSError as exc:
        print(
            pgettext("cli", "posture-watch: {message}").format(
                message=open_failure(_("the report"), report, exc)
            ),
            file=sys.stderr,
        )


def tell_desktop(notice: Notice, *, urgency: str = "critical") -> bool:
    """Show ``notice`` as a desktop notification; True when the desktop took it. Never
    raises and prints nothing: without a notification server (or off Linux, before any
    icon exists) the stderr line is all there is."""
    if not sys.platform.startswith("linux"):
        return False
    from posture_watch.desktop.notify import DBusNotifier

    notifier = DBusNotifier(quiet=True)
    try:
        return notifier.notify(notice.title, notice.body, urgency=urgency)
    finally:
        notifier.close()


__all__ = ["Launched", "end_demo", "failure_notice", "launch", "tell_desktop"]
