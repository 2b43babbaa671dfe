"""What the tray shows at a glance, folded from the monitor's verdicts.

The tray needs three numbers besides the state: how long the current sitting stretch
has lasted, and today's upright share (seconds upright over seconds seen sitting). This
module keeps them, pure and clock-free like the rest of the core: the caller passes
session time with every verdict, and says when a new day starts (it owns the calendar).
"""

from __future__ import annotations

from enum import StrEnum

from posture_watch.core.scoring import PostureState

#: A gap longer than this between two verdicts (pause, camera trouble) is not counted.
MAX_GAP = 5.0


class TrayState(StrEnum):
    """The icon states, in the order of precedence the tray applies."""

    STARTING = "starting"
    UPRIGHT = "upright"
    SLOUCH = "slouch"
    AWAY = "away"
    PAUSED = "paused"
    LOCKED = "locked"
    CAMERA_BUSY = "camera_busy"
    CALIBRATING = "calibrating"
    CAMERA_PROBLEM = "camera_problem"
    ERROR = "error"


LABELS: dict[TrayState, str] = {
    TrayState.STARTING: "starting",
    TrayState.UPRIGHT: "upright",
    TrayState.SLOUCH: "slouching",
    TrayState.AWAY: "away / on a break",
    TrayState.PAUSED: "paused",
    TrayState.LOCKED: "screen locked",
    TrayState.CAMERA_BUSY: "camera in use by another app",
    TrayState.CALIBRATING: "calibrating",
    TrayState.CAMERA_PROBLEM: "camera unavailable",
    TrayState.ERROR: "monitor error",
}


class MonitorStatus:
    """Today's tallies and the current icon state.

    ``seconds`` holds seconds per posture state since the start of the day; time between
    two verdicts is credited to the earlier verdict's state, up to :data:`MAX_GAP`.
    """

    def __init__(self, max_gap: float = MAX_GAP) -> None:
        self.max_gap = max_gap
        self.posture = PostureState.UNKNOWN
        self.sitting_since: float | None = None
        self.paused = self.calibrating = self.camera_problem = self.locked = False
        #: Who holds the webcam while we yield it to them ("" when unknown); None: nobody.
        self.camera_busy: str | None = None
        #: One line on why the monitor worker failed or is restarting (None: it is fine).
        self.error: str | None = None
        self.seconds: dict[PostureState, float] = dict.fromkeys(PostureState, 0.0)
        #: Why the current (smoothed) state is unknown, e.g. "too dark"; None otherwise.
        self.unknown_reason: str | None = None
        self._last_t: float | None = None
        self._seen_any = False

    def observe(
        self,
        t: float,
        state: PostureState,
        sitting_since: float | None,
        reason: str | None = None,
    ) -> None:
        """One analysed frame: its smoothed state, the timeline's sitting start and, for an
        unknown state, why the frame could not be judged (``Verdict.reason``)."""
        if self._last_t is not None and t > self._last_t:
            self.seconds[self.posture] += min(t - self._last_t, self.max_gap)
        self._last_t, self.posture, self.sitting_since = t, state, sitting_since
        self.unknown_reason = str(reason) if reason and state == PostureState.UNKNOWN else None
        self._seen_any = True

    def interrupt(self) -> None:
        """A pause or a camera problem: the next verdict starts a fresh interval."""
        self._last_t = None

    def new_day(self) -> None:
        """Midnight: today's tallies start again (the state itself carries on)."""
        self.seconds = dict.fromkeys(PostureState, 0.0)

    @property
    def state(self) -> TrayState:
        if self.error is not None:
            return TrayState.ERROR
        if self.camera_problem:
            return TrayState.CAMERA_PROBLEM
        if self.calibrating:
            return TrayState.CALIBRATING
        if self.paused:
            return TrayState.PAUSED
        if self.locked:
            return TrayState.LOCKED
        if self.camera_busy is not None:
            return TrayState.CAMERA_BUSY
        if not self._seen_any:
            return TrayState.STARTING
        if self.posture == PostureState.SLOUCH:
            return TrayState.SLOUCH
        if self.posture == PostureState.UPRIGHT:
            return TrayState.UPRIGHT
        return TrayState.AWAY

    @property
    def upright_share(self) -> float | None:
        """Share of today's sitting time spent upright (None before any sitting)."""
        sitting = self.seconds[PostureState.UPRIGHT] + self.seconds[PostureState.SLOUCH]
        return None if sitting <= 0 else self.seconds[PostureState.UPRIGHT] / sitting

    def bout_seconds(self, t: float) -> float | None:
        """How long the current sitting stretch has lasted at ``t`` (None if not sitting)."""
        if self.sitting_since is None or self.state not in (TrayState.UPRIGHT, TrayState.SLOUCH):
            return None
        return max(0.0, t - self.sitting_since)

    @property
    def cannot_see(self) -> str | None:
        """The unknown reason to show, while it decides what the icon shows (the person is
        there but cannot be judged: the icon is the away one, the words say why)."""
        if self.unknown_reason is None or self.state is not TrayState.AWAY:
            return None
        return self.unknown_reason

    def _label(self) -> str:
        if self.cannot_see is not None:
            return f"can't see you well: {self.cannot_see}"
        if self.state is TrayState.CAMERA_BUSY and self.camera_busy:
            return f"camera in use by {self.camera_busy}"
        return LABELS[self.state]

    def tooltip(self, t: float, note: str | None = None) -> str:
        """``posture-watch: upright - sitting 23 min - 87% upright today`` (plus a note)."""
        label = self._label() if self.cannot_see is not None else LABELS[self.state]
        return " - ".join([f"posture-watch: {label}", *self._details(t, note)])

    def status_line(self, t: float, note: str | None = None) -> str:
        """The menu's first line, for tray hosts that show no tooltip (most SNI hosts):
        ``Upright · sitting 23 min · 87% upright today``, or ``Can't see you well: too
        dark`` while the person is there but cannot be judged."""
        label = self._label()
        return " · ".join([label[:1].upper() + label[1:], *self._details(t, note)])

    def facts(self, t: float) -> dict[str, object]:
        """The same as numbers, for scripts (``posture-watch status --json``)."""
        return {
            "state": str(self.state),
            "paused": self.paused,
            "sitting_seconds": self.bout_seconds(t),
            "upright_share": self.upright_share,
            "unknown_reason": self.cannot_see,
        }

    def _details(self, t: float, note: str | None) -> list[str]:
        """What follows the state: the note, the sitting time, today's upright share."""
        parts = [note] if note else []
        bout = self.bout_seconds(t)
        if bout is not None:
            parts.append(f"sitting {format_minutes(bout)}")
        share = self.upright_share
        if share is not None:
            parts.append(f"{share:.0%} upright today")
        return parts


def format_minutes(seconds: float) -> str:
    """``'45 s'``, ``'12 min'``, ``'1 h 05 min'``: short enough for a tooltip."""
    if seconds < 60:
        return f"{int(seconds)} s"  # floor, so 59.6 s never shows as "60 s"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"
