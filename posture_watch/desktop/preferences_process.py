"""The tray's side of the preferences window: start it as a child process, poll it, close it.

Same design as the stretch and journal windows (:mod:`.child_window`): Tk wants the main
thread of its process, which in the tray belongs to pystray, so the window runs as
``python -m posture_watch.desktop.preferences_window`` and prints one JSON line when it
closes. What it saved is already in the settings file by then, where the tray's watch
(:mod:`posture_watch.tray.settings_watch`) picks it up, as it does a hand edit; the line
only says whether anything was saved. This module never imports tkinter.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from posture_watch.desktop.child_window import ChildWindowProcess, result_object, typed_field

log = logging.getLogger(__name__)

WINDOW_MODULE = "posture_watch.desktop.preferences_window"


@dataclass(frozen=True)
class PreferencesResult:
    """How the preferences window ended: ``saved`` at least once, or not."""

    saved: bool

    def to_json(self) -> str:
        return json.dumps({"saved": self.saved})

    @classmethod
    def from_json(cls, line: str) -> PreferencesResult:
        data = result_object(line, {"saved"}, "preferences result")
        return cls(typed_field(data, "saved", bool))


class PreferencesWindowProcess(ChildWindowProcess[PreferencesResult]):
    """One preferences window over the settings file ``settings`` in a child process."""

    window_module = WINDOW_MODULE
    kind = "preferences window"
    log = log

    def __init__(
        self,
        settings: Path,
        env: Mapping[str, str] | None = None,
        *,
        python: str = sys.executable,
    ) -> None:
        super().__init__(env, python)
        self.settings = settings

    def arguments(self) -> list[str]:
        return ["--config", str(self.settings)]

    def parse_line(self, line: str) -> PreferencesResult:
        return PreferencesResult.from_json(line)

    def ignored_result(self, seconds_open: float) -> PreferencesResult:
        return PreferencesResult(False)


__all__ = ["PreferencesResult", "PreferencesWindowProcess"]
