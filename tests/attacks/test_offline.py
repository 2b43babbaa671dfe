"""Attacks on the offline filter: ways to a socket that do not go through ``socket(2)``.

A child process installs the filter (``enforce_offline``), then execs a small C program
(offline_bypass.c beside this file) that makes a TCP socket one of three ways and
connects it to a listener on 127.0.0.1: the i386 ``socket`` call through ``int $0x80``,
``socketcall`` through the same ABI, and io_uring's ``IORING_OP_SOCKET``. Each way is
first run without the filter, so the test proves the way works on this kernel (or skips,
saying why) before proving the filter closes it. The listener must receive nothing.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from posture_watch import offline
from posture_watch.offline import ALLOW_ENV

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="seccomp is Linux")

REPO = Path(__file__).resolve().parents[2]
SOURCE = Path(__file__).with_name("offline_bypass.c")
TIMEOUT = 30

#: exec ``argv[1:]`` once the filter is in place (the filter survives exec)
FILTERED_EXEC = (
    "import os, sys\n"
    "from posture_watch.offline import enforce_offline\n"
    "assert enforce_offline(), 'filter not installed'\n"
    "os.execv(sys.argv[1], sys.argv[1:])\n"
)


def child_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != ALLOW_ENV}


@pytest.fixture(scope="module")
def bypass_program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """offline_bypass.c, compiled (static when the C library allows it)."""
    if platform.machine() not in ("x86_64", "aarch64"):
        pytest.skip(f"the filter is not installed on {platform.machine()}")
    gcc = shutil.which("gcc") or shutil.which("cc")
    if gcc is None:
        pytest.skip("no C compiler to build the bypass program")
    out = tmp_path_factory.mktemp("bypass") / "offline_bypass"
    for extra in (["-static"], []):
        built = subprocess.run(
            [gcc, "-O1", "-Wall", *extra, "-o", str(out), str(SOURCE)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if built.returncode == 0:
            return out
    pytest.skip(f"cannot build the bypass program: {built.stderr.strip()[:300]}")


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield server
    server.close()


def accepted(server: socket.socket, wait: float) -> int:
    """How many connections reached ``server`` (waiting up to ``wait`` s for the first)."""
    server.settimeout(wait)
    count = 0
    try:
        while True:
            conn, _ = server.accept()
            conn.close()
            count += 1
            server.settimeout(0.0)
    except (TimeoutError, BlockingIOError):
        return count


@linux_only
@pytest.mark.slow  # compiles a C program and starts processes
@pytest.mark.parametrize("way", ["int80", "socketcall", "io_uring"])
def test_no_way_around_the_filter_reaches_a_local_listener(
    way: str, bypass_program: Path, listener: socket.socket
) -> None:
    port = str(listener.getsockname()[1])
    unfiltered = subprocess.run(
        [bypass_program, way, port], capture_output=True, text=True, timeout=TIMEOUT
    )
    if unfiltered.stdout.strip() != "connected":
        pytest.skip(f"{way} cannot make a socket on this kernel even unfiltered: "
                    f"{unfiltered.stdout.strip() or unfiltered.stderr.strip()}")  # fmt: skip
    assert accepted(listener, wait=5.0) == 1  # the way works here, without the filter

    filtered = subprocess.run(
        [sys.executable, "-c", FILTERED_EXEC, bypass_program, way, port],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=child_env(),
        cwd=REPO,
    )
    assert filtered.returncode == 0, filtered.stderr
    assert filtered.stdout.startswith("refused "), filtered.stdout
    assert accepted(listener, wait=0.5) == 0


FAMILIES = """
    import json, socket
    from posture_watch.offline import enforce_offline

    def attempt(family, kind, proto=0):
        try:
            socket.socket(family, kind, proto).close()
            return "ok"
        except OSError as exc:
            return exc.errno

    assert enforce_offline()
    print(json.dumps({
        "vsock": attempt(socket.AF_VSOCK, socket.SOCK_STREAM),
        "netlink": attempt(socket.AF_NETLINK, socket.SOCK_RAW, 0),  # NETLINK_ROUTE
        "packet": attempt(socket.AF_PACKET, socket.SOCK_DGRAM),
        "unix": attempt(socket.AF_UNIX, socket.SOCK_STREAM),
        # glibc asks netlink which address families are configured; refused, it assumes both
        "lookup": socket.getaddrinfo("localhost", 80, flags=socket.AI_ADDRCONFIG)[0][4][0],
    }))
