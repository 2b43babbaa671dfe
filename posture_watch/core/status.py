"""What the tray shows at a glance, folded from the monitor's verdicts.

The tray needs three numbers besides the state: how long the current sitting stretch
has lasted, and today's upright share (seconds upright over seconds seen sitting). This
module keeps them, pure and clock-free like the rest of the core: the caller passes
session time with every verdict, and says when a new day starts (it owns the calendar).

"Today" must mean what ``posture-watch report`` says for today, not "since this launch":
a second launch on the same day would otherwise show a different share than the report.
So the caller reads today's figures from the history (the report's own aggregation) and
hands them over with :meth:`MonitorStatus.set_today`, saying up to when the history holds
whole minutes; the seconds seen since then (the minute not yet written) are added on top.
Without a history the tallies since launch are all there is.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# format_span is re-exported for callers that still import it from here; new code imports
# both from posture_watch.core.durations.
from posture_watch.core.durations import format_minutes
from posture_watch.core.durations import format_span as format_span
from posture_watch.core.pause_rules import ends_at
from posture_watch.core.scoring import PostureState
from posture_watch.core.text import _, pgettext
from posture_watch.core.words import percent

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


def label(state: TrayState) -> str:
    """The status word of ``state`` in the person's language (a function, not a table:
    the language is chosen after import)."""
    words = {
        TrayState.STARTING: pgettext("tray status", "starting"),
        TrayState.UPRIGHT: pgettext("tray status", "upright"),
        TrayState.SLOUCH: pgettext("tray status", "slouching"),
        TrayState.AWAY: pgettext("tray status", "away / on a break"),
        TrayState.PAUSED: pgettext("tray status", "paused"),
        TrayState.LOCKED: pgettext("tray status", "screen locked"),
        TrayState.CAMERA_BUSY: pgettext("tray status", "camera in use by another app"),
        TrayState.CALIBRATING: pgettext("tray status", "calibrating"),
        TrayState.CAMERA_PROBLEM: pgettext("tray status", "camera unavailable"),
        TrayState.ERROR: pgettext("tray status", "monitor error"),
    }
    return words[state]


@dataclass(frozen=True)
class TodayFigures:
    """Today's seconds from the history (the report's figures), whole minutes only."""

    upright_s: float
    slouch_s: float
    monitored_s: float


class MonitorStatus:
    """Today's tallies and the current icon state.

    ``seconds`` holds seconds per posture state since the start of the day (or the
    launch); time between two verdicts is credited to the earlier verdict's state, up to
    :data:`MAX_GAP`. Once :meth:`set_today` gave the history's figures, "today" is those
    plus the seconds credited after the history's last whole minute.
    """

    def __init__(self, max_gap: float = MAX_GAP) -> None:
        self.max_gap = max_gap
        self.posture = PostureState.UNKNOWN
        self.sitting_since: float | None = None
        self.paused = self.calibrating = self.camera_problem = self.locked = False
        #: When the pause ends (epoch s; None: until Resume, or not paused).
        self.paused_until: float | None = None
        #: Who holds the webcam while we yield it to them ("" when unknown); None: nobody.
        self.camera_busy: str | None = None
        #: One line on why the monitor worker failed or is restarting (None: it is fine).
        self.error: str | None = None
        self.seconds: dict[PostureState, float] = dict.fromkeys(PostureState, 0.0)
        #: Why the current (smoothed) state is unknown, e.g. "too dark"; None otherwise.
        self.unknown_reason: str | None = None
        self._last_t: float | None = None
        self._seen_any = False
        self._today: TodayFigures | None = None
        self._written_to = 0.0  # the history holds every minute before this time
        #: Credited spans not yet in the history: (start, end, state).
        self._unwritten: list[tuple[float, float, PostureState]] = []

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
            end = self._last_t + min(t - self._last_t, self.max_gap)
            self.seconds[self.posture] += end - self._last_t
            if self._today is not None and end > self._written_to:
                start = max(self._last_t, self._written_to)
                self._unwritten.append((start, end, self.posture))
        self._last_t, self.posture, self.sitting_since = t, state, sitting_since
        self.unknown_reason = str(reason) if reason and state == PostureState.UNKNOWN else None
        self._seen_any = True

    def interrupt(self) -> None:
        """A pause or a camera problem: the next verdict starts a fresh interval."""
        self._last_t = None

    def new_day(self) -> None:
        """Midnight: today's tallies start again (the state itself carries on); the
        history's figures are yesterday's until :meth:`set_today` is called again."""
        self.seconds = dict.fromkeys(PostureState, 0.0)
        self._today, self._unwritten = None, []

    def set_today(self, figures: TodayFigures | None, written_to: float) -> None:
        """Today's figures as the history holds them, which covers every minute before
        ``written_to``; time credited after it is added to them until the next call.
        None (no history to read): the tallies since launch stand for today."""
        self._today, self._written_to = figures, written_to
        self._unwritten = [
            (max(start, written_to), end, state)
            for start, end, state in self._unwritten
            if end > written_to
        ]

    def today_seconds(self, state: PostureState) -> float:
        """Seconds in ``state`` today: the history's and the unwritten ones (or, without
        a history, those since launch). Only upright and slouch are kept apart; for the
        others use :attr:`monitored_today`."""
        if self._today is None:
            return self.seconds[state]
        base = {
            PostureState.UPRIGHT: self._today.upright_s,
            PostureState.SLOUCH: self._today.slouch_s,
        }
        return base.get(state, 0.0) + sum(e - s for s, e, st in self._unwritten if st is state)

    @property
    def monitored_today(self) -> float:
        """Seconds monitored today in any state (the report's "monitored")."""
        if self._today is None:
            return sum(self.seconds.values())
        return self._today.monitored_s + sum(e - s for s, e, _ in self._unwritten)

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
        """Share of today's sitting time spent upright (None before any sitting): the
        report's figure for today when the history was read (see :meth:`set_today`)."""
        upright = self.today_seconds(PostureState.UPRIGHT)
        sitting = upright + self.today_seconds(PostureState.SLOUCH)
        return None if sitting <= 0 else upright / sitting

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

    def _label(self, t: float) -> str:
        if self.cannot_see is not None:
            # the reason is a stored key ("too dark"); its words are translated here
            reason = _(self.cannot_see)
            return pgettext("tray status", "can't see you well: {reason}").format(reason=reason)
        if self.state is TrayState.CAMERA_BUSY and self.camera_busy:
            return pgettext("tray status", "camera in use by {app}").format(app=self.camera_busy)
        if self.state is TrayState.PAUSED and self.paused_until is not None:
            until = ends_at(self.paused_until, t)
            return pgettext("tray status", "paused until {time}").format(time=until)
        return label(self.state)

    def tooltip(self, t: float, note: str | None = None) -> str:
        """``posture-watch: upright - sitting 23 min - 87% upright today`` (plus a note);
        ``posture-watch: paused until 08:00 tomorrow`` while paused."""
        shown = self.cannot_see is not None or self.state is TrayState.PAUSED
        words = self._label(t) if shown else label(self.state)
        head = pgettext("tray status", "posture-watch: {status}").format(status=words)
        return " - ".join([head, *self._details(t, note)])

    def status_line(self, t: float, note: str | None = None) -> str:
        """The menu's first line, for tray hosts that show no tooltip (most SNI hosts):
        ``Upright · sitting 23 min · 87% upright today``, ``Can't see you well: too
        dark`` while the person is there but cannot be judged, or ``Paused until 14:35``
        (what a person wants to know of a pause is when it ends, not today's share)."""
        words = self._label(t)
        return " · ".join([words[:1].upper() + words[1:], *self._details(t, note)])

    def facts(self, t: float) -> dict[str, object]:
        """The same as numbers, for scripts (``posture-watch status --json``)."""
        return {
            "state": str(self.state),
            "paused": self.paused,
            "paused_until": self.paused_until,
            "sitting_seconds": self.bout_seconds(t),
            "upright_share": self.upright_share,
            "unknown_reason": self.cannot_see,
        }

    def _details(self, t: float, note: str | None) -> list[str]:
        """What follows the state: the note, the sitting time, today's upright share
        (not while paused: then the line says when the pause ends)."""
        parts = [note] if note else []
        if self.state is TrayState.PAUSED:
            return parts
        bout = self.bout_seconds(t)
        if bout is not None:
            parts.append(
                pgettext("tray status", "sitting {time}").format(time=format_minutes(bout))
            )
        share = self.upright_share
        if share is not None:
            parts.append(
                pgettext("tray status", "{percent} upright today").format(percent=percent(share))
            )
        return parts
