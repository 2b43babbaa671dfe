"""When the tray prompts and what it shows: the pure scheduling rules.

The timeline says *what happened* (a sustained slouch, a long sitting bout); this module
decides whether that becomes a prompt now, respecting the person: nothing while paused,
away or in quiet hours, nothing during a snooze, and at most ``max_per_hour`` prompts in
any sliding hour. It also runs the periodic posture check that replaces a timer-only
reminder: it counts only time the person sits in front of the camera.

Like the timeline, :class:`PromptScheduler` never reads the clock (times are seconds on
the caller's clock, the same one the timeline uses) and does no I/O, so the tray, a
replay and the tests all make the same decisions. Every decision comes back as a value:
a :class:`PromptDue` to show (turned into a :class:`PromptShown` event once shown) or a
:class:`PromptSuppressed` event saying which rule held it back, so the report can tell
"no prompts today" from "prompts were snoozed all afternoon".
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from posture_watch.core.durations import format_span
from posture_watch.core.events import BreakStarted, LongSittingAlert, SlouchAlert
from posture_watch.core.prompts import Problem, Prompt, PromptChooser, PromptKind
from posture_watch.core.scoring import PostureState
from posture_watch.core.text import N_, _

#: Width of the sliding window of the hourly limit, seconds.
HOUR = 3600.0
#: Longest gap between two steps that still counts as present time for the posture check.
#: Matches the slowest frame interval the settings allow (60 s); a longer gap means the
#: loop was paused or stalled (laptop asleep), and that time was not seen sitting.
MAX_STEP_GAP = 60.0

_PRESENT = (PostureState.UPRIGHT, PostureState.SLOUCH)
#: Prompt kinds the scheduler asks for; a prompt set without one of them is refused early.
_NEEDED = (PromptKind.POSTURE_CHECK, PromptKind.BREAK, PromptKind.STRETCH)


class Reason(StrEnum):
    """Why a prompt was due."""

    SLOUCH = "slouch"
    LONG_SITTING = "long_sitting"
    CHECK = "check"
    MANUAL = "manual"


class Answer(StrEnum):
    """How the person answered a prompt (``ignored``: it timed out unanswered)."""

    DONE = "done"
    SNOOZED = "snoozed"
    SKIPPED = "skipped"
    IGNORED = "ignored"
    DISMISSED = "dismissed"
    FINE = "fine"  # "I'm fine" on a posture nudge: the posture seen was fine


class Why(StrEnum):
    """Which rule held a due prompt back; checked in this order, the first one is named.

    ``away`` also covers state unknown (someone there but not measurable, e.g. turned
    away): a prompt is only shown to a person seen facing the screen.
    """

    PAUSED = "paused"
    AWAY = "away"
    QUIET = "quiet"
    SNOOZED = "snoozed"
    RATE_LIMIT = "rate_limit"
    #: Not a rule: the desktop did not show the notification (server frozen or gone), so
    #: the history does not count it as a prompt somebody saw.
    NOT_SHOWN = "not_shown"
    #: Not a rule either: it came less than a minute after another nudge and was merged
    #: into the one that asks more (:mod:`posture_watch.core.nudge_spacing`).
    MERGED = "merged"


@dataclass(frozen=True)
class PromptShown:
    """A prompt the tray showed; ``stretch_id`` names the stretch shown with a break."""

    t: float
    prompt_id: str
    kind: PromptKind
    reason: Reason
    stretch_id: str | None = None


@dataclass(frozen=True)
class PromptAnswered:
    """The person's answer to the prompt ``prompt_id``."""

    t: float
    prompt_id: str
    answer: Answer


@dataclass(frozen=True)
class PromptSuppressed:
    """A prompt was due for ``reason`` but the rule ``why`` held it back (not queued)."""

    t: float
    reason: Reason
    why: Why


