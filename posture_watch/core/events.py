"""Small event values the timeline emits; the CLI, tray and history subscribe to these.

Times are seconds on the caller's clock (session time for a replay, monotonic for live).
"""

from __future__ import annotations

from dataclasses import dataclass

from posture_watch.core.scoring import PostureState


@dataclass(frozen=True)
class StateChanged:
    """The smoothed state changed."""

    t: float
    state: PostureState
    previous: PostureState


@dataclass(frozen=True)
class SlouchAlert:
    """Slouching was sustained for ``slouch_after`` seconds (one per episode, then cooldown)."""

    t: float
    episode_start: float
    kind: str = "slouch"


@dataclass(frozen=True)
class LongSittingAlert:
    """The person has sat for ``sit_max`` seconds without a break."""

    t: float
    sitting_since: float
    kind: str = "long_sitting"


@dataclass(frozen=True)
class SittingBoutEnded:
    """A sitting bout ended at ``end`` (the last moment the person was seen)."""

    t: float
    start: float
    end: float


@dataclass(frozen=True)
class BreakStarted:
    """The person has been away ``break_min`` seconds: this absence is a break."""

    t: float
    away_since: float


@dataclass(frozen=True)
class BreakEnded:
    """The person came back from a break that began at ``away_since``."""

    t: float
    away_since: float


Alert = SlouchAlert | LongSittingAlert
Event = StateChanged | SlouchAlert | LongSittingAlert | SittingBoutEnded | BreakStarted | BreakEnded
