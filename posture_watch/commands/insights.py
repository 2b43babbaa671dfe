"""``posture-watch insights``: how long your posture holds after a break, in the terminal.

``posture-watch insights [--date today|yesterday|YYYY-MM-DD] [--days N] [--history FILE]``
prints, for the ``N`` local days ending with ``--date`` (7 by default): the median
minutes from the end of a break to the first sustained slouch, how many sitting spells it
rests on, and the upright share by minutes since a break with the break nudge's limit
marked. The same figures as the report's (:mod:`posture_watch.core.posture_decay`,
worded by :mod:`posture_watch.core.decay_words`); ``export`` writes them as data.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, timedelta, tzinfo

from posture_watch.clock import SYSTEM, local_timezone
from posture_watch.commands import history_cli
from posture_watch.commands.report import parse_day
from posture_watch.config import load_config
from posture_watch.core.dates import short_date
from posture_watch.core.decay_words import Basis
from posture_watch.core.posture_decay import PostureDecay, posture_decay
from posture_watch.core.report import History, day_bounds
from posture_watch.core.text import _
from posture_watch.errors import ConfigError
from posture_watch.report.load import NoHistoryError, load_week
from posture_watch.report.terminal import decay_lines

#: The most days ``--days`` takes (a quarter: enough for a habit, small enough to load).
MAX_DAYS = 92


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "insights",
        help=_("how long your posture holds after a break"),
        description=_("How long your posture holds after a break, from the history."),
        epilog=_(
            "Prints the median minutes from the end of a break to the first sustained "
            "slouch, the number of sitting spells it rests on, and the upright share by "
            "minutes since a break, with the break nudge marked. The week report shows the "
            "same; export writes them as data."
        ),
    )
    p.add_argument(
        "--date",
        default="today",
        metavar="today|yesterday|YYYY-MM-DD",
        help=_("the last local day to look at"),
    )
    p.add_argument(
        "--days",
        type=int,
        default=7,
        metavar="N",
        help=_("how many days ending with --date (default 7)"),
    )
    history_cli.add_history_option(p)
    p.set_defaults(run=run)


def figures(history: History, last_day: date, days: int, tz: tzinfo) -> PostureDecay:
    """The posture decay of the sitting spells that start in the ``days`` local days
    ending with ``last_day``."""
    return posture_decay(history, *day_bounds(last_day - timedelta(days=days - 1), tz, days))


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.days <= MAX_DAYS:
        raise ConfigError(
            _("--days {days}: expected 1 to {most}").format(days=args.days, most=MAX_DAYS)
        )
    tz = local_timezone()
    day = parse_day(args.date, datetime.fromtimestamp(SYSTEM.wall(), tz).date())
    sit_max = load_config(create=False).decision.sit_max
    try:
        history = load_week(history_cli.history_path(args), day, tz, days=args.days)
    except NoHistoryError as exc:
        print(_("posture-watch: {one_line}").format(one_line=exc.one_line()))
        return 0
    decay = figures(history, day, args.days, tz)
    title = _("posture-watch insights · {days} days to {date}").format(
        days=args.days, date=short_date(day, year=True)
    )
    lines = [title, *decay_lines(decay, Basis(args.days, day), sit_max)]
    print("\n".join(lines))
    return 0
