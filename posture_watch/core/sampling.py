"""When to run the pose model: rarely while nothing changes, quickly while a change is
being confirmed.

Posture changes over seconds, so analysing 30 frames a second (or even 10, as other
posture apps do) spends the CPU on identical answers. The sampler asks for one frame per
``stable_interval`` (2 s: a change is seen within 2 s, small beside the 30 s a slouch
must last) while the frame-level state agrees with the smoothed state, and one per
``confirm_interval`` while they disagree, so the smoothing settles (and an alert fires)
almost as soon as with every frame analysed.
"""

from __future__ import annotations

from dataclasses import dataclass

from posture_watch.core.scoring import PostureState


@dataclass
class AdaptiveSampler:
    """Decides, from session time, whether the next frame is worth analysing."""

    stable_interval: float = 2.0
    confirm_interval: float = 0.25
    next_due: float = float("-inf")

    def __post_init__(self) -> None:
        if not 0 < self.confirm_interval <= self.stable_interval:
            raise ValueError("need 0 < confirm_interval <= stable_interval")

    def due(self, t: float) -> bool:
        """True when a frame at session time ``t`` should be analysed."""
        return t >= self.next_due - 1e-6

    def analysed(self, t: float, raw: PostureState, smoothed: PostureState) -> float:
        """Record an analysed frame; returns the time the next one is due."""
        settling = raw != smoothed and raw != PostureState.UNKNOWN
        self.next_due = t + (self.confirm_interval if settling else self.stable_interval)
        return self.next_due

    def reset(self) -> None:
        """Analyse the very next frame (after a reopen or a resume)."""
        self.next_due = float("-inf")
