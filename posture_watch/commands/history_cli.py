"""``posture-watch export`` and ``posture-watch forget``: the history is the user's.

``export`` hands the history over for one's own analysis, in the database's own columns
(epoch seconds) plus a ``local_time`` column, because a spreadsheet user should not have
to convert epoch seconds to see which afternoon a row belongs to:

- ``--format csv`` writes one table (``--table``, default ``minutes``) to stdout or
  ``--out FILE``; ``--table all --out DIR`` writes ``DIR/<table>.csv`` for every table;
  A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets
  a leading ``'`` (OWASP's CSV injection advice), because a spreadsheet would run it as a
  formula: a pain journal note of ``=HYPERLINK(...)`` must open as text. Numbers we stored
  as numbers (a negative lean, say) are written as they are, since a spreadsheet never
  runs a number; only text is escaped.
- ``--format json`` writes one object, ``{"format", "schema_version", "from", "to",
  "tables": {table: [row, ...]}, "posture_decay": {...}}``, with every table unless
  ``--table`` names one.

Both also carry the figures derived from those days that no table holds, how long
posture held after a break (:mod:`posture_watch.core.posture_decay`): in JSON the
``posture_decay`` object (with every table), in CSV with ``--table all`` two more files,
``posture_hold.csv`` (one row: the median hold and its spells) and ``posture_decay.csv``
(the upright share per 5 minutes since a break).

``forget`` deletes history for good (the file is vacuumed and its write-ahead log
truncated, so the rows leave the disk), and with it the files made from the same days:
their HTML reports and their lines of the event log (``--all``: the whole log). It asks
first on a terminal; elsewhere it needs ``--yes``.

Dates are local calendar days (``YYYY-MM-DD``, ``today``, ``yesterday``); ``--to`` is
inclusive.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import math
import sys
from datetime import date, datetime, timedelta
from datetime import time as day_time
from pathlib import Path
from typing import Any, TextIO

from posture_watch.atomic_file import write_atomic
from posture_watch.clock import today as clock_today
from posture_watch.commands import forget_files
from posture_watch.core.posture_decay import (
    CURVE_COLUMNS,
    HOLD_COLUMNS,
    curve_rows,
    decay_record,
    posture_decay,
)
from posture_watch.core.text import _, ngettext, pgettext
from posture_watch.core.words import is_yes
from posture_watch.errors import ConfigError, StorageError
from posture_watch.history import SCHEMA_VERSION, TABLES, HistoryStore, default_history_path
from posture_watch.history.store import HistoryMissingError
from posture_watch.private_files import private_folder

FORMATS = ("csv", "json")


# -- dates, shared with ``journal`` -------------------------------------------------------


def parse_date(text: str, option: str, *, today: date | None = None) -> date:
    """``YYYY-MM-DD``, ``today`` or ``yesterday`` as a local date; else a ConfigError."""
    today = today or clock_today()
    word = text.strip().lower()
    if word == "today":
        return today
    if word == "yesterday":
        return today - timedelta(days=1)
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise ConfigError(
            _("{option}: {text!r} is not a date").format(option=option, text=text),
            hint=_("use YYYY-MM-DD, today or yesterday"),
        ) from None


def day_start(day: date) -> float:
    """Epoch seconds of local midnight at the start of ``day``."""
    return datetime.combine(day, day_time()).timestamp()


def local_time(epoch: float) -> str:
    """``2024-05-03T17:30:00+02:00``: local time with its offset, to the second."""
    return datetime.fromtimestamp(epoch).astimezone().isoformat(timespec="seconds")


def add_history_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--history",
        type=Path,
        default=None,
        metavar="FILE",
        help=_("the history file (default: history.sqlite3 in the user's data folder)"),
    )


def history_path(args: argparse.Namespace) -> Path:
    return args.history or default_history_path()


# -- export -------------------------------------------------------------------------------


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add ``export`` and ``forget``."""
    p = sub.add_parser("export", help=_("write the history as CSV or JSON for your own analysis"))
    p.add_argument(
        "--from",
        dest="start",
        metavar="DATE",
        help=_("first day: YYYY-MM-DD, today or yesterday (local time)"),
    )
    p.add_argument(
        "--to",
        dest="end",
        metavar="DATE",
        help=_("last day, inclusive: YYYY-MM-DD, today or yesterday"),
    )
    p.add_argument("--format", choices=FORMATS, required=True)
    p.add_argument(
        "--table",
        choices=(*TABLES, "all"),
        default=None,
        help=_(
            "csv: the table to write (default minutes; 'all' needs --out DIR); "
            "json: only this table (default all)"
        ),
    )
    p.add_argument("--out", type=Path, metavar="FILE", help=_("write here instead of stdout"))
    add_history_option(p)
    p.set_defaults(run=run_export)

    p = sub.add_parser("forget", help=_("delete history, before a day or all of it"))
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--before", metavar="DATE", help=_("delete what came before this day"))
    which.add_argument("--all", action="store_true", help=_("delete the whole history"))
    p.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    add_history_option(p)
    p.set_defaults(run=run_forget)