"""


@linux_only
@pytest.mark.slow
def test_only_unix_sockets_are_left() -> None:
    """AF_VSOCK reaches a host or VM without IP; netlink and packet sockets are not needed."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(FAMILIES)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=child_env(),
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    eacces = 13
    assert result["vsock"] == eacces
    assert result["netlink"] == eacces
    assert result["packet"] == eacces
    assert result["unix"] == "ok"
    assert result["lookup"] in ("127.0.0.1", "::1")


# --- the program itself, run by a small BPF interpreter (fast, any machine) -----------


def run_filter(program: list[tuple[int, int, int, int]], data: bytes) -> int:
    """What the kernel would answer for one ``struct seccomp_data``: the return value."""
    acc, pc = 0, 0
    while True:
        code, jt, jf, k = program[pc]
        if code == offline.BPF_LD_W_ABS:
            acc = int.from_bytes(data[k : k + 4], "little")
        elif code == offline.BPF_RET_K:
            return k
        elif code in (offline.BPF_JEQ_K, offline.BPF_JSET_K):
            taken = acc == k if code == offline.BPF_JEQ_K else bool(acc & k)
            pc += jt if taken else jf
        else:
            raise AssertionError(f"unknown BPF code {code:#x}")
        pc += 1


def seccomp_data(nr: int, arch: int, arg0: int = 0) -> bytes:
    return b"".join([
        nr.to_bytes(4, "little"), arch.to_bytes(4, "little"), bytes(8),
        arg0.to_bytes(8, "little"), bytes(40),
    ])  # fmt: skip


@pytest.mark.parametrize("name", sorted(offline.ARCHES))
def test_the_program_allows_unix_sockets_and_refuses_every_other_way(name: str) -> None:
    arch = offline.ARCHES[name]
    program = offline.build_filter(arch, byteorder="little")
    allow = offline.SECCOMP_RET_ALLOW
    eacces = offline.SECCOMP_RET_ERRNO | 13
    enosys = offline.SECCOMP_RET_ERRNO | 38

    def answer(nr: int, arg0: int = 0, audit_arch: int = arch.audit_arch) -> int:
        return run_filter(program, seccomp_data(nr, audit_arch, arg0))

    assert answer(arch.socket_nr, socket.AF_UNIX) == allow
    for family in (2, 10, 16, 17, 40):  # inet, inet6, netlink, packet, vsock
        assert answer(arch.socket_nr, family) == eacces
    assert answer(arch.socket_nr, (1 << 32) | 2) == eacces  # only the C int counts
    for nr in arch.io_uring_nrs:
        assert answer(nr) == enosys
    assert answer(0) == allow and answer(arch.seccomp_nr) == allow
    i386, arm = 0x40000003, 0x40000028  # AUDIT_ARCH_I386, AUDIT_ARCH_ARM
    for foreign in (i386, arm):
        assert answer(102, 1, audit_arch=foreign) == enosys  # socketcall(SYS_SOCKET)
        assert answer(1, audit_arch=foreign) == enosys  # anything at all
    if arch.x32_bit:
        assert answer(arch.x32_bit | arch.socket_nr, socket.AF_UNIX) == enosys
        assert answer(arch.x32_bit | 39) == enosys
    assert all(0 <= jt < 256 and 0 <= jf < 256 for _, jt, jf, _ in program)