@dataclass(frozen=True)
class PromptDue:
    """What the tray should show now.

    ``stretch`` accompanies a break (the stretch to do during it); a stretch asked for
    from the menu is the ``prompt`` itself, with ``stretch`` None.

    The facts behind it, so the nudge can say why (see :func:`nudge_message`):
    ``lasted`` is how long the slouch had lasted (``SlouchAlert.episode_start`` to ``t``),
    how long the person had sat (``LongSittingAlert.sitting_since`` to ``t``) or, for a
    periodic check, the seconds at the screen since the last nudge; None for a stretch
    asked for. ``problem`` is what the slouch looked like (None: not known).
    """

    t: float
    reason: Reason
    prompt: Prompt
    stretch: Prompt | None = None
    lasted: float | None = None
    problem: Problem | None = None

    def shown(self) -> PromptShown:
        """The history event for this prompt, once the tray has shown it."""
        stretch_id = self.stretch.id if self.stretch is not None else None
        return PromptShown(self.t, self.prompt.id, self.prompt.kind, self.reason, stretch_id)


class PromptSettings(Protocol):
    """What :meth:`PromptRules.from_config` reads (``config.PromptConfig`` has it); a
    protocol so the core need not import the config adapter and its dependencies."""

    @property
    def check_every(self) -> float: ...
    @property
    def max_per_hour(self) -> int: ...
    @property
    def snooze(self) -> float: ...


