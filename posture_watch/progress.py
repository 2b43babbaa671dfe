"""A one-line progress display on stderr for long work (quiet when stderr is not a terminal).

Used for frames (analyze, record) and for bytes (model downloads).
"""

from __future__ import annotations

import sys
from typing import TextIO

from posture_watch.clock import SYSTEM
from posture_watch.core.text import _


class Progress:
    """``update(done)`` redraws at most 10 times a second; ``close()`` clears the line.

    ``unit`` names what is counted; ``scale`` divides the counts for display (1e6 shows
    bytes as MB).
    """

    def __init__(
        self,
        label: str,
        total: int | None,
        *,
        enabled: bool,
        stream: TextIO | None = None,
        unit: str | None = None,
        scale: float = 1.0,
    ) -> None:
        self.label, self.total, self.enabled = label, total, enabled
        # the default unit is said when the bar is made: the language is chosen after import
        self.unit = _("frames") if unit is None else unit
        self.scale = scale
        self.stream = stream or sys.stderr
        self._last_draw = 0.0
        self._drawn = False

    def _count(self, n: float) -> str:
        return f"{n / self.scale:.1f}" if self.scale != 1.0 else str(int(n))

    def update(self, done: int, total: int | None = None) -> None:
        if not self.enabled:
            return
        self.total = total if total is not None else self.total
        now = SYSTEM.monotonic()
        if now - self._last_draw < 0.1 and done != self.total:
            return
        self._last_draw = now
        if self.total:
            frac = min(done / self.total, 1.0)
            bar = "#" * int(frac * 30)
            counts = f"{self._count(done)}/{self._count(self.total)} {self.unit}"
            text = f"{self.label} [{bar:<30}] {100 * frac:3.0f}% {counts}"
        else:
            text = f"{self.label} {self._count(done)} {self.unit}"
        self.stream.write("\r" + text[-120:])
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
