"""``posture-watch monitor --no-tray`` as a real process following a real (private) session
bus: a stand-in screensaver locks the screen, the monitor lets go of its source and says
so, and the unlock has it monitoring again within 2 s of real time."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from posture_watch.commands.monitor import describe
from posture_watch.core.worker_events import CameraBusy, CameraFree, ScreenLocked, ScreenUnlocked
from tests.commands.test_monitor import CLI
from tests.harness.bus import PrivateBus
from tests.harness.standins import StandIn, need_tools


class Output:
    """The monitor's stdout lines as they come, with the real time each arrived."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.lines: list[tuple[float, str]] = []
        self._cond = threading.Condition()
        self._proc = proc
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self._proc.stdout:
            with self._cond:
                self.lines.append((time.monotonic(), line.rstrip("\n")))
                self._cond.notify_all()

    def close(self) -> None:
        """After the process ended: the rest of its output is read, the pipe closed."""
        self._reader.join(10)
        self._proc.stdout.close()

    def wait_for(self, text: str, after: float = 0.0, timeout: float = 20.0) -> float:
        """When the first line containing ``text`` that came after ``after`` arrived."""

        def found() -> float | None:
            return next((t for t, line in self.lines if t >= after and text in line), None)

        with self._cond:
            self._cond.wait_for(lambda: found() is not None, timeout)
            when = found()
        assert when is not None, f"{text!r} not seen in {[line for _, line in self.lines]}"
        return when


@pytest.fixture
def desktop(tmp_path: Path) -> Iterator[tuple[dict[str, str], StandIn]]:
    """Private session and system buses, a stand-in GNOME screensaver, and the monitor's
    environment pointing at them."""
    need_tools()
    session, system = PrivateBus(tmp_path, "session"), PrivateBus(tmp_path, "system")
    saver = StandIn("screensaver.py", session.address, "org.gnome.ScreenSaver")
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
        "DBUS_SESSION_BUS_ADDRESS": session.address,
        "DBUS_SYSTEM_BUS_ADDRESS": system.address,
    }
    yield env, saver
    saver.close()
    session.close()
    system.close()


def test_locking_the_screen_pauses_the_console_monitor_and_unlocking_resumes_it(desktop):
    env, saver = desktop
    proc = subprocess.Popen(
        [*CLI, "--demo", "--speed", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out = Output(proc)
        out.wait_for("state: upright")
        saver.expect("GetActive")  # the monitor's watcher has subscribed
        saver.send("lock")
        out.wait_for("screen locked: monitoring paused")
        time.sleep(1.0)
        unlocked_at = time.monotonic()
        saver.send("unlock")
        line_at = out.wait_for("screen unlocked: monitoring resumed", after=unlocked_at)
        resumed_at = out.wait_for("state: upright", after=unlocked_at)  # a frame analysed
        assert line_at - unlocked_at < 2.0
        assert resumed_at - unlocked_at < 2.0
        proc.terminate()
        code = proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    out.close()
    with proc.stderr:
        stderr = proc.stderr.read()
    lines = [line for _, line in out.lines]
    assert code == 0 and stderr == "", stderr
    # the session bus was there; the private system bus has no logind, which is said once
    assert [line for line in lines if "bus" in line] == [
        "no logind on the system bus: sleep and logind session locks are not followed"
    ]
    locked = next(i for i, line in enumerate(lines) if "screen locked" in line)
    assert "state: away" in lines[locked + 1]  # the lock counts as away
    assert any(line.startswith("The demo has ended") for line in lines)


def test_console_lines_for_lock_and_camera_events():
    t0 = 1_790_000_000.0
    assert describe(ScreenLocked(t0, "org.gnome.ScreenSaver")) == (
        "screen locked: monitoring paused"
    )
    assert describe(ScreenUnlocked(t0, "logind")) == "screen unlocked: monitoring resumed"
    assert describe(ScreenUnlocked(t0, "logind", still_paused=True)) == (
        "screen unlocked: still paused"
    )
    assert describe(CameraBusy(t0, "zoom (pid 4242)", 30.0)) == (
        "camera in use by zoom (pid 4242): released it, checking again every 30 s"
    )
    assert describe(CameraBusy(t0, "", 30.0)) == (
        "camera in use by another program: released it, checking again every 30 s"
    )
    assert describe(CameraFree(t0)) == "camera free again: monitoring resumed"
