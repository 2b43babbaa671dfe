"""An append-only journal of what the monitor saw and what the user answered.

One JSON object per line in ``events.jsonl`` in the user's data folder: the wall time,
the session time and the event's own fields (only derived numbers and prompt ids, never
pictures). Each line is flushed as it is written, so a crash loses at most the line being
written; a torn last line is skipped when reading. The history database (SQLite, for the
report) is built from the same event values.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import os
import threading
from collections.abc import Iterator
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, TextIO

from posture_watch import paths
from posture_watch.private_files import open_private_append, private_folder

FILE_NAME = "events.jsonl"
log = logging.getLogger(__name__)


def default_path() -> Path:
    return paths.data_dir() / FILE_NAME


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, float):  # NaN and infinities are not JSON: null
        return round(value, 3) if math.isfinite(value) else None
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def event_record(event: object, wall: datetime) -> dict[str, Any]:
    """The JSON-ready record of one event dataclass."""
    if not dataclasses.is_dataclass(event) or isinstance(event, type):
        raise TypeError(f"not an event dataclass: {event!r}")
    fields = {f.name: _plain(getattr(event, f.name)) for f in dataclasses.fields(event)}
    return {"wall": wall.isoformat(timespec="seconds"), "type": type(event).__name__} | fields


class EventLog:
    """Appends events; safe to call from several threads. Write errors are logged once and
    the monitor carries on (the tray must not die because the disk is full)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        self._lock = threading.Lock()
        self._file: TextIO | None = None
        self._failed = False

    def write(self, event: object, wall: datetime) -> None:
        line = json.dumps(event_record(event, wall), ensure_ascii=False)
        with self._lock:
            try:
                if self._file is not None and self._replaced(self._file):
                    self._file.close()  # forget rewrote or deleted it: write the new one
                    self._file = None
                if self._file is None:
                    self._file = self._open()
                self._file.write(line + "\n")
                self._file.flush()
            except OSError as exc:
                if not self._failed:
                    log.error("cannot write the event log %s: %s", self.path, exc)
                self._failed = True

    def _open(self) -> TextIO:
        """Open for appending; after a crash mid-line, end the torn line first, so that
        the next record starts on a line of its own instead of being glued to it."""
        private_folder(self.path.parent, paths.data_dir())
        handle = open_private_append(self.path)
        try:
            if _ends_torn(self.path):
                handle.write("\n")
        except OSError:
            handle.close()
            raise
        return handle

    def _replaced(self, handle: TextIO) -> bool:
        """Whether the file at :attr:`path` is no longer the one open: ``forget`` wrote
        the log again without the forgotten days, or deleted it. Appending to the old
        one would lose the lines and keep the forgotten ones on disk."""
        try:
            now = self.path.stat()
        except FileNotFoundError:
            return True
        opened = os.fstat(handle.fileno())
        return (now.st_ino, now.st_dev) != (opened.st_ino, opened.st_dev)

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


def _ends_torn(path: Path) -> bool:
    """True when the file is not empty and its last byte is not a newline."""
    with path.open("rb") as handle:
        if handle.seek(0, os.SEEK_END) == 0:
            return False
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) != b"\n"


def read_events(path: Path | None = None) -> Iterator[dict[str, Any]]:
    """The records in the log, oldest first; a torn or garbled line is skipped."""
    path = path or default_path()
    if not path.exists():
        return
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and "type" in record:
                yield record
