"""The worker's crash rules, stepped with time: restarts back off, a crash loop gives up
with one line, and old crashes are forgotten (the end-to-end runs, with a real traceback
in a real log, are in tests/monitor/test_loop.py)."""

from __future__ import annotations

from posture_watch.core.supervision import CRASH_WINDOW, RESTART_MAX, Supervisor
from posture_watch.core.worker_events import WorkerCrashed, WorkerFailed

T0 = 1_790_000_000.0
LOG = "/home/someone/.local/state/posture-watch/posture-watch.log"


def test_restarts_wait_twice_as_long_each_time_up_to_the_limit() -> None:
    supervisor = Supervisor(limit=100)
    waits = []
    for i in range(8):
        told = supervisor.crashed(T0 + i, "ZeroDivisionError: a bug", LOG)
        assert isinstance(told, WorkerCrashed)
        waits.append(told.restart_in)
    assert waits == [2.0, 4.0, 8.0, 16.0, 32.0, RESTART_MAX, RESTART_MAX, RESTART_MAX]
    assert told == WorkerCrashed(T0 + 7, "ZeroDivisionError: a bug", RESTART_MAX, LOG)


def test_three_crashes_in_ten_minutes_give_up_with_one_line() -> None:
    supervisor = Supervisor()
    assert isinstance(supervisor.crashed(T0, "ValueError: x", LOG), WorkerCrashed)
    assert isinstance(supervisor.crashed(T0 + 60, "ValueError: x", LOG), WorkerCrashed)
    failed = supervisor.crashed(T0 + 120, "ValueError: x", LOG)
    assert failed == WorkerFailed(
        T0 + 120,
        f"the monitor crashed 3 times in 10 min (ValueError: x); details in {LOG}",
        1,
    )


def test_crashes_longer_ago_than_the_window_are_forgotten() -> None:
    supervisor = Supervisor()
    for i in range(5):
        told = supervisor.crashed(T0 + i * CRASH_WINDOW, "OSError: y", LOG)
        assert isinstance(told, WorkerCrashed), "one crash per window is no crash loop"


def test_a_limit_of_one_stops_at_the_first_crash() -> None:
    failed = Supervisor(limit=1).crashed(T0, "KeyError: 'z'", LOG)
    assert failed == WorkerFailed(
        T0, f"the monitor stopped on an error (KeyError: 'z'); details in {LOG}", 1
    )
