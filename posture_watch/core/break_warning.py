"""The warning before a break nudge, with Postpone and Skip: pure rules per sitting spell.

The timeline raises a :class:`~posture_watch.core.events.LongSittingAlert` once a sitting
spell has lasted ``sit_max`` seconds, and the session turns it into a break nudge. A break
that lands in the middle of a sentence gets dismissed, so ``warning`` seconds before it
the session shows "Break in 1 min" with two buttons: Postpone 5 min, which moves this
spell's break nudge 5 min later (at most ``max_postpones`` times a spell, then the warning
offers Skip only), and Skip, which lets this spell go without a break nudge. Both are
counted: they are events the history keeps and the report shows. What the warning says
holds: one that had to wait (another nudge had just gone out) moves the break so that it
still comes the full warning time later; the warning time is at most half of ``sit_max``.

:class:`BreakPlan` keeps one spell's postponements and does the rest by filtering the
events the prompt rules see: an alert that comes before the postponed time is held back
and handed on, with the spell's start, once that time has come; a skipped spell's alert is
dropped. It reads no clock (``t`` is the events' true time) and does no I/O; the session
(:mod:`posture_watch.core.nudge_timing`) makes its notifications and records its events.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from posture_watch.core.durations import format_span
from posture_watch.core.events import BreakStarted, LongSittingAlert
from posture_watch.core.text import _
from posture_watch.core.words import times

#: How far Postpone moves a break, seconds ("Postpone 5 min").
POSTPONE = 300.0
#: The ``prompt_id`` of the warning's notification: its buttons answer with it.
WARNING_ID = "break-warning"


class BreakSettings(Protocol):
    """What :meth:`BreakRules.from_config` reads (``config.AppConfig`` has it)."""

    @property
    def decision(self) -> _SitMax: ...
    @property
    def prompts(self) -> _WarningSettings: ...


class _SitMax(Protocol):
    @property
    def sit_max(self) -> float: ...


class _WarningSettings(Protocol):
    @property
    def break_warning(self) -> float: ...
    @property
    def max_postpones(self) -> int: ...


@dataclass(frozen=True)
class BreakRules:
    """Seconds: a break nudge after ``sit_max`` of sitting, warned ``warning`` before
    (0 = no warning), moved by ``postpone`` at most ``max_postpones`` times a spell."""

    sit_max: float = 3000.0
    warning: float = 60.0
    postpone: float = POSTPONE
    max_postpones: int = 2

    def __post_init__(self) -> None:
        for name in ("sit_max", "warning", "postpone"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
        if isinstance(self.max_postpones, bool) or self.max_postpones < 0:
            raise ValueError(f"max_postpones must be a whole number >= 0, got {self.max_postpones}")

    @classmethod
    def from_config(cls, config: BreakSettings) -> BreakRules:
        """The rules from the settings file: ``[sitting] sit_max`` and ``[prompts]``'s
        ``break_warning`` and ``max_postpones``."""
        prompts = config.prompts
        return cls(
            sit_max=float(config.decision.sit_max),
            warning=float(prompts.break_warning),
            max_postpones=int(prompts.max_postpones),
        )


@dataclass(frozen=True)
class BreakPostponed:
    """The person pressed Postpone at ``t``: the spell's break nudge now comes at
    ``until``; ``number`` counts the postponements of this spell (1, 2…)."""

    t: float
    until: float
    number: int


@dataclass(frozen=True)
class BreakSkipped:
    """The person pressed Skip at ``t``: no break nudge in this sitting spell (its
    nudge was due at ``due``)."""

    t: float
    due: float


@dataclass(frozen=True)
class WarningDue:
    """Show the warning now (``t``): the break nudge is due at ``due``; ``can_postpone``
    is whether the spell has a postponement left."""

    t: float
    due: float
    can_postpone: bool


def warning_words(warning: WarningDue) -> tuple[str, str]:
    """The warning's title and body; the time is the warning's own lead (the break is
    moved if need be, so it holds).

    >>> warning_words(WarningDue(0.0, 60.0, True))
    ('Break in 1 min', 'Finish what you are doing, then stand up and leave the desk.')
    """
    left = format_span(warning.due - warning.t)
    title = _("Break in {duration}").format(duration=left)
    return title, _("Finish what you are doing, then stand up and leave the desk.")


#: How the history stores the two answers (``break_answers.answer``).
POSTPONED, SKIPPED = "postponed", "skipped"


@dataclass(frozen=True)
class BreakAnswerRecord:
    """A warning's button as the history keeps it: pressed at ``t``, :data:`POSTPONED`
    or :data:`SKIPPED`, and when the break nudge was then due (``until`` of a
    postponement, ``due`` of a skip)."""

    t: float
    answer: str
    due: float | None = None


@dataclass(frozen=True)
class BreakAnswerTally:
    """Breaks postponed and skipped in a period (the report's figure)."""

    postponed: int = 0
    skipped: int = 0

    def text(self) -> str:
        """``breaks postponed twice, skipped once``; ``''`` when neither happened.

        >>> BreakAnswerTally(2, 1).text()
        'breaks postponed twice, skipped once'
        >>> BreakAnswerTally(0, 3).text()
        'breaks skipped 3 times'
        """
        postponed, skipped = times(self.postponed), times(self.skipped)
        if self.postponed and self.skipped:
            text = _("breaks postponed {postponed}, skipped {skipped}")
        elif self.postponed:
            text = _("breaks postponed {postponed}")
        elif self.skipped:
            text = _("breaks skipped {skipped}")
        else:
            return ""
        return text.format(postponed=postponed, skipped=skipped)


def tally_break_answers(records: Iterable[BreakAnswerRecord]) -> BreakAnswerTally:
    """Count the answers of a period (unknown answers, from a newer version, are left out)."""
    answers = [r.answer for r in records]
    return BreakAnswerTally(answers.count(POSTPONED), answers.count(SKIPPED))


class BreakPlan:
    """One sitting spell's warning, postponements and skip (see the module docstring).

    Feed it every verdict through :meth:`step`; :meth:`postpone` and :meth:`skip` are the
    warning's buttons. A new spell (``sitting_since`` changes, or a break starts) starts
    afresh: the count of postponements is per spell.
    """

    def __init__(self) -> None:
        self._spell: float | None = None
        self._postpones = 0
        self._skipped = False
        self._delay = 0.0  # a warning shown late moves the break to its full lead time
        self._warned_for: float | None = None  # the due time the last warning named
        self._held: LongSittingAlert | None = None  # the alert that waits for ``due``

    @property
    def postpones(self) -> int:
        """Postponements in this spell so far."""
        return self._postpones

    def due(self, rules: BreakRules) -> float | None:
        """When this spell's break nudge is due (true time), None outside a spell or
        once skipped."""
        if self._spell is None or self._skipped:
            return None
        return self._spell + rules.sit_max + self._postpones * rules.postpone + self._delay

    def step(
        self,
        t: float,
        sitting_since: float | None,
        events: Sequence[object],
        rules: BreakRules,
        *,
        can_warn: bool = True,
    ) -> tuple[tuple[object, ...], WarningDue | None]:
        """The events the prompt rules should see at ``t``, and a warning to show now.

        ``can_warn`` is False while a warning could not be shown (paused, away, quiet
        hours, a snooze, another nudge less than a minute ago): it is tried again at the
        next frame, as long as the break is still ahead."""
        if any(isinstance(e, BreakStarted) for e in events) or sitting_since != self._spell:
            self._new_spell(sitting_since)
        kept: list[object] = []
        for event in events:
            if isinstance(event, LongSittingAlert) and self._holds(event, t, rules):
                continue
            kept.append(event)
        due = self.due(rules)
        if self._held is not None and due is not None and t >= due:
            kept.append(LongSittingAlert(t, self._held.sitting_since))
            self._held = None
        return tuple(kept), self._warning(t, rules, can_warn)

    def postpone(self, t: float, rules: BreakRules) -> BreakPostponed | None:
        """Postpone pressed at ``t``: the break moves by ``rules.postpone``. None (nothing
        changes) outside a spell, after Skip, past the limit, or once the break nudge
        has already been shown."""
        due = self.due(rules)
        if due is None or self._postpones >= rules.max_postpones:
            return None
        if t >= due and self._held is None:  # the nudge came already
            return None
        self._postpones += 1
        return BreakPostponed(t, due + rules.postpone, self._postpones)

    def skip(self, t: float, rules: BreakRules) -> BreakSkipped | None:
        """Skip pressed at ``t``: no break nudge in this spell. None outside a spell,
        when skipped already, or once the break nudge has been shown."""
        due = self.due(rules)
        if due is None or (t >= due and self._held is None):
            return None
        self._skipped, self._held = True, None
        return BreakSkipped(t, due)

    # -- internals ----------------------------------------------------------------------

    def _new_spell(self, sitting_since: float | None) -> None:
        self._spell, self._postpones, self._skipped = sitting_since, 0, False
        self._delay, self._warned_for, self._held = 0.0, None, None

    def _holds(self, alert: LongSittingAlert, t: float, rules: BreakRules) -> bool:
        """Whether the timeline's ``alert`` waits (postponed, or a warning's time not
        over yet) or goes (skipped)."""
        if self._skipped:
            return True
        due = self.due(rules)
        if due is not None and t < due:
            self._held = alert
            return True
        return False

    def _warning(self, t: float, rules: BreakRules, can_warn: bool) -> WarningDue | None:
        """The warning, in the last ``lead`` seconds before the break; one shown late
        (it had to wait) moves the break, so "Break in 1 min" is always true."""
        due, lead = self.due(rules), lead_time(rules)
        if lead <= 0 or due is None or not can_warn or self._warned_for == due:
            return None
        if not due - lead <= t < due:
            return None
        self._delay += t + lead - due
        self._warned_for = due = t + lead
        return WarningDue(t, due, self._postpones < rules.max_postpones)


def lead_time(rules: BreakRules) -> float:
    """How long before the break the warning comes: the setting, but never more than
    half the sitting time (a warning as long as ``sit_max``, which the settings' own
    ranges allow, would come as the person sits down)."""
    return min(rules.warning, rules.sit_max / 2)


__all__ = [
    "POSTPONE",
    "POSTPONED",
    "SKIPPED",
    "WARNING_ID",
    "BreakAnswerRecord",
    "BreakAnswerTally",
    "BreakPlan",
    "BreakPostponed",
    "BreakRules",
    "BreakSettings",
    "BreakSkipped",
    "WarningDue",
    "lead_time",
    "tally_break_answers",
    "warning_words",
]
