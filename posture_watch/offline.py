"""Keep the process off the network: two seccomp filters, one per kind of process.

Why: the MediaPipe wheels ship an undocumented telemetry uploader (google-ai-edge/
mediapipe#6291). Creating a pose landmarker starts a native thread
(``HttpAsyncClient::WorkerFn``) that posts usage metrics to ``play.googleapis.com``
through a bundled libcurl, and loading ``libmediapipe.so`` itself probes with an
``AF_INET`` socket (``net::IPv4SocketsPreferred``). The name is looked up once
(``gethostbyname``), measured: 60-62 s after the landmarker is created, or in its
``close()`` when that comes sooner, and not again in a run of 1,000 s with a frame a
second. There is no documented switch to turn the uploader off (the
open-source ``logging_factory.cc`` builds a dummy logger; the PyPI build links Google's
internal one instead), so the guarantee is made here, in the kernel. A filter holds in
every thread of the process (TSYNC) and in every child it starts later, and cannot be
lifted.

The two filters, built by :func:`build_filter`:

- :func:`enforce_no_sockets`, installed by the worker process that opens the camera and
  runs the model (:mod:`posture_watch.worker`): no socket at all. ``socket`` of any
  family, Unix included, ``socketpair``, ``connect``, ``bind``, ``listen``, ``accept``,
  ``accept4`` and ``pidfd_getfd`` fail with ``EACCES``. The worker talks to its parent
  over inherited pipes, which stay open, as does every other call. This closes the
  local-daemon hole below for the process that loads the model: glibc cannot reach nscd,
  and nss-resolve cannot reach systemd-resolved, so the telemetry's name lookup ends in
  the process (tests/attacks/test_nscd.py: a fake nscd receives nothing).
  ``POSTURE_WATCH_ALLOW_NETWORK`` does not lift it: the worker opens no display.
- :func:`enforce_offline`, installed by the tray or console process and by commands
  that run the model in-process: only Unix sockets, which D-Bus (the notifications
  too), X11 and Wayland need. ``socket()`` of any other family fails with ``EACCES``: internet
  (``AF_INET``/``AF_INET6``), ``AF_VSOCK`` (a host or VM reached without IP),
  ``AF_NETLINK``, ``AF_PACKET`` and the rest. Netlink is refused too because nothing
  here needs it: glibc's ``getaddrinfo`` (``AI_ADDRCONFIG``) and ``if_nameindex`` fall
  back when it fails, the camera scan reads ``/proc`` and ``/sys``, and ``analyze`` with
  the real model was checked under strace with it refused (tests/test_offline.py).

Both filters also answer ``ENOSYS``, as a kernel without the feature would, so a library
falls back to plain calls:

- to ``io_uring_setup``/``io_uring_enter``/``io_uring_register``: io_uring's
  ``IORING_OP_SOCKET`` (kernel 5.19) makes sockets without the ``socket`` syscall;
- to every call through a foreign system-call ABI: the i386 ABI (``int $0x80``, which
  also has ``socketcall``) and x32 on x86_64, AArch32 on aarch64. Nothing here uses them.

The telemetry then fails the way it fails on a machine without a network, quietly; it
never kills the process. tests/attacks/test_offline.py runs a small C program that tries
each way around (the i386 ``socket``, ``socketcall``, io_uring) against a local
listener, under each filter, and the worker's filter against a Unix listener too.

What stays open, by design. Under either filter: sockets opened before it (none are
when it is installed before the model loads; the worker must inherit none but its
pipes, since ``sendto``/``sendmsg`` stay allowed for an inherited socket). Under
:func:`enforce_offline` only: Unix sockets, so a local daemon that makes network
requests for its clients (nscd, nss-resolve's systemd-resolved, a proxy on a Unix
socket) can still be asked by the tray or console process. That process does not load
the model once the worker runs it; a command that still loads the model under
:func:`enforce_offline` keeps the hole (tests/attacks/test_nscd.py shows it, as a
control).

Why a hand-written BPF program over ctypes and not libseccomp: the hole the bypass test
found (foreign ABIs allowed) was a policy choice written in the old docstring, not a
slip in assembling the program; libseccomp would refuse foreign ABIs by default, but
the same rule is two instructions here. The programs are 13 and 18 instructions, read
in full in :func:`build_filter`, and the tests run them for real. A binding would add a
dependency for no gain: the maintained one (Debian's ``python3-seccomp``) exists for the
system Python only; on PyPI, ``pyseccomp`` (ctypes over ``libseccomp.so.2``) has had no
release since January 2021 and the others are one-person repackagings; and our own
ctypes over ``libseccomp.so.2`` would be more code than the filter (contexts, rules,
architecture lists, error codes) with a library that may be missing in a container.

Scope: x86_64 and aarch64. On any other machine no filter is installed and one debug
line says so, rather than a wrong filter. Off Linux this is a no-op with a debug line.
When the kernel refuses a filter (seccomp disabled in a container, a kernel older than
3.17) one warning line says so and the program carries on. Cost, measured on x86_64
(Linux 6.18, a shared 2-core VM): 0.3 ms to install the first filter (loading libc
through ctypes included), 0.16 ms for a second; an ordinary call then runs nine
instructions of the parent's program or sixteen of the worker's, and since Linux 5.11
the kernel caches the answer of every call whose answer does not depend on its
arguments (all of them but ``socket`` under the parent's filter), so a loop of
``getppid`` ran at 400-600 ns a call with no filter, either or both: within the noise.

``POSTURE_WATCH_ALLOW_NETWORK=1`` skips :func:`enforce_offline`, for debugging and for an
X display reached over TCP (``ssh -X`` sets ``DISPLAY=localhost:10.0``), where the
windows the monitor starts need an internet socket.

A filter is inherited by child processes, which would cripple a web browser started to
show the report. So a process that hands files to the desktop starts an unfiltered
launcher first (``enforce_offline(launcher=True)``, see
:mod:`posture_watch.launcher`).
"""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import platform
import sys
import threading
from dataclasses import dataclass

