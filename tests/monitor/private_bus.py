"""Private D-Bus daemons and stand-in services for the screen lock tests.

Each bus is a real ``dbus-daemon`` with its own configuration and socket in a temporary
folder (nothing of the machine's buses is touched); the stand-in screensaver and logind
are small GLib services run by the system Python (python3-gi), driven by lines on stdin.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

STANDINS = Path(__file__).parent / "standins"
SYSTEM_PYTHON = "/usr/bin/python3"

CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def need_tools() -> None:
    if shutil.which("dbus-daemon") is None:
        pytest.skip("dbus-daemon is not installed (Debian package dbus)")
    probe = [SYSTEM_PYTHON, "-c", "import gi; gi.require_version('Gio', '2.0')"]
    if not Path(SYSTEM_PYTHON).exists() or subprocess.run(probe).returncode != 0:
        pytest.skip("the system Python has no python3-gi for the stand-in services")


class PrivateBus:
    """A dbus-daemon of our own; ``address`` is what DBUS_*_BUS_ADDRESS would hold."""

    def __init__(self, folder: Path, name: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.socket = folder / f"{name}.sock"
        config = folder / f"{name}.conf"
        config.write_text(CONFIG.format(socket=self.socket))
        self.proc = subprocess.Popen(
            ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # "failed to set fd limit" when not root, and such
            text=True,
        )
        assert self.proc.stdout is not None
        self.address = self.proc.stdout.readline().strip()
        assert self.address.startswith("unix:"), self.address

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


class StandIn:
    """A stand-in service process: ``send`` a command, ``expect`` a line it prints."""

    def __init__(self, script: str, *args: str) -> None:
        self.proc = subprocess.Popen(
            [SYSTEM_PYTHON, str(STANDINS / script), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={k: v for k, v in os.environ.items() if not k.startswith("DBUS_")},
        )
        self.lines: list[str] = []
        self._cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        self.expect("ready")

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._cond:
                self.lines.append(line.strip())
                self._cond.notify_all()

    def expect(self, line: str, count: int = 1, timeout: float = 10.0) -> None:
        with self._cond:
            ok = self._cond.wait_for(lambda: self.lines.count(line) >= count, timeout)
        assert ok, f"the stand-in never said {line!r} (#{count}): {self.lines}"

    def send(self, command: str) -> None:
        """Send a command and wait until the stand-in has emitted its signal."""
        count = self.lines.count(f"emitted {command}") + 1
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        self.expect(f"emitted {command}", count)

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.close()
                self.proc.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait(5)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
