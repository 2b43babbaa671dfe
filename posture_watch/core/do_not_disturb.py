"""Do not disturb: nudges and break windows wait while the person is busy, and say so.

A nudge that pops up over a talk being given, a film or a video call is worse than none;
a nudge that quietly never comes is a broken promise. So while the desktop says "not now"
(:class:`Disturb`: a full-screen window has the focus, the notification server is
paused, a call has the camera), a nudge that falls due is *held back*: not shown, but
recorded as :class:`PromptHeld` with the reason, so the report can say "nudges held
back: 3 (full-screen window 2, notifications paused 1)".

When the last reason goes away, a held **break** is offered once, if it still makes
sense: the person is still in the same sitting spell, and neither a pause nor quiet
hours are in force (a break nudge comes once a sitting spell, so dropping it would mean
no break nudge at all). A held **posture** nudge is only counted: it described a slouch
of that moment, which may be long over (the prompt rules never replay a suppressed alert
either). A stretch the person asks for is never held: they asked.

A break nudge shown with buttons opens its stretch window only after its time to choose
(:mod:`posture_watch.core.nudge_answers`); when that time runs out while nudges wait, the
window is held back too, counted like a nudge, and opens once when the last reason goes
away, on the same terms as a held break (the same sitting spell, no pause, no quiet hours).

A person who works full screen all day would get no nudges at all, so the settings'
``[prompts] hold_when_fullscreen = false`` stops a full-screen window from being a reason
(notifications paused and a call still are); the session follows a change of it at once.

The reasons come from two places: the desktop watchers post
:class:`~posture_watch.core.stream.Disturbance` (the full screen and the notification
server, :mod:`posture_watch.desktop.do_not_disturb`), and the camera lent to a call is
the session's own :attr:`~posture_watch.core.status.MonitorStatus.camera_busy` (the
worker's ``CameraBusy``/``CameraFree``). The session keeps a :class:`HoldBack` and calls
the three functions at the bottom; like the session, nothing here reads a clock or does
I/O.

The values (:class:`Disturb`, the :class:`PromptHeld` event, the report's tally) are in
:mod:`posture_watch.core.held_back`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from posture_watch.core import effects as fx
from posture_watch.core.held_back import WORDS, Disturb, PromptHeld, first_reason
from posture_watch.core.prompt_rules import PromptDue, Reason
from posture_watch.core.stream import Now, WindowKind
from posture_watch.core.text import _

if TYPE_CHECKING:
    from posture_watch.core.session import Session
    from posture_watch.core.session_settings import SessionSettings


@dataclass
class HoldBack:
    """Do not disturb's state in a session: the reasons in force and what waits.

    ``desktop`` is what the watchers last posted; ``camera_lent`` follows the worker's
    camera events; ``fullscreen`` False: a full-screen window is no reason (the setting
    ``hold_when_fullscreen``). ``held`` counts the nudges held back since the start, by
    reason, and ``held_now`` those of the current spell of do not disturb; ``waiting`` is
    the last break held back, offered once when the reasons are gone, ``window`` the
    break nudge whose stretch window was held back (opened then instead), and ``journal``
    whether the day's "How do you feel today?" waits for them to go too."""

    desktop: frozenset[Disturb] = frozenset()
    camera_lent: bool = False
    fullscreen: bool = True
    held: Counter[Disturb] = field(default_factory=Counter)
    held_now: int = 0
    waiting: PromptDue | None = None
    window: PromptDue | None = None
    journal: bool = False

    @property
    def reasons(self) -> frozenset[Disturb]:
        """Every reason in force now (empty: nudges are shown)."""
        lent = {Disturb.CAMERA_LENT} if self.camera_lent else set()
        ignored = set() if self.fullscreen else {Disturb.FULLSCREEN}
        return (self.desktop - ignored) | lent

    def hold(self, due: PromptDue) -> PromptHeld | None:
        """Hold ``due`` back if a reason is in force: the event to record, else None
        (show it). A stretch asked for is never held; a break is kept to offer later."""
        if due.reason is Reason.MANUAL:
            return None
        why = self._count()
        if why is None:
            return None
        if due.reason is Reason.LONG_SITTING:
            self.waiting, self.window = due, None  # the newer break is the one to offer
        return PromptHeld(due.t, due.reason, why)

    def hold_window(self, due: PromptDue, t: float) -> PromptHeld | None:
        """Hold back the stretch window of the break nudge ``due``, due to open at ``t``
        (its buttons went unpressed), if a reason is in force: the event to record, else
        None (open it)."""
        why = self._count()
        if why is None:
            return None
        self.window, self.waiting = due, None
        return PromptHeld(t, due.reason, why)

    def _count(self) -> Disturb | None:
        """The reason something is held back now, counted; None when nothing holds."""
        why = first_reason(self.reasons)
        if why is not None:
            self.held[why] += 1
            self.held_now += 1
        return why

    def follow(
        self, desktop: frozenset[Disturb], camera_lent: bool, fullscreen: bool | None = None
    ) -> bool:
        """Take the reasons in force now (and whether a full screen is one, when given);
        True when the last one just went away."""
        before = self.reasons
        self.desktop, self.camera_lent = frozenset(desktop), camera_lent
        if fullscreen is not None:
            self.fullscreen = fullscreen
        if not before:
            self.held_now = 0  # a new spell of do not disturb (or still none)
        return bool(before) and not self.reasons

    def note(self) -> str | None:
        """One line on what waits now, for the menu's status line and the tooltip:
        ``nudges wait: full-screen window, 2 held back``; None when nothing is in force.
        (The words say what happens: "do not disturb" is the glossary's banned name for
        quiet hours, see docs/words.md.)"""
        why = first_reason(self.reasons)
        if why is None:
            return None
        reason = _(WORDS[why])
        if not self.held_now:
            return _("nudges wait: {reason}").format(reason=reason)
        return _("nudges wait: {reason}, {held} held back").format(
            reason=reason, held=self.held_now
        )


