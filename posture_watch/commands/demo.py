"""What the demo says at its start and at its end, and the demo's report.

The demo (``tray --demo``, ``monitor --no-tray --demo``, or any start without a webcam)
replays a recorded person for about 5 minutes. It used to start with no word on what it
would show and end in silence: the icon vanished, the terminal said "stopped: 183 frames
analysed of 184 read", and its report was written but never mentioned. Now it says at
the start what will happen and that it leaves the person's own files alone (it writes
into its throw-away folder, :mod:`posture_watch.monitor.demo_home`); at the end it says
in a few plain lines what happened (read back from the demo's own history, as the report
reads it), writes the demo's report into its folder and names it, on the terminal and as
a notification. ``--open-report`` also opens the report in the browser.
"""

from __future__ import annotations

import sys
from datetime import date, datetime, tzinfo
from pathlib import Path

from posture_watch.core import formats
from posture_watch.core.durations import format_minutes, format_span
from posture_watch.core.report import Summary, summarize
from posture_watch.core.stream import Notice
from posture_watch.core.text import N_, _, ngettext
from posture_watch.errors import PostureWatchError

#: About how long the demo recording plays at speed 1.
DEMO_MINUTES = 5
#: What the demo promises about the person's own files, at its start and at its end.
UNTOUCHED = N_("your own history, calibration and reports are not touched")
#: Less watched than this, and the demo's figures would say nothing (seconds).
MINUTE = 60.0
#: The notification at the end.
END_TITLE = N_("posture-watch demo ended")


def faster(speed: float) -> str:
    """`` 10 times faster`` (with its leading space), or nothing at speed 1."""
    return _(" {speed} times faster").format(speed=f"{speed:g}") if speed != 1 else ""


def demo_notice(
    speed: float, slouch_after: float, sit_max: float, *, no_webcam: bool = False
) -> Notice:
    """The notification at the start: what the demo shows and when (for its first minute
    nothing happens), and that it keeps to its own files. The times are the recording's,
    as the nudges themselves give them."""
    if no_webcam:
        text = _(
            "No webcam was found, so a recorded session of about {minutes} min plays{faster}. "
            "The icon turns orange when the person slouches; a posture nudge comes after "
            "{slouch} of slouching, and a break nudge with a stretch after {sitting} of "
            "sitting. It writes only into a throw-away folder: {untouched}."
        )
    else:
        text = _(
            "A recorded session of about {minutes} min plays{faster}. The icon turns orange "
            "when the person slouches; a posture nudge comes after {slouch} of slouching, "
            "and a break nudge with a stretch after {sitting} of sitting. It writes only "
            "into a throw-away folder: {untouched}."
        )
    return Notice(
        _("posture-watch demo"),
        text.format(
            minutes=DEMO_MINUTES,
            faster=faster(speed),
            slouch=format_span(slouch_after),
            sitting=format_span(sit_max),
            untouched=_(UNTOUCHED),
        ),
    )


def start_line(speed: float, folder: Path) -> str:
    """The terminal's line at the start of the demo."""
    return _(
        "posture-watch demo: a recorded session of about {minutes} min plays{faster}: "
        "upright, a break nudge, a slouch and its posture nudge, and a break away from the "
        "desk. It writes only into its throw-away folder {folder} (emptied at each demo): "
        "{untouched}."
    ).format(minutes=DEMO_MINUTES, faster=faster(speed), folder=folder, untouched=_(UNTOUCHED))


def upright_share(summary: Summary) -> float | None:
    """Upright time as a share of the time seen sitting upright or slouching."""
    seen = summary.upright_s + summary.slouch_s
    return summary.upright_s / seen if seen > 0 else None


def what_happened(summary: Summary | None) -> list[str]:
    """The demo's figures in two plain lines (one when nothing was watched)."""
    if summary is None or summary.monitored_s < MINUTE:
        return [_("The demo has ended before a whole minute was watched.")]
    share = upright_share(summary)
    watched = format_minutes(summary.monitored_s)
    if share is None:
        ended = _("The demo has ended: {span} watched, no posture seen.").format(span=watched)
    else:
        ended = _("The demo has ended: {span} watched, upright {percent} of the sitting time.")
        ended = ended.format(span=watched, percent=formats.percent(share))
    counts = _("{posture_nudges}, {break_nudges}, {breaks}.").format(
        posture_nudges=ngettext(
            "{n} posture nudge", "{n} posture nudges", summary.slouch_alerts
        ).format(n=summary.slouch_alerts),
        break_nudges=ngettext(
            "{n} break nudge", "{n} break nudges", summary.long_sitting_alerts
        ).format(n=summary.long_sitting_alerts),
        breaks=ngettext("{n} break", "{n} breaks", summary.breaks).format(n=summary.breaks),
    )
    return [ended, counts]


def report_line(report: Path | None) -> str:
    """Where the demo's report is and how to open it."""
    if report is None:
        return _("The demo left no report (nothing was watched).")
    return _("The demo's report: {report} — open it with: xdg-open {report}").format(report=report)


def end_lines(summary: Summary | None, report: Path | None, folder: Path) -> list[str]:
    """The terminal's lines at the end of the demo."""
    return [
        *what_happened(summary),
        report_line(report),
        _("Its files stay in {folder} until the next demo; {untouched}.").format(
            folder=folder, untouched=_(UNTOUCHED)
        ),
    ]


def end_notice(summary: Summary | None, report: Path | None) -> Notice:
    """The notification at the end of the demo: what happened, and its report."""
    lines = what_happened(summary)
    if report is not None:
        lines.append(_("The demo's report: {report}").format(report=report))
    return Notice(_(END_TITLE), "\n".join(lines))


def demo_day(started: float, tz: tzinfo) -> date:
    """The local day the demo started on: its report is that day's."""
    return datetime.fromtimestamp(started, tz).date()


def read_demo(history: Path, day: date, tz: tzinfo, sit_max: float) -> tuple[Summary, Path]:
    """The demo's figures of ``day`` and its report, written into the demo's folder
    (``paths.data_dir()`` is that folder while the demo runs). Raises
    :class:`~posture_watch.errors.PostureWatchError` (a NoHistoryError when the demo
    ended before its history had a minute)."""
    from posture_watch.report.files import report_path, write_day_report
    from posture_watch.report.load import load_day

    summary = summarize(load_day(history, day, tz), day, tz)
    return summary, write_day_report(history, day, report_path(day), tz=tz, sit_max=sit_max)


def finish(
    history: Path,
    started: float,
    tz: tzinfo,
    sit_max: float,
    folder: Path,
) -> tuple[list[str], Notice, Path | None]:
    """The demo's end: its report written, what to say on the terminal and in the
    notification, and the report (None when there is none). A report that cannot be
    written is said in one line, never raised."""
    summary: Summary | None = None
    report: Path | None = None
    try:
        summary, report = read_demo(history, demo_day(started, tz), tz, sit_max)
    except PostureWatchError as exc:
        if exc.exit_code:  # NoHistoryError (exit 0) is a demo stopped at once
            print(
                _("posture-watch: the demo's report: {problem}").format(problem=exc.one_line()),
                file=sys.stderr,
            )
    return end_lines(summary, report, folder), end_notice(summary, report), report


__all__ = [
    "END_TITLE",
    "demo_notice",
    "end_lines",
    "end_notice",
    "finish",
    "start_line",
    "what_happened",
]
