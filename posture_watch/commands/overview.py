"""A bare ``posture-watch``: where things stand, and the commands a person needs first.

argparse's answer to no command at all was "error: the following arguments are required:
COMMAND", which tells a newcomer nothing. This prints a few lines instead and exits 0:

- whether a monitor is running on the person's history, read from the lock the monitor
  holds (:mod:`posture_watch.monitor.instance`) without taking it, and its own status
  line when it answers;
- whether posture-watch is calibrated (a saved ``default`` calibration);
- today's figures from the history, opened read-only;
- the main commands.

Nothing is created: no data folder, no settings file, no lock, no history.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from posture_watch import __version__, paths, profiles
from posture_watch.clock import SYSTEM, local_timezone
from posture_watch.commands.control_cli import HISTORY_FILE_NAME
from posture_watch.core.control_protocol import ControlCommand, ControlRequest
from posture_watch.core.durations import format_minutes, round_half_up
from posture_watch.core.text import N_, _
from posture_watch.core.words import percent
from posture_watch.errors import EXIT_OK, PostureWatchError, StorageError
from posture_watch.history.schema import readable_version
from posture_watch.monitor.instance import flock_pid, history_lock_path, lock_holder, lock_path

if TYPE_CHECKING:
    from posture_watch.history import HistoryStore

#: How long to wait for a running monitor's status line before saying only that it runs.
ASK_TIMEOUT = 1.0
#: The commands a person needs first, with what each does, in the order they need them.
#: (Marked with N_, translated where shown: the language is chosen after import.)
MAIN_COMMANDS = (
    ("tray", N_("start the monitor with its tray icon (the main job)")),
    ("calibrate", N_("show it how you sit upright, in front of the camera")),
    ("report", N_("today's report (--week for the week, --open for the page)")),
    ("journal", N_("note your pain (0–10) in the pain journal")),
    ("status", N_("what the running monitor sees now")),
    ("pause 30m", N_("pause the running monitor (resume goes on)")),
    ("settings", N_("show or check the settings")),
    ("autostart on", N_("start the tray icon at login")),
)


def held_by(lock: Path) -> int | None:
    """The PID of the process holding the lock file ``lock``, 0 when the PID is unknown,
    None when no process holds it (or there is no such file).

    Read from ``/proc/locks`` where there is one, so the lock is never taken, not even for
    a moment (a monitor starting then would think another one runs); elsewhere by trying
    a shared lock and letting it go at once, reading the holder's lock record.
    """
    try:
        info = os.stat(lock, follow_symlinks=False)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    try:
        pid = flock_pid(info.st_dev, info.st_ino)
    except OSError:
        holder = lock_holder(lock)
        pid = None if holder is None else holder.pid
    if pid is None:
        return None
    return int(pid) if pid.isdigit() else 0


def monitor_pid(history: Path) -> int | None:
    """The PID of the monitor writing ``history`` (0: unknown), None when none runs."""
    pid = held_by(history_lock_path(history))
    return held_by(lock_path()) if pid is None else pid


def monitor_line(history: Path, pid: int | None = None) -> str:
    """``monitor: running (pid 4242) · Upright · sitting 23 min``, ``the demo is running``
    (on its own throw-away history) or ``not running``; ``pid`` as :func:`monitor_pid`
    found it for ``history`` (found here when not given)."""
    pid = monitor_pid(history) if pid is None else pid
    what = _("monitor: running")
    if pid is None:
        demo = paths.demo_history()
        pid = held_by(history_lock_path(demo))
        if pid is None:
            return _("monitor: not running (start it with `posture-watch tray`)")
        history, what = demo, _("monitor: the demo is running")
    running = _("{what} (pid {pid})").format(what=what, pid=pid) if pid else what
    from posture_watch.monitor.control_client import send_request

    try:
        reply = send_request(ControlRequest(ControlCommand.STATUS), history, timeout=ASK_TIMEOUT)
    except (PostureWatchError, OSError):  # not answering now: the lock says enough
        return running
    if reply.ok and reply.message:
        return _("{running} · {status}").format(running=running, status=reply.message)
    return running


def calibration_line() -> str:
    """Whether the ``default`` calibration, the one the monitor uses, is saved."""
    if profiles.profile_path("default").is_file():
        return _("calibration: saved")
    return _("calibration: none yet (run `posture-watch calibrate`)")


def today_line(history: Path, now: float | None = None, *, running: bool = False) -> str:
    """The figures of the day of ``now`` (default: the system clock's) from the history,
    read-only; a line saying why when there are none. ``running``: a monitor writes it."""
    if not history.is_file():
        return _("today: no history yet")
    from posture_watch.core.report import day_bounds, summarize

    tz = local_timezone()
    day = datetime.fromtimestamp(SYSTEM.wall() if now is None else now, tz).date()
    try:
        with _open_quietly(history, running) as store:
            summary = summarize(store.read_history(*day_bounds(day, tz)), day, tz)
    except PostureWatchError as exc:
        return _("today: cannot read the history ({problem})").format(problem=exc.one_line())
    if summary.monitored_s <= 0:
        return _("today: nothing monitored yet")
    parts = [_("monitored {span}").format(span=format_minutes(summary.monitored_s))]
    if summary.upright_share is not None:
        parts.append(_("upright {percent}").format(percent=percent(summary.upright_share)))
    parts.append(_("slouching {minutes} min").format(minutes=round_half_up(summary.slouch_min)))
    return _("today: {figures}").format(figures=_(" · ").join(parts))


def _open_quietly(history: Path, running: bool) -> HistoryStore:
    """The history opened for reading without leaving a file behind.

    A read-only SQLite connection to a WAL history makes its ``-wal`` and ``-shm`` files
    and, being read-only, cannot remove them when it closes. With no monitor running and
    no ``-wal`` file the main file holds every row, so it is read as ``immutable``, which
    makes nothing; otherwise those files are there already and the ordinary read-only
    open is used.
    """
    from posture_watch.history import HistoryMissingError, HistoryStore

    if running or history.with_name(history.name + "-wal").exists():
        return HistoryStore.open_readonly(history)
    try:
        conn = sqlite3.connect(f"{history.resolve().as_uri()}?immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise StorageError(f"{history}: {exc}") from exc
    try:
        if readable_version(conn) == 0:
            raise HistoryMissingError(
                _("no history yet in {history} (the file is empty)").format(history=history)
            )
    except BaseException:
        conn.close()
        raise
    return HistoryStore(conn, history)


def text(history: Path | None = None, now: float | None = None) -> str:
    """The whole overview, for the person's history (or ``history``) on the day of
    ``now`` (default: the system clock's)."""
    history = paths.data_dir() / HISTORY_FILE_NAME if history is None else history
    width = max(len(name) for name, _what in MAIN_COMMANDS)
    pid = monitor_pid(history)
    lines = [
        _("posture-watch {version}: a quiet posture monitor").format(version=__version__),
        monitor_line(history, pid),
        calibration_line(),
        today_line(history, now, running=pid is not None),
        "",
        _("Main commands (posture-watch COMMAND):"),
        *(f"  {name:<{width}}  {_(what)}" for name, what in MAIN_COMMANDS),
        "",
        _("Every command: posture-watch --help; one command: posture-watch COMMAND --help"),
    ]
    return "\n".join(lines) + "\n"


def run() -> int:
    print(text(), end="")
    return EXIT_OK


__all__ = ["MAIN_COMMANDS", "calibration_line", "held_by", "monitor_line", "run", "text"]
