"""Open a file in the desktop's default application, without waiting for it.

The report command (``report --open``) and the tray (Today's report, Open settings)
both hand files to the desktop this way: ``xdg-open`` on Linux, ``open`` on macOS,
``os.startfile`` on Windows.

A monitor kept offline (:mod:`posture_watch.offline`) passes every child the filter that
refuses internet sockets; a browser it started would be crippled. So when an unfiltered
launcher runs in this process (:mod:`posture_watch.desktop.launcher`, started before the
filter), the opener is run by it instead.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from posture_watch.desktop.launcher import current_launcher, default_opener, start_opener


def open_in_default_app(path: Path) -> None:
    """Show ``path`` with the default app and return at once.

    Raises :class:`FileNotFoundError` whose ``filename`` names the opener when there is
    none (e.g. no ``xdg-open`` on a minimal system), so callers can say what is missing.
    Through a launcher, any other failure is an :class:`OSError` too (a launcher that has
    stopped is :class:`~posture_watch.desktop.launcher.LauncherStopped`): never a direct
    start, which would hand the opener this process's filter.
    """
    if sys.platform == "win32":
        os.startfile(path)  # type: ignore[attr-defined]
        return
    launcher = current_launcher()
    if launcher is not None:
        launcher.open(path, default_opener())
        return
    start_opener(path)
