"""Where posture-watch keeps its files: the user's config and data folders, and the
files it ships inside the package (the lite model, the demo recording).

Follows the platform conventions through platformdirs (on Linux ``$XDG_CONFIG_HOME``
and ``$XDG_DATA_HOME``), so tests point both at a temporary folder.

One variable moves all of them at once: with ``$POSTURE_WATCH_HOME`` set (the demo sets
it to its throw-away folder, :func:`demo_data_root`), the config, data and state folders
are ``config/``, ``data/`` and ``state/`` inside it. Being in the environment, it reaches
the windows the tray starts as child processes (the calibration window saves its profile
there too), so nothing the demo does can land in the person's own folders.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "posture-watch"

#: The installed package itself. Files the app needs at run time live inside it, so a
#: source checkout, an editable install and a wheel (pip, pipx) all find them at the same
#: place relative to this module, whatever the current directory.
PACKAGE_DIR = Path(__file__).resolve().parent
#: The lite pose model that ships with every install (package data, checked by sha256).
BUNDLED_MODELS_DIR = PACKAGE_DIR / "models"
#: Old name of :data:`BUNDLED_MODELS_DIR` (the model used to sit in the repository's
#: ``models/`` folder, which no wheel carries); kept so existing callers keep working.
REPO_MODELS_DIR = BUNDLED_MODELS_DIR
#: The demo recording and its calibration (``tray --demo`` without a webcam): package data.
DEMO_DIR = PACKAGE_DIR / "demo"
#: The repository's own ``samples/`` folder (landmark recordings the project made, for
#: tests and benchmarks). Only a source checkout has it; installed apps use DEMO_DIR.
SAMPLES_DIR = PACKAGE_DIR.parent / "samples"


#: The environment variable that moves the config, data and state folders into one folder
#: (see the module's docstring); unset or empty, the platform's folders are used.
HOME_VARIABLE = "POSTURE_WATCH_HOME"


def moved_home() -> Path | None:
    """The folder ``$POSTURE_WATCH_HOME`` names, or None when the platform's folders apply."""
    value = os.environ.get(HOME_VARIABLE, "")
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    """The user's config folder (profiles, settings)."""
    home = moved_home()
    if home is not None:
        return home / "config"
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """The user's data folder (downloaded models, history)."""
    home = moved_home()
    if home is not None:
        return home / "data"
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def profiles_dir() -> Path:
    """Folder of calibration profiles, one JSON file per profile name."""
    return config_dir() / "profiles"


def user_models_dir() -> Path:
    """Folder where ``posture-watch model pull`` stores downloaded model variants."""
    return data_dir() / "models"


def state_dir() -> Path:
    """The user's state folder (the log file): ``$XDG_STATE_HOME/posture-watch``."""
    home = moved_home()
    if home is not None:
        return home / "state"
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def log_file() -> Path:
    """Where tracebacks of unexpected errors go (never to the user's face)."""
    return state_dir() / "posture-watch.log"


def cache_dir() -> Path:
    """The user's cache folder (``$XDG_CACHE_HOME/posture-watch``): only throw-away files
    that can be made again, such as the demo's own data folder. ``$POSTURE_WATCH_HOME``
    does not move it: the demo's folder is inside it."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def demo_history() -> Path:
    """The history the demo writes (the data folder inside :func:`demo_data_root`): the
    control commands ask the monitor on it when none runs on the person's own."""
    return demo_data_root() / "data" / "history.sqlite3"


def demo_data_root() -> Path:
    """The demo's throw-away data folder: the demo's history, event log, reports and
    calibration go here, never into the person's own folders. Each demo starts it afresh;
    ``uninstall`` removes it with the rest of the cache."""
    return cache_dir() / "demo"
