"""Stand-in desktop services (a screensaver, logind) and the system Python they run on.

The stand-ins are small GLib services in this folder, run by the system Python with
PyGObject (python3-gi, which the virtual environment does not have) and driven by lines
on stdin: :class:`StandIn` starts one on a given bus, sends it commands and waits for the
lines it prints. :func:`system_gi` is the one probe for that PyGObject.
"""

from __future__ import annotations

import functools
import os
import subprocess
import threading
from pathlib import Path

import pytest

from tests.harness.bus import need_dbus

STANDINS = Path(__file__).parent
SYSTEM_PYTHON = "/usr/bin/python3"


@functools.cache
def system_gi(namespace: str = "Gio", version: str = "2.0") -> bool:
    """Whether the system Python has PyGObject with ``namespace`` ``version``."""
    if not Path(SYSTEM_PYTHON).exists():
        return False
    probe = f"import gi; gi.require_version({namespace!r}, {version!r})"
    done = subprocess.run([SYSTEM_PYTHON, "-c", probe], capture_output=True, check=False)
    return done.returncode == 0


def need_system_gi(namespace: str = "Gio", version: str = "2.0") -> None:
    """Skip the test unless the system Python has PyGObject with ``namespace``."""
    if not system_gi(namespace, version):
        pytest.skip(f"the system Python has no python3-gi with {namespace} {version}")


def need_tools() -> None:
    """What the stand-ins need: ``dbus-daemon`` and the system Python's GLib."""
    need_dbus()
    need_system_gi("Gio", "2.0")


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
