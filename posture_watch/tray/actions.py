"""The slow or platform-specific menu actions: calibrating and opening the settings file.

They run off the controller thread (calibration takes about 15 s) and report back by
posting to the controller's inbox.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

from posture_watch.config import ensure_config_file
from posture_watch.desktop.open_file import open_in_default_app
from posture_watch.errors import PostureWatchError
from posture_watch.profiles import load_profile, profile_path
from posture_watch.tray.controller import Calibrated, Notifier

log = logging.getLogger(__name__)
CALIBRATE_SECONDS = 10
CALIBRATE_TIMEOUT = 120


class DesktopActions:
    """Calibrate from the monitored source into a profile; open the settings file."""

    def __init__(
        self,
        source_spec: str,
        profile: str,
        settings_file: Path,
        history_file: Path,
        sit_max: float,
    ) -> None:
        self.source_spec, self.profile, self.settings_file = source_spec, profile, settings_file
        self.history_file, self.sit_max = history_file, sit_max

    def calibrate(self, post: Callable[[object], None]) -> None:
        """Run ``posture-watch calibrate`` (the monitor has released the camera)."""
        threading.Thread(target=self._calibrate, args=(post,), daemon=True).start()

    def _calibrate(self, post: Callable[[object], None]) -> None:
        command = [
            sys.executable, "-m", "posture_watch.cli", "calibrate",
            "--source", self.source_spec, "--profile", self.profile,
            "--seconds", str(CALIBRATE_SECONDS),
        ]  # fmt: skip
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=CALIBRATE_TIMEOUT
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            post(Calibrated(None, f"calibration did not finish: {exc}"))
            return
        if done.returncode != 0:
            lines = done.stderr.strip().splitlines()
            post(Calibrated(None, lines[-1] if lines else f"exit code {done.returncode}"))
            return
        try:
            post(Calibrated(load_profile(profile_path(self.profile)), profile=self.profile))
        except PostureWatchError as exc:
            post(Calibrated(None, exc.one_line()))

    def open_settings(self, notifier: Notifier) -> None:
        """Open the settings file in the user's editor (created with defaults if missing)."""
        try:
            ensure_config_file(self.settings_file)
            open_in_default_app(self.settings_file)
        except (OSError, PostureWatchError) as exc:
            notifier.notify("Settings", f"Could not open an editor ({exc}). The file is at:\n"
                            f"{self.settings_file}")  # fmt: skip

    def write_report(self, today: date) -> Path | None:
        """Write the HTML report of ``today`` (the controller's clock says which day that
        is); None (and one logged line) when it cannot be made."""
        from posture_watch.commands.report import report_path, write_day_report

        try:
            return write_day_report(
                self.history_file, today, report_path(today), sit_max=self.sit_max
            )
        except (OSError, PostureWatchError) as exc:
            log.error("cannot write today's report: %s", exc)
            return None

    def open_report(self, notifier: Notifier, today: date) -> bool:
        """Write today's report and open it; False when there is none to open."""
        path = self.write_report(today)
        if path is None:
            return False
        try:
            open_in_default_app(path)
        except OSError:
            notifier.notify("Today's posture report", f"Written to {path}")
        return True
