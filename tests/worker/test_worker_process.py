"""The camera worker as a real process: shut in, answering, and restarted after a crash.

Issue 18: the process that opens the camera and runs MediaPipe holds no socket, may not
make one, may read only what it was given (Landlock, where the kernel has it), and its
native crash kills only itself. Each test here starts real worker processes.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from posture_watch import landlock
from posture_watch.core.analyzer import Verdict
from posture_watch.core.worker_events import (
    CameraUnavailable,
    Stopped,
    WorkerCrashed,
    WorkerFailed,
)
from posture_watch.errors import SourceError
from posture_watch.monitor.setup import SetupRequest, prepare
from posture_watch.worker import messages as m
from posture_watch.worker.client import WorkerClient
from posture_watch.worker.remote_source import RemoteSource
from posture_watch.worker.sandbox import Allowed
from tests.harness.processes import camera_worker_of, wait_for
from tests.harness.samples import model

__all__ = ["model"]  # a fixture

pytestmark = [
    pytest.mark.slow,  # worker processes, the real model
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the sandbox is Linux"),
]

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def person(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A person's folders under ``tmp_path`` (nothing of the real HOME is read)."""
    for name, sub in (
        ("HOME", "home"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        (tmp_path / sub).mkdir(mode=0o700)
        monkeypatch.setenv(name, str(tmp_path / sub))
    monkeypatch.delenv("MPLCONFIGDIR", raising=False)
    return tmp_path


@pytest.fixture
def picture(shared_samples: Path) -> Path:
    return sorted((shared_samples / "sideview" / "images").glob("*.jpg"))[0]


def proc_status(pid: int) -> dict[str, str]:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {k: v.strip() for k, _, v in (line.partition(":") for line in lines)}


def test_the_worker_holds_no_socket_and_is_shut_in(
    person: Path, picture: Path, model: Path
) -> None:
    with WorkerClient(Allowed((picture, model))) as worker:
        status = proc_status(worker.pid)
        fds = [os.readlink(fd) for fd in Path(f"/proc/{worker.pid}/fd").iterdir()]
        assert worker.sandbox is not None
        assert worker.sandbox.no_sockets
        assert worker.sandbox.landlock == (landlock.abi() > 0), worker.sandbox
        source = RemoteSource.open(worker, picture)
        worker.request(m.LoadModel(model, load=False))
        frames = list(source.frames())
    assert status["Seccomp"] == "2" and status["NoNewPrivs"] == "1"
    assert [fd for fd in fds if fd.startswith("socket:")] == []
    assert status["Tgid"] != str(os.getpid())
    assert len(frames) == 1 and frames[0].landmarks is not None  # the real model ran
    assert frames[0].image is None  # the pixels stayed in the worker


@pytest.mark.skipif(landlock.abi() == 0, reason="no Landlock on this kernel")
def test_the_worker_reads_only_what_it_was_given(
    person: Path, picture: Path, tmp_path: Path
) -> None:
    """A copy of the same picture outside what the parent allowed cannot be opened."""
    elsewhere = tmp_path / "private" / "copy.jpg"
    elsewhere.parent.mkdir()
    shutil.copy(picture, elsewhere)
    with WorkerClient(Allowed((picture,))) as worker:
        assert RemoteSource.open(worker, picture).pixels
        with pytest.raises(SourceError):
            RemoteSource.open(worker, elsewhere)


BYPASS_IN_SANDBOX = """
import ctypes, sys
from pathlib import Path
from posture_watch.worker.sandbox import Allowed, enter
library = Path(sys.argv[1])
no_sockets, applied = enter(Allowed((library,)))
assert no_sockets, "no filter"
main = ctypes.CDLL(str(library)).bypass_main
main.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)]
argv = (ctypes.c_char_p * 3)(b"bypass", sys.argv[2].encode(), sys.argv[3].encode())
sys.stdout.flush()
sys.exit(main(3, argv))
"""


@pytest.fixture(scope="module")
def bypass_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/attacks/offline_bypass.c as a library whose main is ``bypass_main``: the
    worker may not execute programs, so the attempts run inside its own process."""
    gcc = shutil.which("gcc") or shutil.which("cc")
    if gcc is None:
        pytest.skip("no C compiler")
    out = tmp_path_factory.mktemp("bypass") / "libbypass.so"
    source = REPO / "tests" / "attacks" / "offline_bypass.c"
    built = subprocess.run(
        [gcc, "-O1", "-shared", "-fPIC", "-Dmain=bypass_main", "-o", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if built.returncode != 0:
        pytest.skip(f"cannot build the bypass library: {built.stderr.strip()[:300]}")
    return out


@pytest.mark.parametrize("way", ["int80", "socketcall", "io_uring"])
def test_no_way_around_reaches_a_listener_from_inside_the_worker(
    way: str, bypass_library: Path, person: Path
) -> None:
    import socket

    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    server.settimeout(0.5)
    port = str(server.getsockname()[1])
    done = subprocess.run(
        [sys.executable, "-c", BYPASS_IN_SANDBOX, str(bypass_library), way, port],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    try:
        reached = True
        server.accept()[0].close()
    except TimeoutError:
        reached = False
    finally:
        server.close()
    assert done.stdout.startswith("refused "), (done.stdout, done.stderr)
    assert not reached


def test_a_native_crash_restarts_the_worker_where_the_analysis_was(
    person: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGSEGV in the worker (as a crash in MediaPipe or FFmpeg would be): the parent says
    so, logs it, starts a new worker after the back-off, and the new worker goes on with
    the same sitting spell (the analyzer's checkpoint); the replay then ends normally."""
    monkeypatch.setenv("POSTURE_WATCH_WORKER", "process")
    setup = prepare(SetupRequest(demo=True, speed=30))
    events: list[object] = []
    posted = threading.Condition()

    def post(event: object) -> None:
        with posted:
            events.append(event)
            posted.notify_all()

    loop = setup.build_loop(post, crash_limit=3)
    runner = threading.Thread(target=loop.run, daemon=True)
    runner.start()
    try:

        def sitting() -> list[Verdict]:
            return [e for e in events if isinstance(e, Verdict) and e.sitting_since]

        wait_for(lambda: len(sitting()) >= 8 and loop.checkpointed, 60, what="a checkpoint")
        first_pid, since = loop.worker_pid, sitting()[-1].sitting_since
        os.kill(first_pid, signal.SIGSEGV)
        crashed = wait_for(
            lambda: [e for e in events if isinstance(e, WorkerCrashed)], 30, what="the crash"
        )[0]
        wait_for(lambda: loop.worker_pid != first_pid, 30, what="a new worker")
        runner.join(120)
    finally:
        loop.stop()
        runner.join(10)
    assert "killed by SIGSEGV" in crashed.error
    log = Path(crashed.log_file).read_text()
    assert "killed by SIGSEGV" in log and "Segmentation fault" in log  # faulthandler's dump
    after = [e for e in events[events.index(crashed) :] if isinstance(e, Verdict)]
    assert after and after[0].sitting_since == since  # the same sitting spell goes on
    assert isinstance(events[-1], Stopped) and events[-1].reason == "end"
    assert not Path(f"/proc/{first_pid}").exists()


def test_the_console_monitor_ends_in_one_line_when_its_worker_crashes(person: Path) -> None:
    """The console gives up at the first crash (a service manager restarts it): exit 1,
    one line, no traceback, and the history written up to the crash."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "posture_watch.cli", "monitor", "--no-tray", "--demo",
         "--speed", "20"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if "state: upright" in line:
                break
        worker = wait_for(lambda: camera_worker_of(proc.pid), 30, what="the worker")
        os.kill(worker, signal.SIGSEGV)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, err
    assert "Traceback" not in err and "Traceback" not in out
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "killed by SIGSEGV" in lines[0], err


def test_a_webcam_plugged_in_later_gets_a_new_worker_not_a_crash(
    person: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The camera is missing at start; the worker may open only the nodes present then.
    When a node appears while the loop waits for the camera, a new worker (which may open
    it) takes over at once: no crash, no back-off, the monitor still running."""
    monkeypatch.setenv("POSTURE_WATCH_WORKER", "process")
    setup = prepare(SetupRequest(source="7"))  # no camera 7 here
    assert setup.first is None and setup.note is not None
    events: list[object] = []
    loop = setup.build_loop(events.append, crash_limit=1)
    plugged: list[Path] = []
    loop.camera_nodes = lambda: tuple(plugged)
    runner = threading.Thread(target=loop.run, daemon=True)
    runner.start()
    try:
        wait_for(lambda: any(isinstance(e, CameraUnavailable) for e in events), 30, what="wait")
        first_pid = loop.worker_pid
        plugged.append(Path("/dev/video7"))  # as udev would make it
        wait_for(lambda: loop.worker_pid != first_pid, 30, what="a new worker")
        assert runner.is_alive()
        assert not Path(f"/proc/{first_pid}").exists()
    finally:
        loop.stop()
        runner.join(20)
    assert not any(isinstance(e, WorkerCrashed | WorkerFailed) for e in events), events
    assert isinstance(events[-1], Stopped) and events[-1].reason == "stop"


def test_mediapipe_loads_without_matplotlib(model: Path) -> None:
    """MediaPipe's drawing helpers (which import matplotlib.pyplot: most of its start-up,
    and a writable folder the worker does not have) are left out; the model still runs."""
    code = (
        "import sys, numpy as np\n"
        "from posture_watch.pose import MediaPipeEstimator\n"
        f"e = MediaPipeEstimator(__import__('pathlib').Path({str(model)!r}), video=False)\n"
        "e.estimate_image(np.zeros((240, 320, 3), np.uint8), 0.0)\n"
        "e.close()\n"
        "print(sorted(m for m in sys.modules if m.startswith('matplotlib')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
