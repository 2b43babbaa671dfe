"""Fold a timeline's output into a per-session summary (time per state, bouts, alerts).

Each frame's smoothed state is taken to hold until the next frame, so the summary counts
seconds of session time, not frames, and a 2 fps folder and a 30 fps video of the same
session give the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from posture_watch.core.events import Alert, Event, LongSittingAlert, SittingBoutEnded, SlouchAlert
from posture_watch.core.scoring import PostureState


@dataclass
class SessionSummary:
    """Running totals for one source; feed it every step in time order."""

    seconds: dict[PostureState, float] = field(
        default_factory=lambda: dict.fromkeys(PostureState, 0.0)
    )
    bouts: list[tuple[float, float]] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    _last: tuple[float, PostureState] | None = None

    def add(self, t: float, state: PostureState, events: tuple[Event, ...] = ()) -> None:
        """Count the time since the previous step for the previous step's state."""
        if self._last is not None:
            t0, s0 = self._last
            self.seconds[s0] += max(t - t0, 0.0)
        self._last = (t, state)
        self.add_events(events)

    def add_events(self, events: tuple[Event, ...]) -> None:
        for event in events:
            if isinstance(event, SlouchAlert | LongSittingAlert):
                self.alerts.append(event)
            elif isinstance(event, SittingBoutEnded):
                self.bouts.append((event.start, event.end))

    def close(self, t_end: float, events: tuple[Event, ...] = ()) -> None:
        """Count the last frame up to ``t_end`` and take the closing events."""
        if self._last is not None:
            t0, s0 = self._last
            self.seconds[s0] += max(t_end - t0, 0.0)
            self._last = None
        self.add_events(events)

    @property
    def longest_bout(self) -> float:
        return max((end - start for start, end in self.bouts), default=0.0)

    def to_json(self) -> dict[str, float | int]:
        out: dict[str, float | int] = {
            f"seconds_{s.value}": round(v, 3) for s, v in self.seconds.items()
        }
        out["longest_sitting_bout"] = round(self.longest_bout, 3)
        out["sitting_bouts"] = len(self.bouts)
        return out