def _range(args: argparse.Namespace) -> tuple[float | None, float | None]:
    first = parse_date(args.start, "--from") if args.start else None
    last = parse_date(args.end, "--to") if args.end else None
    if first and last and last < first:
        raise ConfigError(
            _("--to {last} comes before --from {first}").format(last=last, first=first)
        )
    start = day_start(first) if first else None
    end = day_start(last + timedelta(days=1)) if last else None
    return start, end


def _with_local_time(table: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    column = TABLES[table]
    return [{"local_time": local_time(row[column])} | row for row in rows]


def run_export(args: argparse.Namespace) -> int:
    start, end = _range(args)
    if args.format == "csv" and args.table == "all" and args.out is None:
        raise ConfigError(_("--table all writes one CSV file per table"), hint=_("add --out DIR"))
    if args.format == "csv":
        names: tuple[str, ...] = (
            tuple(TABLES) if args.table == "all" else (args.table or "minutes",)
        )
    else:
        names = tuple(TABLES) if args.table in (None, "all") else (args.table,)
    with_decay = args.table == "all" or (args.format == "json" and args.table is None)
    with HistoryStore.open_readonly(history_path(args)) as store:  # never writes
        exported = store.export(start, end, names)
        columns = {t: ["local_time", *store.columns(t)] for t in names}
        if with_decay:
            lo, hi = -math.inf if start is None else start, math.inf if end is None else end
            decay = posture_decay(store.read_history(lo, hi), lo, hi)
    tables = {t: _with_local_time(t, rows) for t, rows in exported.items()}
    if args.format == "json":
        document = {
            "format": "posture-watch-history",
            "schema_version": SCHEMA_VERSION,
            "from": args.start and str(parse_date(args.start, "--from")),
            "to": args.end and str(parse_date(args.end, "--to")),
            "tables": tables,
        }
        if with_decay:
            document["posture_decay"] = decay_record(decay)
        _write(args.out, json.dumps(document, indent=1, ensure_ascii=False) + "\n")
    elif args.table == "all":
        private_folder(args.out)
        for table, rows in tables.items():
            _write(args.out / f"{table}.csv", _csv(columns[table], rows))
        record = decay_record(decay)
        hold = {k: record[k] for k in HOLD_COLUMNS}
        _write(args.out / "posture_hold.csv", _csv(list(HOLD_COLUMNS), [hold]))
        _write(args.out / "posture_decay.csv", _csv(list(CURVE_COLUMNS), curve_rows(decay.curve)))
    else:
        ((table, rows),) = tables.items()
        _write(args.out, _csv(columns[table], rows))
    if args.out is not None:
        counts = ", ".join(_rows(table, len(rows)) for table, rows in tables.items())
        print(_("exported {counts} → {out}").format(counts=counts, out=args.out), file=sys.stderr)
    return 0


#: What a spreadsheet takes as the start of a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A cell a spreadsheet shows and never runs: text starting like a formula gets a
    leading ``'``; numbers (int, float) and empty cells pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv(columns: list[str], rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: spreadsheet_safe(v) for k, v in row.items()} for row in rows)
    return buffer.getvalue()


def _write(path: Path | None, text: str, stdout: TextIO | None = None) -> None:
    if path is None:
        (stdout or sys.stdout).write(text)
        return
    try:
        if path.exists() and not path.is_file():  # /dev/stdout, a pipe: write into it
            path.write_text(text, encoding="utf-8")
        else:
            write_atomic(path, text)  # 0600: the export holds the pain journal
    except OSError as exc:
        raise StorageError(
            _("{path}: cannot write: {reason}").format(path=path, reason=exc.strerror or exc)
        ) from exc


# -- forget -------------------------------------------------------------------------------


def _rows(table: str, n: int) -> str:
    """``n`` rows of ``table`` in words, for the lines a person reads (a table without
    words here is named by its key)."""
    match table:
        case "minutes":
            text = ngettext("{n} minute", "{n} minutes", n)
        case "bouts":
            text = ngettext("{n} sitting spell", "{n} sitting spells", n)
        case "breaks":
            text = ngettext("{n} break", "{n} breaks", n)
        case "alerts":
            text = ngettext("{n} nudge due", "{n} nudges due", n)
        case "prompts":
            text = ngettext("{n} nudge shown", "{n} nudges shown", n)
        case "suppressed":
            text = ngettext("{n} nudge held back", "{n} nudges held back", n)
        case "pauses":
            text = ngettext("{n} pause", "{n} pauses", n)
        case "camera_problems":
            text = ngettext("{n} camera problem", "{n} camera problems", n)
        case "calibrations":
            text = ngettext("{n} calibration", "{n} calibrations", n)
        case "journal":
            text = ngettext("{n} pain journal entry", "{n} pain journal entries", n)
        case "break_answers":
            text = ngettext("{n} break postponed or skipped", "{n} breaks postponed or skipped", n)
        case "break_timing":
            text = ngettext("{n} break-timing record", "{n} break-timing records", n)
        case _other:
            return f"{n} {table.replace('_', ' ')}"
    return text.format(n=n)


def describe_rows(counts: dict[str, int]) -> str:
    """Rows per table in words (``3 minutes, 1 break``), every table of the history named
    in the person's language; "nothing" when there are none."""
    parts = [_rows(table, n) for table, n in counts.items() if n]
    return _(", ").join(parts) if parts else pgettext("rows", "nothing")


def run_forget(args: argparse.Namespace) -> int:
    """Delete the history's rows of the chosen days, then the files made from the same
    days (:mod:`posture_watch.commands.forget_files`): their reports and their lines of
    the event log. Every deleted file is named."""
    first_kept = None if args.all else parse_date(args.before, "--before")
    before = None if first_kept is None else day_start(first_kept)
    if first_kept is None:
        scope = _("all history")
    else:
        scope = _("history before {day}").format(day=args.before)
    path = history_path(args)
    files = forget_files.pending(path, first_kept, before)
    try:
        store: HistoryStore | None = HistoryStore.open(path, create=False)
    except HistoryMissingError:
        if not files:
            raise
        store = None  # no history, but reports or an event log of those days
    with store or contextlib.nullcontext():
        rows = store.count(before) if store is not None else {}
        where = store.name if store is not None else str(path)
        if not any(rows.values()) and not files:
            print(_("nothing to forget: no {scope} in {where}").format(scope=scope, where=where))
            return 0
        if not args.yes and not _confirm(
            _("delete {scope} from {where}: {rows}{files}?").format(
                scope=scope, where=where, rows=describe_rows(rows), files=_describe_files(files)
            )
        ):
            print(_("nothing deleted"))
            return 0
        deleted = store.forget(before) if store is not None else {}
    gone = forget_files.forget_files(path, first_kept, before)
    if store is not None:
        print(_("deleted {scope}: {rows}").format(scope=scope, rows=describe_rows(deleted)))
    for report in gone.reports:
        print(_("deleted the report {report}").format(report=report))
    if gone.event_log is not None:
        print(_("deleted the event log {path}").format(path=gone.event_log))
    elif gone.lines:
        where_log = forget_files.DerivedFiles.of(path).event_log
        print(
            ngettext(
                "deleted {n} line of the event log {path}",
                "deleted {n} lines of the event log {path}",
                gone.lines,
            ).format(n=gone.lines, path=where_log)
        )
    return 0


def _describe_files(files: forget_files.Forgotten) -> str:
    """``, 2 reports and 12 lines of the event log`` (empty when there are none)."""
    n = len(files.reports)
    parts = [ngettext("{n} report", "{n} reports", n).format(n=n)] if files.reports else []
    if files.event_log is not None:
        parts.append(_("the event log"))
    elif files.lines:
        parts.append(
            ngettext("{n} line of the event log", "{n} lines of the event log", files.lines).format(
                n=files.lines
            )
        )
    if not parts:
        return ""
    if len(parts) == 1:
        return _("; {what}").format(what=parts[0])
    return _("; {first} and {second}").format(first=parts[0], second=parts[1])


def _confirm(question: str) -> bool:
    """Ask on a terminal; refuse elsewhere, where no one can answer."""
    if not sys.stdin.isatty():
        raise ConfigError(
            _("forget needs a confirmation"), hint=_("add --yes to delete without asking")
        )
    try:
        # Translators: the letters are the answers; "answer|y" and "answer|yes" are what
        # may be typed for yes in your language
        answer = input(_("{question} [y/N] ").format(question=question))
    except EOFError:
        return False
    return is_yes(answer)
