"""Follow the set-up through a day: what the monitor scores against once the set-up has
changed (:mod:`~posture_watch.core.setup_drift` notices the change).

Why: a changed set-up (camera moved, another desk, a laptop pulled closer) must be told
once per baseline and never scored as leaning in. So on a change, a saved profile that
fits much better is switched to (:class:`Recalibrated` first, then
:class:`SetupChanged`), else the frames are scored against the population baseline until
the user recalibrates or, about once every :data:`PROFILE_RECHECK` seconds, a saved
profile is found to fit again.

Pure, in the manner of h11: :class:`SetupFollower` reads no clock and no file. The saved
profiles live on disk, so it asks for them (:meth:`SetupFollower.observe` returns True)
and the caller reads them and hands them to :meth:`SetupFollower.choose`; each returns a
:class:`Switch` to carry out, or None.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from posture_watch.core.geometry import Features
from posture_watch.core.scoring import Baseline, PostureState
from posture_watch.core.setup_drift import SUSTAIN, SetupChange, SetupDrift, best_profile
from posture_watch.core.worker_events import Recalibrated, SetupChanged

#: While scoring uncalibrated after a set-up change, look for a fitting saved profile
#: this often (seconds).
PROFILE_RECHECK = 60.0


@dataclass(frozen=True)
class Switch:
    """Score against ``baseline`` from now on, and post ``events`` in order."""

    baseline: Baseline
    events: tuple[Recalibrated | SetupChanged, ...]


class SetupFollower:
    """Which baseline to score against, frame by frame, as the set-up changes.

    Feed every analysed frame to :meth:`observe`; when it returns True, pass the saved
    profiles to :meth:`choose` before the next frame. A recalibration by the user goes
    through :meth:`recalibrated`.
    """

    def __init__(self, baseline: Baseline) -> None:
        self._drift = SetupDrift(baseline)
        #: Since when frames are scored uncalibrated after a set-up change (None: not).
        self._lost_since: float | None = None
        self._next_recheck = 0.0
        self._change: SetupChange | None = None  # told by observe, for choose
        self._recheck = False  # observe asked for a recheck, for choose

    @property
    def uncalibrated_since(self) -> float | None:
        """Since when the frames are scored uncalibrated after a change (None: they are
        not)."""
        return self._lost_since

    def observe(
        self, t: float, features: Features, state: PostureState | str | None = None
    ) -> bool:
        """Take the frame analysed at ``t``; True when the saved profiles are wanted now
        (the set-up changed, or it is time to look for one that fits again)."""
        self._change = self._drift.observe(t, features, state)
        self._recheck = False
        if self._change is not None:
            return True
        if self._lost_since is None or t < self._next_recheck:
            return False
        self._next_recheck = t + PROFILE_RECHECK
        self._recheck = self._drift.seen_time(self._lost_since) >= SUSTAIN
        return self._recheck

    def choose(self, t: float, saved: Mapping[str, Baseline]) -> Switch | None:
        """After :meth:`observe` asked: the switch to make with these saved profiles (the
        readable ones), or None to go on as before."""
        change, self._change = self._change, None
        recheck, self._recheck = self._recheck, False
        if change is not None:
            name = best_profile(self._drift.recent(), saved, self._drift.baseline)
            if name is None:
                self._lost_since, self._next_recheck = t, t + SUSTAIN
                return Switch(Baseline.population(), (SetupChanged(t, None, change.reason),))
            return self._use(t, name, saved[name], change.reason)
        if not recheck or self._lost_since is None:
            return None
        name = best_profile(self._drift.recent(since=self._lost_since), saved)
        return None if name is None else self._use(t, name, saved[name], "")

    def recalibrated(self, t: float, baseline: Baseline, profile: str) -> Switch:
        """The user calibrated (``profile``): score against it, and follow it afresh."""
        self._reset(baseline)
        return Switch(baseline, (Recalibrated(t, profile),))

    def _use(self, t: float, name: str, baseline: Baseline, reason: str) -> Switch:
        self._reset(baseline)
        return Switch(baseline, (Recalibrated(t, name), SetupChanged(t, name, reason)))

    def _reset(self, baseline: Baseline) -> None:
        self._drift, self._lost_since = SetupDrift(baseline), None
        self._change, self._recheck = None, False
