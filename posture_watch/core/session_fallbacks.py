"""What the tray says instead of a window when no window can open.

The stretch window, the pain journal and the calibration window are Tk windows, and Tk
needs an X display: a Wayland desktop without XWayland has none. There the tray still
shows its icon (StatusNotifierItem) and its nudges, but a window it asked for did
nothing visible, and the reason went to stderr. Now the session, told once that windows
cannot open (:attr:`~posture_watch.core.session_settings.SessionSettings.windows`),
says so once at the start and gives each window's job to a notification that says what
to do: the stretch's steps in short words, or the command to run in a terminal. Pure:
these build :class:`~posture_watch.core.effects.Notify` effects.
"""

from __future__ import annotations

from posture_watch.core.effects import Notify
from posture_watch.core.prompts import Prompt
from posture_watch.core.stream import WindowKind
from posture_watch.core.text import N_, _, ngettext

#: Said once, when the tray starts on a desktop where no window can open.
NO_WINDOWS = (
    N_("posture-watch cannot open windows here"),
    N_(
        "This desktop has no X display (Wayland without XWayland), so stretches, the pain "
        "journal and Calibrate… come as notifications that say what to do. Nudges work as "
        "usual. Installing XWayland brings the windows back."
    ),
)

#: The windows that are a command in a terminal instead (title, body; marked, not
#: translated: the language is chosen after import).
COMMANDS = {
    WindowKind.JOURNAL: (
        N_("Pain journal"),
        N_(
            "No window can open on this desktop. To note how you feel, run "
            "`posture-watch journal` in a terminal."
        ),
    ),
    WindowKind.CALIBRATE: (
        N_("Calibrate"),
        N_(
            "No window can open on this desktop. Sit upright, facing your screen, and run "
            "`posture-watch calibrate` in a terminal."
        ),
    ),
}


def no_windows() -> Notify:
    """The notice said once where no window can open, in the person's language."""
    title, body = NO_WINDOWS
    return Notify(_(title), _(body))


def command_notice(kind: WindowKind) -> Notify | None:
    """The notice that names the command to run instead of ``kind``'s window (``None``
    for a window that has no command: the stretch comes as its steps instead)."""
    if kind not in COMMANDS:
        return None
    title, body = COMMANDS[kind]
    return Notify(_(title), _(body))


def stretch_steps(stretch: Prompt) -> str:
    """The stretch in a few short lines: its steps, then how long to hold and how often
    (``Hold each for 20 s, 3 times.``). The steps are the library's data, translated here
    where they are shown."""
    lines = [
        _("{number}. {step}").format(number=n, step=_(step))
        for n, step in enumerate(stretch.steps, 1)
    ]
    if stretch.hold_seconds:
        if stretch.repetitions > 1:
            hold = ngettext(  # only for 2 or more: the singular serves languages' forms
                "Hold for {seconds} s, {times} time.",
                "Hold for {seconds} s, {times} times.",
                stretch.repetitions,
            )
        else:
            hold = _("Hold for {seconds} s.")
        lines.append(hold.format(seconds=stretch.hold_seconds, times=stretch.repetitions))
    return "\n".join(lines)


def stretch_notice(stretch: Prompt) -> Notify:
    """A stretch asked for from the menu, as a notification: its title and its steps."""
    return Notify(_("Stretch: {title}").format(title=_(stretch.title)), stretch_steps(stretch))


__all__ = [
    "COMMANDS",
    "NO_WINDOWS",
    "command_notice",
    "no_windows",
    "stretch_notice",
    "stretch_steps",
]
