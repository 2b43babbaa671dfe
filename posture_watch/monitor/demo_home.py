"""The demo's throw-away data folder: everything the demo writes goes there.

The demo once wrote into the person's own folders: its minutes stayed in the real history
(and ``report`` showed them as the person's day), and Calibrate… during the demo saved the
recording's person as their ``default`` calibration. Now the demo runs with
``$POSTURE_WATCH_HOME`` (:data:`posture_watch.paths.HOME_VARIABLE`) pointing at
:func:`posture_watch.paths.demo_data_root`, so its history, event log, reports,
calibration profiles and log file land in ``config/``, ``data/`` and ``state/`` there. The
variable is in the environment, so the windows the tray starts as child processes (the
calibration window saves its profile itself) write there as well.

The folder is private (0700) and emptied at each demo start, once the demo's instance
lock is held: a second demo started while one runs is refused before it deletes anything
(the lock file itself, held inside the folder, is kept).
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

from posture_watch import paths


def enter(root: Path | None = None) -> Path:
    """Make the demo's folder (0700) and point this process and its children at it;
    returns the folder. Call before anything reads ``paths.data_dir()``: the history,
    the event log and the reports are found through it."""
    root = root or paths.demo_data_root()
    root.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the cache folder: ours
    root.mkdir(mode=0o700, exist_ok=True)
    if root.is_symlink() or not root.is_dir():
        raise NotADirectoryError(f"{root} is not a folder")
    root.chmod(0o700)
    os.environ[paths.HOME_VARIABLE] = str(root)
    return root


def empty(root: Path, keep: Path | None = None) -> None:
    """Delete everything inside ``root`` except ``keep`` (the held lock file) and the
    folders leading to it; links are removed, never followed."""
    for entry in list(root.iterdir()):
        if keep is not None and entry == keep:
            continue
        info = entry.lstat()
        if stat.S_ISDIR(info.st_mode):
            if keep is not None and keep.is_relative_to(entry):
                empty(entry, keep)
            else:
                shutil.rmtree(entry)
        else:
            entry.unlink()


__all__ = ["empty", "enter"]
