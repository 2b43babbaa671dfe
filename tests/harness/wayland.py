"""A throw-away headless Wayland desktop for the tray tests: sway, waybar and a bus.

GNOME and KDE on Wayland show tray icons only as StatusNotifierItems, so the tray is
tested against a real SNI host: waybar's ``tray`` module, which is both the
``org.kde.StatusNotifierWatcher`` and the host that draws the icons, inside sway with the
headless wlroots backend and the pixman renderer (no GPU, no input devices). ``grim``
takes the screenshots through wlroots' screencopy.

sway refuses to run as root, and CI runs as root. So, as root, sway, waybar and grim run
as an unprivileged system user (:data:`USER`, created when missing) with a runtime folder
of its own (mode 0700), while the tray under test runs as root. Both reach one private
``dbus-daemon`` whose policy lets any user connect, own names and send: waybar on one
side, the tray on the other. Not as root, everything runs as the current user.

Every program writes to a log file in the session's folder; start-up is awaited by
polling (the Wayland socket, the watcher's bus name), and :meth:`close` stops and reaps
everything, also after a start that failed half-way.
"""

from __future__ import annotations

import io
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from jeepney import DBusAddress, MessageType, new_method_call
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from PIL import Image

from tests.harness.bus import BusError, PrivateBus
from tests.harness.processes import stop, wait_for

USER = "pwtray"
SIZE = (800, 600)
BAR_HEIGHT = 30
TOOLS = ("sway", "waybar", "grim", "dbus-daemon", "dbus-monitor", "setpriv")
WATCHER = "org.kde.StatusNotifierWatcher"

_SWAY_CONFIG = f"""\
xwayland disable
output HEADLESS-1 resolution {SIZE[0]}x{SIZE[1]} background #404040 solid_color
"""
_WAYBAR_CONFIG = f"""\
{{"layer": "top", "position": "top", "height": {BAR_HEIGHT}, "modules-left": [],
  "modules-center": [], "modules-right": ["tray"], "tray": {{"icon-size": 24, "spacing": 4}}}}
"""
_WAYBAR_STYLE = "* { min-height: 0; }\nwindow#waybar { background: #202020; }\n"


class DesktopError(RuntimeError):
    """sway, waybar or the bus did not start, or not in time."""


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def ensure_user() -> pwd.struct_passwd:
    """The unprivileged compositor user, created (as a system user) when missing."""
    try:
        return pwd.getpwnam(USER)
    except KeyError:
        done = subprocess.run(
            ["useradd", "--system", "--create-home", "--shell", "/usr/sbin/nologin", USER],
            check=False, capture_output=True, text=True, timeout=30,
        )  # fmt: skip
    try:  # another test process (a pytest-xdist worker) may have made it meanwhile
        return pwd.getpwnam(USER)
    except KeyError:
        raise DesktopError(f"useradd {USER} failed: {done.stderr.strip()}") from None


