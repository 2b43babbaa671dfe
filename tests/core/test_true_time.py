"""True time under clock steps and sleeps, stepped with a manual clock (no real time).

A wall clock set back (NTP, a dual-boot time fix) re-anchors the history's stamps on the
new wall time without moving true time backwards; one set ahead while frames flow is a
clock change, not a sleep; a few seconds of jitter are ignored; a real sleep (the boot
clock runs on, the monotonic one stops) is still found.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from posture_watch.clock import ManualClock
from posture_watch.core.session import Session, SessionSettings
from posture_watch.core.stream import Now
from posture_watch.core.true_time import STEP_MIN, Reading, TrueTime
from posture_watch.core.worker_events import ClockSet

START = 1_790_000_000.0  # an arbitrary epoch second: no test depends on today's date


def reader(clock: ManualClock, *, boot: bool = True):
    true = TrueTime(clock.monotonic(), clock.wall(), clock.boottime() if boot else None)

    def read() -> Reading:
        return true.read(clock.monotonic(), clock.wall(), clock.boottime() if boot else None)

    return read


@pytest.mark.parametrize("boot", [True, False], ids=["boot clock", "no boot clock"])
def test_an_hour_set_back_restamps_by_the_new_wall_clock_and_true_time_goes_on(boot):
    clock = ManualClock(START)
    read = reader(clock, boot=boot)
    clock.advance(1800)
    before = read()
    assert before.stamp == pytest.approx(START + 1800)
    clock.set_wall(clock.wall() - 3600)  # NTP: the clock was an hour fast
    stepped = read()
    assert stepped.stepped == pytest.approx(-3600)
    assert stepped.slept == 0
    assert stepped.t == pytest.approx(before.t)  # the rules never go back in time
    assert stepped.stamp == pytest.approx(clock.wall())  # not an hour in the future
    clock.advance(600)
    later = read()
    assert later.stepped == 0
    assert later.t == pytest.approx(before.t + 600)
    assert later.stamp == pytest.approx(clock.wall())


@pytest.mark.parametrize("boot", [True, False], ids=["boot clock", "no boot clock"])
def test_three_seconds_of_jitter_back_are_ignored(boot):
    clock = ManualClock(START)
    read = reader(clock, boot=boot)
    clock.advance(100)
    first = read()
    clock.set_wall(clock.wall() - 3)
    assert STEP_MIN > 3
    jitter = read()
    assert (jitter.stepped, jitter.slept, jitter.offset) == (0, 0, 0)
    assert jitter.t == pytest.approx(first.t)  # never backwards
    clock.advance(10)
    assert read().t == pytest.approx(first.t + 10)


def test_an_hour_set_ahead_while_frames_flow_is_a_clock_change_not_a_sleep():
    clock = ManualClock(START)
    read = reader(clock)
    clock.advance(60)
    before = read()
    clock.set_wall(clock.wall() + 3600)  # a dual-boot time fix the other way
    ahead = read()
    assert ahead.slept == 0, "no boot/monotonic gap: the machine did not sleep"
    assert ahead.stepped == pytest.approx(3600)
    assert ahead.t == pytest.approx(before.t)  # not an hour away from the desk
    assert ahead.stamp == pytest.approx(clock.wall())
    clock.advance(2)
    assert read().t - ahead.t == pytest.approx(2)


def test_a_real_sleep_is_found_from_the_boot_clock_and_moves_true_time_on():
    clock = ManualClock(START)
    read = reader(clock)
    clock.advance(60)
    clock.suspend(8 * 3600)
    woke = read()
    assert woke.slept == pytest.approx(8 * 3600)
    assert woke.stepped == 0
    assert woke.t == pytest.approx(clock.wall())


def test_a_sleep_after_the_clock_was_set_back_keeps_the_new_stamps():
    clock = ManualClock(START)
    read = reader(clock)
    clock.advance(60)
    clock.set_wall(clock.wall() - 3600)
    read()
    clock.suspend(1800)
    woke = read()
    assert woke.slept == pytest.approx(1800)
    assert woke.stepped == 0
    assert woke.stamp == pytest.approx(clock.wall())


def test_without_a_boot_clock_a_jump_ahead_still_counts_as_a_sleep():
    clock = ManualClock(START)
    read = reader(clock, boot=False)
    clock.advance(60)
    clock.suspend(3600)
    woke = read()
    assert woke.slept == pytest.approx(3600)
    assert woke.stepped == 0


def test_the_session_makes_its_own_events_in_true_time_after_the_clock_was_set_ahead():
    """A manual stretch or an answer after a step of +1 h is stamped like the worker's
    events (true time), so the history's offset puts it at the new wall time once."""
    now = Now.at(START, 1000.0)
    session = Session(SessionSettings(tray=False), None, now, ZoneInfo("UTC"))
    session.step(ClockSet(START + 10, 3600.0, 3600.0), Now.at(START + 3610, 1010.0))
    assert session.time(Now.at(START + 3620, 1020.0)) == pytest.approx(START + 20)
