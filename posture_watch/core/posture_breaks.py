"""The session's side of breaks that follow your posture: when the limit is worked out,
what the worker is told, and what the break nudge says.

The limit itself is :func:`posture_watch.core.break_limits.break_limit`. The session
works it out when it starts, when a new day starts and when the settings file changes.
Once a day is enough: a week's median moves little in a day, and a limit that moved
within a sitting spell would make the warning before a break ("Break in 1 min") wrong.
Each day, and each time the mode or the limit changed, it is recorded (a
:class:`~posture_watch.core.break_limits.BreakTimingSet` for the history). The worker
gets the limit by a :class:`~posture_watch.core.worker_events.Reconfigure`, as when
``sit_max`` itself is changed in the preferences, so it applies live. Pure: the history
is read through a :class:`~posture_watch.core.break_limits.HoldReader` the executor
hands in (no reader, as in the console monitor: the file's ``sit_max`` stays).
"""

from __future__ import annotations

from dataclasses import replace

from posture_watch.core import effects as fx
from posture_watch.core.break_limits import (
    FIXED,
    LOOKBACK,
    POSTURE,
    BreakTimingSet,
    HoldReader,
    break_limit,
    hold_sentence,
    waiting_sentence,
)
from posture_watch.core.break_warning import BreakRules
from posture_watch.core.durations import format_minutes
from posture_watch.core.prompt_rules import (
    TITLES,
    Nudge,
    PromptDue,
    Reason,
    first_sentence,
    why_sentence,
)
from posture_watch.core.settings import AppConfig
from posture_watch.core.text import _
from posture_watch.core.worker_events import Reconfigure


def break_nudge(due: PromptDue, timing: BreakTimingSet | None) -> Nudge | None:
    """The break nudge's words while the setting is on; None otherwise (the usual
    :func:`~posture_watch.core.prompt_rules.nudge_message` stays). Following the
    posture, it says why now; still waiting for spells, the usual sentence and what the
    setting waits for. The tip is the prompt's, as ever."""
    if due.reason is not Reason.LONG_SITTING or timing is None or timing.mode != POSTURE:
        return None
    why = hold_sentence(timing)
    if not why:
        said = (why_sentence(due.reason, due.lasted), waiting_sentence(timing))
        why = " ".join(s for s in said if s)
    tip = first_sentence(_(due.prompt.text))
    return Nudge(_(TITLES[Reason.LONG_SITTING]), "\n".join([why, tip]))


def turned_on_notice(timing: BreakTimingSet) -> fx.Notify:
    """Said once when the setting is turned on while the monitor runs: the limit now."""
    limit = format_minutes(timing.limit)
    if timing.follows:
        # Translators: {hold} is the measured hold time, {limit} when break nudges now come.
        text = _(
            "Your posture usually fades after about {hold}: "
            "break nudges now come after {limit} of sitting."
        )
        body = text.format(hold=format_minutes((timing.hold or 0.0) * 60.0), limit=limit)
    else:
        # Translators: {reason} is a sentence such as "Breaks follow your posture once 5
        # sitting spells are measured (2 so far)."
        text = _("{reason} For now, break nudges come after {limit} of sitting.")
        body = text.format(reason=waiting_sentence(timing), limit=limit)
    return fx.Notify(_("Breaks follow your posture"), body)


class PostureBreaks:
    """One session's break timing: the limit in force and what the worker was told."""

    def __init__(self) -> None:
        #: The last limit set (None: never, e.g. no history to read).
        self.timing: BreakTimingSet | None = None
        self._worker_limit: float | None = None  # the sit_max the worker decides with

    def refresh(
        self,
        t: float,
        wall: float,
        config: AppConfig | None,
        reader: object,
        breaks: BreakRules | None,
        out: list[fx.Effect],
        *,
        worker_reset: bool = False,
        new_day: bool = False,
    ) -> BreakRules | None:
        """Work the limit out again at ``t`` (true time; ``wall`` for the history) and
        return the break rules to use. Sends the worker the limit when it changed and
        records it when the mode or the limit changed, and at each ``new_day`` (so every
        day the monitor ran has its record, for the week report's comparison).
        ``worker_reset``: the worker was just told the file's ``sit_max`` (a settings
        change)."""
        if config is None or not isinstance(reader, HoldReader):
            return breaks  # the console monitor without a history: the file's sit_max
        sit_max = float(config.decision.sit_max)
        if self._worker_limit is None or worker_reset:
            self._worker_limit = sit_max
        follow = bool(config.prompts.breaks_follow_posture)
        hold = reader.hold(wall - LOOKBACK, wall) if follow else None
        old, new = self.timing, break_limit(t, follow, sit_max, hold)
        if old is not None and old.follows and follow and hold is None:
            new = replace(old, t=t, limit=min(old.limit, sit_max))  # unreadable: keep it
        self.timing = new
        if new.limit != self._worker_limit:
            sampling = config.sampling
            decision = config.decision.with_overrides(sit_max=new.limit)
            out.append(
                fx.Send(Reconfigure(decision, sampling.stable_interval, sampling.confirm_interval))
            )
            self._worker_limit = new.limit
        changed = old is None or (old.mode, old.limit, old.hold) != (new.mode, new.limit, new.hold)
        if changed or new_day:
            out.append(fx.Record(new))
            if old is not None and old.mode == FIXED and new.mode == POSTURE and changed:
                out.append(turned_on_notice(new))
        return replace(breaks, sit_max=new.limit) if breaks is not None else None


__all__ = ["PostureBreaks", "break_nudge", "turned_on_notice"]
