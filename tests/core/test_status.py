"""MonitorStatus: today's tallies, the icon state and the tooltip, stepped by hand."""

from __future__ import annotations

import re

import pytest

from posture_watch.core.scoring import PostureState
from posture_watch.core.status import (
    MAX_GAP,
    MonitorStatus,
    TrayState,
    label,
)

UP, SLOUCH, AWAY, UNKNOWN = (
    PostureState.UPRIGHT,
    PostureState.SLOUCH,
    PostureState.AWAY,
    PostureState.UNKNOWN,
)


def tallies(status: MonitorStatus) -> dict[PostureState, float]:
    return {state: seconds for state, seconds in status.seconds.items() if seconds}


# --- time credited between verdicts ----------------------------------------------------


def test_time_between_verdicts_goes_to_the_earlier_verdicts_state() -> None:
    status = MonitorStatus()
    status.observe(0.0, UP, 0.0)
    status.observe(1.0, SLOUCH, 0.0)  # the second before was upright
    status.observe(3.0, AWAY, None)  # the two seconds before were slouched
    status.observe(3.5, UP, 3.5)
    assert tallies(status) == {UP: 1.0, SLOUCH: 2.0, AWAY: 0.5}


def test_the_first_verdict_credits_nothing() -> None:
    status = MonitorStatus()
    status.observe(100.0, UP, 100.0)
    assert tallies(status) == {}


def test_a_long_gap_is_capped_at_max_gap() -> None:
    status = MonitorStatus(max_gap=2.0)
    status.observe(0.0, UP, 0.0)
    status.observe(60.0, UP, 0.0)
    assert status.seconds[UP] == 2.0
    status.observe(61.5, UP, 0.0)  # under the cap: counted in full
    assert status.seconds[UP] == 3.5


def test_default_cap_is_max_gap() -> None:
    status = MonitorStatus()
    status.observe(0.0, SLOUCH, 0.0)
    status.observe(1000.0, SLOUCH, 0.0)
    assert status.seconds[SLOUCH] == MAX_GAP


def test_time_going_backwards_or_standing_still_credits_nothing() -> None:
    status = MonitorStatus()
    status.observe(10.0, UP, 0.0)
    status.observe(10.0, UP, 0.0)
    status.observe(8.0, UP, 0.0)
    assert tallies(status) == {}


def test_interrupt_starts_a_fresh_interval() -> None:
    status = MonitorStatus()
    status.observe(0.0, UP, 0.0)
    status.observe(2.0, UP, 0.0)
    status.interrupt()
    status.observe(4.0, SLOUCH, 0.0)  # the pause before it is nobody's time
    assert tallies(status) == {UP: 2.0}
    status.observe(5.0, SLOUCH, 0.0)  # and counting resumes after it
    assert tallies(status) == {UP: 2.0, SLOUCH: 1.0}


def test_new_day_clears_the_tallies_but_keeps_the_state() -> None:
    status = MonitorStatus()
    status.observe(0.0, SLOUCH, 0.0)
    status.observe(3.0, SLOUCH, 0.0)
    assert status.upright_share == 0.0
    status.new_day()
    assert tallies(status) == {}
    assert status.upright_share is None
    assert status.state is TrayState.SLOUCH
    assert status.bout_seconds(10.0) == 10.0
    status.observe(4.0, UP, 0.0)
    assert tallies(status) == {SLOUCH: 1.0}


# --- the icon state ---------------------------------------------------------------------


def test_starting_until_the_first_verdict() -> None:
    status = MonitorStatus()
    assert status.state is TrayState.STARTING
    status.observe(0.0, UNKNOWN, None)
    assert status.state is TrayState.AWAY


@pytest.mark.parametrize(
    ("posture", "expected"),
    [(UP, TrayState.UPRIGHT), (SLOUCH, TrayState.SLOUCH), (AWAY, TrayState.AWAY)],
)
def test_posture_maps_to_its_state(posture: PostureState, expected: TrayState) -> None:
    status = MonitorStatus()
    status.observe(0.0, posture, 0.0)
    assert status.state is expected


def test_unknown_posture_shows_as_away() -> None:
    status = MonitorStatus()
    status.observe(0.0, UP, 0.0)
    status.observe(1.0, UNKNOWN, 0.0)
    assert status.state is TrayState.AWAY


def test_precedence_camera_problem_calibrating_paused_starting() -> None:
    status = MonitorStatus()
    status.camera_problem = status.calibrating = status.paused = True
    assert status.state is TrayState.CAMERA_PROBLEM
    status.camera_problem = False
    assert status.state is TrayState.CALIBRATING
    status.calibrating = False
    assert status.state is TrayState.PAUSED
    status.paused = False
    assert status.state is TrayState.STARTING


@pytest.mark.parametrize("flag", ["camera_problem", "calibrating", "paused"])
def test_flags_win_over_the_posture(flag: str) -> None:
    status = MonitorStatus()
    status.observe(0.0, SLOUCH, 0.0)
    setattr(status, flag, True)
    assert status.state is TrayState(flag)
    setattr(status, flag, False)
    assert status.state is TrayState.SLOUCH


def test_every_state_has_a_label() -> None:
    words = {label(state) for state in TrayState}
    assert len(words) == len(TrayState) and all(words)


# --- upright share and the sitting bout ------------------------------------------------


def test_upright_share_is_none_before_any_sitting() -> None:
    status = MonitorStatus()
    assert status.upright_share is None
    status.observe(0.0, AWAY, None)
    status.observe(3.0, UNKNOWN, None)
    status.observe(4.0, UP, 4.0)  # the first upright verdict: no upright time yet
    assert tallies(status) == {AWAY: 3.0, UNKNOWN: 1.0}
    assert status.upright_share is None


