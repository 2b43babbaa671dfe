"""posture-watch: a quiet desktop posture monitor.

The pure core (``posture_watch.core``) turns pose landmarks into posture states and
alerts; adapters around it read cameras and files, run MediaPipe and talk to the user.

The public names below are loaded on first use, not on import: the console script
imports this package first, and a Ctrl-C while NumPy loads must reach the CLI's own
handler (exit 130, no traceback), which only exists once ``posture_watch.cli`` runs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from posture_watch.core.analyzer import PostureAnalyzer, Verdict
    from posture_watch.core.scoring import Baseline, PostureState
    from posture_watch.core.settings import Settings
    from posture_watch.errors import PostureWatchError

__version__ = "0.1.0"

_WHERE = {
    "Baseline": "posture_watch.core.scoring",
    "PostureAnalyzer": "posture_watch.core.analyzer",
    "PostureState": "posture_watch.core.scoring",
    "PostureWatchError": "posture_watch.errors",
    "Settings": "posture_watch.core.settings",
    "Verdict": "posture_watch.core.analyzer",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'posture_watch' has no attribute {name!r}")


__all__ = [
    "Baseline",
    "PostureAnalyzer",
    "PostureState",
    "PostureWatchError",
    "Settings",
    "Verdict",
]
