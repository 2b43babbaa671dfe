"""One date style and one local midnight (core/dates.py)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from posture_watch.core.dates import (
    epoch_day,
    long_date,
    midnight_after,
    minute_of_day,
    short_date,
)

BERLIN = ZoneInfo("Europe/Berlin")


def test_days_one_to_nine_are_not_padded():
    assert long_date(date(2026, 12, 7)) == "Monday 7 December 2026"
    assert long_date(date(2026, 12, 10)) == "Thursday 10 December 2026"
    assert short_date(date(2026, 12, 1)) == "Tue 1 Dec"
    assert short_date(date(2026, 12, 1), year=True) == "Tue 1 Dec 2026"


def test_midnight_after_is_local_and_right_on_clock_change_days():
    # 27 March 2027 23:30 CET: the night the clocks go forward, midnight is 1 h away
    t = datetime(2027, 3, 27, 23, 30, tzinfo=BERLIN).timestamp()
    assert midnight_after(t, BERLIN) - t == 1800
    # 30 October 2027 12:00 CEST: the next midnight is 12 h later, whatever comes after
    t = datetime(2027, 10, 30, 12, 0, tzinfo=BERLIN).timestamp()
    assert midnight_after(t, BERLIN) - t == 12 * 3600
    # 31 October 2027 00:30 CEST: the clocks go back at 03:00, so this day has 25 hours
    t = datetime(2027, 10, 31, 0, 30, tzinfo=BERLIN).timestamp()
    assert midnight_after(t, BERLIN) - t == 24.5 * 3600
    assert epoch_day(midnight_after(t, BERLIN), BERLIN) == date(2027, 11, 1)


def test_a_time_of_day_is_minutes_after_midnight_for_a_time_and_a_datetime():
    assert minute_of_day(time(0, 0)) == 0
    assert minute_of_day(time(22, 30, 59)) == 22 * 60 + 30  # seconds do not count
    assert minute_of_day(datetime(2027, 3, 28, 23, 59)) == 1439