# -- the session's hooks ---------------------------------------------------------------


def hold_back(settings: SessionSettings) -> HoldBack:
    """A session's do not disturb, as its settings have it."""
    return HoldBack(fullscreen=_fullscreen_holds(settings))


def _fullscreen_holds(settings: SessionSettings) -> bool:
    """Whether a full-screen window holds nudges back (``[prompts] hold_when_fullscreen``;
    yes when no settings file is followed)."""
    return settings.config is None or settings.config.prompts.hold_when_fullscreen


def held(session: Session, due: PromptDue, out: list[fx.Effect]) -> bool:
    """Called before a nudge is shown: True when do not disturb held it back (recorded
    in the event log and the history), so the caller shows nothing."""
    event = session.dnd.hold(due)
    if event is None:
        return False
    out += [fx.Log(event), fx.Record(event)]
    return True


def disturbed(
    session: Session, desktop: frozenset[Disturb], now: Now, out: list[fx.Effect]
) -> None:
    """The desktop watchers' reasons changed (a :class:`Disturbance`)."""
    if session.dnd.follow(desktop, session.status.camera_busy is not None):
        _ended(session, now, out)


def camera_followed(session: Session, now: Now, out: list[fx.Effect]) -> None:
    """The worker lent the camera to a call or got it back (``CameraBusy``/``CameraFree``,
    already applied to the status)."""
    lent = session.status.camera_busy is not None
    if session.dnd.follow(session.dnd.desktop, lent):
        _ended(session, now, out)


def settings_followed(session: Session, now: Now, out: list[fx.Effect]) -> None:
    """The settings changed (already the session's): ``hold_when_fullscreen`` turned off
    during a film lets what waited for it go now."""
    hold = session.dnd
    if hold.follow(hold.desktop, hold.camera_lent, _fullscreen_holds(session.settings)):
        _ended(session, now, out)


def window_held(session: Session, due: PromptDue, now: Now, out: list[fx.Effect]) -> bool:
    """Called when the break nudge ``due``'s time to choose ran out (its stretch window
    would open now): True when do not disturb held the window back (recorded like a held
    nudge), so the caller opens nothing. Nothing is held where no window would open."""
    if due.stretch is None or session.stopped or not session.settings.windows:
        return False
    event = session.dnd.hold_window(due, session.time(now))
    if event is None:
        return False
    out += [fx.Log(event), fx.Record(event)]
    return True


def ask_journal(session: Session, out: list[fx.Effect]) -> None:
    """The day's "How do you feel today?" (the journal window at the report time): now,
    or when the reasons to wait are gone (a window over a talk is no better than a
    nudge)."""
    if session.dnd.reasons:
        session.dnd.journal = True
    else:
        session.want(WindowKind.JOURNAL, out)


def _ended(session: Session, now: Now, out: list[fx.Effect]) -> None:
    """The last reason went away: the journal question that waited, then the break
    (or a break's stretch window) held back, once, if it still makes sense now: not
    stopped, paused or in quiet hours, and still the sitting spell it was due in (a
    spell that started after it, or none, means the person has had a break since)."""
    hold = session.dnd
    due, hold.waiting = hold.waiting, None
    window, hold.window = hold.window, None
    if hold.journal and not session.stopped:
        session.want(WindowKind.JOURNAL, out)
    hold.journal = False
    if session.stopped or session.status.paused or session.quiet(now):
        return
    if due is not None and _same_spell(session, due):
        t = session.time(now)
        lasted = None if due.lasted is None else due.lasted + max(t - due.t, 0.0)
        session.show(replace(due, t=t, lasted=lasted), out)
    elif (
        window is not None
        and window.stretch is not None
        and _same_spell(session, window)
        and not session.windows.asked(WindowKind.STRETCH)  # one asked for may be open
    ):
        session.want(WindowKind.STRETCH, out, window.stretch.id)


def _same_spell(session: Session, due: PromptDue) -> bool:
    """Whether the person still sits in the sitting spell ``due`` came in."""
    spell = session.status.sitting_since
    return spell is not None and spell <= due.t


__all__ = [
    "HoldBack",
    "ask_journal",
    "camera_followed",
    "disturbed",
    "held",
    "hold_back",
    "settings_followed",
    "window_held",
]