log = logging.getLogger(__name__)

#: Set to 1 to leave the network open (debugging, an X display over TCP).
ALLOW_ENV = "POSTURE_WATCH_ALLOW_NETWORK"

# <linux/audit.h>, <linux/seccomp.h>, <linux/filter.h>, <linux/prctl.h>, <sys/socket.h>
AUDIT_ARCH_X86_64 = 0xC000003E
AUDIT_ARCH_AARCH64 = 0xC00000B7
X32_SYSCALL_BIT = 0x40000000
SECCOMP_SET_MODE_FILTER = 1
SECCOMP_FILTER_FLAG_TSYNC = 1
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
PR_SET_NO_NEW_PRIVS = 38
BPF_LD_W_ABS = 0x20  # BPF_LD | BPF_W | BPF_ABS
BPF_JEQ_K = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
BPF_JSET_K = 0x45  # BPF_JMP | BPF_JSET | BPF_K
BPF_RET_K = 0x06  # BPF_RET | BPF_K
AF_UNIX = 1  # the one family left open (Linux's number; the filter only exists on Linux)


#: What the worker's filter refuses, by name (see :func:`build_filter` with ``unix=False``)
SOCKET_CALLS = ("socket", "socketpair", "connect", "bind", "listen", "accept", "accept4",
                "pidfd_getfd")  # fmt: skip


@dataclass(frozen=True)
class Arch:
    """What the filter needs to know about one machine's native system-call table."""

    audit_arch: int  # seccomp_data.arch of a native call
    socket_nr: int
    seccomp_nr: int
    io_uring_nrs: tuple[int, ...]  # io_uring_setup, io_uring_enter, io_uring_register
    socket_calls: tuple[tuple[str, int], ...]  # (name, number) for each of SOCKET_CALLS
    x32_bit: int = 0  # a bit in nr that marks another ABI sharing audit_arch (x32)


#: machine -> its native system-call table (asm/unistd_64.h on x86_64,
#: asm-generic/unistd.h on aarch64; tests/attacks/test_offline.py reads them back)
ARCHES: dict[str, Arch] = {
    "x86_64": Arch(
        AUDIT_ARCH_X86_64, 41, 317, (425, 426, 427),
        tuple(zip(SOCKET_CALLS, (41, 53, 42, 49, 50, 43, 288, 438), strict=True)),
        X32_SYSCALL_BIT,
    ),
    "aarch64": Arch(
        AUDIT_ARCH_AARCH64, 198, 277, (425, 426, 427),
        tuple(zip(SOCKET_CALLS, (198, 199, 203, 200, 201, 202, 242, 438), strict=True)),
    ),
}  # fmt: skip
_MACHINE_ALIASES = {"amd64": "x86_64", "arm64": "aarch64"}

#: offsets in struct seccomp_data: int nr; __u32 arch; __u64 ip; __u64 args[6]
_NR, _ARCH, _ARG0 = 0, 4, 16

#: The names of the two filters in :data:`_installed`
OFFLINE, NO_SOCKETS = "offline", "no sockets"

_lock = threading.Lock()
_installed: set[str] = set()  # the filters this process installed (each at most once)


class _SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_ushort),
        ("jt", ctypes.c_ubyte),
        ("jf", ctypes.c_ubyte),
        ("k", ctypes.c_uint32),
    ]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def machine() -> str | None:
    """The name of this machine's architecture in :data:`ARCHES`, or None if unsupported."""
    name = platform.machine().lower()
    name = _MACHINE_ALIASES.get(name, name)
    return name if name in ARCHES else None


