"""Attacks on the offline filters: ways to a socket that do not go through ``socket(2)``.

A child process installs a filter (``enforce_offline`` for the tray or console process,
``enforce_no_sockets`` for the worker that runs the model), then execs a small C program
(offline_bypass.c beside this file) that makes a TCP socket one of three ways and
connects it to a listener on 127.0.0.1: the i386 ``socket`` call through ``int $0x80``,
``socketcall`` through the same ABI, and io_uring's ``IORING_OP_SOCKET``. Each way is
first run without the filter, so the test proves the way works on this kernel (or skips,
saying why) before proving the filter closes it. The listener must receive nothing.

The worker's filter must also refuse the plain ways, Unix sockets included: a new Unix
socket, a ``socketpair``, a socket held from before the filter, and a socket copied out
of the parent with ``pidfd_getfd``. Both programs are also run by a small BPF
interpreter over every system-call number, and their numbers read back from the kernel
headers where those are installed.
"""

from __future__ import annotations

import json
import os
import platform
import re
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

#: install the filter ``argv[1]`` names, then exec ``argv[2:]`` (the filter survives exec)
FILTERED_EXEC = (
    "import os, sys\n"
    "from posture_watch import offline\n"
    "assert getattr(offline, sys.argv[1])(), 'filter not installed'\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n"
)
FILTERS = ["enforce_offline", "enforce_no_sockets"]


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
@pytest.mark.parametrize("filter_name", FILTERS)
@pytest.mark.parametrize("way", ["int80", "socketcall", "io_uring"])
def test_no_way_around_the_filter_reaches_a_local_listener(
    way: str, filter_name: str, bypass_program: Path, listener: socket.socket
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
        [sys.executable, "-c", FILTERED_EXEC, filter_name, bypass_program, way, port],
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


UNIX = """
    import ctypes, json, os, socket, sys
    from posture_watch import offline

    def attempt(action):
        try:
            action()
            return "ok"
        except OSError as exc:
            return exc.errno

    target, parents_fd = sys.argv[2], int(sys.argv[3])
    held = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)  # made before the filter
    unbound = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    bound = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    bound.bind("")  # an abstract address of the kernel's choosing
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(sys.argv[4])
    server.listen(1)
    waiting = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    waiting.connect(sys.argv[4])  # a connection for the held server to accept
    pidfd = os.pidfd_open(os.getppid())
    assert getattr(offline, sys.argv[1])(), "filter not installed"

    def fresh():
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(target)

    def steal():  # pidfd_getfd(2): copy a descriptor out of the parent
        libc = ctypes.CDLL(None, use_errno=True)
        fd = libc.syscall(438, pidfd, parents_fd, 0)
        if fd < 0:
            raise OSError(ctypes.get_errno(), "pidfd_getfd")
        os.close(fd)

    print(json.dumps({
        "unix": attempt(fresh),
        "socketpair": attempt(lambda: [s.close() for s in socket.socketpair()]),
        "held_connect": attempt(lambda: held.connect(target)),
        "held_bind": attempt(lambda: unbound.bind("")),
        "held_listen": attempt(lambda: bound.listen(1)),
        "held_accept": attempt(lambda: server.accept()[0].close()),
        "pidfd_getfd": attempt(steal),
    }))
"""


@linux_only
@pytest.mark.slow
@pytest.mark.parametrize("filter_name", FILTERS)
def test_the_worker_reaches_no_unix_listener(filter_name: str, tmp_path: Path) -> None:
    """The worker's filter refuses Unix sockets too (nscd, systemd-resolved, a proxy), and
    every way to use a socket that did not come from ``socket(2)``. The parent's filter is
    the control: there the same attempts reach the listener."""
    target = tmp_path / "listener"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(target))
    server.listen(8)
    try:
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(UNIX), filter_name, target,
             str(server.fileno()), tmp_path / "held"],
            capture_output=True, text=True, timeout=TIMEOUT, env=child_env(), cwd=REPO,
        )  # fmt: skip
        reached = accepted(server, wait=0.5)
    finally:
        server.close()
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    if filter_name == "enforce_offline":
        assert result["unix"] == result["socketpair"] == result["held_connect"] == "ok"
        assert result["held_bind"] == result["held_listen"] == result["held_accept"] == "ok"
        assert reached == 2
        return
    eacces = 13
    assert result == dict.fromkeys(result, eacces)
    assert reached == 0


