"""How long a pause asked for over the control socket lasts, and how the reply says so.

The tray's menu, the console monitor and (through them) ``posture-watch pause`` must agree
on when a pause ends: "30 min" from the moment it was asked, or "until tomorrow", meaning
local midnight (right on the days the clocks change, see :func:`midnight_after`). These
rules are pure: the caller passes the wall time (epoch seconds) it read from its clock.
"""

from __future__ import annotations

from datetime import datetime

from posture_watch.core.control_protocol import ControlRequest
from posture_watch.core.dates import midnight_after
from posture_watch.core.durations import format_duration


def until_tomorrow(wall: float) -> float:
    """Seconds from ``wall`` (epoch s) to local midnight: "Pause until tomorrow" in the
    menu and ``posture-watch pause until-tomorrow`` (right on the days the clocks change)."""
    return midnight_after(wall) - wall


def pause_seconds(request: ControlRequest, wall: float) -> float:
    """How long the pause lasts from ``wall`` (epoch s): its seconds, or
    :func:`until_tomorrow`, as the tray's menu reckons it."""
    if request.seconds is not None:
        return float(request.seconds)
    return until_tomorrow(wall)


def pause_message(request: ControlRequest, wall: float) -> str:
    """``paused for 30 min (until 14:32)``, or ``paused until tomorrow (00:00)``."""
    seconds = pause_seconds(request, wall)
    end = datetime.fromtimestamp(wall + seconds)
    if request.until is not None:
        return f"paused until tomorrow ({end:%H:%M})"
    return f"paused for {format_duration(seconds)} (until {end:%H:%M})"


__all__ = ["pause_message", "pause_seconds", "until_tomorrow"]
