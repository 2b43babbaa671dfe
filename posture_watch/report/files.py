"""Report files: where the HTML reports go and how they are written.

Shared by the ``report`` command (``--html``, ``--open``) and the tray (at the configured
time, on Quit, from the menu), so both write the same file the same way. The HTML
renderer is imported inside the writers: it pulls in matplotlib, which importing this
module for a path must not.
"""

from __future__ import annotations

from datetime import date, tzinfo
from pathlib import Path

from posture_watch import paths
from posture_watch.atomic_file import write_atomic
from posture_watch.clock import local_timezone
from posture_watch.core.report_builder import day_report, week_report
from posture_watch.core.text import _
from posture_watch.errors import StorageError
from posture_watch.private_files import private_folder
from posture_watch.report.load import load_day, load_week


def reports_dir() -> Path:
    """Where reports go when no ``--html`` path is given (``--open``, the tray)."""
    return paths.data_dir() / "reports"


def report_path(day: date, *, week: bool = False) -> Path:
    """The report file of ``day`` (or of the week ending with it) in :func:`reports_dir`."""
    return reports_dir() / f"{day.isoformat()}{'-week' if week else ''}.html"


def write_day_report(
    history_path: Path,
    day: date,
    out_path: Path,
    *,
    tz: tzinfo | None = None,
    sit_max: float = 3000.0,
) -> Path:
    """Write the HTML report of local ``day`` to ``out_path`` and return that path.

    The file is replaced atomically, so a browser never sees half a report. For the tray:
    call it from a worker (it takes a few hundred ms, mostly matplotlib). Raises
    :class:`~posture_watch.report.load.NoHistoryError` when there is no history yet and
    :class:`~posture_watch.errors.StorageError` for a damaged one or an unwritable path.
    """
    from posture_watch.report.html import render_day_html

    tz = tz or local_timezone()
    history = load_day(history_path, day, tz)
    recent = load_week(history_path, day, tz)  # the hold figure's 7 days
    report = day_report(history, day, tz, sit_max, recent=recent)
    page = render_day_html(report, history, sit_max)
    return write_page(out_path, page)


def write_week_report(
    history_path: Path,
    last_day: date,
    out_path: Path,
    *,
    tz: tzinfo | None = None,
    sit_max: float = 3000.0,
) -> Path:
    """Write the HTML report of the 7 local days ending with ``last_day``."""
    from posture_watch.report.html import render_week_html

    tz = tz or local_timezone()
    history = load_week(history_path, last_day, tz)
    return write_page(out_path, render_week_html(week_report(history, last_day, tz, sit_max)))


def write_page(out_path: Path, text: str) -> Path:
    """Replace ``out_path`` with ``text`` atomically (its folder is made when missing);
    an unwritable path is a :class:`~posture_watch.errors.StorageError`."""
    try:
        private_folder(out_path.parent, paths.data_dir())  # private, as the data
        write_atomic(out_path, text)
    except OSError as exc:
        message = _("{path}: cannot write the report ({reason})")
        raise StorageError(message.format(path=out_path, reason=exc.strerror)) from exc
    return out_path
