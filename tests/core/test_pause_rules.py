"""Pause lengths and their replies, and the control protocol's checks: pure, no socket."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from posture_watch.core.control_protocol import ControlReply, ControlRequest, ProtocolError
from posture_watch.core.pause_rules import pause_message, pause_seconds


def test_pause_until_tomorrow_ends_at_local_midnight() -> None:
    tomorrow = ControlRequest("pause", until="tomorrow")
    for hour in (0, 9, 14, 23):
        now = datetime(2024, 3, 30, hour, 17, 5)
        seconds = pause_seconds(tomorrow, now.timestamp())
        end = datetime.fromtimestamp(now.timestamp() + seconds)
        assert end == datetime(2024, 3, 31)
        assert pause_message(tomorrow, now.timestamp()) == "paused until tomorrow (00:00)"
    now = datetime(2024, 3, 30, 14, 2).timestamp()
    half_hour = ControlRequest("pause", seconds=1800)
    assert pause_seconds(half_hour, now) == 1800
    assert pause_message(half_hour, now) == "paused for 30 min (until 14:32)"
    assert (datetime.fromtimestamp(now) + timedelta(seconds=1800)).strftime("%H:%M") == "14:32"


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
