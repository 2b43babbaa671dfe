"""When to run the pose model: rarely while nothing changes, quickly while a change is
being confirmed, and not at all while the picture stands still.

Posture changes over seconds, so analysing 30 frames a second (or even 10, as other
posture apps do) spends the CPU on identical answers. The sampler asks for one frame per
``stable_interval`` (2 s: a change is seen within 2 s, small beside the 30 s a slouch
must last) while the frame-level state agrees with the smoothed state, and one per
``confirm_interval`` while they disagree, so the smoothing settles (and an alert fires)
almost as soon as with every frame analysed.

The :class:`StillGate` goes further for frames with pixels. The pose model is about 95%
of the cost of a verdict, and a person at a desk holds a posture for minutes, so while
the state is stable each due frame is first compared, as a small grey copy, with the
frame the model last ran on; the model runs only when the picture moved (or ``refresh``
seconds passed). A still picture's verdict reuses the last landmarks: the timeline goes
on as if the model had run (nothing moved, so it would have said the same), and a
sustained slouch still ends in its nudge. A picture that moved runs the model on that
very frame, so a changing posture is seen as soon as without the gate, and the sampler
then switches to its fast rate as before. The gate never adds a model run: at worst (a
person always moving) it costs a thumbnail per verdict, 0.1 ms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posture_watch.core.scoring import PostureState

#: Width of the grey thumbnails the still gate compares (px; the height keeps the frame's
#: aspect, 30 for 4:3). Each thumbnail pixel averages about 8x8 samples of the frame,
#: which averages sensor noise away.
THUMB_WIDTH = 40
#: A thumbnail pixel "changed" when it differs by more than this many grey levels (0-255)
#: from the reference, after the median difference (an exposure change) is taken off.
PIXEL_CHANGE = 15
#: The picture "moved" when at least this many thumbnail pixels changed (0.5% of 40x30).
#: Measured on the 640x480 frames of a sample session: two successive pictures of the
#: same posture differ in 8 to 209, an upright and a slouching picture in 224 to 285;
#: sensor noise of up to 20 grey levels and a whole picture 30 levels brighter in none.
MOVED_PIXELS = 6


def changed_pixels(reference: np.ndarray, thumb: np.ndarray) -> int:
    """How many pixels of two grey uint8 thumbnails (H, W) differ by more than
    :data:`PIXEL_CHANGE` grey levels, once their median difference is taken off (so
    the camera's auto-exposure brightening the whole picture is not movement)."""
    if reference.shape != thumb.shape:
        return reference.size  # a new size (a reopened camera): everything changed
    diff = thumb.astype(np.int16) - reference.astype(np.int16)
    diff -= np.int16(np.median(diff))
    return int(np.count_nonzero(np.abs(diff) > PIXEL_CHANGE))


@dataclass
class AdaptiveSampler:
    """Decides, from session time, whether the next frame is worth analysing."""

    stable_interval: float = 2.0
    confirm_interval: float = 0.25
    next_due: float = float("-inf")
    #: True while a change is being confirmed (the frame-level state is not the smoothed).
    settling: bool = False

    def __post_init__(self) -> None:
        if not 0 < self.confirm_interval <= self.stable_interval:
            raise ValueError("need 0 < confirm_interval <= stable_interval")

    def due(self, t: float) -> bool:
        """True when a frame at session time ``t`` should be analysed."""
        return t >= self.next_due - 1e-6

    def analysed(self, t: float, raw: PostureState, smoothed: PostureState) -> float:
        """Record an analysed frame; returns the time the next one is due."""
        self.settling = raw != smoothed and raw != PostureState.UNKNOWN
        self.next_due = t + (self.confirm_interval if self.settling else self.stable_interval)
        return self.next_due

    def reset(self) -> None:
        """Analyse the very next frame (after a reopen or a resume)."""
        self.next_due = float("-inf")
        self.settling = False


@dataclass
class StillGate:
    """Skips the pose model while the picture stands still (see the module).

    ``reference`` is the thumbnail of the frame the model last ran on, so a slow drift
    (a slouch that sinks over a minute) adds up until it counts as movement.
    """

    refresh: float = 10.0
    enabled: bool = True
    reference: np.ndarray | None = None
    model_at: float = float("-inf")

    def still(self, t: float, thumb: np.ndarray, settling: bool) -> bool:
        """True when the model may be skipped for the frame at ``t``: nothing moved since
        its last run, that run is less than ``refresh`` s old, and no change is being
        confirmed (the confirmation wants the model's own answers)."""
        if not self.enabled or settling or self.reference is None:
            return False
        if t - self.model_at >= self.refresh:
            return False
        return changed_pixels(self.reference, thumb) < MOVED_PIXELS

    def ran_model(self, t: float, thumb: np.ndarray | None) -> None:
        """The model ran on the frame at ``t`` (its thumbnail, or None without pixels)."""
        self.reference, self.model_at = thumb, t

    def reset(self) -> None:
        """Run the model on the very next frame (after a reopen or a resume)."""
        self.reference, self.model_at = None, float("-inf")
