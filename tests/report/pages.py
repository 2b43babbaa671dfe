"""The report pages the browser tests look at: one of each kind of day, and two weeks."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from posture_watch.core.journal import JournalEntry
from posture_watch.core.report import History, day_bounds
from posture_watch.core.report_builder import WeekReport, day_report, week_report
from posture_watch.report.html import render_day_html, render_week_html
from tests.report.histories import (
    DAY,
    DST_DAY,
    TZ,
    across_midnight,
    at,
    dst_morning,
    merge,
    short_session,
    working_day,
)

#: Each day page: its history and its day.
DAYS: dict[str, tuple[History, date]] = {
    "full": (working_day(), DAY),  # 09:00-17:00
    "short": (short_session(), DAY),  # 14 min, 10:06-10:20
    "empty": (History(*day_bounds(DAY, TZ)), DAY),
    "midnight": (across_midnight(), DAY),  # 23:15 to past midnight
    "dst": (dst_morning(), DST_DAY),  # 01:30-04:30 across the skipped hour
}
WEEK_DAYS = [DAY + timedelta(days=i) for i in range(7)]


def mixed_week() -> WeekReport:
    """Two working days, a 10-minute day, a 4-minute day and pain on most days."""
    history = merge(
        working_day(WEEK_DAYS[0]),
        short_session(WEEK_DAYS[1], states="U" * 10),
        working_day(WEEK_DAYS[2], late_slouch=8),
        short_session(WEEK_DAYS[4], states="UUSU"),
    )
    journal = tuple(
        JournalEntry(at(18, d), pain=p)
        for d, p in zip(WEEK_DAYS, (2, 4, 1, 0, 3, 5, 0), strict=True)
    )
    return week_report(replace(history, journal=journal), WEEK_DAYS[-1], TZ)


def tiny_week() -> WeekReport:
    """A few minutes a day: the sitting axis must read in minutes, not 0.00-0.05 h."""
    history = merge(*(short_session(d, states="U" * 3) for d in WEEK_DAYS))
    return week_report(history, WEEK_DAYS[-1], TZ)


def all_pages() -> dict[str, str]:
    """Every page by name: the days of :data:`DAYS`, ``week`` and ``week-tiny``."""
    out = {
        name: render_day_html(day_report(history, day, TZ), history)
        for name, (history, day) in DAYS.items()
    }
    out["week"] = render_week_html(mixed_week())
    out["week-tiny"] = render_week_html(tiny_week())
    return out
