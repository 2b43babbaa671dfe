"""How long a pause lasts, when it ends in words, and how the reply says so.

The tray's menu, the console monitor and (through them) ``posture-watch pause`` must agree
on when a pause ends: "30 min" from the moment it was asked, or "until tomorrow", which
ends at the next morning, at the time of day the settings hold (``[pause] morning``,
08:00 unless changed; see :func:`tomorrow_morning`). These rules are pure: the caller
passes the wall time (epoch seconds) it read from its clock, and the zone (None: the
process's local zone, as :class:`~posture_watch.core.stream.Now` reads it).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo

from posture_watch.core import formats
from posture_watch.core.control_protocol import ControlRequest
from posture_watch.core.durations import format_duration
from posture_watch.core.text import _

#: "Pause until tomorrow" ends at 08:00 unless the settings say otherwise (minutes).
MORNING = 8 * 60
#: The shortest night a pause until tomorrow skips: within this many hours of the morning
#: (05:00 to 08:00 with the default), "tomorrow" is the day after, not this morning.
SHORTEST_NIGHT_H = 4


def tomorrow_morning(wall: float, morning: int = MORNING, tz: tzinfo | None = None) -> float:
    """Epoch seconds of the end of "Pause until tomorrow" asked at ``wall``.

    What a person means by "tomorrow" is "after I have slept": the next ``morning``
    (minutes after midnight, local time) that is at least :data:`SHORTEST_NIGHT_H` hours
    away. So in the evening (23:48) it is tomorrow's 08:00; after midnight, while the
    night is not over (02:00), it is *this* morning's 08:00, six hours on; and early in
    the day (06:30, 14:00) it is the next day's 08:00, never a pause of a few minutes.
    A pause until tomorrow thus lasts from 4 to 28 hours. The morning is reckoned on the
    wall clock of that day, right on the days the clocks change (a morning in the hour
    that is skipped in spring falls an hour later, as the zone rules say).
    """
    local = datetime.fromtimestamp(wall, tz)
    at = time(morning // 60, morning % 60)
    day = local.date()
    while True:
        end = datetime.combine(day, at, tzinfo=tz).timestamp()
        if end - wall >= SHORTEST_NIGHT_H * 3600:
            return end
        day += timedelta(days=1)


def until_tomorrow(wall: float, morning: int = MORNING, tz: tzinfo | None = None) -> float:
    """Seconds from ``wall`` (epoch s) to :func:`tomorrow_morning`: "Pause until tomorrow"
    in the menu and ``posture-watch pause until-tomorrow``."""
    return tomorrow_morning(wall, morning, tz) - wall


def pause_seconds(request: ControlRequest, wall: float, morning: int = MORNING) -> float:
    """How long the pause lasts from ``wall`` (epoch s): its seconds, or
    :func:`until_tomorrow`, as the tray's menu reckons it."""
    if request.seconds is not None:
        return float(request.seconds)
    return until_tomorrow(wall, morning)


def ends_at(end: float, wall: float, tz: tzinfo | None = None) -> str:
    """When a pause ending at ``end`` ends, seen at ``wall``: ``14:35``, ``08:00
    tomorrow``, or ``Tue 08:00`` further on (both epoch s, local time in ``tz``)."""
    end_local = datetime.fromtimestamp(end, tz)
    days = (end_local.date() - datetime.fromtimestamp(wall, tz).date()).days
    if days <= 0:
        return formats.clock(end_local)
    if days == 1:
        return _("{time} tomorrow").format(time=formats.clock(end_local))
    return formats.weekday_clock(end_local)


def pause_message(request: ControlRequest, wall: float, morning: int = MORNING) -> str:
    """``paused for 30 min (until 14:32)``, or ``paused until 08:00 tomorrow``."""
    seconds = pause_seconds(request, wall, morning)
    if request.until is not None:
        return _("paused until {end}").format(end=ends_at(wall + seconds, wall))
    return _("paused for {duration} (until {end})").format(
        duration=format_duration(seconds), end=ends_at(wall + seconds, wall)
    )


__all__ = [
    "MORNING",
    "SHORTEST_NIGHT_H",
    "ends_at",
    "pause_message",
    "pause_seconds",
    "tomorrow_morning",
    "until_tomorrow",
]