def build_filter(
    arch: Arch, byteorder: str = sys.byteorder, *, unix: bool = True
) -> list[tuple[int, int, int, int]]:
    """The BPF program, as ``(code, jt, jf, k)`` rows: allow all but the ways to a socket.

    With ``unix`` (the tray or console process, :func:`enforce_offline`)::

        load arch;   if arch != native: return ENOSYS      (i386 int $0x80, AArch32)
        load nr;     if nr has the x32 bit: return ENOSYS   (x86_64 only)
        if nr is io_uring_setup, _enter or _register: return ENOSYS
        if nr != socket: allow
        load the low 32 bits of args[0] (the domain, a C int)
        if domain == AF_UNIX: allow
        return EACCES

    Without ``unix`` (the worker, :func:`enforce_no_sockets`), the same first three
    lines, then::

        if nr is socket, socketpair, connect, bind, listen, accept, accept4
              or pidfd_getfd: return EACCES
        allow
    """
    arg0 = _ARG0 if byteorder == "little" else _ARG0 + 4
    program: list[tuple[int, int, int, int]] = []
    # rows to jump to, filled in once their place is known
    jumps: list[tuple[int, str, str]] = []  # (row, label if true, label if false)

    def jump(code: int, value: int, if_true: str, if_false: str) -> None:
        jumps.append((len(program), if_true, if_false))
        program.append((code, 0, 0, value))

    program.append((BPF_LD_W_ABS, 0, 0, _ARCH))
    jump(BPF_JEQ_K, arch.audit_arch, "next", "nosys")
    program.append((BPF_LD_W_ABS, 0, 0, _NR))
    if arch.x32_bit:
        jump(BPF_JSET_K, arch.x32_bit, "nosys", "next")
    for nr in arch.io_uring_nrs:
        jump(BPF_JEQ_K, nr, "nosys", "next")
    if unix:
        jump(BPF_JEQ_K, arch.socket_nr, "next", "allow")
        program.append((BPF_LD_W_ABS, 0, 0, arg0))
        jump(BPF_JEQ_K, AF_UNIX, "allow", "eacces")
    else:
        for _, nr in arch.socket_calls:
            jump(BPF_JEQ_K, nr, "eacces", "next")
    rows = {"allow": len(program), "eacces": len(program) + 1, "nosys": len(program) + 2}
    program.append((BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW))
    program.append((BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | errno.EACCES))
    program.append((BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | errno.ENOSYS))
    for row, if_true, if_false in jumps:
        code, _, _, value = program[row]

        def offset(label: str, row: int = row) -> int:  # counted from the row after this one
            return 0 if label == "next" else rows[label] - row - 1

        program[row] = (code, offset(if_true), offset(if_false), value)
    return program


def is_enforced() -> bool:
    """True once this process is kept offline: by :func:`enforce_offline`, or by the
    stricter :func:`enforce_no_sockets`."""
    return bool(_installed)


def no_sockets_enforced() -> bool:
    """True once this process installed the worker's filter (:func:`enforce_no_sockets`)."""
    return NO_SOCKETS in _installed


