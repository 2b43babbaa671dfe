"""Everything the settings file controls, as typed values with documented defaults.

:class:`Settings` holds all thresholds of the decision logic: the same object drives
``posture-watch analyze``, the console monitor and the tray, so a replayed video and a
live session make identical decisions. :class:`AppConfig` adds what the rest of the
program reads from the file (camera, sampling, prompts, quiet hours, the daily report).
Times are seconds (quiet hours and the report time: minutes after midnight), whatever
unit the file uses; what the file allows is :mod:`posture_watch.core.settings_schema`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from posture_watch.core.text import N_, _

SCHEMA_VERSION = 1
MINUTE = 60.0
DAY_MINUTES = 24 * 60

#: How a broken rule names its setting: ``setting break_min must be at least
#: absence_grace``. One frame with the key as a placeholder, so the preferences window
#: finds the key again in any language (:func:`setting_head`).
SETTING_FRAME = N_("setting {key} {rule}")


def setting_error(key: str, rule: str) -> str:
    """``setting {key} {rule}`` in the person's language (``rule`` already translated)."""
    return _(SETTING_FRAME).format(key=key, rule=rule)


def setting_head(key: str) -> str | None:
    """The words before the rule in :func:`setting_error` for ``key`` (``setting
    break_min `` in English), or None when a language puts the rule first."""
    head, found, _rest = _(SETTING_FRAME).partition("{rule}")
    return head.format(key=key) if found and "{key}" in head else None


@dataclass(frozen=True)
class Settings:
    """Decision thresholds. Times are seconds of session time (never the wall clock)."""

    schema_version: int = SCHEMA_VERSION
    #: Slouching must last this long before a slouch alert fires.
    slouch_after: float = 30.0
    #: A dip into slouch shorter than this is a glance (keyboard, phone) and never counts.
    glance_max: float = 10.0
    #: Upright moments shorter than this do not end a slouch episode (landmark jitter).
    recover_grace: float = 3.0
    #: After a slouch alert, no other slouch alert for this long.
    slouch_cooldown: float = 300.0
    #: Absences shorter than this do not break a sitting bout.
    absence_grace: float = 60.0
    #: An absence of at least this long is a break; the long-sitting timer restarts.
    break_min: float = 120.0
    #: A long-sitting alert fires after this much sitting without a break.
    sit_max: float = 3000.0
    #: Time constant of the exponential smoothing of the slouch score.
    smoothing_tau: float = 2.0
    #: Hysteresis: enter slouch at score >= enter, leave below exit (1.0 = threshold).
    slouch_enter: float = 1.0
    slouch_exit: float = 0.8

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name != "schema_version" and not value >= 0:
                rule = _("must be >= 0, got {value}").format(value=repr(value))
                raise ValueError(setting_error(f.name, rule))
        if self.slouch_exit > self.slouch_enter:
            rule = _("must not exceed {other}").format(other="slouch_enter")
            raise ValueError(setting_error("slouch_exit", rule))
        if self.break_min < self.absence_grace:
            rule = _("must be at least {other}").format(other="absence_grace")
            raise ValueError(setting_error("break_min", rule))

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with some values changed (validated like the original)."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class CameraConfig:
    """Where frames come from: ``"auto"`` (webcam 0 if present, else the demo), a camera
    index such as ``"0"``, or the path of a video or recording; size in pixels.
    ``yield_to_calls``: release the webcam while another program (a video call) uses it,
    and resume when it is free; off, a busy camera stops the monitor with an error."""

    source: str = "auto"
    width: int = 640
    height: int = 480
    yield_to_calls: bool = True


@dataclass(frozen=True)
class SamplingConfig:
    """Seconds between analysed frames: while the state is stable, and while a change is
    being confirmed (denser, so alerts are neither late nor triggered by one frame)."""

    stable_interval: float = 2.0
    confirm_interval: float = 0.25


@dataclass(frozen=True)
class PromptConfig:
    """Check-in prompts: every ``check_every`` seconds (0 = off), at most ``max_per_hour``
    an hour; ``snooze`` seconds of silence when the user snoozes. ``break_warning``
    seconds before a break nudge, a warning with Postpone and Skip (0 = none); a break
    may be postponed ``max_postpones`` times in one sitting spell. ``stretch_sound``
    plays a soft chime in the stretch window when a hold ends. ``hold_when_fullscreen``:
    nudges wait while a full-screen window has the focus (off for a person who works
    full screen all day; paused notifications and a call still hold them back)."""

    check_every: float = 45 * MINUTE
    max_per_hour: int = 4
    snooze: float = 10 * MINUTE
    break_warning: float = 60.0
    max_postpones: int = 2
    stretch_sound: bool = False
    hold_when_fullscreen: bool = True
    #: Time the break nudge by the person's measured hold time, not the fixed sit_max
    #: (:mod:`posture_watch.core.break_limits`); off by default.
    breaks_follow_posture: bool = False


@dataclass(frozen=True)
class QuietHours:
    """No prompts or alerts from ``start`` (inclusive) to ``end`` (exclusive), both minutes
    after midnight; the range may wrap midnight (22:00 to 07:00)."""

    enabled: bool = False
    start: int = 22 * 60
    end: int = 7 * 60

    def contains(self, minute_of_day: int) -> bool:
        """Whether quiet hours are in force at ``minute_of_day`` (0-1439); False if disabled."""
        if not 0 <= minute_of_day < DAY_MINUTES:
            raise ValueError(f"minute_of_day must be 0 to {DAY_MINUTES - 1}, got {minute_of_day}")
        if not self.enabled:
            return False
        if self.start <= self.end:
            return self.start <= minute_of_day < self.end
        return minute_of_day >= self.start or minute_of_day < self.end


@dataclass(frozen=True)
class ReportConfig:
    """The daily report: minutes after midnight, or None when turned off; and whether the
    tray then also asks how you feel (the pain journal window)."""

    daily_at: int | None = 17 * 60 + 30
    journal_prompt: bool = True


@dataclass(frozen=True)
class PauseConfig:
    """When "Pause until tomorrow" ends: this time of day (minutes after midnight) the
    next morning (see :func:`posture_watch.core.pause_rules.tomorrow_morning`)."""

    morning: int = 8 * 60


@dataclass(frozen=True)
class GeneralConfig:
    """``language``: ``"auto"`` (from the environment, see
    :mod:`posture_watch.core.languages`) or the code of a catalog (``"de"``, ``"pt_BR"``)."""

    language: str = "auto"


@dataclass(frozen=True)
class AppConfig:
    """Everything the settings file controls; ``decision`` drives the core state machine."""

    decision: Settings = field(default_factory=Settings)
    camera: CameraConfig = field(default_factory=CameraConfig)
    sampling: SamplingConfig = field(default_factory=SamplingConfig)
    prompts: PromptConfig = field(default_factory=PromptConfig)
    quiet_hours: QuietHours = field(default_factory=QuietHours)
    report: ReportConfig = field(default_factory=ReportConfig)
    pause: PauseConfig = field(default_factory=PauseConfig)
    general: GeneralConfig = field(default_factory=GeneralConfig)

    @classmethod
    def default(cls) -> AppConfig:
        return cls()
