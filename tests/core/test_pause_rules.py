"""Pause lengths and their replies, and the control protocol's checks: pure, no socket.

"Until tomorrow" ends at the next morning (``[pause] morning``, 08:00 by default) that is
at least four hours away; the calendar cases run in Europe/Berlin, whose clocks change on
28 March 2027 (a 23-hour day) and 31 October 2027 (a 25-hour day).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from posture_watch.core.control_protocol import ControlReply, ControlRequest, ProtocolError
from posture_watch.core.pause_rules import (
    ends_at,
    pause_message,
    pause_seconds,
    tomorrow_morning,
    until_tomorrow,
)
from posture_watch.core.settings_validation import config_from_text

BERLIN = ZoneInfo("Europe/Berlin")
SPRING, AUTUMN = date(2027, 3, 28), date(2027, 10, 31)
HOUR = 3600.0


def berlin(day: date, hour: int, minute: int = 0, *, fold: int = 0) -> float:
    return datetime(
        day.year, day.month, day.day, hour, minute, tzinfo=BERLIN, fold=fold
    ).timestamp()


def wall_of(t: float) -> str:
    return datetime.fromtimestamp(t, BERLIN).strftime("%a %d %H:%M")


@pytest.mark.parametrize(
    ("asked", "ends"),
    [
        pytest.param((date(2027, 6, 14), 23, 48), (date(2027, 6, 15), 8), id="23:48-next-morning"),
        pytest.param((date(2027, 6, 15), 0, 10), (date(2027, 6, 15), 8), id="00:10-this-morning"),
        pytest.param((date(2027, 6, 15), 2, 0), (date(2027, 6, 15), 8), id="02:00-this-morning"),
        pytest.param((date(2027, 6, 15), 4, 0), (date(2027, 6, 15), 8), id="04:00-four-hours"),
        pytest.param((date(2027, 6, 15), 4, 1), (date(2027, 6, 16), 8), id="04:01-day-after"),
        pytest.param((date(2027, 6, 15), 7, 30), (date(2027, 6, 16), 8), id="07:30-day-after"),
        pytest.param((date(2027, 6, 15), 8, 0), (date(2027, 6, 16), 8), id="08:00-day-after"),
        pytest.param((date(2027, 6, 15), 14, 0), (date(2027, 6, 16), 8), id="14:00-next-morning"),
    ],
)
def test_until_tomorrow_ends_the_next_morning_after_a_night(asked, ends) -> None:
    wall = berlin(*asked)
    assert tomorrow_morning(wall, 8 * 60, BERLIN) == berlin(*ends)
    assert 4 * HOUR <= until_tomorrow(wall, 8 * 60, BERLIN) <= 28 * HOUR


@pytest.mark.parametrize(
    ("asked", "ends", "hours"),
    [
        # the night the clocks go forward is an hour shorter, the autumn one an hour longer
        pytest.param(berlin(SPRING - timedelta(days=1), 23), berlin(SPRING, 8), 8.0, id="spring"),
        pytest.param(berlin(AUTUMN - timedelta(days=1), 23), berlin(AUTUMN, 8), 10.0, id="autumn"),
        pytest.param(berlin(AUTUMN, 2, 30), berlin(AUTUMN, 8), 6.5, id="autumn-first-02:30"),
        pytest.param(berlin(AUTUMN, 2, 30, fold=1), berlin(AUTUMN, 8), 5.5, id="autumn-second"),
    ],
)
def test_until_tomorrow_is_the_true_time_across_a_clock_change(asked, ends, hours) -> None:
    assert tomorrow_morning(asked, 8 * 60, BERLIN) == ends
    assert until_tomorrow(asked, 8 * 60, BERLIN) == pytest.approx(hours * HOUR)
    assert wall_of(ends).endswith("08:00")


def test_a_morning_in_the_skipped_hour_falls_when_the_zone_says() -> None:
    end = tomorrow_morning(berlin(SPRING - timedelta(days=1), 21), 2 * 60 + 30, BERLIN)
    assert wall_of(end) == "Sun 28 03:30"  # 02:30 never shows on that day
    assert end - berlin(SPRING - timedelta(days=1), 21) == pytest.approx(5.5 * HOUR)


def test_the_morning_comes_from_the_settings_and_is_checked_like_other_times() -> None:
    assert config_from_text("schema_version = 1\n", "settings.toml").pause.morning == 8 * 60
    config = config_from_text('schema_version = 1\n[pause]\nmorning = "06:45"\n', "settings.toml")
    assert config.pause.morning == 6 * 60 + 45
    for bad in ('"25:00"', '"8"', "8", '"off"'):
        with pytest.raises(Exception, match=r"\[pause\] morning"):
            config_from_text(f"schema_version = 1\n[pause]\nmorning = {bad}\n", "settings.toml")


def test_the_reply_says_when_the_pause_ends() -> None:
    tomorrow = ControlRequest("pause", until="tomorrow")
    evening = datetime(2024, 3, 30, 23, 48).timestamp()
    seconds = pause_seconds(tomorrow, evening)
    assert datetime.fromtimestamp(evening + seconds) == datetime(2024, 3, 31, 8)
    assert pause_message(tomorrow, evening) == "paused until 08:00 tomorrow"
    night = datetime(2024, 3, 31, 2, 0).timestamp()
    assert pause_message(tomorrow, night, morning=7 * 60) == "paused until 07:00"
    now = datetime(2024, 3, 30, 14, 2).timestamp()
    half_hour = ControlRequest("pause", seconds=1800)
    assert pause_seconds(half_hour, now) == 1800
    assert pause_message(half_hour, now) == "paused for 30 min (until 14:32)"
    late = datetime(2024, 3, 30, 23, 50).timestamp()
    assert pause_message(half_hour, late) == "paused for 30 min (until 00:20 tomorrow)"


def test_ends_at_names_the_day_only_when_it_is_not_today() -> None:
    now = datetime(2024, 3, 30, 14, 2).timestamp()
    assert ends_at(datetime(2024, 3, 30, 14, 35).timestamp(), now) == "14:35"
    assert ends_at(datetime(2024, 3, 31, 8, 0).timestamp(), now) == "08:00 tomorrow"
    assert ends_at(datetime(2024, 4, 1, 8, 0).timestamp(), now) == "Mon 08:00"


def test_a_pause_of_seconds_keeps_its_seconds_in_the_reply() -> None:
    now = datetime(2024, 3, 30, 14, 2).timestamp()
    assert pause_message(ControlRequest("pause", seconds=90), now).startswith(
        "paused for 1 min 30 s (until "
    )


def test_requests_are_checked_where_they_are_made() -> None:
    with pytest.raises(ProtocolError):
        ControlRequest("pause")
    with pytest.raises(ProtocolError):
        ControlRequest("pause", seconds=10, until="tomorrow")
    with pytest.raises(ProtocolError):
        ControlRequest("pause", seconds=True)
    with pytest.raises(ProtocolError):
        ControlRequest("resume", seconds=10)
    assert ControlRequest.from_json({"command": "pause", "seconds": 90}).seconds == 90


def test_a_reply_is_one_line() -> None:
    assert ControlReply(True, "two\nlines").to_json() == {"ok": True, "message": "two lines"}
    with pytest.raises(ProtocolError):
        ControlReply.from_json({"ok": "yes", "message": "x"})