def test_upright_share_ignores_time_away() -> None:
    status = MonitorStatus()
    for t, state in [(0, UP), (3, SLOUCH), (4, AWAY), (9, UP)]:
        status.observe(float(t), state, 0.0)
    assert tallies(status) == {UP: 3.0, SLOUCH: 1.0, AWAY: 5.0}
    assert status.upright_share == pytest.approx(0.75)


def test_bout_seconds_only_while_sitting() -> None:
    status = MonitorStatus()
    assert status.bout_seconds(10.0) is None  # starting
    status.observe(10.0, UP, 4.0)
    assert status.bout_seconds(30.0) == 26.0
    status.observe(31.0, SLOUCH, 4.0)
    assert status.bout_seconds(40.0) == 36.0
    status.paused = True
    assert status.bout_seconds(40.0) is None
    status.paused = False
    status.observe(41.0, AWAY, 4.0)  # away within the grace: the timeline still sits
    assert status.bout_seconds(42.0) is None
    status.observe(42.0, UP, None)
    assert status.bout_seconds(43.0) is None


def test_bout_seconds_never_negative() -> None:
    status = MonitorStatus()
    status.observe(10.0, UP, 10.0)
    assert status.bout_seconds(9.0) == 0.0


# --- the tooltip ------------------------------------------------------------------------


def parts(tooltip: str) -> list[str]:
    """The tooltip's parts, whichever short separator (`` · `` or `` - ``) joins them."""
    return re.split(r" [·\-–|] ", tooltip)


def test_tooltip_while_starting_is_just_the_state() -> None:
    assert MonitorStatus().tooltip(0.0) == "posture-watch: starting"


def test_tooltip_while_sitting_gives_bout_and_share() -> None:
    status = MonitorStatus(max_gap=1e9)
    status.observe(0.0, UP, 0.0)
    status.observe(870.0, SLOUCH, 0.0)
    status.observe(1000.0, UP, 0.0)
    assert parts(status.tooltip(1380.0)) == [
        "posture-watch: upright",
        "sitting 23 min",
        "87% upright today",
    ]


def test_tooltip_note_follows_the_state() -> None:
    status = MonitorStatus()
    status.observe(0.0, SLOUCH, 0.0)
    status.observe(2.0, SLOUCH, 0.0)
    assert parts(status.tooltip(2.0, note="paused until 14:30")) == [
        "posture-watch: slouching",
        "paused until 14:30",
        "sitting 2 s",
        "0% upright today",
    ]


def test_tooltip_while_away_drops_the_bout_and_while_paused_says_only_the_pause() -> None:
    status = MonitorStatus()
    status.observe(0.0, UP, 0.0)
    status.observe(2.0, AWAY, None)
    assert parts(status.tooltip(3.0)) == ["posture-watch: away / on a break", "100% upright today"]
    status.observe(3.0, UP, 3.0)
    status.paused = True  # until Resume: nothing to say about its end
    assert parts(status.tooltip(60.0)) == ["posture-watch: paused"]
    status.camera_problem = True
    assert parts(status.tooltip(60.0))[0] == "posture-watch: camera unavailable"


def test_screen_lock_and_camera_busy_rank_below_a_user_pause() -> None:
    status = MonitorStatus()
    status.observe(0.0, UP, 0.0)
    status.camera_busy = "zoom (pid 4242)"
    assert status.state is TrayState.CAMERA_BUSY
    status.locked = True
    assert status.state is TrayState.LOCKED
    status.paused = True
    assert status.state is TrayState.PAUSED
    status.paused = status.locked = False
    status.camera_busy = None
    assert status.state is TrayState.UPRIGHT


def test_status_line_reads_as_a_sentence_with_middle_dots() -> None:
    status = MonitorStatus(max_gap=1e9)
    status.observe(0.0, UP, 0.0)
    status.observe(870.0, SLOUCH, 0.0)
    status.observe(1000.0, UP, 0.0)
    assert status.status_line(1380.0) == "Upright · sitting 23 min · 87% upright today"
    assert MonitorStatus().status_line(0.0) == "Starting"


def test_status_line_names_who_has_the_camera() -> None:
    status = MonitorStatus()
    status.camera_busy = "zoom (pid 4242)"
    assert status.status_line(0.0) == "Camera in use by zoom (pid 4242)"
    status.camera_busy = ""  # our own open failed busy: nobody to name
    assert status.status_line(0.0) == "Camera in use by another app"


# --- can't see you well ----------------------------------------------------------------


def test_an_unknown_state_with_a_reason_says_why_in_the_status_line() -> None:
    status = MonitorStatus()
    status.observe(0.0, UNKNOWN, 0.0, reason="too dark")
    assert status.state is TrayState.AWAY  # the icon is the away one
    assert status.status_line(1.0) == "Can't see you well: too dark"
    assert status.tooltip(1.0) == "posture-watch: can't see you well: too dark"
    assert status.facts(1.0)["unknown_reason"] == "too dark"


def test_the_reason_goes_with_the_unknown_state_and_yields_to_flags() -> None:
    status = MonitorStatus()
    status.observe(0.0, UNKNOWN, 0.0, reason="turned away")
    status.paused = True
    assert (
        status.status_line(1.0).startswith("Paused") and status.facts(1.0)["unknown_reason"] is None
    )
    status.paused = False
    status.observe(2.0, UP, 0.0, reason="turned away")  # a judged frame has no reason
    assert status.unknown_reason is None and status.status_line(3.0).startswith("Upright")
    status.observe(4.0, UNKNOWN, 0.0)  # unknown without a reason: the plain away words
    assert status.status_line(5.0).startswith(label(TrayState.AWAY)[:1].upper())
    assert "see you" not in status.status_line(5.0)
