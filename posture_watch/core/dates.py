"""How a person reads a date or a local midnight: one style, one calculation.

``strftime("%d")`` pads the day ("Monday 07 December"), which reads like a form field and
made the report's title differ from the words the rest of the app used on days 1-9. Every
place that shows a date (terminal and HTML reports, the week tables, advice) takes it from
here, and tests build their expectations from the same functions.

Times of day are kept as minutes after midnight (:func:`minute_of_day`). Midnight is
where days, pauses "until tomorrow" and the daily report change; on the days the clocks
change a day is 23 or 25 hours long, so it is reckoned in the time zone, never as
``+ 86400``. Nothing here reads the clock: the caller passes the instant. The words of a
date come from the installed formats (:mod:`posture_watch.core.formats`; English until
``posture_watch.i18n`` installs the person's locale).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from posture_watch.core import formats


def long_date(day: date) -> str:
    """``Monday 7 December 2026``: a page or report title (in the person's locale:
    :mod:`posture_watch.core.formats`)."""
    return formats.long_date(day)


def short_date(day: date, *, year: bool = False) -> str:
    """``Mon 7 Dec`` (``Mon 7 Dec 2026`` with ``year``): table rows and lists of days."""
    return formats.short_date(day, year=year)


def minute_of_day(moment: datetime | time) -> int:
    """Minutes after midnight on the wall clock (0-1439): how quiet hours and the daily
    report's time are kept, and how a local time is compared with them."""
    return moment.hour * 60 + moment.minute


def epoch_day(t: float, tz: tzinfo | None = None) -> date:
    """The local calendar day of epoch seconds ``t`` (in ``tz``, else the local zone)."""
    return datetime.fromtimestamp(t, tz).date()


def midnight_after(t: float, tz: tzinfo | None = None) -> float:
    """Epoch seconds of the first local midnight after ``t`` (in ``tz``, else the local
    zone): right on the days the clocks change."""
    tomorrow = epoch_day(t, tz) + timedelta(days=1)
    start = datetime.combine(tomorrow, time(0), tzinfo=tz)
    return start.timestamp()
