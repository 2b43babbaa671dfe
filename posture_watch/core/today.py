"""Today's figures: the history's, read with the report's own aggregation, and this
launch's counts.

"Today" in the tooltip and the menu's status line must mean what ``posture-watch report``
says for today, not "since this launch", so the session reads the history's figures
through a :class:`TodayReader` when it starts and whenever the history has taken a new
minute (about once a minute while someone is watched), and hands them to the status.
Without a history the counts of this launch are all there is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo
from typing import Protocol

from posture_watch.core.durations import format_minutes
from posture_watch.core.events import BreakStarted, LongSittingAlert, SlouchAlert
from posture_watch.core.report import Summary
from posture_watch.core.status import MonitorStatus, TodayFigures
from posture_watch.core.text import _
from posture_watch.core.words import percent

MINUTE = 60


class TodayReader(Protocol):
    """Today's figures from the history (``posture_watch.history.today``)."""

    def day_summary(self, day: date, tz: tzinfo) -> Summary | None:
        """The figures of ``day``; None when the history cannot be read now."""
        ...

    def has_journal_entry(self, day: date, tz: tzinfo) -> bool: ...


@dataclass
class Counts:
    """What this launch counted today (the menu's summary without a history)."""

    slouch_alerts: int = 0
    long_sitting_alerts: int = 0
    breaks: int = 0
    prompts: int = 0

    def count(self, event: object) -> None:
        """Count a timeline event: the two alerts and the breaks."""
        if isinstance(event, SlouchAlert):
            self.slouch_alerts += 1
        elif isinstance(event, LongSittingAlert):
            self.long_sitting_alerts += 1
        elif isinstance(event, BreakStarted):
            self.breaks += 1


class Today:
    """Today's figures as the history holds them, and up to when it holds them."""

    def __init__(self, tz: tzinfo, reader: TodayReader | None = None) -> None:
        self.tz, self.reader = tz, reader
        self.summary: Summary | None = None
        #: The minute (epoch s // 60) of the last verdict: a new one means the history
        #: has just taken the previous minute.
        self.minute: int | None = None
        self.journal_saved_on: date | None = None

    def written_to(self, wall: float) -> float:
        """Up to when the history holds whole minutes (the start of the current one)."""
        return (self.minute * MINUTE) if self.minute is not None else wall

    def read(self, status: MonitorStatus, day: date, written_to: float) -> None:
        """Read ``day``'s figures and hand them to ``status``; the history covers every
        minute before ``written_to``. Unreadable (locked, damaged): the last ones stay."""
        if self.reader is None:
            return
        summary = self.reader.day_summary(day, self.tz)
        if summary is None:
            return
        self.summary = summary
        figures = TodayFigures(summary.upright_s, summary.slouch_s, summary.monitored_s)
        status.set_today(figures, written_to)

    def has_journal_entry(self, day: date) -> bool:
        """Whether ``day`` already has a pain-journal entry."""
        if self.journal_saved_on == day:
            return True
        return self.reader is not None and self.reader.has_journal_entry(day, self.tz)

    def text(self, status: MonitorStatus, counts: Counts) -> str:
        """A few lines on today so far, with the report's figures when there is a
        history (the menu's Today's report shows them when no report can be written)."""
        share = status.upright_share
        if share is None:
            upright = _("Upright: not measured yet")
        else:
            upright = _("Upright: {share} of your sitting time").format(share=percent(share))
        watched = format_minutes(status.monitored_today)
        summary = self.summary
        if summary is None:  # no history: what this launch saw
            watched_line = _("Watched since posture-watch started: {watched}")
            slouch, sitting, breaks = (
                counts.slouch_alerts, counts.long_sitting_alerts, counts.breaks
            )  # fmt: skip
            nudges = counts.prompts
        else:
            watched_line = _("Watched today: {watched}")
            slouch, sitting, breaks = (
                summary.slouch_alerts, summary.long_sitting_alerts, summary.breaks
            )  # fmt: skip
            nudges = summary.prompts.asked + summary.prompts.notifications
        return "\n".join([
            watched_line.format(watched=watched),
            upright,
            _("Slouches noticed: {slouches}, long sitting spells: {spells}").format(
                slouches=slouch, spells=sitting
            ),
            _("Breaks taken: {breaks}, nudges shown: {nudges}").format(
                breaks=breaks, nudges=nudges
            ),
        ])  # fmt: skip


__all__ = ["Counts", "Today", "TodayReader"]
