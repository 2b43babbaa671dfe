"""The files that hold the same days as the history, for ``forget``: reports and the event log.

``forget`` once deleted the history's rows and left the HTML reports and ``events.jsonl``
behind, so a report still showed "8/10 highest pain logged" after the person asked for
their history to go. Those files are made from the same days, so they go with them:

- a day report ``YYYY-MM-DD.html`` of a forgotten day; a week report
  ``YYYY-MM-DD-week.html`` whose seven days (ending with that day) include one; a
  temporary file the atomic writer left behind for either (``.NAME.xxxx.tmp``);
- the event log's lines of forgotten days (their ``wall`` time before the first kept
  day's local midnight, as the history's rows); the file is written again atomically
  without them (:mod:`posture_watch.atomic_file`), so no copy is left beside it, and
  ``--all`` deletes it. A line that cannot be read has no day, so it goes too.

They are found beside the history they derive from: for the default history, the
reports folder (:func:`posture_watch.report.files.reports_dir`) and the event log of the
data folder; for a history kept elsewhere (``--history``), ``reports/`` and
``events.jsonl`` in its own folder, where nothing of the person's default history is.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from posture_watch.atomic_file import write_atomic
from posture_watch.core.text import _
from posture_watch.errors import StorageError
from posture_watch.history import default_history_path
from posture_watch.monitor import event_log
from posture_watch.report.files import reports_dir

#: ``2024-05-03.html`` or ``2024-05-03-week.html``, maybe as the atomic writer's temporary
#: ``.2024-05-03.html.k2j4h1.tmp``.
_REPORT = re.compile(r"^\.?(\d{4}-\d{2}-\d{2})(-week)?\.html(\.[^.]+\.tmp)?$")
#: A week report covers the day in its name and the six before it.
WEEK_DAYS = 7


@dataclass(frozen=True)
class DerivedFiles:
    """Where the reports and the event log of one history are."""

    reports: Path
    event_log: Path

    @classmethod
    def of(cls, history: Path) -> DerivedFiles:
        if _same(history, default_history_path()):
            return cls(reports_dir(), event_log.default_path())
        return cls(history.parent / "reports", history.parent / event_log.FILE_NAME)


@dataclass
class Forgotten:
    """What :func:`forget_files` (or :func:`pending`) found in the derived files."""

    reports: list[Path] = field(default_factory=list)
    #: Lines of the event log that go (0 when the whole file goes, see ``event_log``).
    lines: int = 0
    #: The event log itself, when it goes whole (``--all``, or every line forgotten).
    event_log: Path | None = None

    def __bool__(self) -> bool:
        return bool(self.reports or self.lines or self.event_log)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.expanduser().resolve() == b.expanduser().resolve()
    except OSError:
        return a == b


def report_days(name: str) -> tuple[date, date] | None:
    """The first and last day a report file of ours holds (by its name), or None when
    the name is not one of ours."""
    match = _REPORT.match(name)
    if match is None:
        return None
    try:
        last = date.fromisoformat(match.group(1))
    except ValueError:
        return None
    first = last - timedelta(days=WEEK_DAYS - 1) if match.group(2) else last
    return first, last


def old_reports(folder: Path, before: date | None) -> list[Path]:
    """Our report files in ``folder`` holding a day before ``before`` (None: all of them).
    Links are never followed; only regular files count."""
    try:
        entries = sorted(folder.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        raise StorageError(
            _("cannot read {folder} ({reason})").format(folder=folder, reason=exc.strerror or exc)
        ) from None
    found = []
    for path in entries:
        days = report_days(path.name)
        if days is None or path.is_symlink() or not path.is_file():
            continue
        if before is None or days[0] < before:
            found.append(path)
    return found


def _line_time(line: str) -> float | None:
    """Epoch seconds of an event log line's ``wall`` time (a local time without offset
    counts as local), None when the line cannot be read."""
    try:
        wall = json.loads(line)["wall"]
        return datetime.fromisoformat(wall).timestamp()
    except (ValueError, TypeError, KeyError):
        return None


def _split_log(path: Path, before: float | None) -> tuple[list[str], int] | None:
    """The event log's lines to keep and how many go; None when there is no log."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise StorageError(
            _("cannot read the event log {path} ({reason})").format(
                path=path, reason=exc.strerror or exc
            )
        ) from None
    kept: list[str] = []
    gone = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        at = _line_time(line)
        if before is not None and at is not None and at >= before:
            kept.append(line)
        else:
            gone += 1
    return kept, gone


def pending(history: Path, before: date | None, before_epoch: float | None) -> Forgotten:
    """What :func:`forget_files` would delete, without deleting anything."""
    where = DerivedFiles.of(history)
    found = Forgotten(old_reports(where.reports, before))
    split = _split_log(where.event_log, before_epoch)
    if split is not None:
        kept, gone = split
        if not kept:
            found.event_log = where.event_log
        else:
            found.lines = gone
    return found


def forget_files(history: Path, before: date | None, before_epoch: float | None) -> Forgotten:
    """Delete the reports of days before ``before`` and the event log's lines before
    ``before_epoch`` (local midnight of ``before``); None for both: all of them. Returns
    what went. One-line :class:`StorageError` when a file cannot be changed."""
    where = DerivedFiles.of(history)
    done = Forgotten()
    for path in old_reports(where.reports, before):
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise StorageError(
                _("cannot delete the report {path} ({strerror})").format(
                    path=path, strerror=exc.strerror
                )
            ) from None
        done.reports.append(path)
    split = _split_log(where.event_log, before_epoch)
    if split is None:
        return done
    kept, gone = split
    try:
        if not kept:
            where.event_log.unlink(missing_ok=True)
            done.event_log = where.event_log
        elif gone:
            write_atomic(where.event_log, "".join(f"{line}\n" for line in kept))
            done.lines = gone
    except OSError as exc:
        raise StorageError(
            _("cannot rewrite the event log {event_log} ({reason})").format(
                event_log=where.event_log, reason=exc.strerror or exc
            )
        ) from None
    return done


__all__ = [
    "WEEK_DAYS",
    "DerivedFiles",
    "Forgotten",
    "forget_files",
    "old_reports",
    "pending",
    "report_days",
]
