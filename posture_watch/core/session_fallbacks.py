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

#: Said once, when the tray starts on a desktop where no window can open.
NO_WINDOWS = Notify(
    "posture-watch cannot open windows here",
    "This desktop has no X display (Wayland without XWayland), so stretches, the pain "
    "journal and Calibrate… come as notifications that say what to do. Nudges work as "
    "usual. Installing XWayland brings the windows back.",
)

#: The windows that are a command in a terminal instead.
COMMANDS = {
    WindowKind.JOURNAL: Notify(
        "Pain journal",
        "No window can open on this desktop. To note how you feel, run "
        "`posture-watch journal` in a terminal.",
    ),
    WindowKind.CALIBRATE: Notify(
        "Calibrate",
        "No window can open on this desktop. Sit upright, facing your screen, and run "
        "`posture-watch calibrate` in a terminal.",
    ),
}


def stretch_steps(stretch: Prompt) -> str:
    """The stretch in a few short lines: its steps, then how long to hold and how often
    (``Hold each for 20 s, 3 times.``)."""
    lines = [f"{n}. {step}" for n, step in enumerate(stretch.steps, 1)]
    if stretch.hold_seconds:
        times = f", {stretch.repetitions} times" if stretch.repetitions > 1 else ""
        lines.append(f"Hold for {stretch.hold_seconds} s{times}.")
    return "\n".join(lines)


def stretch_notice(stretch: Prompt) -> Notify:
    """A stretch asked for from the menu, as a notification: its title and its steps."""
    return Notify(f"Stretch: {stretch.title}", stretch_steps(stretch))


__all__ = ["COMMANDS", "NO_WINDOWS", "stretch_notice", "stretch_steps"]
