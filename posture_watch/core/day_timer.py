"""When a new day starts and when the daily report is due, from the local time of each tick.

Both follow the clock on the wall, not elapsed time: a day with a daylight-saving change
is 23 or 25 hours long, and a machine may sleep through midnight. The report is due when
the local time passes ``daily_at``, once a day: the hour repeated when the clocks go back,
or a clock set back, passes it again on the same day and must not write it twice; an hour
skipped when they go forward still counts as passed. A report due at midnight
(``"00:00"``) is the report of the day that just ended: the day that starts then has
nothing in it yet. Pure: the caller passes the local
date and time it read from its clock.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from posture_watch.core.dates import minute_of_day


class DayTimer:
    """Tracks the local day and whether ``daily_at`` (minutes after midnight, None:
    never) was passed since the last look."""

    def __init__(self, local: datetime, daily_at: int | None) -> None:
        self.daily_at = daily_at
        self.day = local.date()
        self._minute = minute_of_day(local)
        self._reported_on: date | None = None
        #: The day whose report the last ``report_due`` that said True asked for.
        self.report_day: date = self.day

    def new_day(self, local: datetime) -> bool:
        """Whether ``local`` is on another day than the last call saw."""
        if local.date() == self.day:
            return False
        self.day = local.date()
        return True

    def report_due(self, local: datetime) -> bool:
        """Whether the report is due now: ``daily_at`` was passed since the last call,
        and not yet written today."""
        due, now = self.daily_at, minute_of_day(local)
        previous, self._minute = self._minute, now
        if due is None:
            return False
        crossed = previous < due <= now or (now < previous and due <= now)
        day = local.date() - timedelta(days=1) if due == 0 else local.date()
        if not crossed or self._reported_on == day:
            return False
        self._reported_on = self.report_day = day
        return True


__all__ = ["DayTimer"]
