"""The clocks' waits: a queue waited on through the clock takes the clock's time."""

from __future__ import annotations

import queue

from posture_watch.clock import ManualClock, ScaledClock, SystemClock


def test_a_manual_clock_never_waits_on_a_queue_and_never_moves_by_itself():
    clock = ManualClock(1000.0, monotonic=5.0)
    inbox: queue.Queue[str] = queue.Queue()
    assert clock.take(inbox, 3600.0) is None  # an hour of clock time, no real waiting
    assert (clock.wall(), clock.monotonic()) == (1000.0, 5.0)  # the test moves it, not a wait
    inbox.put("item")
    assert clock.take(inbox, 0.5) == "item"


def test_the_system_and_scaled_clocks_wait_up_to_their_time():
    inbox: queue.Queue[int] = queue.Queue()
    inbox.put(1)
    assert SystemClock().take(inbox, 0.01) == 1
    assert SystemClock().take(inbox, 0.01) is None
    inbox.put(2)
    assert ScaledClock(100.0).take(inbox, 1.0) == 2  # 1 s of its time: 10 ms of real time
    assert ScaledClock(100.0).take(inbox, 1.0) is None
