"""The colour of each state, in one place: the tray icon and the report's charts use it.

A person learns "orange is slouching" from the icon and reads the report's timeline with
the same eyes, so both draw from this table (the tests also find the states in
screenshots by these colours). Pure data: the drawing stays in the adapters.
"""

from __future__ import annotations

from posture_watch.core.status import TrayState

RGB = tuple[int, int, int]

STATE_COLOURS: dict[TrayState, RGB] = {
    TrayState.STARTING: (150, 150, 150),
    TrayState.UPRIGHT: (40, 167, 69),
    TrayState.SLOUCH: (240, 140, 0),
    TrayState.AWAY: (70, 110, 200),
    TrayState.PAUSED: (110, 110, 110),
    TrayState.LOCKED: (60, 60, 140),
    TrayState.CAMERA_BUSY: (0, 140, 150),
    TrayState.CALIBRATING: (150, 60, 200),
    TrayState.CAMERA_PROBLEM: (210, 30, 30),
    TrayState.ERROR: (40, 40, 40),
}


def hex_colour(rgb: RGB) -> str:
    """``(40, 167, 69)`` → ``"#28a745"``, as HTML and matplotlib take it."""
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def state_hex(state: TrayState) -> str:
    """The state's colour as ``#rrggbb``."""
    return hex_colour(STATE_COLOURS[state])
