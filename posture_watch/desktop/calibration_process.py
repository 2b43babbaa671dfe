"""The tray's side of the guided calibration window: start it, poll it, read its answer.

A calibration used to be ``posture-watch calibrate`` run blind from the tray menu: it took
whatever frames came (once 3 frames in 0.4 s, in the middle of a slouch) and replaced the
``default`` profile without asking. The window (:mod:`.calibration_window`) instead says
what to do, counts down, samples, refuses with the reason, and saves only when the person
clicks Save. Like the stretch window it is Tk in a child process (Tk wants its process's
main thread, which belongs to pystray in the tray) and reports back with one JSON line on
stdout: the profile it saved, or that it was cancelled. This module never imports
tkinter, so the tray does not need Tk to start.

:func:`needs_first_calibration` tells the tray to open the window on its first run, when
no profile exists at all.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from posture_watch import paths
from posture_watch.clock import SYSTEM, Clock
from posture_watch.desktop.child_window import ChildWindowProcess, result_object, typed_field

log = logging.getLogger(__name__)

WINDOW_MODULE = "posture_watch.desktop.calibration_window"
_FIELDS = {"outcome", "profile", "path"}


class CalibrationOutcome(StrEnum):
    """How a calibration window ended; ``ignored`` is never sent by the window itself."""

    SAVED = "saved"
    CANCELLED = "cancelled"  # Cancel, Escape or the window manager's close button
    IGNORED = "ignored"  # still open when the tray closed it, or the window failed


@dataclass(frozen=True)
class CalibrationResult:
    """The window's answer: ``profile`` and ``path`` are set only when it saved one."""

    outcome: CalibrationOutcome
    profile: str | None = None
    path: str | None = None

    def to_json(self) -> str:
        """The one line the window prints on stdout."""
        return json.dumps({"outcome": self.outcome.value, "profile": self.profile,
                           "path": self.path})  # fmt: skip

    @classmethod
    def from_json(cls, line: str) -> CalibrationResult:
        """Parse the window's line; ValueError naming the problem if it is not one."""
        data = result_object(line, _FIELDS, "calibration result")
        outcome = CalibrationOutcome(typed_field(data, "outcome", str))
        profile, path = data["profile"], data["path"]
        if outcome is CalibrationOutcome.SAVED:
            profile, path = typed_field(data, "profile", str), typed_field(data, "path", str)
        elif profile is not None or path is not None:
            raise ValueError(f"a {outcome.value} result names a profile: {line[:80]!r}")
        return cls(outcome, profile, path)


class CalibrationWindowProcess(ChildWindowProcess[CalibrationResult]):
    """One calibration window in a child process; poll it from any thread's loop.

    ``source_spec`` is what the monitor watches (a camera index, or a video or folder in
    tests); the monitor must have released the camera. ``profile`` is the profile the
    window offers to save (it says "Replace" when that one exists). ``countdown``,
    ``seconds`` and ``fps`` override the window's defaults; ``model`` is the pose model file
    the monitor runs (a reference measured by another model would not fit its scores), and
    ``allow_own`` passes ``--allow-own-model`` for a file that is not a pinned variant.
    """

    window_module = WINDOW_MODULE
    kind = "calibration window"
    log = log

    def __init__(
        self,
        source_spec: str,
        profile: str = "default",
        env: Mapping[str, str] | None = None,
        *,
        countdown: float | None = None,
        seconds: float | None = None,
        fps: float | None = None,
        model: Path | None = None,
        allow_own: bool = False,
        python: str = sys.executable,
        clock: Clock = SYSTEM,
    ) -> None:
        super().__init__(env, python, clock)
        self.source_spec, self.profile = source_spec, profile
        self.countdown, self.seconds, self.fps, self.model = countdown, seconds, fps, model
        self.allow_own = allow_own

    def arguments(self) -> list[str]:
        """``--source``, ``--profile`` and the overrides that are set."""
        argv = ["--source", self.source_spec, "--profile", self.profile]
        for option, value in (
            ("--countdown", self.countdown),
            ("--seconds", self.seconds),
            ("--fps", self.fps),
        ):
            if value is not None:
                argv += [option, f"{value:g}"]
        if self.model is not None:
            argv += ["--model", str(self.model)]
            if self.allow_own:
                argv.append("--allow-own-model")
        return argv

    def parse_line(self, line: str) -> CalibrationResult:
        """The child's result; ``ignored`` is refused (only the tray decides that)."""
        result = CalibrationResult.from_json(line)
        if result.outcome is CalibrationOutcome.IGNORED:
            raise ValueError(f"answered with 'ignored': {line}")
        return result

    def ignored_result(self, seconds_open: float) -> CalibrationResult:
        """``ignored``: no profile was saved."""
        return CalibrationResult(CalibrationOutcome.IGNORED)

    def describe(self) -> str:
        """``calibration window for profile 'default'``."""
        return f"calibration window for profile {self.profile!r}"


def needs_first_calibration() -> bool:
    """True when the profiles folder holds no profile at all: the first run, when the tray
    should open the calibration window by itself."""
    folder = paths.profiles_dir()
    try:
        return not any(p.is_file() and not p.name.startswith(".") for p in folder.glob("*.json"))
    except OSError:
        return True


__all__ = [
    "CalibrationOutcome",
    "CalibrationResult",
    "CalibrationWindowProcess",
    "needs_first_calibration",
]
