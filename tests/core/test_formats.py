"""The formats hook: English by default, exactly as the tests of dates and reports pin it;
an installed object changes every caller at once."""

from datetime import date, datetime, time

import pytest

from posture_watch.core import dates, formats
from posture_watch.core.formats import Formats

DAY = date(2026, 12, 7)


@pytest.fixture
def restore_formats():
    before = formats.active()
    yield
    formats.use(before)


def test_english_default():
    assert formats.clock(time(9, 5)) == "09:05"
    assert formats.clock(datetime(2026, 12, 7, 14, 5)) == "14:05"
    assert formats.weekday_clock(datetime(2026, 12, 8, 14, 5)) == "Tue 14:05"
    assert formats.long_date(DAY) == "Monday 7 December 2026"
    assert formats.short_date(DAY) == "Mon 7 Dec"
    assert formats.short_date(DAY, year=True) == "Mon 7 Dec 2026"
    assert formats.weekday(DAY) == "Mon"
    assert formats.weekday(DAY, short=False) == "Monday"
    assert formats.number(3.456, digits=1) == "3.5"
    assert formats.percent(0.125) == "13%"
    assert formats.active().tag == "en" and not formats.active().rtl


def test_dates_go_through_the_installed_formats(restore_formats):
    class Loud(Formats):
        def long_date(self, day: date) -> str:
            return f"LONG {day.isoformat()}"

        def short_date(self, day: date, *, year: bool = False) -> str:
            return f"SHORT {day.isoformat()} {year}"

    formats.use(Loud())
    assert dates.long_date(DAY) == "LONG 2026-12-07"
    assert dates.short_date(DAY, year=True) == "SHORT 2026-12-07 True"
    formats.use(Formats())
    assert dates.long_date(DAY) == "Monday 7 December 2026"