def network_allowed() -> bool:
    """True when the user asked to leave the network open (``POSTURE_WATCH_ALLOW_NETWORK``)."""
    return os.environ.get(ALLOW_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def enforce_offline(*, launcher: bool = False) -> bool:
    """Refuse every socket but Unix ones (and io_uring, and foreign ABIs) to this process,
    all its threads and all its future children.

    Call it once start-up is done and before the pose model loads. With ``launcher``, an
    unfiltered helper is started first, through which
    :func:`~posture_watch.desktop.open_file.open_in_default_app` starts desktop apps (a
    browser for the report) without the filter. Returns True when the filter is in place
    (also on a second call, and when :func:`enforce_no_sockets`, which refuses more, came
    first); False when it was skipped or could not be installed, which is never an
    error: one warning line when the kernel refused it, a debug line otherwise.
    """
    with _lock:
        if _installed:
            return True
        if network_allowed():
            log.debug("%s is set: internet sockets stay allowed", ALLOW_ENV)
            return False
        arch = _native_arch("internet sockets stay allowed")
        if arch is None:
            return False
        if launcher:
            from posture_watch.launcher import start_launcher

            try:
                start_launcher()
            except OSError as exc:
                _warn(f"cannot start the desktop launcher ({exc}); files open in filtered apps")
        try:
            _install(build_filter(arch), arch.seccomp_nr)
        except OSError as exc:
            _warn(f"cannot block internet sockets ({exc}); carrying on without the filter")
            return False
        _installed.add(OFFLINE)
        log.debug("only Unix sockets from now on (seccomp, all threads)")
        return True


def enforce_no_sockets() -> bool:
    """Refuse every socket, Unix ones too, to this process, all its threads and all its
    future children: the filter of the worker that opens the camera and runs the model.

    Refused with ``EACCES``: ``socket`` (any family) and ``socketpair``, the two ways to
    make a socket; ``connect``, ``bind``, ``listen``, ``accept`` and ``accept4``, which
    only matter for a socket the process already holds (inherited, or opened before the
    filter: the worker should hold none, and then they close the hole if one slips
    through, so that such a socket can reach no daemon and take no connection); and
    ``pidfd_getfd``, which copies a descriptor out of another process of the same user
    (the tray's D-Bus or X11 socket) where Yama does not forbid it. As in
    :func:`enforce_offline`, io_uring and foreign ABIs get ``ENOSYS`` (the i386
    ``socketcall`` is one of those; x86_64 and aarch64 have no native ``socketcall``).
    Reading and writing a descriptor stay open, so the worker's inherited pipes work,
    and an inherited connected ``socketpair`` would too.

    It stacks on the parent's filter when the worker inherits one (the kernel runs
    every filter and the strictest answer wins), and :func:`enforce_offline` may come
    before it in the same process: both are then installed. A second call is a no-op.

    ``POSTURE_WATCH_ALLOW_NETWORK`` does not lift it: that variable is for an X display
    reached over TCP, and the worker opens no display; it never needs a socket.

    Returns True when the filter is in place (also on a second call); False off Linux,
    on an unknown machine (a debug line) or when the kernel refuses it (one warning
    line), as :func:`enforce_offline` does.
    """
    with _lock:
        if NO_SOCKETS in _installed:
            return True
        arch = _native_arch("sockets stay allowed")
        if arch is None:
            return False
        try:
            _install(build_filter(arch, unix=False), arch.seccomp_nr)
        except OSError as exc:
            _warn(f"cannot block sockets ({exc}); carrying on without the filter")
            return False
        _installed.add(NO_SOCKETS)
        log.debug("no sockets from now on, Unix ones included (seccomp, all threads)")
        return True


def _native_arch(consequence: str) -> Arch | None:
    """This machine's table, or None with a debug line ending in ``consequence``."""
    if not sys.platform.startswith("linux"):
        log.debug("no seccomp on %s: %s", sys.platform, consequence)
        return None
    name = machine()
    if name is None:
        log.debug("no seccomp filter for machine %r: %s", platform.machine(), consequence)
        return None
    return ARCHES[name]


def cli_owns_process() -> bool:
    """True when the posture-watch CLI is the program: the console script or
    ``python -m posture_watch.cli``, as opposed to ``cli.main(argv)`` called in-process by
    a host such as pytest (the same line :func:`posture_watch.cli.main` draws for its
    signal handlers)."""
    program = sys.modules.get("__main__")
    spec = getattr(program, "__spec__", None)
    if spec is not None and spec.name == "posture_watch.cli":
        return True
    cli = sys.modules.get("posture_watch.cli")
    return cli is not None and getattr(program, "main", None) is getattr(cli, "main", object())


def enforce_offline_in_cli(*, launcher: bool = False) -> bool:
    """What the commands call: :func:`enforce_offline` when the CLI owns the process.

    A filter cannot be lifted again, so a command run in-process by a host (a test
    calling ``cli.main([...])``) leaves the host's network alone, with a debug line.
    """
    if not cli_owns_process():
        log.debug("posture-watch runs inside another program: its network is left alone")
        return False
    return enforce_offline(launcher=launcher)


def _warn(line: str) -> None:
    print(f"posture-watch: warning: {line}", file=sys.stderr, flush=True)


def _install(program: list[tuple[int, int, int, int]], seccomp_nr: int) -> None:
    """Load ``program`` for every thread (TSYNC); raise OSError with the kernel's reason."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"prctl(PR_SET_NO_NEW_PRIVS): {os.strerror(err)}")
    rows = (_SockFilter * len(program))(*(_SockFilter(*row) for row in program))
    prog = _SockFprog(len(program), rows)
    libc.syscall.restype = ctypes.c_long
    result = libc.syscall(
        ctypes.c_long(seccomp_nr),
        ctypes.c_uint(SECCOMP_SET_MODE_FILTER),
        ctypes.c_uint(SECCOMP_FILTER_FLAG_TSYNC),
        ctypes.byref(prog),
    )
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"seccomp: {os.strerror(err)}")
    if result > 0:  # TSYNC names a thread that could not take the filter; nothing installed
        raise OSError(errno.EBUSY, f"seccomp: thread {result} cannot take the filter")
