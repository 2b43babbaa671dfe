"""Load at start what the tray needs at its end, so it survives its own uninstall.

A tray keeps running while ``pipx uninstall posture-watch`` (or ``pip uninstall``)
deletes the files it was started from. Python imports a module only when it is first
used, and the tray's last act, writing today's report on Quit, was the first use of the
report renderer and matplotlib: with their files gone, Quit ended in a
``ModuleNotFoundError`` traceback. Files already open and modules already imported stay
usable after their files are deleted (the kernel keeps an open file until it is
closed), so the cure is to import those modules, and have matplotlib open what it opens
on first use, while the files are still there.

:func:`preload` does that on a background thread at start, by rendering a small
throw-away day report in memory: the very code Quit runs, so whatever it loads
lazily (the renderer, matplotlib's SVG backend, its font list, Pillow's plugins) is
loaded once. Nothing is written to disk. The monitor's own files (the history, the event
log) are opened at start anyway; the windows (stretch, pain journal, calibration) are
separate programs, which an uninstall takes away with the rest.

The X11 tray's menu is such a separate program too (a Tk child, run as ``python -m
posture_watch.tray.popup_menu``), so after an uninstall it cannot open: a click on the
icon then quits instead (:func:`program_removed` tells the backend), rather than the
failed start taking the icon's main loop down with it.

What cannot be loaded ahead is a font face: matplotlib keeps one per thread, and the
report is drawn on another thread than this one. When matplotlib's own fonts are gone it
rebuilds its font list from the system's fonts by itself, so the report still comes out.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from datetime import date, datetime, time
from pathlib import Path

from posture_watch.paths import PACKAGE_DIR

log = logging.getLogger(__name__)

#: The throw-away history's day (any day works: nothing of the person's is read).
_DAY = date(2024, 1, 1)
#: Its minutes from 09:00: upright, slouching, away and unknown, so every chart has bars.
_STATES = "UUUUSSSSAAUU??UU"
#: The warm-up thread's niceness: it must not slow the icon's start.
_NICE = 10


def preload() -> threading.Thread:
    """Start loading, on a daemon thread, what writing the report needs; returns the
    thread (:func:`load_report_code` is what it runs)."""
    thread = threading.Thread(target=_load_quietly, name="posture-watch-preload", daemon=True)
    thread.start()
    return thread


def _load_quietly() -> None:
    with contextlib.suppress(AttributeError, OSError):  # Linux: niceness is per thread
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), _NICE)
    try:
        load_report_code()
    except Exception:  # a warm-up: the report itself will say what is wrong, if anything
        log.exception("could not load the report code ahead of time")


def load_report_code() -> None:
    """Import the report's modules and render a day report of a made-up history in
    memory (one to three seconds of CPU, at low priority), so that every module and data
    file the report loads on first use is loaded now."""
    import numpy as np

    from posture_watch.clock import local_timezone
    from posture_watch.core.report import History, MinuteRows
    from posture_watch.core.report_builder import day_report
    from posture_watch.report import files as _files  # noqa: F401  (the writer Quit calls)
    from posture_watch.report.html import render_day_html

    tz = local_timezone()
    start = datetime.combine(_DAY, time(9), tzinfo=tz).timestamp()
    per_state = {"U": (60, 0, 0, 0), "S": (0, 60, 0, 0), "A": (0, 0, 60, 0), "?": (0, 0, 0, 60)}
    rows = [
        (start + 60.0 * i, *per_state[c], 0.5, 0.6, 12.0, 1.0, 0.0) for i, c in enumerate(_STATES)
    ]
    minutes = MinuteRows.from_array(np.array(rows, dtype=np.float64))
    day_start = datetime.combine(_DAY, time(), tzinfo=tz).timestamp()
    day = History(day_start, day_start + 86400.0, minutes=minutes)
    render_day_html(day_report(day, _DAY, tz), day)


def program_removed() -> bool:
    """Whether this installation's files are gone (uninstalled while running): the
    interpreter that started us, or the menu program the X11 tray starts on a click."""
    menu = PACKAGE_DIR / "tray" / "popup_menu.py"
    return not (Path(sys.executable).exists() and menu.is_file())


__all__ = ["load_report_code", "preload", "program_removed"]
