"""What a :class:`~posture_watch.core.session.Session` is told once, when it is made.

The tray and the console step the same session; these settings are where they differ
(``tray``), plus the person's settings the session's rules read: quiet hours, the daily
report, when a pause until tomorrow ends, ``--seconds``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from posture_watch.core.break_warning import BreakRules
from posture_watch.core.pause_rules import MORNING
from posture_watch.core.settings import AppConfig


class QuietRule(Protocol):
    """Quiet hours (``config.QuietHours``): whether they are in force at a minute of day."""

    def contains(self, minute_of_day: int) -> bool: ...


@dataclass(frozen=True)
class SessionSettings:
    """What the session is told once. ``tray`` False is the console monitor: no icon, no
    windows, ``stretch`` needs the tray and ``quit`` stops as a signal does."""

    tray: bool = True
    quiet_hours: QuietRule | None = None
    #: Minutes after midnight for the daily report (None: none).
    daily_at: int | None = None
    #: Ask "How do you feel today?" (the pain journal) with the daily report.
    journal_prompt: bool = False
    #: Stop after this many seconds of monotonic time (``--seconds``).
    stop_after: float | None = None
    #: Said when a first-run calibration is cancelled: how to calibrate later.
    first_run_hint: str | None = None
    #: Start at login as it is at launch (None: not offered).
    autostart: bool | None = None
    #: Windows can open (Tk needs an X display; False on Wayland without XWayland):
    #: otherwise their jobs come as notifications (core/session_fallbacks.py).
    windows: bool = True
    #: When "Pause until tomorrow" ends: minutes after midnight, the next morning
    #: (:func:`posture_watch.core.pause_rules.tomorrow_morning`).
    morning: int = MORNING
    #: The settings file as the monitor runs it: a change of the file is compared with
    #: it (:mod:`posture_watch.core.settings_apply`). None: no file is followed.
    config: AppConfig | None = None
    #: The warning before a break nudge and its Postpone and Skip
    #: (:mod:`posture_watch.core.break_warning`); None: no warning.
    breaks: BreakRules | None = None


__all__ = ["QuietRule", "SessionSettings"]
