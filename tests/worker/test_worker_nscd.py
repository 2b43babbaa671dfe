"""The real command line, end to end: the model's telemetry reaches no local daemon.

``posture-watch analyze`` on a real picture runs the real model in the camera worker.
MediaPipe's telemetry looks up ``play.googleapis.com`` once, about 60 s after the model
is made or when it is closed, whichever comes first (so at the end of a short run); on a
machine with nscd (or nss-resolve) glibc hands that name to the daemon over a Unix
socket, and the daemon asks the network. Here a fake nscd (tests/harness/fake_nscd.py)
listens where glibc looks, in a private mount namespace. The control runs the same
command with the model in the command's own process (``POSTURE_WATCH_WORKER=thread``,
whose filter leaves Unix sockets): the name arrives, so the test can fail.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from posture_watch.offline import ALLOW_ENV
from tests.harness.fake_nscd import FakeNscd, namespace_problem, run_in_namespace

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="seccomp is Linux"),
]

REPO = Path(__file__).resolve().parents[2]
TELEMETRY_HOST = "play.googleapis.com"


@pytest.fixture(scope="module")
def namespace() -> None:
    problem = namespace_problem()
    if problem is not None:
        pytest.skip(problem)


@pytest.fixture
def picture(shared_samples: Path) -> Path:
    upright = sorted((shared_samples / "slouchingornot" / "images").glob("*/notSlouching/*.jpg"))
    if not upright:
        pytest.skip("no upright sample picture")
    return upright[0]


def env(tmp_path: Path, worker: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k != ALLOW_ENV}
    home = tmp_path / "home"
    home.mkdir(mode=0o700, exist_ok=True)
    return {**base, "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"),
            "POSTURE_WATCH_WORKER": worker}  # fmt: skip


def analyze(picture: Path) -> list[str]:
    return [sys.executable, "-m", "posture_watch.cli", "analyze", str(picture), "--uncalibrated"]


@pytest.mark.parametrize(("worker", "expected"), [("thread", [TELEMETRY_HOST]), ("process", [])])
def test_the_model_in_the_worker_hands_nscd_nothing(
    namespace: None, tmp_path: Path, picture: Path, worker: str, expected: list[str]
) -> None:
    with FakeNscd(tmp_path / "nscd") as nscd:
        done = run_in_namespace(
            nscd, analyze(picture), scratch=tmp_path, env=env(tmp_path, worker), timeout=90,
            cwd=REPO,
        )  # fmt: skip
        asked = nscd.names()
    assert done.returncode == 0, done.stderr
    assert '"person": true' in done.stdout  # the model ran
    assert asked == expected


def test_strace_sees_no_connection_from_the_worker(
    namespace: None, tmp_path: Path, picture: Path
) -> None:
    """Every socket tried is refused and nothing connects anywhere, not even to the fake
    nscd: the worker's telemetry tries and is refused, and the command line, which no
    longer loads the model, tries nothing (so the whole command's trace is checked)."""
    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("strace is not installed")
    trace = tmp_path / "trace"
    argv = [strace, "-f", "-ff", "-qq", "-s", "200", "-o", str(trace),
            "-e", "trace=socket,socketpair,connect,execve", *analyze(picture)]  # fmt: skip
    with FakeNscd(tmp_path / "nscd") as nscd:
        done = run_in_namespace(
            nscd, argv, scratch=tmp_path, env=env(tmp_path, "process"), timeout=120, cwd=REPO
        )
    if "PTRACE" in done.stderr:
        pytest.skip(f"strace cannot trace here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    files = sorted(tmp_path.glob("trace.*"))
    assert [p for p in files if "worker_entry" in p.read_text()], "no worker was started"
    calls = [
        line
        for path in files
        for line in path.read_text().splitlines()
        if line.startswith(("socket", "connect"))
    ]
    assert any(c.startswith("socket(AF_UNIX") for c in calls), calls  # nscd was tried
    assert [c for c in calls if not c.endswith("= -1 EACCES (Permission denied)")] == []
    assert not any(c.startswith("connect(") for c in calls)
    assert nscd.requests == []
