"""When nudges go out: the warning before a break and the minute between two nudges.

The session's hooks for :mod:`posture_watch.core.break_warning` (the warning, Postpone and
Skip) and :mod:`posture_watch.core.nudge_spacing` (never two nudges within a minute), so
that :mod:`posture_watch.core.session` calls them in a few lines and the rules stay in
their own modules. :class:`NudgeTiming` turns their values into effects: the warning's
notification with its buttons, and the events the event log and the history keep
(:class:`~posture_watch.core.break_warning.BreakPostponed`,
:class:`~posture_watch.core.break_warning.BreakSkipped`, and a
:class:`~posture_watch.core.prompt_rules.PromptSuppressed` for a nudge merged into
another or given up while it waited). Pure, like the session.
"""

from __future__ import annotations

from collections.abc import Sequence

from posture_watch.core import effects as fx
from posture_watch.core.break_warning import (
    WARNING_ID,
    BreakPlan,
    BreakRules,
    WarningDue,
    warning_words,
)
from posture_watch.core.durations import format_span
from posture_watch.core.nudge_spacing import NudgeSpacer
from posture_watch.core.prompt_rules import (
    PromptDue,
    PromptScheduler,
    PromptSuppressed,
    Reason,
    Why,
)
from posture_watch.core.scoring import PostureState
from posture_watch.core.stream import MonitorEvent, NudgeAction
from posture_watch.core.text import pgettext

#: The notification category of the warning (the notification spec's ``category``).
WARNING_CATEGORY = "x-posture-watch.warning"


class NudgeTiming:
    """One session's break plan and nudge spacing; see the module docstring."""

    def __init__(self) -> None:
        self.plan = BreakPlan()
        self.spacer = NudgeSpacer()
        self._rules: BreakRules | None = None  # the break rules of the last frame

    def before_rules(
        self,
        t: float,
        sitting_since: float | None,
        events: Sequence[object],
        rules: BreakRules | None,
        *,
        can_warn: bool,
        out: list[fx.Effect],
    ) -> tuple[object, ...]:
        """A frame's timeline ``events`` as the prompt rules should see them (a postponed
        or skipped break's alert held back, a postponed one handed on when its time has
        come), and the warning's notification in ``out`` when it is due. ``can_warn``:
        the person is there, not paused, not in quiet hours or a snooze; the spacing of
        nudges is checked here. Without ``rules`` (no break rules given) nothing changes."""
        self._rules = rules
        if rules is None:
            return tuple(events)
        kept, warning = self.plan.step(
            t, sitting_since, events, rules, can_warn=can_warn and self.spacer.free(t)
        )
        if warning is not None:  # not a nudge: the break after it keeps its own time
            out.append(self.warning_notify(warning, rules))
        return kept

    def warning_notify(self, warning: WarningDue, rules: BreakRules) -> fx.Notify:
        """The warning "Break in 1 min", with Postpone (while the spell has one left) and Skip."""
        title, body = warning_words(warning)
        skip = pgettext("button", "Skip")
        actions: tuple[tuple[NudgeAction, str], ...] = ((NudgeAction.SKIP, skip),)
        if warning.can_postpone:
            postpone = pgettext("button", "Postpone {duration}").format(
                duration=format_span(rules.postpone)
            )
            actions = ((NudgeAction.POSTPONE, postpone), *actions)
        return fx.Notify(
            title, body, actions=actions, category=WARNING_CATEGORY, prompt_id=WARNING_ID
        )

    def let_through(self, due: PromptDue, out: list[fx.Effect]) -> bool:
        """Whether the nudge ``due`` may go out now; otherwise it waits for the minute to
        end (and one it merged with is recorded as suppressed). A posture nudge less
        than a minute before the break nudge is merged into it at once: the break gets
        the person up anyway (the warning has just said so)."""
        break_at = self.plan.due(self._rules) if self._rules is not None else None
        soon = break_at is not None and 0 <= break_at - due.t < self.spacer.spacing
        if soon and due.reason is not Reason.LONG_SITTING:
            _journal(PromptSuppressed(due.t, due.reason, Why.MERGED), out)
            return False
        go, merged = self.spacer.offer(due)
        if merged is not None:
            _journal(PromptSuppressed(merged.t, merged.reason, Why.MERGED), out)
        return go

    def release(self, t: float, why: Why | None, out: list[fx.Effect]) -> PromptDue | None:
        """The nudge that waited, once its minute is over at ``t``, to show now. ``why``
        is a rule that holds nudges back at ``t`` (paused, away, quiet hours): then the
        waiting nudge is given up and recorded as suppressed for it, as the prompt rules
        would have done had it come now."""
        if self.spacer.waiting is None:
            return None
        if why is not None:
            dropped = self.spacer.drop()
            if dropped is not None:
                _journal(PromptSuppressed(t, dropped.reason, why), out)
            return None
        return self.spacer.release(t)

    def answered(
        self, action: NudgeAction, t: float, rules: BreakRules | None, out: list[fx.Effect]
    ) -> None:
        """The warning's Postpone or Skip pressed at ``t``: the break moves or goes, and
        the event log and the history count it. A press that changes nothing (past the
        limit, the break already shown) is not counted."""
        if rules is None:
            return
        if action is NudgeAction.POSTPONE:
            event: MonitorEvent | None = self.plan.postpone(t, rules)
        elif action is NudgeAction.SKIP:
            event = self.plan.skip(t, rules)
        else:
            return
        if event is not None:
            _journal(event, out)


def why_not(
    t: float,
    state: PostureState,
    scheduler: PromptScheduler,
    *,
    paused: bool,
    quiet: bool,
) -> Why | None:
    """The prompt rules' reason to show nothing at ``t`` (paused, away or not seen
    facing the screen, quiet hours, a snooze), None when a nudge may go out: a nudge
    that waited and the warning before a break follow the same rules as a new nudge."""
    if paused:
        return Why.PAUSED
    if state not in (PostureState.UPRIGHT, PostureState.SLOUCH):
        return Why.AWAY
    if quiet:
        return Why.QUIET
    snoozed_until = scheduler.snoozed_until
    if snoozed_until is not None and t < snoozed_until:
        return Why.SNOOZED
    return None


def _journal(event: MonitorEvent, out: list[fx.Effect]) -> None:
    out += [fx.Log(event), fx.Record(event)]


__all__ = ["WARNING_CATEGORY", "NudgeTiming", "why_not"]
