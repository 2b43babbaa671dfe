"""``posture-watch report``: the day's (or the week's) posture summary, in the terminal and HTML.

``posture-watch report [--date today|yesterday|YYYY-MM-DD] [--week] [--html FILE] [--open]
[--history FILE]`` prints the compact summary; ``--html`` also writes the self-contained
page, and ``--open`` shows it with the desktop's default app (written to
``<data folder>/reports/`` when no ``--html`` is given). Days are local calendar days.

:func:`~posture_watch.report.files.write_day_report` is what the tray calls at the
configured time and on Quit; this command writes its files the same way.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

from posture_watch.clock import SYSTEM, local_timezone
from posture_watch.commands import history_cli
from posture_watch.config import load_config
from posture_watch.core.report_builder import day_report, week_report
from posture_watch.core.text import _
from posture_watch.desktop.open_file import OpenerFailed, open_in_default_app
from posture_watch.errors import ConfigError
from posture_watch.report.files import report_path, write_page
from posture_watch.report.load import NoHistoryError, load_day, load_week
from posture_watch.report.terminal import render_day, render_week

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


#: How long ``--open`` waits for the opener's exit status (``xdg-open`` exits 3 when no
#: program opens HTML, 4 when that program failed); a viewer still running is left alone.
OPEN_WAIT = 2.0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help=_("summarise a day (or a week) of posture history"))
    p.add_argument(
        "--date",
        default="today",
        metavar="today|yesterday|YYYY-MM-DD",
        help=_("the local day to report on (with --week: the week's last day)"),
    )
    p.add_argument("--week", action="store_true", help=_("the 7 days ending with --date"))
    p.add_argument("--html", type=Path, metavar="FILE", help=_("also write the report as HTML"))
    p.add_argument(
        "--open",
        action="store_true",
        help=_(
            "open the HTML report with the default app (kept in the data folder "
            "unless --html is given)"
        ),
    )
    history_cli.add_history_option(p)
    p.set_defaults(run=run)


def parse_day(text: str, today: date) -> date:
    """``today``, ``yesterday`` or ``YYYY-MM-DD``; anything else is a ConfigError."""
    if text == "today":
        return today
    if text == "yesterday":
        return today - timedelta(days=1)
    try:
        if _ISO_DATE.match(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise ConfigError(
        _("--date {text!r}: expected today, yesterday or a date like 2025-05-12").format(text=text)
    )


def run(args: argparse.Namespace) -> int:
    tz = local_timezone()
    day = parse_day(args.date, datetime.fromtimestamp(SYSTEM.wall(), tz).date())
    history_file = history_cli.history_path(args)
    sit_max = load_config(create=False).decision.sit_max
    try:
        history = (load_week if args.week else load_day)(history_file, day, tz)
    except NoHistoryError as exc:
        print(_("posture-watch: {one_line}").format(one_line=exc.one_line()))
        return 0
    if args.week:
        week = week_report(history, day, tz, sit_max)
        print(render_week(week), end="")
    else:
        recent = load_week(history_file, day, tz)  # the hold figure's 7 days
        report = day_report(history, day, tz, sit_max, recent=recent)
        print(render_day(report), end="")
    out = args.html
    if out is None and args.open:
        out = report_path(day, week=args.week)
    if out is None:
        return 0
    from posture_watch.report.html import render_day_html, render_week_html

    page = render_week_html(week) if args.week else render_day_html(report, history, sit_max)
    write_page(out, page)
    print(_("HTML report: {path}").format(path=out))
    if args.open:
        try:
            open_in_default_app(out, wait=OPEN_WAIT)
        except FileNotFoundError as exc:
            print(
                _(
                    "posture-watch: cannot open the report ({program} not "
                    "found); open {out} yourself"
                ).format(program=exc.filename, out=out),
                file=sys.stderr,
            )
        except OpenerFailed as exc:
            print(
                _("posture-watch: could not open the report: {why}; open {out} yourself").format(
                    why=_(exc.why), out=out
                ),
                file=sys.stderr,
            )
    return 0
