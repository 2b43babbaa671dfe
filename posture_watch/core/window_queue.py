"""One window at a time: the stretch, pain-journal and calibration windows take turns.

They would cover each other (at ``daily_at`` during a break the journal hid the stretch
completely), so a window asked for while another is open waits here and opens when that
one closes. A kind waits at most once: asking twice does not open it twice. Pure: the
queue says which window to open, its executor opens it.
"""

from __future__ import annotations

from dataclasses import dataclass

from posture_watch.core.stream import WindowKind


@dataclass(frozen=True)
class Waiting:
    kind: WindowKind
    stretch_id: str | None = None


class WindowQueue:
    """The open window (if any) and those waiting for it, oldest first."""

    def __init__(self) -> None:
        self.open: Waiting | None = None
        self.waiting: list[Waiting] = []
        #: Set when the session ends: nothing opens any more.
        self.closed = False

    @property
    def stretch_open(self) -> bool:
        return self.open is not None and self.open.kind is WindowKind.STRETCH

    def asked(self, kind: WindowKind) -> bool:
        """A window of ``kind`` is open or waiting: another one would only repeat it."""
        return (self.open is not None and self.open.kind is kind) or any(
            w.kind is kind for w in self.waiting
        )

    def want(self, kind: WindowKind, stretch_id: str | None = None) -> list[Waiting]:
        """Ask for window ``kind``; returns the windows to open now (the same kind waits
        only once)."""
        if not any(w.kind is kind for w in self.waiting):
            self.waiting.append(Waiting(kind, stretch_id))
        return self.next()

    def close(self, kind: WindowKind) -> None:
        """The open window of ``kind`` closed (call :meth:`next` for the one to open)."""
        if self.open is not None and self.open.kind is kind:
            self.open = None

    def next(self) -> list[Waiting]:
        """Open the oldest waiting window if none is open (a stretch without its prompt
        id is dropped, as there is nothing to show in it)."""
        opened: list[Waiting] = []
        while self.waiting and self.open is None and not self.closed:
            window = self.waiting.pop(0)
            if window.kind is WindowKind.STRETCH and window.stretch_id is None:
                continue
            self.open = window
            opened.append(window)
        return opened

    def close_all(self) -> None:
        """The session ends: nothing waits, nothing opens."""
        self.closed = True
        self.waiting.clear()


__all__ = ["Waiting", "WindowQueue"]
