"""New settings for a running monitor: what the session takes, what the worker takes, and
what has to wait for a restart.

The settings file stays the source of truth: the tray watches it
(:mod:`posture_watch.tray.settings_watch`) and posts
:class:`~posture_watch.core.stream.SettingsChanged` whenever it changed, whether the
preferences window saved it or the person edited it by hand. Here the session follows it:

- its own rules at once: quiet hours, the daily report and its pain journal question,
  when "Pause until tomorrow" ends, the prompt limits (check-ins, nudges an hour,
  snooze), the warning before a break (its time, the postponements allowed) and
  whether a full-screen window holds nudges back (``hold_when_fullscreen``: the
  session's :func:`~posture_watch.core.do_not_disturb.settings_followed`, which lets what
  waited for a film go at once when it is turned off);
- the worker's by a :class:`~posture_watch.core.worker_events.Reconfigure` command: the
  decision thresholds (``sit_max``: the next break nudge follows it, in the sitting spell
  already running) and the sampling intervals;
- the camera's (source, picture size, letting go during calls) only after a restart of
  the monitor: said once, in one notification naming them;
- a file that is wrong now (a bad hand edit) changes nothing: the monitor keeps the
  settings it runs with and says, once, that the file is wrong.
"""

from __future__ import annotations

from dataclasses import replace

from posture_watch.core import effects as fx
from posture_watch.core.break_warning import BreakRules
from posture_watch.core.prompt_rules import PromptRules, PromptScheduler
from posture_watch.core.session_settings import SessionSettings
from posture_watch.core.settings_form import RESTART_NOTE, restart_fields, restart_names
from posture_watch.core.stream import SettingsChanged
from posture_watch.core.text import N_, _
from posture_watch.core.worker_events import Reconfigure

#: Marked ``N_``; translated where the notification is made.
WRONG_TITLE = N_("Settings file not used")
RESTART_TITLE = N_("Settings saved")


def follow_settings(
    settings: SessionSettings,
    scheduler: PromptScheduler | None,
    change: SettingsChanged,
    out: list[fx.Effect],
) -> SessionSettings:
    """The session's settings after ``change`` (the same ones when the file is wrong);
    the worker's command and what to tell the person go to ``out``."""
    if change.config is None:
        error = change.error or _("the settings file cannot be read")
        body = _("{error}. The monitor keeps its settings.").format(error=error)
        out.append(fx.Notify(_(WRONG_TITLE), body))
        return settings
    new, old = change.config, settings.config
    if scheduler is not None:
        scheduler.rules = PromptRules.from_config(new.prompts)
    if old is None or (new.decision, new.sampling) != (old.decision, old.sampling):
        sampling = new.sampling
        out.append(
            fx.Send(Reconfigure(new.decision, sampling.stable_interval, sampling.confirm_interval))
        )
    waiting = restart_fields(old, new) if old is not None else ()
    if waiting:
        names = restart_names(waiting)
        body = _("New {names}: {note}.").format(names=names, note=_(RESTART_NOTE))
        out.append(fx.Notify(_(RESTART_TITLE), body))
    breaks = BreakRules.from_config(new) if settings.breaks is not None else None
    return replace(
        settings,
        config=new,
        breaks=breaks,  # the warning before a break follows sit_max too
        quiet_hours=new.quiet_hours,
        daily_at=new.report.daily_at,
        journal_prompt=new.report.journal_prompt,
        morning=new.pause.morning,
    )


__all__ = ["RESTART_TITLE", "WRONG_TITLE", "follow_settings"]
