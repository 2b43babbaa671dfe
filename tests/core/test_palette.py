"""One palette (core/palette.py): the icon and the report's charts show a state alike."""

from posture_watch.core.palette import STATE_COLOURS, hex_colour, state_hex
from posture_watch.core.status import TrayState


def test_every_state_has_its_own_colour():
    assert set(STATE_COLOURS) == set(TrayState)
    assert len(set(STATE_COLOURS.values())) == len(TrayState)


def test_hex_form():
    assert hex_colour((40, 167, 69)) == "#28a745"
    assert hex_colour((0, 0, 255)) == "#0000ff"


def test_the_report_and_the_icon_draw_a_state_in_the_same_colour():
    from posture_watch.desktop.icons import COLOURS as ICON
    from posture_watch.report.charts import BREAK_COLOUR, COLOURS, PAUSE_COLOUR

    for name in ("upright", "slouch", "away"):
        assert COLOURS[name] == hex_colour(ICON[TrayState(name)])
    assert state_hex(TrayState.AWAY) == BREAK_COLOUR  # a break is time away
    assert hex_colour(ICON[TrayState.PAUSED]) == PAUSE_COLOUR
