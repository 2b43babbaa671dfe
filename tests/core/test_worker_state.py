"""The worker's pause, lock and camera-yield rules, stepped with true time: no thread, no
clock, no camera. Each test plays what the worker loop would tell the state and checks
the action and the events it returns (the end-to-end runs are in tests/monitor/)."""

from __future__ import annotations

from posture_watch.core.worker_events import (
    CameraBusy,
    CameraFree,
    CameraRecovered,
    CameraUnavailable,
    Pause,
    Paused,
    Resume,
    Resumed,
    ScreenLocked,
    ScreenUnlocked,
    SetLocked,
    Stop,
)
from posture_watch.core.worker_state import (
    BUSY_RETRY,
    WAIT_SLICE,
    Away,
    Leave,
    Open,
    Step,
    Unmonitored,
    Wait,
    WorkerState,
)

T0 = 1_790_000_000.0
SLICE = Wait(WAIT_SLICE)


def state(**kwargs: float) -> WorkerState:
    return WorkerState(T0, **kwargs)


def test_nothing_holds_the_camera_at_start() -> None:
    s = state()
    assert s.next(T0) == Step(Open())
    assert not s.holding and not s.busy and not s.stopping
    assert s.accounted == T0


def test_a_pause_releases_the_camera_until_resumed() -> None:
    s = state()
    s.command(Pause(None), T0 + 10)
    assert s.holding, "a pause leaves the open source at the next frame"
    assert s.next(T0 + 10) == Step(SLICE, (Paused(T0 + 10, None),))
    assert s.next(T0 + 11) == Step(SLICE), "told once"
    s.command(Resume(), T0 + 20)
    assert not s.holding
    assert s.next(T0 + 20) == Step(Open(), (Resumed(T0 + 20),))
    assert s.next(T0 + 21) == Step(Open())


def test_a_timed_pause_ends_by_itself() -> None:
    s = state()
    s.command(Pause(300.0), T0)
    assert s.next(T0) == Step(SLICE, (Paused(T0, T0 + 300.0),))
    assert s.next(T0 + 299.5) == Step(SLICE)
    assert s.next(T0 + 300.2) == Step(Open(), (Resumed(T0 + 300.2),))


def test_a_pause_already_over_when_first_seen_is_paused_then_resumed_at_once() -> None:
    s = state()
    s.command(Pause(1.0), T0)
    assert s.next(T0 + 5) == Step(Open(), (Paused(T0 + 5, T0 + 1.0), Resumed(T0 + 5)))


def test_a_lock_counts_as_away_from_the_lock_and_ends_at_the_unlock() -> None:
    s = state()
    s.analysed(T0 + 58.0)
    s.command(SetLocked(True, "org.gnome.ScreenSaver"), T0 + 60)
    s.command(SetLocked(True, "logind"), T0 + 61)  # a second signal: the first one holds
    assert s.holding
    step = s.next(T0 + 60.5)
    assert step == Step(SLICE, (ScreenLocked(T0 + 60, "org.gnome.ScreenSaver"), Away(T0 + 60)))
    assert s.next(T0 + 300) == Step(SLICE)
    s.command(SetLocked(False, "org.gnome.ScreenSaver"), T0 + 660)
    assert s.holding, "the lock is sat out until the next step says it ended"
    step = s.next(T0 + 660.3)
    assert step == Step(
        Open(),
        (
            ScreenUnlocked(T0 + 660.3, "org.gnome.ScreenSaver", still_paused=False),
            Away(T0 + 660.3),
        ),
    )
    assert s.accounted == T0 + 660.3
    assert s.frame_time(T0 + 600) == T0 + 660.3, "no frame before the unlock"


def test_a_lock_is_away_from_the_last_analysed_frame_when_that_came_after_it() -> None:
    s = state()
    s.command(SetLocked(True, "logind"), T0 + 60)
    s.analysed(T0 + 61)  # a frame analysed before the loop saw the command
    assert s.next(T0 + 62).out == (ScreenLocked(T0 + 60, "logind"), Away(T0 + 61))


def test_lock_and_unlock_between_two_frames_are_both_told() -> None:
    s = state()
    s.command(SetLocked(True, "sleep"), T0 + 5)
    s.command(SetLocked(False, "sleep"), T0 + 6)
    assert s.next(T0 + 7) == Step(
        Open(),
        (
            ScreenLocked(T0 + 5, "sleep"),
            Away(T0 + 5),
            ScreenUnlocked(T0 + 7, "sleep"),
            Away(T0 + 7),
        ),
    )


def test_an_unlock_never_ends_the_users_pause_and_a_resume_waits_for_the_unlock() -> None:
    s = state()
    s.command(Pause(None), T0 + 10)
    assert s.next(T0 + 10).out == (Paused(T0 + 10, None),)
    s.command(SetLocked(True, "logind"), T0 + 20)
    assert s.next(T0 + 20) == Step(SLICE, (ScreenLocked(T0 + 20, "logind"), Away(T0 + 20)))
    s.command(SetLocked(False, "logind"), T0 + 30)
    step = s.next(T0 + 30)
    assert step == Step(
        SLICE, (ScreenUnlocked(T0 + 30, "logind", still_paused=True), Away(T0 + 30))
    )
    assert s.holding, "still paused"
    s.command(SetLocked(True, "sleep"), T0 + 200)
    assert s.next(T0 + 200).out == (ScreenLocked(T0 + 200, "sleep"), Away(T0 + 200))
    s.command(Resume(), T0 + 210)
    assert s.next(T0 + 210) == Step(SLICE), "no Resumed behind a locked screen"
    s.command(SetLocked(False, "sleep"), T0 + 400)
    step = s.next(T0 + 400)
    assert step == Step(
        Open(),
        (ScreenUnlocked(T0 + 400, "sleep", still_paused=False), Away(T0 + 400), Resumed(T0 + 400)),
    )


