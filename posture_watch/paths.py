"""Where posture-watch keeps its files: the user's config and data folders.

Follows the platform conventions through platformdirs (on Linux ``$XDG_CONFIG_HOME``
and ``$XDG_DATA_HOME``), so tests point both at a temporary folder.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "posture-watch"

#: The repository's own ``models/`` folder (present in a source checkout / editable install).
REPO_MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
#: The repository's own ``samples/`` folder (landmark recordings the project made).
SAMPLES_DIR = Path(__file__).resolve().parent.parent / "samples"


def config_dir() -> Path:
    """The user's config folder (profiles, settings)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """The user's data folder (downloaded models, history)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def profiles_dir() -> Path:
    """Folder of calibration profiles, one JSON file per profile name."""
    return config_dir() / "profiles"


def user_models_dir() -> Path:
    """Folder where ``posture-watch model pull`` stores downloaded model variants."""
    return data_dir() / "models"


def state_dir() -> Path:
    """The user's state folder (the log file): ``$XDG_STATE_HOME/posture-watch``."""
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def log_file() -> Path:
    """Where tracebacks of unexpected errors go (never to the user's face)."""
    return state_dir() / "posture-watch.log"
