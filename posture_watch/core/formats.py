"""How dates, clock times and numbers read in the person's language: one installable hook.

The pure core makes visible text (the report, the tray's status, pauses "until 14:30")
but must not import Babel or read the locale. So, like :mod:`posture_watch.core.text`,
this module only *forwards*: :class:`Formats` is today's English (the exact output the
tests pin: ``14:05``, ``Monday 7 December 2026``, ``Mon 7 Dec``, ``13%``), and an adapter
(``posture_watch.i18n``) installs a Babel-backed one with the language (:func:`use`):
German reads ``14:05`` and ``Montag, 7. Dezember 2026``; a 12-hour locale reads
``2:05 PM``.

Callers use the module functions (:func:`clock`, :func:`long_date`, ...), which ask the
installed object at call time, never at import.
"""

from __future__ import annotations

from datetime import date, datetime, time

from posture_watch.core.durations import round_half_up


class Formats:
    """English formats, as posture-watch has always written them; a locale's formats
    subclass this and override what differs."""

    #: The BCP 47 tag of the language these formats write (the HTML report's ``lang``).
    tag: str = "en"
    #: Whether the language is written right to left (the HTML report's ``dir``).
    rtl: bool = False

    def clock(self, moment: datetime | time, *, seconds: bool = False) -> str:
        """A time of day: ``14:05`` (24-hour clock, always two-digit hours); ``14:05:09``
        with ``seconds`` (the console monitor's lines)."""
        return f"{moment:%H:%M:%S}" if seconds else f"{moment:%H:%M}"

    def weekday_clock(self, moment: datetime) -> str:
        """A time of day within the coming week: ``Tue 14:05``."""
        return f"{self.weekday(moment.date())} {self.clock(moment)}"

    def long_date(self, day: date) -> str:
        """``Monday 7 December 2026``: a page or report title."""
        return f"{day:%A} {day.day} {day:%B %Y}"

    def short_date(self, day: date, *, year: bool = False) -> str:
        """``Mon 7 Dec`` (``Mon 7 Dec 2026`` with ``year``): table rows and lists of days."""
        text = f"{day:%a} {day.day} {day:%b}"
        return f"{text} {day:%Y}" if year else text

    def day_month(self, day: date, *, year: bool = False) -> str:
        """``07 Dec`` (``07 Dec 2026`` with ``year``): the ends of a week's span."""
        return f"{day:%d %b %Y}" if year else f"{day:%d %b}"

    def weekday(self, day: date, *, short: bool = True) -> str:
        """``Mon`` (``Monday`` with ``short=False``)."""
        return f"{day:%a}" if short else f"{day:%A}"

    def number(self, value: float, *, digits: int = 0) -> str:
        """``1234`` or ``3.5`` (``digits`` after the point); no grouping, as today."""
        return f"{value:.{digits}f}"

    def percent(self, share: float) -> str:
        """``0.125`` is ``13%``: whole percent, halves rounded up like every figure a
        person reads."""
        return f"{round_half_up(share * 100)}%"


_active: Formats = Formats()


def use(formats: Formats) -> None:
    """Make ``formats`` the one every later call asks (``posture_watch.i18n`` at start)."""
    global _active
    _active = formats


def active() -> Formats:
    """The formats in use (English when none was installed)."""
    return _active


def clock(moment: datetime | time, *, seconds: bool = False) -> str:
    """A time of day in the person's locale (``14:05``; ``2:05 PM`` in a 12-hour one)."""
    return _active.clock(moment, seconds=seconds)


def day_month(day: date, *, year: bool = False) -> str:
    """A day of a month without the weekday (``07 Dec``; ``7. Dez.`` in German)."""
    return _active.day_month(day, year=year)


def weekday_clock(moment: datetime) -> str:
    """A weekday and time of day (``Tue 14:05``)."""
    return _active.weekday_clock(moment)


def long_date(day: date) -> str:
    """A full date (``Monday 7 December 2026``)."""
    return _active.long_date(day)


def short_date(day: date, *, year: bool = False) -> str:
    """A short date (``Mon 7 Dec``, ``Mon 7 Dec 2026`` with ``year``)."""
    return _active.short_date(day, year=year)


def weekday(day: date, *, short: bool = True) -> str:
    """A weekday's name (``Mon``; ``Monday`` with ``short=False``)."""
    return _active.weekday(day, short=short)


def number(value: float, *, digits: int = 0) -> str:
    """A number with ``digits`` after the decimal mark of the locale."""
    return _active.number(value, digits=digits)


def percent(share: float) -> str:
    """A share in whole percent (``13%``; ``13 %`` in German)."""
    return _active.percent(share)


__all__ = [
    "Formats",
    "active",
    "clock",
    "day_month",
    "long_date",
    "number",
    "percent",
    "short_date",
    "use",
    "weekday",
    "weekday_clock",
]
