"""``posture-watch journal``: note pain, where it is, and warning signs, in a few seconds.

The guide asks readers to keep a pain journal, because patterns (pain on the days with
the most slouching or the longest sitting) only show over weeks; the weekly report sets
these entries against the monitor's history. Entries go into the same history database.
Numbness, weakness and severe pain get a plain word about seeing a doctor at once, not
only in the next report: posture-watch gives no diagnosis.

``journal --list [--days N]`` shows the recent entries.
"""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from datetime import time as day_time

from posture_watch.clock import SYSTEM, today
from posture_watch.commands.history_cli import (
    add_history_option,
    day_start,
    history_path,
    parse_date,
)
from posture_watch.core.journal import BODY_AREAS, PAIN_MAX, JournalEntry, parse_areas
from posture_watch.core.words import plural
from posture_watch.errors import ConfigError
from posture_watch.history import HistoryStore

SEE_A_DOCTOR = (
    "Numbness, weakness or severe pain are reasons to see a doctor or physiotherapist, "
    "and soon if they are new or getting worse. posture-watch gives no diagnosis."
)
#: A past day's entry is placed at noon: inside the day whatever the time zone does.
PAST_DAY_HOUR = 12


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("journal", help="note pain and where it is, or list recent entries")
    p.add_argument("--pain", type=int, metavar="0-10", help="how bad it is (0 none, 10 worst)")
    p.add_argument(
        "--where",
        action="append",
        metavar="AREAS",
        help=f"comma-separated body areas: {', '.join(BODY_AREAS)}",
    )
    p.add_argument("--note", default="", metavar="TEXT", help="anything worth remembering")
    p.add_argument("--numbness", action="store_true", help="numbness or tingling")
    p.add_argument("--weakness", action="store_true", help="weakness in an arm, hand or leg")
    p.add_argument(
        "--date", default="today", metavar="DATE", help="the day (YYYY-MM-DD, today, yesterday)"
    )
    p.add_argument("--list", action="store_true", help="show recent entries instead")
    p.add_argument("--days", type=int, default=14, help="with --list: how many days back")
    add_history_option(p)
    p.set_defaults(run=run)


def entry_from_args(args: argparse.Namespace, *, now: float | None = None) -> JournalEntry:
    """Validate the options into an entry (before the history is touched)."""
    now = SYSTEM.wall() if now is None else now
    today = datetime.fromtimestamp(now).date()
    day = parse_date(args.date, "--date", today=today)
    if day > today:
        raise ConfigError(f"--date {day} is in the future")
    t = now if day == today else datetime.combine(day, day_time(PAST_DAY_HOUR)).timestamp()
    areas = parse_areas(",".join(args.where or ()))
    return JournalEntry(t, args.pain, areas, args.note.strip(), args.numbness, args.weakness)


def format_entry(entry: JournalEntry) -> str:
    """``2024-05-03 17:30  pain 4/10  neck, shoulders  numbness  "stiff after the call"``."""
    parts = [datetime.fromtimestamp(entry.t).strftime("%Y-%m-%d %H:%M")]
    if entry.pain is not None:
        parts.append(f"pain {entry.pain}/{PAIN_MAX}")
    if entry.areas:
        parts.append(", ".join(entry.areas))
    parts += [name for name in ("numbness", "weakness") if getattr(entry, name)]
    if entry.note:
        parts.append(f'"{entry.note}"')
    return "  ".join(parts)


def run(args: argparse.Namespace) -> int:
    if args.list:
        return _list(args)
    entry = entry_from_args(args)
    with HistoryStore.open(history_path(args)) as store:
        store.add_journal(entry)
    print(f"journal: {format_entry(entry)}")
    if entry.warning_signs:
        print(SEE_A_DOCTOR)
    return 0


def _list(args: argparse.Namespace) -> int:
    given = [
        name
        for name, value in (
            ("--pain", args.pain is not None),
            ("--where", args.where),
            ("--note", args.note),
            ("--numbness", args.numbness),
            ("--weakness", args.weakness),
        )
        if value
    ]
    if given:
        raise ConfigError(f"--list shows entries; it cannot be combined with {given[0]}")
    if args.days < 1:
        raise ConfigError(f"--days must be at least 1, got {args.days}")
    start = day_start(today() - timedelta(days=args.days - 1))
    path = history_path(args)
    entries = []
    if path.exists():
        with HistoryStore.open_readonly(path) as store:  # listing never writes
            entries = store.journal_entries(start)
    if not entries:
        print(f"no journal entries in the last {plural(args.days, 'day')}")
    for entry in entries:
        print(format_entry(entry))
    return 0
