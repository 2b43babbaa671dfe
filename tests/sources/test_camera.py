"""CameraSource: only the failure path, since test machines have no webcam."""

import time

import pytest

from posture_watch.errors import CameraError, SourceError
from posture_watch.sources import CameraSource


def test_missing_camera_fails_fast_with_one_line() -> None:
    start = time.monotonic()
    with pytest.raises(CameraError) as info:
        CameraSource(7)
    assert time.monotonic() - start < 5.0
    assert str(info.value) == ("camera 7: cannot open (not connected or in use by another program)")
    assert isinstance(info.value, SourceError)