def test_stop_leaves_at_once_and_from_a_pause() -> None:
    s = state()
    s.command(Stop(), T0)
    assert s.stopping and s.holding
    assert s.next(T0) == Step(Leave())
    paused = state()
    paused.command(Pause(None), T0)
    assert paused.next(T0).action == SLICE
    paused.command(Stop(), T0 + 1)
    assert paused.next(T0 + 1) == Step(Leave())


def test_a_lock_that_came_with_the_stop_during_a_pause_is_still_told() -> None:
    s = state()
    s.command(Pause(None), T0)
    s.next(T0)
    s.command(SetLocked(True, "logind"), T0 + 3)
    s.command(Stop(), T0 + 3)
    assert s.next(T0 + 3) == Step(Leave(), (ScreenLocked(T0 + 3, "logind"), Away(T0 + 3)))


# -- a camera another program holds ---------------------------------------------------


def test_a_call_is_told_once_checked_every_retry_and_not_monitored() -> None:
    s = state(busy_retry=BUSY_RETRY)
    assert s.camera_busy(T0 + 100, "zoom (pid 42)") == (
        CameraBusy(T0 + 100, "zoom (pid 42)", 30.0),
    )
    assert s.busy and not s.holding
    assert s.next(T0 + 110) == Step(Wait(20.0))
    assert s.next(T0 + 130) == Step(Open(check_first=True))
    assert s.next(T0 + 131) == Step(Wait(29.0)), "found still held: the next check is 30 s on"
    assert s.camera_busy(T0 + 160, "") == (), "a trial open failing busy is not told again"
    assert s.next(T0 + 161) == Step(Wait(29.0))
    assert s.opened(T0 + 190) == (Unmonitored(T0 + 100, T0 + 190), CameraFree(T0 + 190))
    assert not s.busy and s.accounted == T0 + 190
    assert s.next(T0 + 191) == Step(Open())


def test_a_lock_during_a_call_is_away_and_the_camera_is_checked_at_the_unlock() -> None:
    s = state()
    s.camera_busy(T0 + 100, "zoom")
    s.command(SetLocked(True, "logind"), T0 + 200)
    step = s.next(T0 + 200)
    assert step == Step(
        SLICE,
        (Unmonitored(T0 + 100, T0 + 200), ScreenLocked(T0 + 200, "logind"), Away(T0 + 200)),
    )
    s.command(SetLocked(False, "logind"), T0 + 800)
    step = s.next(T0 + 800)
    assert step.action == Open(check_first=True), "checked at once, not 30 s later"
    assert step.out == (ScreenUnlocked(T0 + 800, "logind"), Away(T0 + 800))
    assert s.opened(T0 + 801) == (Unmonitored(T0 + 800, T0 + 801), CameraFree(T0 + 801))


def test_a_pause_during_a_call_ends_the_unmonitored_stretch() -> None:
    s = state()
    s.camera_busy(T0 + 100, "zoom")
    s.command(Pause(None), T0 + 150)
    assert s.next(T0 + 150).out == (Unmonitored(T0 + 100, T0 + 150), Paused(T0 + 150, None))
    assert s.finish(T0 + 170) == (), "the paused time is not the call's"
    s.command(Resume(), T0 + 180)
    assert s.next(T0 + 180) == Step(Open(check_first=True), (Resumed(T0 + 180),))
    assert s.finish(T0 + 190) == (Unmonitored(T0 + 180, T0 + 190),)


def test_a_camera_failing_otherwise_during_a_call_ends_it_without_camera_free() -> None:
    s = state(retry_first=2.0)
    s.camera_busy(T0 + 100, "zoom")
    step = s.failed(T0 + 150, "camera 0: unplugged")
    assert step == Step(
        Wait(2.0),
        (Unmonitored(T0 + 100, T0 + 150), CameraUnavailable(T0 + 150, "camera 0: unplugged", 2.0)),
    )
    assert not s.busy


# -- a camera that fails ---------------------------------------------------------------


def test_failures_back_off_doubling_up_to_the_limit_and_a_recovery_is_told_once() -> None:
    s = state(retry_first=1.0, retry_max=5.0)
    waits = [s.failed(T0 + i, "no camera").action for i in range(5)]
    assert waits == [Wait(1.0), Wait(2.0), Wait(4.0), Wait(5.0), Wait(5.0)]
    assert s.opened(T0 + 20) == (CameraRecovered(T0 + 20),)
    assert s.opened(T0 + 30) == ()
    assert s.failed(T0 + 40, "no camera").action == Wait(1.0), "the back-off starts again"


def test_a_restart_after_a_crash_forgets_the_back_off() -> None:
    s = state(retry_first=1.0)
    s.failed(T0, "no camera")
    s.failed(T0 + 1, "no camera")
    s.restarted()
    assert s.opened(T0 + 5) == (), "no recovery told after a restart"
    assert s.failed(T0 + 6, "no camera").action == Wait(1.0)


def test_frames_are_never_analysed_before_what_is_accounted_for() -> None:
    s = state()
    assert s.frame_time(T0 - 5) == T0
    s.analysed(T0 + 10)
    assert s.frame_time(T0 + 9) == T0 + 10 and s.frame_time(T0 + 11) == T0 + 11