@dataclass(frozen=True)
class PromptRules:
    """The user's prompt limits, in seconds: a posture check every ``check_every`` seconds
    of present time (0 = off), at most ``max_per_hour`` prompts in any 3600 s, and
    ``snooze`` seconds of silence after a snooze answer."""

    check_every: float = 45 * 60.0
    max_per_hour: int = 4
    snooze: float = 10 * 60.0

    def __post_init__(self) -> None:
        for name in ("check_every", "snooze"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
        if isinstance(self.max_per_hour, bool) or not isinstance(self.max_per_hour, int):
            raise ValueError(f"max_per_hour must be a whole number, got {self.max_per_hour!r}")
        if self.max_per_hour < 1:
            raise ValueError(f"max_per_hour must be at least 1, got {self.max_per_hour}")

    @classmethod
    def from_config(cls, cfg: PromptSettings) -> PromptRules:
        """The rules from the settings file's ``[prompts]`` table (``config.PromptConfig``)."""
        return cls(float(cfg.check_every), int(cfg.max_per_hour), float(cfg.snooze))


class PromptScheduler:
    """Decides, frame by frame, whether to prompt, and picks what to show.

    Triggers, one prompt per step at most, in this order of precedence:

    * ``LongSittingAlert`` → a break plus a stretch to do during it (one prompt event).
      A slouch alert in the same step is folded in: the break already gets the person up.
    * ``SlouchAlert`` → a posture check.
    * ``check_every`` seconds of present time since the last prompt shown → a posture check.
      Present time is time in state upright or slouch, not paused, at most
      :data:`MAX_STEP_GAP` per step, so a pause or a stalled loop never counts.

    A trigger is suppressed (see :class:`Why`) rather than queued: an alert describes the
    posture of that moment, and replaying it after a pause, a snooze or quiet hours would
    nag about something that may be long over. The timeline raises a new alert if the
    problem persists. A suppressed check still restarts the check count (otherwise it
    would be suppressed again on every frame); a suppressed alert does not, since only a
    prompt *shown* restarts it.

    What to show depends on the problem seen. ``problem`` passed to :meth:`step` is
    :func:`~posture_watch.core.prompts.problem_from_features` of the frame; it is only
    believed while the state is slouch, because that function explains a slouch and calls
    any visible head "forward head". The problem at each slouch alert is remembered until
    the next break (``BreakStarted``), so the long-sitting stretch answers the problem
    seen in this sitting bout, or ``long_sitting`` when there was none.
    """

    def __init__(self, rules: PromptRules, chooser: PromptChooser) -> None:
        missing = [kind.value for kind in _NEEDED if not chooser.candidates(kind)]
        if missing:
            raise ValueError(f"no prompts of kind(s): {', '.join(missing)}")
        self.rules = rules
        self._chooser = chooser
        self._t: float | None = None
        self._present = 0.0  # present seconds since the last prompt shown
        self._counted_to: float | None = None  # time up to which _present is accounted
        self._shown: list[float] = []  # times of prompts shown in the last hour, sorted
        self._snoozed_until: float | None = None
        self._seen: Problem | None = None  # problem at the last slouch alert of this bout

    @property
    def snoozed_until(self) -> float | None:
        """End of the current or last snooze (caller's clock), None if never snoozed."""
        return self._snoozed_until

    @property
    def present_since_prompt(self) -> float:
        """Present seconds counted towards the next posture check."""
        return self._present

    def step(
        self,
        t: float,
        state: PostureState,
        events: Sequence[object],
        *,
        paused: bool = False,
        quiet: bool = False,
        problem: Problem | None = None,
    ) -> list[PromptDue | PromptSuppressed]:
        """Advance to ``t`` with one analysed frame: its smoothed ``state`` and timeline
        ``events``. ``quiet`` is whether quiet hours are in force (the caller reads the
        wall clock). Returns at most one item: the prompt to show or why none was shown.
        """
        if self._t is not None and t < self._t:
            raise ValueError(f"time went backwards: {t} < {self._t}")
        if state in _PRESENT and not paused and self._counted_to is not None:
            self._present += min(max(t - self._counted_to, 0.0), MAX_STEP_GAP)
        self._t = t
        self._counted_to = max(t, self._counted_to or t)
        slouch_problem = problem if state is PostureState.SLOUCH else None
        if any(isinstance(e, BreakStarted) for e in events):
            self._seen = None
        slouch_alert = next((e for e in events if isinstance(e, SlouchAlert)), None)
        sitting_alert = next((e for e in events if isinstance(e, LongSittingAlert)), None)
        slouch = slouch_alert is not None
        if slouch:
            # the slouch score measures the head sinking: forward head unless told otherwise
            self._seen = slouch_problem or Problem.FORWARD_HEAD
        check_due = 0 < self.rules.check_every <= self._present
        if sitting_alert is not None:
            reason, lasted = Reason.LONG_SITTING, t - sitting_alert.sitting_since
        elif slouch_alert is not None:
            reason, lasted = Reason.SLOUCH, t - slouch_alert.episode_start
        elif check_due:
            reason, lasted = Reason.CHECK, self._present
        else:
            return []
        why = self._held_back(t, state, paused, quiet)
        if why is not None:
            if check_due:
                self._present = 0.0
            return [PromptSuppressed(t, reason, why)]
        return [self._show(t, reason, slouch_problem or self._seen, max(lasted, 0.0))]

    def stretch_now(self, t: float, problem: Problem | None = None) -> PromptDue:
        """A stretch for the tray's "Stretch now": the person asked, so no rule holds it back.

        It still counts toward the hourly limit and restarts the check count. Without a
        ``problem``, the one seen at the last slouch alert of this sitting bout is used;
        with neither, any stretch may come. A snooze stays in force for automatic prompts.
        """
        stretch = self._choose(PromptKind.STRETCH, problem or self._seen)
        self._record(t)
        return PromptDue(t, Reason.MANUAL, stretch)

    def answered(self, t: float, prompt_id: str, answer: Answer) -> PromptAnswered:
        """Record the person's answer; a snooze silences automatic prompts for ``snooze`` s."""
        if answer is Answer.SNOOZED:
            until = t + self.rules.snooze
            self._snoozed_until = max(until, self._snoozed_until or until)
        return PromptAnswered(t, prompt_id, answer)

    # -- internals ----------------------------------------------------------------------

    def _held_back(self, t: float, state: PostureState, paused: bool, quiet: bool) -> Why | None:
        if paused:
            return Why.PAUSED
        if state not in _PRESENT:
            return Why.AWAY
        if quiet:
            return Why.QUIET
        if self._snoozed_until is not None and t < self._snoozed_until:
            return Why.SNOOZED
        if self._shown_in_hour(t) >= self.rules.max_per_hour:
            return Why.RATE_LIMIT
        return None

    def _show(self, t: float, reason: Reason, problem: Problem | None, lasted: float) -> PromptDue:
        self._record(t)
        if reason is Reason.LONG_SITTING:
            pause = self._choose(PromptKind.BREAK, Problem.LONG_SITTING)
            stretch = self._choose(PromptKind.STRETCH, problem or Problem.LONG_SITTING)
            return PromptDue(t, reason, pause, stretch, lasted=lasted, problem=problem)
        prompt = self._choose(PromptKind.POSTURE_CHECK, problem)
        seen = problem if reason is Reason.SLOUCH else None  # a check saw no slouch
        return PromptDue(t, reason, prompt, lasted=lasted, problem=seen)

    def _choose(self, kind: PromptKind, problem: Problem | None) -> Prompt:
        prompt = self._chooser.choose(kind, problem)
        if prompt is None:  # __init__ checked every kind we ask for
            raise AssertionError(f"no prompt of kind {kind.value}")
        return prompt

    def _record(self, t: float) -> None:
        """Count a prompt shown at ``t`` and restart the posture-check count."""
        bisect.insort(self._shown, t)  # the tray's t may precede the last frame's
        self._present = 0.0
        self._counted_to = max(t, self._counted_to or t)

    def _shown_in_hour(self, t: float) -> int:
        """Prompts shown in the window (t - 1 h, t]; forgets older ones."""
        del self._shown[: bisect.bisect_right(self._shown, t - HOUR)]
        return bisect.bisect_right(self._shown, t)


# -- what the nudge says ------------------------------------------------------------------

#: The notification's title per reason: what is asked, in plain words.
#: Marked with ``N_``, translated where the nudge is made (the language is chosen after
#: import).
TITLES = {
    Reason.SLOUCH: N_("Time to sit up"),
    Reason.LONG_SITTING: N_("Time for a break"),
    Reason.CHECK: N_("Posture check"),
}

#: What a slouch looked like and for how long, one whole sentence per problem.
_SEEN = {
    Problem.FORWARD_HEAD: N_("Your head has been forward for {spell}."),
    Problem.TILTED_SHOULDERS: N_("Your shoulders have been tilted for {spell}."),
    Problem.RAISED_SHOULDERS: N_("Your shoulders have been raised for {spell}."),
}


def why_sentence(reason: Reason, lasted: float | None, problem: Problem | None = None) -> str:
    """What was seen and for how long, as one sentence; ``''`` when there is nothing
    true to say (a stretch asked for, or no duration known).

    >>> why_sentence(Reason.SLOUCH, 40.2, Problem.FORWARD_HEAD)
    'Your head has been forward for 40 s.'
    >>> why_sentence(Reason.LONG_SITTING, 52 * 60)
    'You have been sitting for 52 min.'
    """
    if lasted is None or reason is Reason.MANUAL:
        return ""
    spell = format_span(lasted)
    if reason is Reason.SLOUCH:
        seen = _SEEN.get(problem) if problem is not None else None
        return _(seen or N_("You have been slouching for {spell}.")).format(spell=spell)
    if reason is Reason.LONG_SITTING:
        return _("You have been sitting for {spell}.").format(spell=spell)
    return _("You have been at your screen for {spell} since the last nudge.").format(spell=spell)


@dataclass(frozen=True)
class Nudge:
    """A notification's words: ``title`` and ``body``."""

    title: str
    body: str


def nudge_message(due: PromptDue) -> Nudge:
    """The notification for ``due``, in at most two short lines under its title: what
    was seen, then one tip (the first sentence of the prompt's text).

    ``Time to sit up`` / ``Your head has been forward for 40 s.`` / ``Draw your head back
    until it sits over your shoulders, chin level.``

    The title is the one thing to do (sit up; for a break, the tip says stand up and
    leave the desk). Nothing competes with it: a break's stretch is offered as a button
    where the server shows buttons (Stretch now) and in the stretch window, never as
    text here, and the guide section the prompt comes from (``prompt.source``) is shown
    in the stretch window and the report. A stretch asked for from the menu opens its
    window without a notification; its message is the stretch itself.
    """
    prompt = due.prompt
    why = why_sentence(due.reason, due.lasted, due.problem)
    tip = first_sentence(_(prompt.text))  # the library's text, translated at display
    lines = [why, tip] if why else [tip]
    title = TITLES.get(due.reason, prompt.title)
    return Nudge(_(title), "\n".join(lines))


#: A sentence ends at ``.``, ``!`` or ``?`` before a space or the end, or at the full
#: stops of Japanese and Chinese text, which no space follows.
_SENTENCE = re.compile(r"(.+?(?:[.!?](?=\s|$)|[。！？]))", re.S)


def first_sentence(text: str) -> str:
    """The first sentence of ``text`` (all of it when it has no full stop).

    >>> first_sentence("Stand up and walk. Legs that move push blood through muscles.")
    'Stand up and walk.'
    """
    match = _SENTENCE.match(text.strip())
    return match[1] if match else text.strip()
