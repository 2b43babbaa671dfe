"""Native logging stays off the user's terminal: real CLI processes, real descriptors.

Each test runs a real ``posture-watch`` (or Python) process and looks at every byte of its
stderr: exactly our own lines without ``POSTURE_WATCH_DEBUG``, the native libraries' lines
with it (which also shows the test would notice them).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import cv2
import pytest

from posture_watch.native_log import DEBUG_ENV, debug_enabled

UNCALIBRATED_NOTE = (
    "note: uncalibrated — using population defaults; run 'posture-watch calibrate' "
    "for results tuned to you\n"
)
#: What the native libraries' lines look like: LiteRT/TFLite ("INFO: [x.cc:43] ..."),
#: absl/glog ("W0000 00:00:..."), FFmpeg ("[mov,mp4,... @ 0x55...] ...").
NATIVE = re.compile(r"^(INFO|WARNING|ERROR): |^[IWE]\d{4} |^\[[^\]]+ @ 0x[0-9a-f]+\] ", re.M)


def env_for(home: Path, *, debug: bool = False) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (DEBUG_ENV, "OPENCV_FFMPEG_LOGLEVEL")}
    env.update(
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_RUNTIME_DIR=str(home / "run"),
    )
    if debug:
        env[DEBUG_ENV] = "1"
    return env


def cli(home: Path, *argv: str | Path, debug: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "posture_watch.cli", *map(str, argv)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env_for(home, debug=debug),
    )


@pytest.fixture
def picture(shared_samples: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "setup.png"
    shutil.copyfile(shared_samples / "hcpostureguard/webcam_crops/setup.png", copy)
    return copy


def test_analyze_of_a_picture_prints_only_our_line(tmp_path: Path, picture: Path) -> None:
    quiet = cli(tmp_path, "analyze", picture)
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr == UNCALIBRATED_NOTE
    loud = cli(tmp_path, "analyze", picture, debug=True)
    assert loud.returncode == 0
    assert "DestroyAccelerator" in loud.stderr and NATIVE.search(loud.stderr)
    assert loud.stdout == quiet.stdout  # debugging changes what is said, not the result


def test_a_text_file_named_mp4_gives_exactly_one_line(tmp_path: Path) -> None:
    fake = tmp_path / "x.mp4"
    fake.write_text("this is not a video\n")
    quiet = cli(tmp_path, "analyze", fake)
    assert quiet.returncode == 2
    assert quiet.stderr.splitlines() == [
        f"posture-watch: {fake}: cannot read video (empty, corrupt or unsupported format)"
    ]
    loud = cli(tmp_path, "analyze", fake, debug=True)
    assert "moov atom not found" in loud.stderr


def test_the_monitor_on_a_video_keeps_native_lines_away(tmp_path: Path, picture: Path) -> None:
    video = tmp_path / "session.mp4"
    frame = cv2.resize(cv2.imread(str(picture)), (320, 240))
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter.fourcc(*"mp4v"), 5, (320, 240))
    for _ in range(15):
        writer.write(frame)
    writer.release()
    argv = ("monitor", "--no-tray", "--source", video, "--seconds", "2", "--speed", "5")
    quiet = cli(tmp_path, *argv)
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr == ""
    assert "frames analysed" in quiet.stdout
    loud = cli(tmp_path, *argv, debug=True)
    assert NATIVE.search(loud.stderr), loud.stderr


def run_python(code: str, home: Path, *, debug: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env_for(home, debug=debug),
    )


def test_other_threads_lines_survive_a_quiet_window(tmp_path: Path) -> None:
    """While descriptor 2 is silenced for the native code, another thread's Python lines
    and a thread's traceback still arrive; what is written to descriptor 2 does not."""
    code = """
        import os, sys, threading
        from posture_watch.native_log import native_quiet

        def worker():
            print("our line from a thread", file=sys.stderr)
            raise RuntimeError("a worker crash")

        with native_quiet():
            os.write(2, b"INFO: native chatter\\n")
            thread = threading.Thread(target=worker)
            thread.start()
            thread.join()
            with native_quiet():  # nested: the inner end must not restore descriptor 2
                pass
            os.write(2, b"INFO: more native chatter\\n")
        os.write(2, b"after the window\\n")
    """
    done = run_python(code, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "our line from a thread\n" in done.stderr
    assert "RuntimeError: a worker crash" in done.stderr
    assert "native chatter" not in done.stderr
    assert done.stderr.endswith("after the window\n")
    loud = run_python(code, tmp_path, debug=True)
    assert "INFO: native chatter" in loud.stderr and "more native chatter" in loud.stderr


def test_an_estimator_left_open_is_closed_quietly_at_exit(tmp_path: Path) -> None:
    """Without the exit hook MediaPipe's ``__del__`` runs during interpreter teardown and
    prints a TypeError traceback (and LiteRT its DestroyAccelerator lines)."""
    code = """
        import numpy as np
        from posture_watch.model import locate_model
        from posture_watch.pose import MediaPipeEstimator

        estimator = MediaPipeEstimator(locate_model(), video=True)
        estimator.estimate_image(np.zeros((240, 320, 3), np.uint8), 0.0)
        print("left open")
    """
    done = run_python(code, tmp_path)
    assert done.returncode == 0
    assert (done.stdout, done.stderr) == ("left open\n", "")


@pytest.mark.parametrize(("value", "expected"), [("", False), ("0", False), ("1", True)])
def test_debug_switch(monkeypatch: pytest.MonkeyPatch, value: str, expected: bool) -> None:
    monkeypatch.setenv(DEBUG_ENV, value)
    assert debug_enabled() is expected
