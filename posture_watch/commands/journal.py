"""``posture-watch journal``: note pain, where it is, and warning signs, in a few seconds.

The guide asks readers to keep a pain journal, because patterns (pain on the days with
the most slouching or the longest sitting) only show over weeks; the weekly report sets
these entries against the monitor's history. Entries go into the same history database.
Numbness, weakness and severe pain get a plain word about seeing a doctor at once, not
only in the next report: posture-watch gives no diagnosis.

``journal --list [--days N]`` shows the recent entries. ``journal`` alone, on a terminal,
asks for the pain score (0-10) and an optional note, which is all most entries need;
without a terminal to ask on (a script, a keyboard shortcut) it stays a one-line error
naming the options.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from datetime import time as day_time

from posture_watch.clock import SYSTEM, today
from posture_watch.commands.history_cli import (
    add_history_option,
    day_start,
    history_path,
    parse_date,
)
from posture_watch.core import formats
from posture_watch.core.journal import (
    BODY_AREAS,
    PAIN_MAX,
    PAIN_MIN,
    JournalEntry,
    area_label,
    parse_areas,
)
from posture_watch.core.text import N_, _, ngettext, pgettext
from posture_watch.errors import ConfigError
from posture_watch.history import HistoryStore

#: Marked with N_ and translated where shown: the language is chosen after import.
SEE_A_DOCTOR = N_(
    "Numbness, weakness or severe pain are reasons to see a doctor or physiotherapist, "
    "and soon if they are new or getting worse. posture-watch gives no diagnosis."
)
#: A past day's entry is placed at noon: inside the day whatever the time zone does.
PAST_DAY_HOUR = 12
#: What the options of an entry are, for the line that says none was given.
ENTRY_OPTIONS = "--pain 0-10, --where, --note, --numbness or --weakness"
PAIN_QUESTION = N_("Pain now, {low} (none) to {high} (worst): ")
NOTE_QUESTION = N_("A note (optional, Enter to skip): ")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "journal", help=_("note pain and where it is in the pain journal, or list recent entries")
    )
    p.add_argument("--pain", type=int, metavar="0-10", help=_("how bad it is (0 none, 10 worst)"))
    p.add_argument(
        "--where",
        action="append",
        metavar="AREAS",
        help=_("comma-separated body areas: {areas}").format(areas=", ".join(BODY_AREAS)),
    )
    p.add_argument("--note", default="", metavar="TEXT", help=_("anything worth remembering"))
    p.add_argument("--numbness", action="store_true", help=_("numbness or tingling"))
    p.add_argument("--weakness", action="store_true", help=_("weakness in an arm, hand or leg"))
    p.add_argument(
        "--date", default="today", metavar="DATE", help=_("the day (YYYY-MM-DD, today, yesterday)")
    )
    p.add_argument("--list", action="store_true", help=_("show recent entries instead"))
    p.add_argument("--days", type=int, default=14, help=_("with --list: how many days back"))
    add_history_option(p)
    p.set_defaults(run=run)


def entry_time(args: argparse.Namespace, now: float) -> float:
    """When the entry is: now for today, noon of a past ``--date``."""
    today = datetime.fromtimestamp(now).date()
    day = parse_date(args.date, "--date", today=today)
    if day > today:
        raise ConfigError(_("--date {day} is in the future").format(day=day))
    return now if day == today else datetime.combine(day, day_time(PAST_DAY_HOUR)).timestamp()


def entry_from_args(args: argparse.Namespace, *, now: float | None = None) -> JournalEntry:
    """Validate the options into an entry (before the history is touched)."""
    now = SYSTEM.wall() if now is None else now
    t = entry_time(args, now)
    areas = parse_areas(",".join(args.where or ()))
    return JournalEntry(t, args.pain, areas, args.note.strip(), args.numbness, args.weakness)


def format_entry(entry: JournalEntry) -> str:
    """``2024-05-03 17:30  pain 4/10  neck, shoulders  numbness  "stiff after the call"``."""
    when = datetime.fromtimestamp(entry.t)
    parts = [f"{when:%Y-%m-%d} {formats.clock(when)}"]  # ISO date: a column that sorts
    if entry.pain is not None:
        parts.append(
            pgettext("journal", "pain {pain}/{most}").format(pain=entry.pain, most=PAIN_MAX)
        )
    if entry.areas:
        parts.append(_(", ").join(area_label(area) for area in entry.areas))
    if entry.numbness:
        parts.append(pgettext("journal", "numbness"))
    if entry.weakness:
        parts.append(pgettext("journal", "weakness"))
    if entry.note:
        parts.append(f'"{entry.note}"')
    return "  ".join(parts)


def nothing_given(args: argparse.Namespace) -> bool:
    """True when no option of an entry was given (``--date`` alone says only when)."""
    return args.pain is None and not (args.where or args.note or args.numbness or args.weakness)


def ask(args: argparse.Namespace, read: Callable[[str], str] = input) -> None:
    """Ask for the pain score until it is a whole number from 0 to 10, then for a note,
    and put both in ``args``; ``read`` shows a question and returns the answer (EOFError,
    Ctrl-D, leaves without saving anything)."""
    while True:
        answer = read(_(PAIN_QUESTION).format(low=PAIN_MIN, high=PAIN_MAX)).strip()
        if answer.isdigit() and PAIN_MIN <= int(answer) <= PAIN_MAX:
            args.pain = int(answer)
            break
        print(
            _("  a whole number from {low} to {high}, please").format(low=PAIN_MIN, high=PAIN_MAX),
            file=sys.stderr,
        )
    args.note = read(_(NOTE_QUESTION)).strip()


def run(args: argparse.Namespace) -> int:
    if args.list:
        return _list(args)
    if nothing_given(args):
        if not sys.stdin.isatty():
            raise ConfigError(
                _("an empty journal entry: nothing to note"),
                hint=_("give {options}; on a terminal, `posture-watch journal` asks").format(
                    options=ENTRY_OPTIONS
                ),
            )
        entry_time(args, SYSTEM.wall())  # a bad --date is said before any question
        try:
            ask(args)
        except EOFError:
            print("\n" + _("journal: nothing saved"), file=sys.stderr)
            return 1
    entry = entry_from_args(args)
    with HistoryStore.open(history_path(args)) as store:
        store.add_journal(entry)
    print(_("saved in the pain journal: {entry}").format(entry=format_entry(entry)))
    if entry.warning_signs:
        print(_(SEE_A_DOCTOR))
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
        raise ConfigError(
            _("--list shows entries; it cannot be combined with {given}").format(given=given[0])
        )
    if args.days < 1:
        raise ConfigError(_("--days must be at least 1, got {days}").format(days=args.days))
    start = day_start(today() - timedelta(days=args.days - 1))
    path = history_path(args)
    entries = []
    if path.exists():
        with HistoryStore.open_readonly(path) as store:  # listing never writes
            entries = store.journal_entries(start)
    if not entries:
        print(
            ngettext(
                "no pain journal entries in the last {n} day",
                "no pain journal entries in the last {n} days",
                args.days,
            ).format(n=args.days)
        )
    for entry in entries:
        print(format_entry(entry))
    return 0
