"""The log file for the unexpected: a worker's traceback, kept for a bug report.

The user sees one line (in the console, or as a notification); the traceback goes to
``~/.local/state/posture-watch/posture-watch.log`` with the time it happened. Writing the
log must never become a second failure: if the file cannot be written, the traceback
goes to stderr instead.
"""

from __future__ import annotations

import sys
import traceback
from datetime import datetime
from pathlib import Path

from posture_watch import paths
from posture_watch.atomic_file import write_atomic
from posture_watch.private_files import open_private_append, private_folder

#: The log is cut back to its newer half once it grows past this many bytes.
MAX_BYTES = 1_000_000


def write_crash(path: Path | None, error: BaseException, wall: float) -> Path | str:
    """Append ``error``'s traceback, stamped with ``wall`` (epoch s); returns where it went."""
    return write_crash_text(path, "".join(traceback.format_exception(error)), wall)


def write_crash_text(
    path: Path | str | None,
    text: str,
    wall: float,
    what: str = "unexpected error in the monitor worker",
) -> Path | str:
    """Append ``text`` (a traceback, or how the camera worker died and its last stderr
    lines), stamped with ``wall``; returns where it went (``"stderr"`` when the file
    cannot be written)."""
    path = Path(path) if path else paths.log_file()
    stamp = datetime.fromtimestamp(wall).isoformat(timespec="seconds")
    entry = f"--- {stamp} {what}\n{text}\n"
    try:
        private_folder(path.parent, paths.state_dir())
        if path.exists() and path.stat().st_size > MAX_BYTES:
            kept = path.read_bytes()[-MAX_BYTES // 2 :]
            write_atomic(path, kept)  # a crash while cutting never loses the whole log
        with open_private_append(path) as log:
            log.write(entry)
    except OSError:
        sys.stderr.write(entry)
        return "stderr"
    return path
