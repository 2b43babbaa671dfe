"""Open a file in the desktop's default application, without waiting for the application.

The report command (``report --open``) and the tray (Today's report, Open settings)
both hand files to the desktop this way: ``xdg-open`` on Linux, ``open`` on macOS,
``os.startfile`` on Windows.

A monitor kept offline (:mod:`posture_watch.offline`) passes every child the filter that
refuses internet sockets; a browser it started would be crippled. So when an unfiltered
launcher runs in this process (:mod:`posture_watch.launcher`, started before the
filter), the opener is run by it instead.

With ``wait``, the opener's own exit status is waited for that long: ``xdg-open`` with no
program for the file type exits 3, with a program that failed 4, and the caller must be
able to say so (:class:`~posture_watch.launcher.OpenerFailed`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from posture_watch.launcher import (
    OpenerFailed,
    current_launcher,
    default_opener,
    start_opener,
)

__all__ = ["OpenerFailed", "open_in_default_app"]


def open_in_default_app(path: Path, *, wait: float = 0.0) -> None:
    """Show ``path`` with the default app; return at once, or with ``wait`` > 0 once the
    opener has exited or ``wait`` seconds have passed (call that off any UI thread).

    Raises :class:`FileNotFoundError` whose ``filename`` names the opener when there is
    none (e.g. no ``xdg-open`` on a minimal system), so callers can say what is missing,
    and :class:`OpenerFailed` when the opener exited with an error within ``wait``.
    Through a launcher, any other failure is an :class:`OSError` too (a launcher that has
    stopped is :class:`~posture_watch.launcher.LauncherStopped`): never a direct
    start, which would hand the opener this process's filter.
    """
    if sys.platform == "win32":
        os.startfile(path)  # type: ignore[attr-defined]
        return
    launcher = current_launcher()
    if launcher is not None:
        launcher.open(path, default_opener(), wait)
        return
    start_opener(path, wait)
