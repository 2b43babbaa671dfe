"""What each of the worker's own events means for the status, and what the person is told.

The tray and the console used to keep this fold twice (``follow_status`` in the console
monitor, a ``match`` in the tray controller); the session now applies it for both. Pure:
it changes the :class:`~posture_watch.core.status.MonitorStatus` it is given and returns
the notifications and whether the session ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from posture_watch.core.effects import Notify, Stop
from posture_watch.core.status import MonitorStatus
from posture_watch.core.stream import WorkerEvent
from posture_watch.core.worker_events import (
    CameraBusy,
    CameraFree,
    CameraRecovered,
    CameraUnavailable,
    Paused,
    Resumed,
    ScreenLocked,
    ScreenUnlocked,
    SetupChanged,
    SourceEnded,
    Stopped,
    Suspended,
    WorkerCrashed,
    WorkerFailed,
)

SETUP_CHANGED = (
    "Your set-up looks different from your calibration — recalibrate? "
    "(Calibrate… in the tray menu.) Until then you are scored uncalibrated."
)


@dataclass
class Outcome:
    """What follows from one worker event besides the status: notifications, the camera
    problem already told (told once until it recovers), and a stop."""

    camera_down: bool
    notify: list[Notify] = field(default_factory=list)
    stop: Stop | None = None


def follow_worker(status: MonitorStatus, event: WorkerEvent, camera_down: bool) -> Outcome:
    """Apply ``event`` to ``status``. ``camera_down``: a camera problem was told already."""
    out = Outcome(camera_down)
    match event:
        case Suspended():
            status.interrupt()  # the sleep is time away, not sitting
        case WorkerCrashed(error=error, restart_in=restart, log_file=log_file):
            status.error = error
            status.interrupt()
            body = f"{error}\nRestarting in {restart:.0f} s. Details: {log_file}"
            out.notify.append(Notify("posture-watch hit an error", body, urgency="critical"))
        case WorkerFailed(error=error, exit_code=code):
            status.error = error
            out.notify.append(Notify("posture-watch stopped", error, urgency="critical"))
            out.stop = Stop(exit_code=code)
        case CameraUnavailable(reason=reason):
            status.camera_busy = None  # a busy spell can end as a real problem
            status.camera_problem = True
            status.interrupt()
            if not camera_down:
                body = f"{reason}. posture-watch keeps trying and resumes by itself."
                out.notify.append(Notify("Camera unavailable", body))
            out.camera_down = True
        case CameraRecovered():
            status.camera_problem = out.camera_down = False
            out.notify.append(Notify("Camera back", "posture-watch is watching again."))
        case CameraBusy(by=by):
            # a video call has the camera: a neutral state, no notification (it would
            # show on a shared screen), and the time is not monitored
            status.camera_busy = by
            status.interrupt()
        case CameraFree():
            status.camera_busy = None
        case ScreenLocked():
            status.locked = True
            status.interrupt()
        case ScreenUnlocked():
            status.locked = False
        case SetupChanged(matched=None):
            out.notify.append(Notify("Your set-up looks different", SETUP_CHANGED))
        case SetupChanged(matched=name):
            body = f"Your set-up matches profile '{name}': using it."
            out.notify.append(Notify("Set-up recognised", body))
        case Paused(until=until):
            status.paused, status.paused_until = True, until
            status.interrupt()
        case Resumed():
            status.paused, status.paused_until = False, None
        case SourceEnded():  # the replay is over: end as Quit does, with the report
            out.stop = Stop(report=True)
        case Stopped():
            pass
    return out


__all__ = ["Outcome", "follow_worker"]
