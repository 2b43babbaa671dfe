"""All thresholds of the decision logic, in one typed value with documented defaults.

The same :class:`Settings` object drives ``posture-watch analyze`` and, later, the tray
monitor, so a replayed video and a live session make identical decisions.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

SCHEMA_VERSION = 1


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
                raise ValueError(f"setting {f.name} must be >= 0, got {value!r}")
        if self.slouch_exit > self.slouch_enter:
            raise ValueError("setting slouch_exit must not exceed slouch_enter")
        if self.break_min < self.absence_grace:
            raise ValueError("setting break_min must be at least absence_grace")

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with some values changed (validated like the original)."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in fields(self)}
