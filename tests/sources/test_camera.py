"""CameraSource: only the failure paths, since test machines have no webcam.

A busy camera is staged with a stand-in device node held open by a real child process;
only the webcam itself (its frames) is a mock.
"""

import errno
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import cv2
import numpy as np
import pytest

from posture_watch.clock import ManualClock
from posture_watch.errors import CameraBusyError, CameraError, SourceError
from posture_watch.sources import CameraSource, camera


def test_missing_camera_fails_fast_with_one_line() -> None:
    start = time.monotonic()
    with pytest.raises(CameraError) as info:
        CameraSource(7)
    assert time.monotonic() - start < 5.0
    assert str(info.value) == ("camera 7: cannot open (not connected or in use by another program)")
    assert isinstance(info.value, SourceError)


# --- a camera another program has: a stand-in node held by a real child process --------


@contextmanager
def holder(node: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A real ``sleep`` process with ``node`` open until the block ends."""
    with open(node, "rb") as fh:
        child = subprocess.Popen(["sleep", "60"], stdin=fh)
    try:
        yield child
    finally:
        child.kill()
        child.wait(timeout=10)


@pytest.fixture
def node(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for the camera's ``/dev/videoN``, which CameraSource is pointed at."""
    path = tmp_path / "video0"
    path.write_bytes(b"")
    monkeypatch.setattr(camera, "_device", lambda index: path)
    return path


class FakeWebcam:
    """The one mock: the physical webcam, which test machines lack. It opens, delivers
    ``GOOD`` frames, then fails to grab, as when another program takes the device."""

    GOOD = 3

    def __init__(self, index: int, backend: int) -> None:
        self.left = self.GOOD

    def isOpened(self) -> bool:
        return True

    def set(self, prop: int, value: float) -> bool:
        return True

    def read(self) -> tuple[bool, np.ndarray]:
        return True, np.zeros((480, 640, 3), np.uint8)

    def grab(self) -> bool:
        self.left -= 1
        return self.left >= 0

    def retrieve(self) -> tuple[bool, np.ndarray]:
        return self.read()

    def release(self) -> None:
        pass


def test_device_is_the_v4l2_node_of_the_index() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("device nodes are looked at on Linux only")
    assert camera._device(2) == Path("/dev/video2")
    assert camera._device(-1) is None


def test_busy_error_names_who_holds_the_device(node: Path) -> None:
    assert camera._busy_error(0, node) is None  # nobody else: not busy
    assert camera._busy_error(0, None) is None
    with holder(node) as child:
        error = camera._busy_error(0, node)
        assert isinstance(error, CameraBusyError) and isinstance(error, CameraError)
        assert str(error) == f"camera 0 is in use by sleep (pid {child.pid})"
        assert error.by == f"sleep (pid {child.pid})"
        assert error.hint and "\n" not in error.one_line()
    assert camera._busy_error(0, node) is None


def test_busy_error_when_only_the_failure_said_busy(node: Path) -> None:
    error = camera._busy_error(1, node, said_busy=True)
    assert error is not None and str(error) == "camera 1 is in use by another program"
    assert error.by == ""
    assert camera._says_busy(cv2.error("VIDIOC_STREAMON: Device or resource busy"))
    assert camera._says_busy(OSError(errno.EBUSY, os.strerror(errno.EBUSY)))
    assert not camera._says_busy(cv2.error("can't open camera by index"))
    assert not camera._says_busy(None)


def test_open_failing_while_another_program_holds_the_camera_is_busy(node: Path) -> None:
    """The real OpenCV open of a camera that is not there fails; the holder decides."""
    with holder(node) as child, pytest.raises(CameraBusyError) as info:
        CameraSource(7)
    assert str(info.value) == f"camera 7 is in use by sleep (pid {child.pid})"
    with pytest.raises(CameraError) as info:
        CameraSource(7)
    assert not isinstance(info.value, CameraBusyError)
    assert "cannot open (not connected" in str(info.value)


def test_grab_failing_mid_stream_while_another_program_holds_it_is_busy(
    node: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(camera.cv2, "VideoCapture", FakeWebcam)
    source = CameraSource(0, clock=ManualClock(wall=1.8e9))
    assert source.device == node
    frames = source.frames()
    assert next(frames).index == 0
    with holder(node) as child:  # a call starts while we stream
        expected = rf"^camera 0 is in use by sleep \(pid {child.pid}\)$"
        with pytest.raises(CameraBusyError, match=expected):
            list(frames)
    source.close()

    source = CameraSource(0, clock=ManualClock(wall=1.8e9))  # the same failure, nobody else there
    with pytest.raises(CameraError, match="unplugged") as info:
        list(source.frames())
    assert not isinstance(info.value, CameraBusyError)
    source.close()
