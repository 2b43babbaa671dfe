"""What a client may ask the running monitor, and what it answers: the control protocol.

``posture-watch pause 30m`` (and ``resume``, ``status``, ``stretch``, ``quit``) talk to the
running monitor over a Unix socket (:mod:`posture_watch.monitor.control_server`). The
words of that conversation are pure values, checked where they are made, so the session
rules that answer them (pause lengths, replies) can be stepped in tests without a socket.

One JSON line each way, then the server closes the connection::

    → {"command": "pause", "seconds": 1800}
    ← {"ok": true, "message": "paused for 30 min (until 14:32)"}

``pause`` carries ``"seconds"`` (at least 1 s, at most 24 h) or ``"until": "tomorrow"``
(the next morning at the settings' ``[pause] morning``, reckoned by the monitor on its own
clock: :func:`~posture_watch.core.pause_rules.tomorrow_morning`). A reply may carry ``"data"``,
an object for scripts (``status --json``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from posture_watch.core.text import N_, _

#: The longest pause a request may ask for (a longer one is surely a typo).
MAX_PAUSE = 24 * 3600.0
#: The shortest pause a request may ask for (``1e-300`` s is no pause at all).
MIN_PAUSE = 1.0
#: A request line longer than this is refused unread (a real one is under 100 bytes).
MAX_REQUEST = 4096
#: How deeply brackets may nest in a request (a real one is one flat object): checked on
#: the raw bytes before parsing, so 4,000 nested brackets cannot exhaust the recursion.
MAX_DEPTH = 4


class ControlCommand(StrEnum):
    """What a client may ask the running monitor."""

    PAUSE = "pause"
    RESUME = "resume"
    STATUS = "status"
    STRETCH = "stretch"
    QUIT = "quit"


COMMANDS: tuple[str, ...] = tuple(c.value for c in ControlCommand)
UNTIL_TOMORROW = "tomorrow"


class ProtocolError(ValueError):
    """A request or reply that does not follow the protocol (one line says why)."""


@dataclass(frozen=True)
class ControlRequest:
    """One command for the running monitor.

    ``pause`` needs exactly one of ``seconds`` (a finite number from :data:`MIN_PAUSE` to
    :data:`MAX_PAUSE`) or
    ``until="tomorrow"``; the other commands take neither. Invalid combinations raise
    :class:`ProtocolError`.
    """

    command: ControlCommand
    seconds: float | None = None
    until: str | None = None

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "command", ControlCommand(self.command))
        except ValueError:
            raise ProtocolError(
                f"unknown command {self.command!r} (known: {', '.join(COMMANDS)})"
            ) from None
        if self.command is ControlCommand.PAUSE:
            self._check_pause()
        elif self.seconds is not None or self.until is not None:
            raise ProtocolError(f"{self.command.value} takes no duration")

    def _check_pause(self) -> None:
        if (self.seconds is None) == (self.until is None):
            raise ProtocolError('pause needs "seconds" or "until": "tomorrow"')
        if self.until is not None and self.until != UNTIL_TOMORROW:
            raise ProtocolError(f'pause: "until" must be "tomorrow", not {self.until!r}')
        if self.seconds is not None:
            if isinstance(self.seconds, bool) or not isinstance(self.seconds, int | float):
                raise ProtocolError(f'pause: "seconds" must be a number, not {self.seconds!r}')
            if not (math.isfinite(self.seconds) and MIN_PAUSE <= self.seconds <= MAX_PAUSE):
                raise ProtocolError(
                    f"pause: {self.seconds!r} s is not between "
                    f"{MIN_PAUSE:.0f} and {MAX_PAUSE:.0f} s"
                )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"command": self.command.value}
        if self.seconds is not None:
            out["seconds"] = self.seconds
        if self.until is not None:
            out["until"] = self.until
        return out

    @classmethod
    def from_json(cls, obj: object) -> ControlRequest:
        """Parse a decoded request object; :class:`ProtocolError` if it is not one."""
        if not isinstance(obj, dict):
            raise ProtocolError("a request is a JSON object")
        extra = set(obj) - {"command", "seconds", "until"}
        if extra:
            raise ProtocolError(f"unknown field(s): {', '.join(sorted(extra))}")
        if not isinstance(obj.get("command"), str):
            raise ProtocolError('a request needs "command"')
        return cls(obj["command"], obj.get("seconds"), obj.get("until"))


@dataclass(frozen=True)
class ControlReply:
    """The monitor's answer: ``ok`` and one line for a person; ``data`` for scripts."""

    ok: bool
    message: str
    data: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": self.ok, "message": one_line(self.message)}
        if self.data is not None:
            out["data"] = self.data
        return out

    @classmethod
    def from_json(cls, obj: object) -> ControlReply:
        if not (
            isinstance(obj, dict)
            and isinstance(obj.get("ok"), bool)
            and isinstance(obj.get("message"), str)
            and isinstance(obj.get("data"), dict | None)
        ):
            raise ProtocolError('a reply is {"ok": bool, "message": str}')
        return cls(obj["ok"], obj["message"], obj.get("data"))


def parse_request(line: bytes) -> ControlRequest:
    """The request in one received line, checked for size and nesting before it is parsed;
    :class:`ProtocolError` (one line) for anything that is not a valid request."""
    if len(line) > MAX_REQUEST:
        raise ProtocolError(f"a line longer than {MAX_REQUEST} bytes")
    depth = nesting_depth(line)
    if depth > MAX_DEPTH:
        raise ProtocolError(f"brackets nested {depth} deep (at most {MAX_DEPTH})")
    try:
        obj = json.loads(line, parse_constant=_no_constant)
    except ValueError as exc:  # also UnicodeDecodeError
        raise ProtocolError(f"not JSON: {one_line(str(exc))}") from None
    return ControlRequest.from_json(obj)


def nesting_depth(data: bytes) -> int:
    """The deepest nesting of ``[`` and ``{`` in ``data``, outside JSON strings."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number a request may carry")


class ControlHandler(Protocol):
    """Answers one request. Runs on the server's threads, one call at a time."""

    def __call__(self, request: ControlRequest) -> ControlReply: ...


#: The console monitor's answer to ``stretch``: the stretch window belongs to the tray.
STRETCH_NEEDS_TRAY = ControlReply(
    False, N_("stretch needs the tray: this monitor runs with --no-tray (no stretch window)")
)


def stretch_needs_tray() -> ControlReply:
    """:data:`STRETCH_NEEDS_TRAY` in the person's language (the constant is English: the
    language is chosen after import)."""
    return ControlReply(False, _(STRETCH_NEEDS_TRAY.message))


def one_line(text: str) -> str:
    """``text`` with its line breaks turned into spaces: a reply is one line."""
    return " ".join(text.splitlines()).strip()


def encode_line(obj: dict[str, Any]) -> bytes:
    """One JSON object as one UTF-8 line, as it travels over the socket."""
    return json.dumps(obj, ensure_ascii=False, separators=(", ", ": ")).encode() + b"\n"


__all__ = [
    "COMMANDS",
    "MAX_DEPTH",
    "MAX_PAUSE",
    "MAX_REQUEST",
    "MIN_PAUSE",
    "STRETCH_NEEDS_TRAY",
    "UNTIL_TOMORROW",
    "ControlCommand",
    "ControlHandler",
    "ControlReply",
    "ControlRequest",
    "ProtocolError",
    "encode_line",
    "nesting_depth",
    "one_line",
    "parse_request",
    "stretch_needs_tray",
]
