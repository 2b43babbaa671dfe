"""The decision logic over time: smoothing, hysteresis, alerts, sitting bouts and breaks.

The caller owns the loop and the clock: ``timeline.update(t, state, score)`` does no I/O
and never reads the time, so a replayed recording, a video and a live camera make the
same decisions, and tests step it with synthetic numbers. This is the logic that keeps
posture-watch quiet: a glance at the keyboard never alerts, only slouching that lasts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from posture_watch.core.events import (
    BreakEnded,
    BreakStarted,
    Event,
    LongSittingAlert,
    SittingBoutEnded,
    SlouchAlert,
    StateChanged,
)
from posture_watch.core.scoring import PostureState
from posture_watch.core.settings import Settings


@dataclass(frozen=True)
class Step:
    """What one update concluded: the smoothed state and score, and any events."""

    state: PostureState
    score: float
    events: tuple[Event, ...]


class Timeline:
    """Incremental state machine; feed frames in time order."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.state = PostureState.UNKNOWN
        self._t: float | None = None
        self._ema = math.nan
        # slouch episode
        self._slouch_since: float | None = None
        self._upright_since: float | None = None
        self._episode_alerted = False
        self._last_alert: float | None = None
        # sitting
        self._bout_start: float | None = None
        self._last_seen: float | None = None
        self._sit_since: float | None = None
        self._sit_alerted = False
        self._on_break = False

    def update(self, t: float, state: PostureState, score: float = math.nan) -> Step:
        """Advance to time ``t`` (seconds) with one frame's raw state and slouch score."""
        if self._t is not None and t < self._t:
            raise ValueError(f"time went backwards: {t} < {self._t}")
        dt = 0.0 if self._t is None else t - self._t
        self._t = t
        events: list[Event] = []
        smoothed = self._smooth(state, score, dt)
        if smoothed != self.state:
            events.append(StateChanged(t, smoothed, self.state))
            self.state = smoothed
        self._track_slouch(t, smoothed, events)
        self._track_sitting(t, state != PostureState.AWAY, events)
        return Step(smoothed, self._ema, tuple(events))

    @property
    def sitting_since(self) -> float | None:
        """Start of the current sitting stretch (reset by a break), None while on a break."""
        return self._sit_since

    def finish(self, t: float) -> tuple[Event, ...]:
        """Close the open sitting bout at the end of a session (not called while live).

        ``t`` is the end of the last frame. The bout runs to ``t`` when the person was in
        that frame, else to the last frame they were seen in (an absence at the end, still
        within ``absence_grace``, is not sitting).
        """
        events: list[Event] = []
        if self._bout_start is not None and self._last_seen is not None:
            end = max(self._last_seen, t) if self._last_seen == self._t else self._last_seen
            events.append(SittingBoutEnded(t, self._bout_start, end))
            self._bout_start = None
        return tuple(events)

    def away(self, t: float) -> tuple[Event, ...]:
        """The screen locked (or unlocked) at ``t``: no frames come while it is locked, and
        that time counts as away, exactly as away frames would. Called at the lock, this
        ends the smoothing and any slouch episode (a slouch before the lock never alerts
        after it); called again at the unlock, it ends the sitting bout at the last
        moment the person was seen and starts a break when the lock lasted long enough,
        before the first frame after it arrives."""
        if self._t is not None:
            t = max(t, self._t)
        return self.update(t, PostureState.AWAY).events

    def unmonitored(self, since: float, until: float) -> None:
        """Nothing was seen from ``since`` to ``until`` because another program (a video
        call) had the camera. That time is neither away nor a break: the clock of an
        absence stands still through it, so it never starts a break or ends a bout. A
        sitting bout open at ``since`` carries on through it (whoever is on a call sits at
        the desk) and its time counts toward the long-sitting reminder. A break already
        running simply goes on. Posture during the call is unknown, so smoothing and any
        slouch episode start afresh."""
        gap = until - since
        if self._t is not None:
            until = max(until, self._t)
        self._t = until
        self._ema = math.nan
        self._slouch_since = self._upright_since = None
        if gap > 0 and self._last_seen is not None and not self._on_break:
            self._last_seen = min(self._last_seen + gap, until)

    # -- smoothing and hysteresis -------------------------------------------------------

    def _smooth(self, state: PostureState, score: float, dt: float) -> PostureState:
        if state in (PostureState.AWAY, PostureState.UNKNOWN) or math.isnan(score):
            self._ema = math.nan
            return state if state != PostureState.UPRIGHT else PostureState.UNKNOWN
        if math.isnan(self._ema):
            self._ema = score
        else:
            alpha = 1.0 - math.exp(-dt / self.settings.smoothing_tau) if dt > 0 else 0.0
            self._ema += alpha * (score - self._ema)
        s = self.settings
        limit = s.slouch_exit if self.state == PostureState.SLOUCH else s.slouch_enter
        return PostureState.SLOUCH if self._ema >= limit else PostureState.UPRIGHT

    # -- slouch episodes ----------------------------------------------------------------

    def _track_slouch(self, t: float, state: PostureState, events: list[Event]) -> None:
        s = self.settings
        if state == PostureState.SLOUCH:
            self._upright_since = None
            if self._slouch_since is None:
                self._slouch_since, self._episode_alerted = t, False
            sustained = t - self._slouch_since >= max(s.slouch_after, s.glance_max)
            cooled = self._last_alert is None or t - self._last_alert >= s.slouch_cooldown
            if sustained and cooled and not self._episode_alerted:
                events.append(SlouchAlert(t, self._slouch_since))
                self._episode_alerted, self._last_alert = True, t
            return
        if self._slouch_since is None:
            return
        if state == PostureState.AWAY:
            self._slouch_since = None
            return
        if self._upright_since is None:
            self._upright_since = t
        if t - self._upright_since >= s.recover_grace:
            self._slouch_since = self._upright_since = None

    # -- sitting bouts and breaks -------------------------------------------------------

    def _track_sitting(self, t: float, present: bool, events: list[Event]) -> None:
        s = self.settings
        gap = math.inf if self._last_seen is None else t - self._last_seen
        if self._bout_start is not None and gap >= s.absence_grace:
            events.append(
                SittingBoutEnded(
                    t, self._bout_start, self._last_seen if self._last_seen is not None else t
                )
            )
            self._bout_start = None
        if not self._on_break and self._last_seen is not None and gap >= s.break_min:
            events.append(BreakStarted(t, self._last_seen))
            self._on_break, self._sit_since = True, None
        if not present:
            return
        if self._on_break:
            events.append(BreakEnded(t, self._last_seen if self._last_seen is not None else t))
            self._on_break = False
        if self._bout_start is None:
            self._bout_start = t
        if self._sit_since is None:
            self._sit_since, self._sit_alerted = t, False
        self._last_seen = t
        if not self._sit_alerted and t - self._sit_since >= s.sit_max:
            events.append(LongSittingAlert(t, self._sit_since))
            self._sit_alerted = True
