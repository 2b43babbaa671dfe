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
from posture_watch.core.text import _, pgettext
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


def setup_changed() -> str:
    """The body of the notification when no calibration matches the set-up any more."""
    return _(
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
            body = _("{error}\nRestarting in {seconds} s. Details: {log_file}").format(
                error=error, seconds=f"{restart:.0f}", log_file=log_file
            )
            title = pgettext("notification", "posture-watch hit an error")
            out.notify.append(Notify(title, body, urgency="critical"))
        case WorkerFailed(error=error, exit_code=code):
            status.error = error
            title = pgettext("notification", "posture-watch stopped")
            out.notify.append(Notify(title, error, urgency="critical"))
            out.stop = Stop(exit_code=code)
        case CameraUnavailable(reason=reason):
            status.camera_busy = None  # a busy spell can end as a real problem
            status.camera_problem = True
            status.interrupt()
            if not camera_down:
                body = _("{reason}. posture-watch keeps trying and resumes by itself.").format(
                    reason=reason
                )
                out.notify.append(Notify(pgettext("notification", "Camera unavailable"), body))
            out.camera_down = True
        case CameraRecovered():
            status.camera_problem = out.camera_down = False
            title = pgettext("notification", "Camera back")
            out.notify.append(Notify(title, _("posture-watch is watching again.")))
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
            title = pgettext("notification", "Your set-up looks different")
            out.notify.append(Notify(title, setup_changed()))
        case SetupChanged(matched=name):
            body = _("Your set-up matches profile '{name}': using it.").format(name=name)
            out.notify.append(Notify(pgettext("notification", "Set-up recognised"), body))
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