@linux_only
@pytest.mark.slow
def test_the_two_filters_stack_and_each_goes_in_once() -> None:
    """The worker may inherit the parent's filter or install both itself: each call of
    either adds at most one filter, and the network switch does not lift the worker's."""
    code = """
        import json, socket
        from posture_watch import offline

        def filters():
            status = open("/proc/self/status").read()
            return int(status.split("Seccomp_filters:")[1].split()[0])

        def unix():
            try:
                socket.socket(socket.AF_UNIX).close()
                return "ok"
            except OSError as exc:
                return exc.errno

        steps = []
        for name in __import__("sys").argv[1:]:
            steps.append([name, getattr(offline, name)(), filters(), unix()])
        print(json.dumps(steps))
    """

    def run(*names: str, env: dict[str, str] | None = None) -> list[list[object]]:
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code), *names],
            capture_output=True, text=True, timeout=TIMEOUT, env=env or child_env(), cwd=REPO,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
        return json.loads(done.stdout)

    offline_first = run("enforce_offline", "enforce_no_sockets", "enforce_offline",
                        "enforce_no_sockets")  # fmt: skip
    assert offline_first == [
        ["enforce_offline", True, 1, "ok"],
        ["enforce_no_sockets", True, 2, 13],
        ["enforce_offline", True, 2, 13],
        ["enforce_no_sockets", True, 2, 13],
    ]
    # the stricter filter first: the parent's adds nothing to it
    assert run("enforce_no_sockets", "enforce_offline") == [
        ["enforce_no_sockets", True, 1, 13],
        ["enforce_offline", True, 1, 13],
    ]
    allowed = child_env() | {ALLOW_ENV: "1"}
    assert run("enforce_offline", "enforce_no_sockets", env=allowed) == [
        ["enforce_offline", False, 0, "ok"],
        ["enforce_no_sockets", True, 1, 13],
    ]


@linux_only
@pytest.mark.slow
def test_a_kernel_that_refuses_the_workers_filter_is_one_warning_line() -> None:
    code = """
        import errno, socket
        from posture_watch import offline
        # our own filter first, answering ENOSYS to seccomp() as an old kernel would
        nr = offline.ARCHES[offline.machine()].seccomp_nr
        offline._install([
            (offline.BPF_LD_W_ABS, 0, 0, 0),
            (offline.BPF_JEQ_K, 0, 1, nr),
            (offline.BPF_RET_K, 0, 0, offline.SECCOMP_RET_ERRNO | errno.ENOSYS),
            (offline.BPF_RET_K, 0, 0, offline.SECCOMP_RET_ALLOW),
        ], nr)
        print(offline.enforce_no_sockets(), offline.no_sockets_enforced())
        socket.socket(socket.AF_UNIX).close()
        print("carried on")
    """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True, text=True, timeout=TIMEOUT, env=child_env(), cwd=REPO,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["False False", "carried on"]
    lines = done.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("posture-watch: warning: cannot block sockets (")


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


@pytest.mark.parametrize("name", sorted(offline.ARCHES))
def test_the_workers_program_refuses_exactly_the_socket_calls(name: str) -> None:
    """Every native call number, each with a Unix and an internet family in args[0]:
    the listed socket calls get EACCES, io_uring ENOSYS, and all the rest (read, write,
    sendmsg on the inherited pipe...) are allowed."""
    arch = offline.ARCHES[name]
    program = offline.build_filter(arch, byteorder="little", unix=False)
    allow = offline.SECCOMP_RET_ALLOW
    eacces = offline.SECCOMP_RET_ERRNO | 13
    enosys = offline.SECCOMP_RET_ERRNO | 38

    def answer(nr: int, arg0: int = 0, audit_arch: int = arch.audit_arch) -> int:
        return run_filter(program, seccomp_data(nr, audit_arch, arg0))

    refused = dict(arch.socket_calls)
    assert sorted(refused) == sorted(offline.SOCKET_CALLS)
    for nr in range(512):
        for family in (socket.AF_UNIX, socket.AF_INET):
            if nr in refused.values():
                expected = eacces
            elif nr in arch.io_uring_nrs:
                expected = enosys
            else:
                expected = allow
            assert answer(nr, family) == expected, (nr, family)
    i386, arm = 0x40000003, 0x40000028  # AUDIT_ARCH_I386, AUDIT_ARCH_ARM
    for foreign in (i386, arm):
        assert answer(102, 1, audit_arch=foreign) == enosys  # socketcall(SYS_SOCKET)
        assert answer(359, 1, audit_arch=foreign) == enosys  # i386 socket(AF_UNIX)
        assert answer(3, audit_arch=foreign) == enosys  # anything at all
    if arch.x32_bit:
        assert answer(arch.x32_bit | arch.socket_nr, socket.AF_UNIX) == enosys
        assert answer(arch.x32_bit | 0) == enosys
    assert all(0 <= jt < 256 and 0 <= jf < 256 for _, jt, jf, _ in program)


#: where each machine's numbers are written down, on a Debian-like system
HEADERS = {
    "x86_64": Path("/usr/include/x86_64-linux-gnu/asm/unistd_64.h"),
    "aarch64": Path("/usr/include/asm-generic/unistd.h"),
}


@pytest.mark.parametrize("name", sorted(offline.ARCHES))
def test_the_call_numbers_are_the_kernels(name: str) -> None:
    header = HEADERS[name]
    if not header.exists():
        pytest.skip(f"{header} is not installed (linux-libc-dev)")
    numbers = {
        match[1]: int(match[2])
        for match in re.finditer(r"^#define __NR_(\w+)\s+(\d+)\s*$", header.read_text(), re.M)
    }
    arch = offline.ARCHES[name]
    for call, nr in arch.socket_calls:
        assert numbers[call] == nr, call
    assert numbers["socket"] == arch.socket_nr
    assert numbers["seccomp"] == arch.seccomp_nr
    uring = ("io_uring_setup", "io_uring_enter", "io_uring_register")
    assert tuple(numbers[call] for call in uring) == arch.io_uring_nrs
