"""Open a file in the desktop's default application, without waiting for it.

The report command (``report --open``) and the tray (Today's report, Open settings)
both hand files to the desktop this way: ``xdg-open`` on Linux, ``open`` on macOS,
``os.startfile`` on Windows.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path


def open_in_default_app(path: Path) -> None:
    """Show ``path`` with the default app and return at once.

    Raises :class:`FileNotFoundError` whose ``filename`` names the opener when there is
    none (e.g. no ``xdg-open`` on a minimal system), so callers can say what is missing.
    """
    if sys.platform == "win32":
        os.startfile(path)  # type: ignore[attr-defined]
        return
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    exe = shutil.which(opener)
    if exe is None:
        raise FileNotFoundError(errno.ENOENT, f"{opener} not found", opener)
    child = subprocess.Popen(
        [exe, str(path)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    threading.Thread(target=child.wait, daemon=True).start()  # reap it when it exits
