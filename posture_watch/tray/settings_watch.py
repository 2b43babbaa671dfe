"""Watching the settings file while the monitor runs, so that every change applies at once.

The file is the source of truth: the preferences window writes it (atomically, by a
rename), and people edit it by hand. Either way the tray notices within
:data:`INTERVAL` seconds, by looking at the file's identity (inode, size, modification
and change times: one ``stat``, cheap enough for every two seconds of the tray's tick),
reads it again and posts :class:`~posture_watch.core.stream.SettingsChanged` for the
session to follow (:mod:`posture_watch.core.settings_apply`). A file that is wrong now
posts the one-line error instead, once per version of the file: the monitor keeps its
settings, and says so, until the file is right again. Time comes from the caller's
clock (the controller's tick), never read here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from posture_watch.config import AppConfig, load_config
from posture_watch.core.settings_form import RESTART_NOTE, restart_fields, restart_names
from posture_watch.core.stream import SettingsChanged
from posture_watch.core.text import _
from posture_watch.errors import PostureWatchError
from posture_watch.monitor.setup import MonitorSetup, demo_config

#: Seconds of clock time between two looks at the file.
INTERVAL = 2.0


def _on_stderr(line: str) -> None:
    print(f"posture-watch: {line}", file=sys.stderr, flush=True)


Identity = tuple[int, int, int, int] | None


def identity(path: Path) -> Identity:
    """What changes when the file is written or replaced: inode, size, mtime, ctime
    (nanoseconds); None when there is no file."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def as_run(
    setup: MonitorSetup, stable_interval: float | None, confirm_interval: float | None
) -> Callable[[AppConfig], AppConfig]:
    """The settings file's values as this run uses them, for :class:`SettingsWatch`'s
    ``adjust``: the demo's short sitting time and the command line's sampling intervals
    (``--stable-interval``, ``--confirm-interval``; None: not given) stay when the file
    changes, as they were at the start."""

    def adjust(config: AppConfig) -> AppConfig:
        if setup.demo:
            config = demo_config(config)
        sampling = config.sampling
        if stable_interval is not None:
            sampling = replace(sampling, stable_interval=stable_interval)
        if confirm_interval is not None:
            sampling = replace(sampling, confirm_interval=confirm_interval)
        return replace(config, sampling=sampling)

    return adjust


class SettingsWatch:
    """Looks at ``path`` every :data:`INTERVAL` seconds; :meth:`poll` says what changed.

    ``adjust`` turns the file's settings into the ones the monitor runs with (the
    command line's overrides, the demo's short sitting time), as at its start; ``say``
    puts one line in the log (default: stderr, which the tray's log keeps), naming the
    changes that wait for a restart when ``running`` (the settings at the start) is known.
    """

    def __init__(
        self,
        path: Path,
        *,
        adjust: Callable[[AppConfig], AppConfig] = lambda config: config,
        interval: float = INTERVAL,
        say: Callable[[str], None] = _on_stderr,
        running: AppConfig | None = None,
    ) -> None:
        self.path, self.adjust, self.interval, self.say = path, adjust, interval, say
        self.running = running
        self._seen = identity(path)
        self._next: float | None = None

    def poll(self, mono: float, *, now: bool = False) -> SettingsChanged | None:
        """At monotonic time ``mono``: the new settings (or the file's error) when the
        file changed since the last look, else None. ``now`` looks at once (the
        preferences window has just saved)."""
        if not now and self._next is not None and mono < self._next:
            return None
        self._next = mono + self.interval
        seen = identity(self.path)
        if seen == self._seen:
            return None
        self._seen = seen
        try:
            config = self.adjust(load_config(self.path, create=False))
        except PostureWatchError as exc:
            line = exc.one_line()
            kept = _("settings not applied, the monitor keeps its own: {error}")
            self.say(kept.format(error=line))
            return SettingsChanged(None, line)
        line = _("settings: {path} changed; the monitor uses it now").format(path=self.path)
        waiting = restart_fields(self.running, config) if self.running is not None else ()
        if waiting:
            names = restart_names(waiting)
            line = _(
                "settings: {path} changed; the monitor uses it now (new {names}: {note})"
            ).format(path=self.path, names=names, note=_(RESTART_NOTE))
        self.running = config
        self.say(line)
        return SettingsChanged(config)


__all__ = ["INTERVAL", "SettingsWatch", "as_run", "identity"]
