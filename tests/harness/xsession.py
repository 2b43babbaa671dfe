"""A throw-away virtual desktop for tests: Xvfb, a private D-Bus bus, dunst and trayer.

Desktop code (notifications, the tray icon, the Tk stretch window) is tested against the
real programs, not mocks, so each test gets its own X server and session bus and nothing
leaks into, or out of, the developer's desktop. Every process is started with its output
going to a log file in a private temporary folder (no pipes to fill up), waited for with
polling instead of fixed sleeps, and terminated and reaped on exit, also when start-up
fails half-way.

The session bus uses its own configuration without service folders, so asking for a
notification server that is not running fails at once instead of D-Bus activating the
system's dunst behind our back.

Screen layout (1024x768): trayer is a dock along the top edge, aligned right, exactly as
wide as its icons (``--widthtype request``), 32 px high with the plain GTK background
(light grey, about ``(220, 218, 213)``). With no icon it is a 2x32 sliver at x=1022;
each tray icon widens it leftwards by about 24 px, so one icon sits in the box
x 998-1023, y 0-31. :meth:`XSession.tray_geometry` gives the exact box. dunst draws its
notifications in the top-right corner below that (origin top-right, offset 10x50).
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, TypeVar

from PIL import Image, ImageGrab
from Xlib import X, display
from Xlib.protocol import event

from tests.harness.bus import PrivateBus
from tests.harness.processes import stop, wait_for

T = TypeVar("T")

SCREEN = (1024, 768)
TRAY_HEIGHT = 32
TRAYER_ARGS = (
    "--edge", "top", "--align", "right", "--widthtype", "request",
    "--height", str(TRAY_HEIGHT), "--transparent", "false", "--tint", "0x000000",
    "--SetDockType", "true", "--expand", "true",
)  # fmt: skip

# Notifications never expire on their own (timeout 0) and the idle check is off, so a
# test can screenshot them; every notification is kept in the history for inspection.
_DUNSTRC = """\
[global]
idle_threshold = 0
notification_limit = 0
history_length = 500
sticky_history = yes
origin = top-right
offset = 10x50
[urgency_low]
timeout = 0
[urgency_normal]
timeout = 0
[urgency_critical]
timeout = 0
[record_urgency]
script = {script}
"""

# dunst 1.9's history leaves out the urgency; this rule script (run by dunst for every
# notification, with the DUNST_* variables set) records it beside the history.
_URGENCY_SCRIPT = """\
#!/bin/sh
printf '%s %s\\n' "$DUNST_ID" "$DUNST_URGENCY" >> "{log}"
"""


class XSessionError(RuntimeError):
    """A desktop program did not start, or did not become ready in time."""


class XSession:
    """Xvfb (``screen``, 1024x768x24 unless told, at ``dpi`` when given) plus optional
    session bus, dunst and trayer; a context manager.

    ``dbus`` is implied by ``dunst``. ``env`` is a copy of ``os.environ`` taken on entry
    with ``DISPLAY`` and ``DBUS_SESSION_BUS_ADDRESS`` pointing at this session (without a
    bus: at a socket nobody serves); the XDG variables are left as they are.
    """

    def __init__(
        self,
        *,
        dbus: bool = True,
        dunst: bool = True,
        trayer: bool = True,
        timeout: float = 10.0,
        screen: tuple[int, int] = SCREEN,
        dpi: int | None = None,
    ) -> None:
        self.screen = screen
        self.dpi = dpi  # None: Xvfb's own (its default screen size gives about 96)
        self.with_dbus = dbus or dunst
        self.with_dunst = dunst
        self.with_trayer = trayer
        self.timeout = timeout
        self.display = ""
        self.bus_address: str | None = None
        self.env: dict[str, str] = {}
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._procs: list[tuple[str, subprocess.Popen[bytes]]] = []
        self._logs: list[IO[bytes]] = []

    @staticmethod
    def missing_tools(*, dbus: bool = True, dunst: bool = True, trayer: bool = True) -> list[str]:
        """The programs this configuration needs that are not on PATH (for ``pytest.skip``)."""
        needed = ["Xvfb", "xdotool"]
        needed += ["dbus-daemon", "dbus-send"] if dbus or dunst else []
        needed += ["dunst", "dunstctl"] if dunst else []
        needed += ["trayer"] if trayer else []
        return [tool for tool in needed if shutil.which(tool) is None]

    # -- life cycle -------------------------------------------------------------------

    def __enter__(self) -> XSession:
        self._folder = tempfile.TemporaryDirectory(prefix="pw-xsession-")
        try:
            self._start_xvfb()
            self.env = {**os.environ, "DISPLAY": self.display}
            if self.with_dbus:
                self._start_dbus()
            self.env["DBUS_SESSION_BUS_ADDRESS"] = self.bus_address or self._no_bus()
            if self.with_dunst:
                self._start_dunst()
            if self.with_trayer:
                self._start_trayer()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop everything this session started, newest first, and delete its files."""
        while self._procs:
            _, proc = self._procs.pop()
            stop(proc)
        while self._logs:
            self._logs.pop().close()
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    @property
    def folder(self) -> Path:
        """The session's private temporary folder (config files, logs, bus socket)."""
        if self._folder is None:
            raise XSessionError("the session is not running")
        return Path(self._folder.name)

    def log(self, name: str) -> str:
        """What a started program (``Xvfb``, ``dbus-daemon``, ``dunst``, ``trayer``) printed."""
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _no_bus(self) -> str:
        # never the developer's own bus (inherited from os.environ), and never unset, which
        # would let D-Bus clients autolaunch a bus on our display: a socket nobody serves
        return f"unix:path={self.folder / 'no-bus'}"

    def pid(self, name: str) -> int:
        """Process id of a started program (to stop it with SIGSTOP in a test, say)."""
        return next(proc.pid for started, proc in self._procs if started == name)

    def _spawn(
        self, name: str, argv: Sequence[str], *, pass_fds: Sequence[int] = ()
    ) -> subprocess.Popen[bytes]:
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115 - closed in close()
        self._logs.append(log)
        env = self.env or {**os.environ}
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            pass_fds=tuple(pass_fds),
        )
        self._procs.append((name, proc))
        return proc

    def _start_xvfb(self) -> None:
        # -displayfd: Xvfb picks a free display and writes its number once it accepts
        # connections, which is both the readiness signal and the answer.
        size = f"{self.screen[0]}x{self.screen[1]}x24"
        argv = ["Xvfb", "-displayfd", "{fd}", "-screen", "0", size, "-nolisten", "tcp", "-noreset"]
        if self.dpi is not None:
            argv += ["-dpi", str(self.dpi)]
        number = self._read_announcement("Xvfb", argv)
        self.display = f":{number}"

    def _start_dbus(self) -> None:
        bus = PrivateBus(self.folder, "dbus-daemon", timeout=self.timeout)
        self._procs.append(("dbus-daemon", bus.proc))
        self.bus_address = bus.address

    def _read_announcement(self, name: str, argv: list[str]) -> str:
        """Start ``name`` with a pipe for ``{fd}`` in ``argv``; return the line it writes there."""
        read_end, write_end = os.pipe()
        try:
            argv = [arg.replace("{fd}", str(write_end)) for arg in argv]
            proc = self._spawn(name, argv, pass_fds=[write_end])
            os.close(write_end)
            write_end = -1
            return self._read_line(read_end, proc, name)
        finally:
            os.close(read_end)
            if write_end >= 0:
                os.close(write_end)

    def _read_line(self, fd: int, proc: subprocess.Popen[bytes], name: str) -> str:
        deadline = time.monotonic() + self.timeout
        data = b""
        while not data.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0:
                raise XSessionError(f"{name} did not start within {self.timeout:g} s")
            ready, _, _ = select.select([fd], [], [], left)
            chunk = os.read(fd, 256) if ready else b""
            if ready and not chunk:
                proc.wait(timeout=self.timeout)
                raise XSessionError(
                    f"{name} exited with {proc.returncode}: {self.log(name).strip()}"
                )
            data += chunk
        return data.decode().strip()

    def _start_dunst(self) -> None:
        script = self.folder / "record-urgency.sh"
        script.write_text(_URGENCY_SCRIPT.format(log=self.folder / "urgency.log"))
        script.chmod(0o755)
        config = self.folder / "dunstrc"
        config.write_text(_DUNSTRC.format(script=script))
        proc = self._spawn("dunst", ["dunst", "-config", str(config)])
        # dunstctl answers only once dunst owns org.freedesktop.Notifications and runs
        # its main loop; without service folders on our bus nothing else can answer.
        self._wait_ready("dunst", proc, lambda: self._quiet(["dunstctl", "is-paused"]))

    def _start_trayer(self) -> None:
        proc = self._spawn("trayer", ["trayer", *TRAYER_ARGS])
        self._wait_ready("trayer", proc, lambda: self._panel_id() is not None)

    def _wait_ready(
        self, name: str, proc: subprocess.Popen[bytes], ready: Callable[[], bool]
    ) -> None:
        def check() -> bool:
            if proc.poll() is not None:
                raise XSessionError(f"{name} exited with {proc.returncode}: {self.log(name)}")
            return ready()

        try:
            wait_for(check, self.timeout, what=f"{name} to become ready")
        except TimeoutError as exc:
            raise XSessionError(f"{exc}; its output: {self.log(name).strip()}") from None

    # -- tools ------------------------------------------------------------------------

    def run(self, *argv: str, timeout: float = 10.0) -> subprocess.CompletedProcess[str]:
        """Run a command (e.g. ``xdotool ...``) in this session; output captured as text."""
        return subprocess.run(
            list(argv),
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def _quiet(self, argv: list[str]) -> bool:
        return self.run(*argv).returncode == 0

    def screenshot(self) -> Image.Image:
        """The whole 1024x768 screen as an RGB image."""
        return ImageGrab.grab(xdisplay=self.display).convert("RGB")

    def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0, what: str = "") -> T:
        """:func:`wait_for` (poll until truthy, return the value); here for convenience."""
        return wait_for(predicate, timeout, what=what or getattr(predicate, "__name__", "it"))

    def windows(self, name_regex: str) -> list[str]:
        """Ids of the mapped windows whose title matches ``name_regex`` (xdotool search)."""
        found = self.run("xdotool", "search", "--onlyvisible", "--name", name_regex)
        return found.stdout.split()

    def wait_window(self, name_regex: str, timeout: float = 10.0) -> str:
        """The id of the first mapped window whose title matches ``name_regex``."""
        ids = self.wait_for(lambda: self.windows(name_regex), timeout, f"window {name_regex!r}")
        return ids[0]

    def window_geometry(self, window_id: str) -> tuple[int, int, int, int]:
        """``(x, y, width, height)`` of a window on the screen, in pixels."""
        out = self.run("xdotool", "getwindowgeometry", "--shell", window_id).stdout
        values = dict(line.split("=", 1) for line in out.split() if "=" in line)
        return int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])

    def click(self, window_id: str, x: int, y: int) -> None:
        """Move the pointer to ``(x, y)`` inside a window and click the left button."""
        done = self.run("xdotool", "mousemove", "--window", window_id, str(x), str(y), "click", "1")
        if done.returncode:
            raise XSessionError(f"xdotool click failed: {done.stderr.strip()}")

    def press(self, window_id: str, *keys: str) -> None:
        """Give a window the keyboard focus, as a click into it would, and press ``keys``.

        ``xdotool key --window`` sends synthetic events, which Tk ignores; real (XTEST)
        key presses go to the focused window, and without a window manager only an
        explicit ``windowfocus`` puts the focus there.
        """
        done = self.run("xdotool", "windowfocus", "--sync", window_id, "key", *keys)
        if done.returncode:
            raise XSessionError(f"xdotool key failed: {done.stderr.strip()}")

    def input_focus(self) -> int:
        """The X window holding the keyboard focus (1 = PointerRoot, 0 = none)."""
        conn = display.Display(self.display)
        try:
            focus = conn.get_input_focus().focus
            return focus if isinstance(focus, int) else focus.id
        finally:
            conn.close()

    def _panel_id(self) -> str | None:
        for window in self.run(
            "xdotool", "search", "--onlyvisible", "--class", "trayer"
        ).stdout.split():
            _, y, _, height = self.window_geometry(window)
            if y == 0 and height == TRAY_HEIGHT:
                return window
        return None

    def tray_geometry(self) -> tuple[int, int, int, int]:
        """``(x, y, width, height)`` of trayer's panel: the box the tray icons are drawn in."""
        window = self._panel_id()
        if window is None:
            raise XSessionError("this session has no tray panel")
        return self.window_geometry(window)

    def close_window(self, window_id: str) -> None:
        """Ask a window to close as a window manager's close button does (WM_DELETE_WINDOW).

        xdotool 3.2016 can only destroy or kill a window, which is not what a user closing
        it does, so the ClientMessage is sent with python-xlib (pystray's X backend).
        """
        conn = display.Display(self.display)
        try:
            window = conn.create_resource_object("window", int(window_id))
            protocols = conn.intern_atom("WM_PROTOCOLS")
            delete = conn.intern_atom("WM_DELETE_WINDOW")
            message = event.ClientMessage(
                window=window, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0])
            )
            window.send_event(message, event_mask=X.NoEventMask)
            conn.sync()  # a round trip: the server has taken the message before we hang up
        finally:
            conn.close()

    # -- notifications ----------------------------------------------------------------

    def notifications(self) -> list[dict[str, str]]:
        """Every notification dunst received, oldest first: summary, body, appname, urgency.

        dunst lists only closed notifications in its history, so this first closes the
        ones on screen (take screenshots before calling it). ``urgency`` is ``low``,
        ``normal`` or ``critical``.
        """
        if not self.with_dunst:
            raise XSessionError("this session runs no dunst")
        closed = self.run("dunstctl", "close-all")
        history = self.run("dunstctl", "history")
        if closed.returncode or history.returncode:
            raise XSessionError(f"dunstctl failed: {closed.stderr}{history.stderr}")
        entries = sorted(json.loads(history.stdout)["data"][0], key=lambda e: e["id"]["data"])
        ids = [str(entry["id"]["data"]) for entry in entries]

        def urgencies_of_all() -> dict[str, str] | None:
            found = self._urgencies()
            return found if all(key in found for key in ids) else None

        # the rule script runs in the background: give it a moment to catch up
        urgencies = self.wait_for(urgencies_of_all, 5.0, "dunst's urgency script") if ids else {}
        return [
            {
                "summary": entry["summary"]["data"],
                "body": entry["body"]["data"],
                "appname": entry["appname"]["data"],
                "urgency": urgencies[key],
            }
            for key, entry in zip(ids, entries, strict=True)
        ]

    def _urgencies(self) -> dict[str, str]:
        path = self.folder / "urgency.log"
        lines = path.read_text().splitlines() if path.exists() else []
        return dict((line.split()[0], line.split()[1].lower()) for line in lines if " " in line)


__all__ = [
    "SCREEN",
    "TRAYER_ARGS",
    "XSession",
    "XSessionError",
]