class WaylandDesktop:
    """sway (headless) + waybar with its tray + a private bus; a context manager."""

    def __init__(self, timeout: float = 10.0) -> None:
        self.timeout = timeout
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._procs: dict[str, subprocess.Popen[bytes]] = {}
        self._logs: list[IO[bytes]] = []
        self.user = pwd.getpwuid(os.getuid())
        self.bus_address = ""
        self.wayland_display = ""

    # -- life cycle ----------------------------------------------------------------------

    def __enter__(self) -> WaylandDesktop:
        self._tmp = tempfile.TemporaryDirectory(prefix="pw-wayland-")
        try:
            self.folder.chmod(0o755)  # the compositor user reads its config files here
            if os.getuid() == 0:
                self.user = ensure_user()
            self.runtime_dir.mkdir(mode=0o700)
            os.chown(self.runtime_dir, self.user.pw_uid, self.user.pw_gid)
            self._start_bus()
            self._start_sway()
            self.start_waybar()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for name in reversed(list(self._procs)):
            self.stop(name)
        while self._logs:
            self._logs.pop().close()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    @property
    def folder(self) -> Path:
        if self._tmp is None:
            raise DesktopError("the desktop is not running")
        return Path(self._tmp.name)

    @property
    def runtime_dir(self) -> Path:
        return self.folder / "run"

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    @property
    def env(self) -> dict[str, str]:
        """For programs under test (the tray, as the current user): this bus, this
        Wayland display and no X display."""
        env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
        return env | {
            "DBUS_SESSION_BUS_ADDRESS": self.bus_address,
            "WAYLAND_DISPLAY": str(self.runtime_dir / self.wayland_display),
        }

    def _user_env(self) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": self.user.pw_dir,
            "USER": self.user.pw_name,
            "XDG_RUNTIME_DIR": str(self.runtime_dir),
            "DBUS_SESSION_BUS_ADDRESS": self.bus_address,
            "NO_AT_BRIDGE": "1",
            "LANG": "C.UTF-8",
        }

    def _as_user(self, argv: Sequence[str]) -> list[str]:
        if os.getuid() == 0 and self.user.pw_uid != 0:
            return [
                "setpriv", f"--reuid={self.user.pw_uid}", f"--regid={self.user.pw_gid}",
                "--init-groups", "--", *argv,
            ]  # fmt: skip
        return list(argv)

    def _spawn(self, name: str, argv: Sequence[str], env: dict[str, str]) -> None:
        log = open(self.folder / f"{name}.log", "ab")  # noqa: SIM115 - closed in close()
        self._logs.append(log)
        self._procs[name] = subprocess.Popen(
            list(argv), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env,
            cwd=self.folder,  # the user's own: a checkout in a 0700 folder is not (sway's exec)
        )  # fmt: skip

    def _check(self, name: str) -> None:
        proc = self._procs[name]
        if proc.poll() is not None:
            raise DesktopError(f"{name} exited with {proc.returncode}: {self.log(name)[-2000:]}")

    def stop(self, name: str) -> None:
        """Terminate one started program (``waybar``, ``sway``, ``dbus``) and reap it."""
        proc = self._procs.pop(name, None)
        if proc is not None:
            stop(proc)

    def _start_bus(self) -> None:
        try:
            bus = PrivateBus(self.folder, "dbus", any_user=True, timeout=self.timeout)
        except BusError as exc:
            raise DesktopError(str(exc)) from None
        self._procs["dbus"] = bus.proc
        self.bus_address = bus.address

    def _start_sway(self) -> None:
        config = self.folder / "sway.conf"
        config.write_text(_SWAY_CONFIG)
        env = self._user_env() | {
            "WLR_BACKENDS": "headless",
            "WLR_RENDERER": "pixman",
            "WLR_LIBINPUT_NO_DEVICES": "1",
        }
        self._spawn("sway", self._as_user(["sway", "--config", str(config)]), env)

        def socket() -> str | None:
            self._check("sway")
            found = [p.name for p in self.runtime_dir.glob("wayland-*") if p.is_socket()]
            return found[0] if found else None

        try:
            self.wayland_display = wait_for(socket, self.timeout, "sway's Wayland socket")
        except TimeoutError as exc:
            raise DesktopError(f"{exc}; sway said: {self.log('sway')[-2000:]}") from None

    def start_waybar(self) -> None:
        """Start waybar (again) and wait until its tray owns the watcher name."""
        config, style = self.folder / "waybar.json", self.folder / "waybar.css"
        config.write_text(_WAYBAR_CONFIG)
        style.write_text(_WAYBAR_STYLE)
        env = self._user_env() | {"WAYLAND_DISPLAY": self.wayland_display}
        argv = ["waybar", "--config", str(config), "--style", str(style)]
        self._spawn("waybar", self._as_user(argv), env)

        def ready() -> bool:
            self._check("waybar")
            return self.name_has_owner(WATCHER)

        try:
            wait_for(ready, self.timeout, "waybar's StatusNotifierWatcher")
        except TimeoutError as exc:
            raise DesktopError(f"{exc}; waybar said: {self.log('waybar')[-2000:]}") from None

    # -- tools -----------------------------------------------------------------------------

    def connect(self) -> DBusConnection:
        """A new blocking connection to the private bus (close it, or use ``with``)."""
        return open_dbus_connection(self.bus_address)

    def call(
        self, bus_name: str, path: str, interface: str, member: str,
        signature: str | None = None, body: tuple[Any, ...] = (),
    ) -> tuple[Any, ...]:  # fmt: skip
        """One method call on the private bus; raises on an error reply."""
        address = DBusAddress(path, bus_name=bus_name, interface=interface)
        with self.connect() as conn:
            reply = conn.send_and_get_reply(
                new_method_call(address, member, signature, body), timeout=5
            )
        if reply.header.message_type is MessageType.error:
            raise DesktopError(f"{interface}.{member} failed: {reply.body}")
        return reply.body

    def name_has_owner(self, name: str) -> bool:
        with self.connect() as conn:
            reply = conn.send_and_get_reply(message_bus.NameHasOwner(name), timeout=5)
        return bool(reply.body[0])

    def name_owner(self, name: str) -> str:
        with self.connect() as conn:
            reply = conn.send_and_get_reply(message_bus.GetNameOwner(name), timeout=5)
        return str(reply.body[0])

    def registered_items(self) -> list[str]:
        """``RegisteredStatusNotifierItems`` on waybar's watcher ("bus name/object path")."""
        (value,) = self.call(
            WATCHER, "/StatusNotifierWatcher", "org.freedesktop.DBus.Properties", "Get",
            "ss", (WATCHER, "RegisteredStatusNotifierItems"),
        )  # fmt: skip
        return list(value[1])

    def screenshot(self) -> Image.Image:
        """The whole output as RGB (grim, as the compositor user, to stdout)."""
        env = self._user_env() | {"WAYLAND_DISPLAY": self.wayland_display}
        done = subprocess.run(
            self._as_user(["grim", "-t", "ppm", "-"]), env=env, capture_output=True, timeout=10
        )
        if done.returncode:
            raise DesktopError(f"grim failed: {done.stderr.decode(errors='replace')}")
        return Image.open(io.BytesIO(done.stdout)).convert("RGB")

    def bar(self) -> Image.Image:
        """The bar along the top edge, where waybar's tray draws the icons."""
        return self.screenshot().crop((0, 0, SIZE[0], BAR_HEIGHT))
