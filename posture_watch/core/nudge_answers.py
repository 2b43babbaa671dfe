"""The buttons on a nudge, and what a press on one does: the same as the window's buttons.

Where the notification server shows buttons, a break nudge offers "Snooze 10 min" and
"Stretch now", and a posture nudge "I'm fine". A press comes back as
:class:`~posture_watch.core.stream.NotificationAnswered` and must feed the same history and
prompt rules as the stretch window's buttons, so a person gets the same result whichever
they use:

- **Snooze** is the window's Snooze: the prompt rules stay silent for the snooze time and
  the nudge is recorded as ``snoozed``;
- **Stretch now** opens the stretch window of the nudge's stretch now; the window's own
  answer (done, snoozed…) is then recorded as when it opens by itself;
- **I'm fine** records the posture nudge as answered ``fine``: the person says the
  posture seen was fine (the report can set these against the nudges).

A break nudge shown *with* buttons does not open its stretch window at once: the window
would make "Stretch now" pointless and cover the work the person may want to snooze. It
opens when "Stretch now" is pressed, or by itself after :data:`CHOICE_TIME` seconds
without a press (as long as the bubble with buttons stays up): ignoring a break nudge is
not a way to skip the break, Snooze is. Where the server has no buttons (the executor says so
in :class:`~posture_watch.core.stream.NudgeResult`), nothing changes: the window opens with
the nudge as before, and the body alone says what to do. Postpone and Skip answer the
warning before a break (:mod:`posture_watch.core.nudge_timing`), not handled here.

The session keeps a :class:`NudgeAnswers` and calls the functions at the bottom; like the
session, nothing here reads a clock or does I/O.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from posture_watch.core import do_not_disturb as dnd
from posture_watch.core import effects as fx
from posture_watch.core.durations import format_span
from posture_watch.core.prompt_rules import Answer, PromptDue, Reason
from posture_watch.core.stream import NotificationAnswered, NudgeAction, NudgeResult, WindowKind
from posture_watch.core.text import N_, _, pgettext

if TYPE_CHECKING:
    from posture_watch.core.session import Session
    from posture_watch.core.stream import Now

#: The notification spec's ``category`` of each nudge (an ``x-vendor.`` name: none of the
#: spec's own categories, made for mail, calls and devices, fits).
POSTURE_CATEGORY = "x-posture-watch.posture"
BREAK_CATEGORY = "x-posture-watch.break"
#: The buttons' words, marked without a context (``_()`` shows them: ``pgettext`` would
#: look them up under "button", where extraction never put them, and show English).
#: Snooze says its time (the ``snooze`` setting) when it is made.
STRETCH_LABEL = N_("Stretch now")
FINE_LABEL = N_("I'm fine")
#: How long a break nudge's buttons wait for a press before its stretch window opens by
#: itself (seconds of true time; the bubble with buttons stays up as long).
CHOICE_TIME = 30.0
#: How many nudges may wait for a press at once; older ones are forgotten (their bubbles
#: have long expired or been replaced).
KEEP = 8


class NudgeAnswers:
    """The nudges shown with buttons that may still be answered, by ``prompt_id``."""

    def __init__(self) -> None:
        self._waiting: OrderedDict[str, PromptDue] = OrderedDict()
        self._open_at: dict[str, float] = {}  # a break's stretch window opens then

    def expect(self, due: PromptDue, open_at: float | None = None) -> None:
        """``due`` was shown with buttons: a press on them may come. ``open_at``: when
        its stretch window opens without one (true time, s)."""
        self.take(due.prompt.id)
        self._waiting[due.prompt.id] = due
        if open_at is not None:
            self._open_at[due.prompt.id] = open_at
        while len(self._waiting) > KEEP:
            self.take(next(iter(self._waiting)))

    def take(self, prompt_id: str) -> PromptDue | None:
        """The nudge a press answers (once: a second press of the same bubble is none)."""
        self._open_at.pop(prompt_id, None)
        return self._waiting.pop(prompt_id, None)

    def unanswered(self, t: float) -> list[PromptDue]:
        """The breaks whose time to choose is over at ``t``, taken: no press counts now."""
        late = [prompt_id for prompt_id, at in self._open_at.items() if at <= t]
        return [due for prompt_id in late if (due := self.take(prompt_id)) is not None]


def nudge_notify(session: Session, due: PromptDue, title: str, body: str) -> fx.Notify:
    """The notification of the nudge ``due`` with the buttons it offers: Snooze (for the
    prompt rules' snooze time) and, where a window can open, Stretch now on a break; I'm
    fine on a posture nudge. A stretch asked for gets none (it opens its window directly)."""
    scheduler, windows = session.scheduler, session.settings.windows
    snooze = scheduler.rules.snooze if scheduler is not None else 600.0
    actions: tuple[tuple[NudgeAction, str], ...] = ()
    category = ""
    if due.reason is Reason.LONG_SITTING:
        category = BREAK_CATEGORY
        snooze_label = pgettext("button", "Snooze {duration}").format(duration=format_span(snooze))
        actions = ((NudgeAction.SNOOZE, snooze_label),)
        if windows and due.stretch is not None:
            actions += ((NudgeAction.STRETCH, _(STRETCH_LABEL)),)
    elif due.reason in (Reason.SLOUCH, Reason.CHECK):
        category = POSTURE_CATEGORY
        actions = ((NudgeAction.FINE, _(FINE_LABEL)),)
    return fx.Notify(
        title, body, nudge=due, actions=actions, category=category, prompt_id=due.prompt.id
    )


def shown_with_buttons(session: Session, result: NudgeResult, out: list[fx.Effect]) -> bool:
    """The nudge of ``result`` was shown with its buttons: remember it for a press. True
    when that replaces the usual handling: a break, recorded as shown here, whose stretch
    window waits for "Stretch now" instead of opening at once."""
    due = result.due
    if not (result.shown and result.answerable) or due.reason is Reason.MANUAL:
        return False
    if due.reason is not Reason.LONG_SITTING:
        session.answers.expect(due)
        return False  # a posture nudge is recorded as usual
    session.answers.expect(due, due.t + CHOICE_TIME)
    shown = due.shown()
    out += [fx.Log(shown), fx.Record(shown)]
    return True


def choice_over(session: Session, now: Now, out: list[fx.Effect]) -> None:
    """On each tick: a break nudge left unanswered for :data:`CHOICE_TIME` opens its
    stretch window, as a break nudge without buttons does at once; while nudges wait
    (a film started meanwhile), do not disturb holds the window back instead."""
    for due in session.answers.unanswered(session.time(now)):
        if not dnd.window_held(session, due, now, out):
            _open_stretch(session, due, out)


def answered(session: Session, press: NotificationAnswered, now: Now, out: list[fx.Effect]) -> None:
    """A button pressed on a nudge: Snooze, Stretch now or I'm fine (see the module doc).
    A press on a nudge that is no longer waiting (answered already, or from before a
    restart) changes nothing."""
    if press.action not in (NudgeAction.SNOOZE, NudgeAction.STRETCH, NudgeAction.FINE):
        return
    due = session.answers.take(press.prompt_id)
    if due is None or session.stopped or session.scheduler is None:
        return
    if press.action is NudgeAction.STRETCH:
        _open_stretch(session, due, out)
        return
    answer = Answer.SNOOZED if press.action is NudgeAction.SNOOZE else Answer.FINE
    event = session.scheduler.answered(session.time(now), press.prompt_id, answer)
    out += [fx.Log(event), fx.Record(event)]


def _open_stretch(session: Session, due: PromptDue, out: list[fx.Effect]) -> None:
    stretch = due.stretch
    if (
        stretch is not None
        and not session.stopped
        and not session.windows.asked(WindowKind.STRETCH)
    ):
        session.want(WindowKind.STRETCH, out, stretch.id)


__all__ = [
    "BREAK_CATEGORY",
    "CHOICE_TIME",
    "FINE_LABEL",
    "POSTURE_CATEGORY",
    "STRETCH_LABEL",
    "NudgeAnswers",
    "answered",
    "choice_over",
    "nudge_notify",
    "shown_with_buttons",
]
