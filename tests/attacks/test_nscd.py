"""Attacks through a local daemon: a host name handed to nscd over a Unix socket.

A process that may use Unix sockets (:func:`~posture_watch.offline.enforce_offline`) can
still get a name resolved on the network: glibc asks nscd first, over
``/var/run/nscd/socket``, and nscd asks DNS (nss-resolve and systemd-resolved do the same
over D-Bus or varlink). MediaPipe's telemetry looks up ``play.googleapis.com`` that way.
The worker that runs the model installs :func:`~posture_watch.offline.enforce_no_sockets`
instead, and then nothing reaches the daemon.

Each test runs a child Python in a private mount namespace where a fake nscd
(tests/harness/fake_nscd.py) listens at glibc's path and records every request. The
control (the child under ``enforce_offline``) must hand the name over, which shows the
hole and that the test can fail; the child under ``enforce_no_sockets`` must hand over
nothing, and under strace must make no socket and no connection at all.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from posture_watch.offline import ALLOW_ENV
from tests.harness.fake_nscd import FakeNscd, in_namespace, namespace_problem, run_in_namespace
from tests.harness.samples import model

__all__ = ["model"]  # a fixture

pytestmark = [
    pytest.mark.slow,  # child processes in a mount namespace
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="seccomp is Linux"),
]

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 60
TELEMETRY_HOST = "play.googleapis.com"

#: argv[1] names the filter (a function of posture_watch.offline) to install first
LOOKUP = """
    import socket, sys
    from posture_watch import offline
    assert getattr(offline, sys.argv[1])(), "filter not installed"
    try:
        socket.getaddrinfo("play.googleapis.com", 443, type=socket.SOCK_STREAM)
        print("resolved")
    except OSError as exc:
        print("not resolved:", exc)
"""

#: argv[1] the filter, argv[2] the model, argv[3] a picture: three frames, then close
MODEL = """
    import json, sys, time
    from pathlib import Path
    import cv2
    from posture_watch import offline
    from posture_watch.pose import MediaPipeEstimator

    assert getattr(offline, sys.argv[1])(), "filter not installed"
    picture = cv2.imread(sys.argv[3])
    started = time.monotonic()
    with MediaPipeEstimator(Path(sys.argv[2]), video=True) as estimator:
        loaded = time.monotonic()
        people = [estimator.estimate_image(picture, i / 10) is not None for i in range(3)]
        closing = time.monotonic()
    print(json.dumps({"started": started, "loaded": loaded, "closing": closing,
                      "closed": time.monotonic(), "people": people}))
"""


@pytest.fixture(scope="module")
def namespace() -> None:
    problem = namespace_problem()
    if problem is not None:
        pytest.skip(problem)


def child_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != ALLOW_ENV}


def python(code: str, *args: str | Path) -> list[str]:
    return [sys.executable, "-c", textwrap.dedent(code), *map(str, args)]


def test_with_unix_sockets_the_name_reaches_nscd(namespace: None, tmp_path: Path) -> None:
    """The control: the parent's filter leaves Unix sockets, and the name gets out."""
    with FakeNscd(tmp_path / "nscd") as nscd:
        done = run_in_namespace(
            nscd, python(LOOKUP, "enforce_offline"), scratch=tmp_path, env=child_env(),
            timeout=TIMEOUT, cwd=REPO,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("not resolved")  # the fake answers nothing; DNS refused
    assert nscd.names() == [TELEMETRY_HOST]


def test_without_sockets_nscd_receives_nothing(namespace: None, tmp_path: Path) -> None:
    """The worker's filter: glibc cannot reach nscd, and strace sees no socket made and no
    connection, only refused attempts (so the lookup did try)."""
    strace = shutil.which("strace")
    trace = tmp_path / "trace"
    argv = python(LOOKUP, "enforce_no_sockets")
    if strace is not None:
        argv = [strace, "-f", "-ff", "-qq", "-o", str(trace),
                "-e", "trace=socket,socketpair,connect", *argv]  # fmt: skip
    with FakeNscd(tmp_path / "nscd") as nscd:
        done = run_in_namespace(
            nscd, argv, scratch=tmp_path, env=child_env(), timeout=TIMEOUT, cwd=REPO
        )
    if strace is not None and "PTRACE" in done.stderr:
        pytest.skip(f"strace cannot trace here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("not resolved")
    assert nscd.requests == []
    if strace is None:
        return
    calls = traced_calls(tmp_path)  # Python makes no socket before the filter
    assert [c for c in calls if not c.endswith("= -1 EACCES (Permission denied)")] == []
    assert any(c.startswith("socket(AF_UNIX") for c in calls), calls  # nscd was tried
    assert not any(c.startswith("connect(") for c in calls), calls  # nothing to connect


def traced_calls(folder: Path) -> list[str]:
    """The traced calls of every process and thread (``strace -ff`` writes one file each,
    so no call is split across lines), without strace's signal lines."""
    calls = ("socket(", "socketpair(", "connect(")
    return [
        line.strip()
        for path in sorted(folder.glob("trace.*"))
        for line in path.read_text().splitlines()
        if line.startswith(calls)
    ]


@pytest.fixture(scope="module")
def picture(shared_samples: Path) -> Path:
    upright = sorted((shared_samples / "slouchingornot" / "images").glob("*/notSlouching/*.jpg"))
    if not upright:
        pytest.skip("no upright sample picture")
    return upright[0]


@pytest.mark.parametrize(
    ("filter_name", "expected"),
    [("enforce_offline", [TELEMETRY_HOST]), ("enforce_no_sockets", [])],
)
def test_the_models_telemetry_reaches_nscd_only_with_unix_sockets(
    namespace: None, tmp_path: Path, model: Path, picture: Path, filter_name: str,
    expected: list[str],
) -> None:  # fmt: skip
    """The real pose model. Its telemetry looks its host up once, 60 s after the model
    is created or in ``close()`` when that comes first (measured: 4-36 ms after
    ``close()`` began, on a loaded machine too), so three frames and a close show it
    every time, in about two seconds."""
    with FakeNscd(tmp_path / "nscd") as nscd:
        done = run_in_namespace(
            nscd, python(MODEL, filter_name, model, picture), scratch=tmp_path,
            env=child_env(), timeout=TIMEOUT, cwd=REPO,
        )  # fmt: skip
        asked = nscd.names()
        first = nscd.requests[0].at if nscd.requests else None
    assert done.returncode == 0, done.stderr
    times = json.loads(done.stdout.splitlines()[-1])
    assert times["people"] == [True, True, True]  # the model ran
    assert asked == expected
    if first is not None:
        print(
            f"{filter_name}: model loaded in {times['loaded'] - times['started']:.2f} s; "
            f"nscd asked {first - times['closing']:+.3f} s after close() began"
        )


def test_a_wrapped_command_line_keeps_the_real_run_folder(namespace: None, tmp_path: Path) -> None:
    """The harness itself: inside, /run holds the real entries and nscd's; outside,
    nothing changed."""
    before = sorted(os.listdir("/run"))
    with FakeNscd(tmp_path / "nscd") as nscd:
        argv = in_namespace(nscd, ["sh", "-c", "ls -A /run; readlink /run/nscd"], tmp_path)
        done = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    *inside, target = done.stdout.split()
    assert sorted(set(inside) - {"nscd"}) == sorted(set(before) - {"nscd"})
    assert target == str(nscd.folder.resolve())
    assert sorted(os.listdir("/run")) == before
