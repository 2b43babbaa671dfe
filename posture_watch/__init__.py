"""posture-watch: a quiet desktop posture monitor.

The pure core (``posture_watch.core``) turns pose landmarks into posture states and
alerts; adapters around it read cameras and files, run MediaPipe and talk to the user.
"""

from posture_watch.core.analyzer import PostureAnalyzer, Verdict
from posture_watch.core.scoring import Baseline, PostureState
from posture_watch.core.settings import Settings
from posture_watch.errors import PostureWatchError

__version__ = "0.1.0"

__all__ = [
    "Baseline",
    "PostureAnalyzer",
    "PostureState",
    "PostureWatchError",
    "Settings",
    "Verdict",
]
