"""The slow or platform-specific menu actions: calibrating, the report and the settings.

They run off the controller thread and report back by posting to the controller's inbox
or with a notification.
Calibrating opens the guided calibration window (a child process, see
:mod:`posture_watch.desktop.calibration_process`), which saves a profile only when the
person clicks Save; its answer becomes one :class:`Calibrated` post: the saved profile, or
``Calibrated(None, "cancelled")`` when nothing was saved.

Opening the report or the settings never fails silently: when nothing opens the file (no
``xdg-open``, no program for the file type, a program that fails) a notification says so
and where the file is, so the person can open it themselves. The opener's exit status is
waited for :data:`OPEN_WAIT` seconds on a thread of its own, never on the controller's.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

from posture_watch.clock import SYSTEM
from posture_watch.config import ensure_config_file
from posture_watch.core.stream import CANCELLED, Calibrated
from posture_watch.core.text import _, pgettext
from posture_watch.desktop.calibration_process import (
    CalibrationOutcome,
    CalibrationWindowProcess,
)
from posture_watch.desktop.open_file import OpenerFailed, open_in_default_app
from posture_watch.errors import PostureWatchError
from posture_watch.profiles import load_profile
from posture_watch.tray.ports import Notifier

log = logging.getLogger(__name__)
#: The error of a calibration that ended without saving: the controller resumes quietly.
#: How often the calibration thread looks at the window (seconds).
POLL_SECONDS = 0.2
#: How long the opener (xdg-open) may take to say it failed; it returns within a fraction
#: of a second once it has started a program, so a longer run means it worked.
OPEN_WAIT = 3.0


def open_failure(what: str, path: Path, exc: OSError) -> str:
    """The notification body when ``path`` could not be opened, e.g. ``Could not open the
    report: no program to open it. The file is at /home/…/2026-11-24.html``."""
    if isinstance(exc, OpenerFailed):
        why = _(exc.why)  # the launcher marks its reasons (N_); shown here in the language
    elif isinstance(exc, FileNotFoundError) and exc.filename:
        why = _("{program} is not installed").format(program=exc.filename)
    else:
        why = exc.strerror or str(exc) or type(exc).__name__
    # a whole sentence for each thing opened, so a language can decline the noun
    if what == "the report":
        sentence = _("Could not open the report: {why}. The file is at {path}")
    elif what == "the settings":
        sentence = _("Could not open the settings: {why}. The file is at {path}")
    else:
        sentence = _("Could not open {what}: {why}. The file is at {path}")
    return sentence.format(what=what, why=why, path=path)


class DesktopActions:
    """Calibrate from the monitored source into a profile; open the settings file."""

    def __init__(
        self,
        source_spec: str,
        profile: str,
        settings_file: Path,
        history_file: Path,
        sit_max: float,
        window_env: Mapping[str, str] | None = None,
        *,
        model: Path | None = None,
        allow_own_model: bool = False,
    ) -> None:
        self.source_spec, self.profile, self.settings_file = source_spec, profile, settings_file
        # the model the monitor runs: a reference measured by another one would not fit
        self.model, self.allow_own_model = model, allow_own_model
        self.history_file, self.sit_max = history_file, sit_max
        self.window_env = window_env  # the calibration window's environment (None: ours)
        self._window_thread: threading.Thread | None = None
        self._closing = threading.Event()
        #: The last report or settings opening (tests join it).
        self.opening: threading.Thread | None = None

    def calibrate(self, post: Callable[[object], None]) -> None:
        """Open the calibration window on the monitored source (the monitor has released
        the camera) and post :class:`Calibrated` once it closes; returns at once."""
        if self._window_thread is not None and self._window_thread.is_alive():
            return  # one window at a time: the open one answers
        self._closing.clear()
        self._window_thread = threading.Thread(
            target=self._calibrate, args=(post,), name="calibration-window", daemon=True
        )
        self._window_thread.start()

    def close(self) -> None:
        """Close a calibration window still open (the tray is quitting); nothing is saved."""
        self._closing.set()
        thread = self._window_thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)

    def _calibrate(self, post: Callable[[object], None]) -> None:
        window = CalibrationWindowProcess(
            self.source_spec,
            self.profile,
            self.window_env,
            model=self.model,
            allow_own=self.allow_own_model,
        )
        window.start()
        result = window.poll()
        while result is None and not SYSTEM.sleep(POLL_SECONDS, self._closing):
            result = window.poll()
        result = window.close()
        if result.outcome is CalibrationOutcome.IGNORED and not self._closing.is_set():
            post(Calibrated(None, _("the calibration window closed without an answer")))
            return
        if result.outcome is not CalibrationOutcome.SAVED or result.path is None:
            post(Calibrated(None, CANCELLED))
            return
        profile = result.profile or self.profile
        try:
            post(Calibrated(load_profile(Path(result.path)), profile=profile))
        except PostureWatchError as exc:
            post(Calibrated(None, exc.one_line(), profile=profile))

    def open_settings(self, notifier: Notifier) -> None:
        """Open the settings file in the user's editor (created with defaults if missing),
        on a thread of its own; a notification says where the file is when that fails."""
        self._in_background(self._open_settings, notifier)

    def _open_settings(self, notifier: Notifier) -> None:
        try:
            ensure_config_file(self.settings_file)
        except (OSError, PostureWatchError) as exc:
            reason = exc.one_line() if isinstance(exc, PostureWatchError) else str(exc)
            body = _("Could not create the settings file: {reason}").format(reason=reason)
            notifier.notify(pgettext("notification", "Settings"), body)
            return
        title = pgettext("notification", "Settings")
        self._open(notifier, title, "the settings", self.settings_file)

    def _open(self, notifier: Notifier, title: str, what: str, path: Path) -> None:
        try:
            open_in_default_app(path, wait=OPEN_WAIT)
        except OSError as exc:
            log.warning("cannot open %s: %s", path, exc)
            notifier.notify(title, open_failure(what, path, exc))

    def _in_background(self, target: Callable[..., None], *args: object) -> None:
        opening = threading.Thread(target=target, args=args, name="open-file", daemon=True)
        opening.start()
        self.opening = opening  # once started: a reader may join it at once

    def write_report(self, today: date) -> Path | None:
        """Write the HTML report of ``today`` (the controller's clock says which day that
        is); None (and one logged line) when it cannot be made."""
        from posture_watch.report.files import report_path, write_day_report

        try:
            return write_day_report(
                self.history_file, today, report_path(today), sit_max=self.sit_max
            )
        except (OSError, PostureWatchError) as exc:
            log.error("cannot write today's report: %s", exc)
            return None

    def open_report(self, notifier: Notifier, today: date, summary: str) -> None:
        """Write today's report and open it, on a thread of its own; when no report can be
        written, ``summary`` (today so far, in a few lines) is shown instead, and when it
        cannot be opened, where the file is."""
        self._in_background(self._open_report, notifier, today, summary)

    def _open_report(self, notifier: Notifier, today: date, summary: str) -> None:
        path = self.write_report(today)
        if path is None:
            notifier.notify(pgettext("notification", "Today so far"), summary)
            return
        title = pgettext("notification", "Today's posture report")
        self._open(notifier, title, "the report", path)
