"""What the two foreground monitors (``monitor --no-tray`` and ``tray``) share: how a
signal becomes an exit code, and how a whole line reaches the console.

Both commands import this module rather than each other (``tray`` once took these from
``monitor``, which in turn starts ``tray``).
"""

from __future__ import annotations

import signal
import sys

#: Exit codes after a signal: Ctrl-C is 130 as in any shell; SIGTERM and SIGHUP ask for a
#: normal stop (a service manager or a closed terminal), so they exit 0 after a clean stop.
SIGNAL_EXIT = {signal.SIGINT: 130, signal.SIGTERM: 0, signal.SIGHUP: 0}


def say(line: str) -> None:
    """One whole line on stdout. ``print`` writes the text and its newline separately, so
    two threads printing at once (the session watcher's note at start-up and the first
    state line) could run their lines together; one write of the line and its newline
    cannot be split."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


__all__ = ["SIGNAL_EXIT", "say"]
