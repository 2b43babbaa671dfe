"""When the monitor worker restarts after a crash, and when it gives up.

Why: a bug met once an hour (a strange frame, a driver hiccup) must not end a day's
monitoring, but a bug met on every frame must not become a restart loop that burns the
battery and fills the log. So an unexpected exception restarts the worker after a wait
that doubles each time (:data:`RESTART_FIRST` up to :data:`RESTART_MAX`), and
:data:`CRASH_LIMIT` crashes within :data:`CRASH_WINDOW` seconds end it with one line.

Pure: :class:`Supervisor` is told each crash at true time ``t`` and returns the event to
post; the worker loop writes the traceback and does the waiting.
"""

from __future__ import annotations

from posture_watch.core.text import _, ngettext
from posture_watch.core.worker_events import WorkerCrashed, WorkerFailed

#: Restarts after a crash wait this long, doubling each time.
RESTART_FIRST, RESTART_MAX = 2.0, 60.0
#: This many crashes within this many seconds is a crash loop: the worker gives up.
CRASH_LIMIT, CRASH_WINDOW = 3, 600.0


class Supervisor:
    """Counts the worker's crashes; ``limit`` 1 gives up at the first."""

    def __init__(self, limit: int = CRASH_LIMIT) -> None:
        self.limit = limit
        self._crashes: list[float] = []
        self._restart = RESTART_FIRST

    def crashed(self, t: float, line: str, log_file: str) -> WorkerCrashed | WorkerFailed:
        """A crash at ``t`` (``line``: the exception in one line, details in
        ``log_file``): restart after :attr:`WorkerCrashed.restart_in` seconds, or give up
        (:class:`WorkerFailed`, exit code 1)."""
        self._crashes = [c for c in self._crashes if t - c < CRASH_WINDOW] + [t]
        if len(self._crashes) >= self.limit:
            why = _("the monitor stopped on an error ({error}); details in {log}").format(
                error=line, log=log_file
            )
            if self.limit > 1:
                crashes = len(self._crashes)
                why = ngettext(  # 2 or more: the singular serves other languages' forms
                    "the monitor crashed {n} time in {minutes} min ({error}); details in {log}",
                    "the monitor crashed {n} times in {minutes} min ({error}); details in {log}",
                    crashes,
                ).format(n=crashes, minutes=f"{CRASH_WINDOW / 60:.0f}", error=line, log=log_file)
            return WorkerFailed(t, why, 1)
        crashed = WorkerCrashed(t, line, self._restart, log_file)
        self._restart = min(self._restart * 2, RESTART_MAX)
        return crashed
