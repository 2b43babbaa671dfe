"""Private D-Bus daemons: one bus configuration, one way to start, await and stop a bus.

Each bus is a real ``dbus-daemon`` with its own configuration and socket in a test's
temporary folder, so nothing of the machine's buses is touched. The configuration has no
service folders: asking for a service that is not running (a notification server, say)
fails at once instead of D-Bus activating the system's one behind our back. Its policy is
a session bus's (send, eavesdrop, own anything); ``any_user`` also lets other users in,
for a desktop whose compositor runs as another user than the program under test.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from types import TracebackType

import pytest

from tests.harness.processes import stop

BUS_CONFIG = """\
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">{users}
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


class BusError(RuntimeError):
    """The bus did not start, or not in time."""


def need_dbus() -> None:
    """Skip the test when ``dbus-daemon`` is not installed."""
    if shutil.which("dbus-daemon") is None:
        pytest.skip("dbus-daemon is not installed (Debian package dbus)")


class PrivateBus:
    """A ``dbus-daemon`` of our own, listening on ``folder/name.sock``; a context manager.

    ``address`` is what ``DBUS_SESSION_BUS_ADDRESS`` would hold; the daemon prints it once
    it listens, which is the readiness signal. Its output goes to ``folder/name.log``.
    """

    def __init__(
        self, folder: Path, name: str = "bus", *, any_user: bool = False, timeout: float = 10.0
    ) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.socket = folder / f"{name}.sock"
        self.log_path = folder / f"{name}.log"
        config = folder / f"{name}.conf"
        users = '\n    <allow user="*"/>' if any_user else ""
        config.write_text(BUS_CONFIG.format(socket=self.socket, users=users))
        read_end, write_end = os.pipe()
        argv = [
            "dbus-daemon",
            f"--config-file={config}",
            "--nofork",
            f"--print-address={write_end}",
        ]
        try:
            with open(self.log_path, "wb") as log:
                self.proc = subprocess.Popen(
                    argv,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
                    pass_fds=(write_end,),
                )
            os.close(write_end)
            write_end = -1
            self.address = self._read_address(read_end, timeout)
        except BaseException:
            if hasattr(self, "proc"):
                stop(self.proc)
            raise
        finally:
            os.close(read_end)
            if write_end >= 0:
                os.close(write_end)

    def _read_address(self, fd: int, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        data = b""
        while not data.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0:
                raise BusError(f"dbus-daemon did not start within {timeout:g} s")
            ready, _, _ = select.select([fd], [], [], left)
            chunk = os.read(fd, 256) if ready else b""
            if ready and not chunk:
                self.proc.wait(timeout=timeout)
                said = self.log_path.read_text(errors="replace").strip()
                raise BusError(f"dbus-daemon exited with {self.proc.returncode}: {said}")
            data += chunk
        return data.decode().strip()

    def close(self) -> None:
        stop(self.proc)

    def __enter__(self) -> PrivateBus:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
