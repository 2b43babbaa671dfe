"""Keep the process off the internet: a seccomp filter that refuses internet sockets.

Why: the MediaPipe wheels ship an undocumented telemetry uploader (google-ai-edge/
mediapipe#6291). Creating a pose landmarker starts a native thread
(``HttpAsyncClient::WorkerFn``) that posts usage metrics to ``play.googleapis.com``
through a bundled libcurl, and loading ``libmediapipe.so`` itself probes with an
``AF_INET`` socket (``net::IPv4SocketsPreferred``). There is no documented switch to turn
the uploader off (the open-source ``logging_factory.cc`` builds a dummy logger; the PyPI
build links Google's internal one instead), so the guarantee is made here, in the
kernel: after :func:`enforce_offline`, ``socket(AF_INET|AF_INET6, ...)`` fails with
``EACCES`` in every thread of the process and in every child it starts later. The
telemetry then fails the way it fails on a machine without a network, quietly; it never
kills the process. Unix sockets (D-Bus, X11, Wayland, notify-send) keep working.

Why a hand-written BPF program over ctypes and not libseccomp: the filter is about a
dozen instructions, and the maintained libseccomp binding (Debian's ``python3-seccomp``) exists
for the system Python only. On PyPI, ``pyseccomp`` (ctypes over ``libseccomp.so.2``) has
had no release since January 2021, and the other packages are one-person repackagings;
a privacy guarantee should not hang on either, nor on ``libseccomp.so.2`` being present.
The program is small enough to read in full (:func:`build_filter`) and the tests run it
for real.

Scope: the native system-call ABI of x86_64 (with its x32 numbering) and aarch64. The
filter checks the architecture field of every call; a call made through another ABI
(``int 0x80``/``socketcall`` on x86_64) is allowed, as no code in this process uses
one. On any other machine the filter is not installed and one debug line says so, rather
than a wrong filter. Sockets opened before the filter (none are, when it is installed
before the model loads) keep working. ``io_uring``'s socket operation and raw
``AF_PACKET``/``AF_NETLINK`` sockets are outside the threat model (a library's telemetry
using libc's ``socket``). Off Linux this is a no-op with a debug line. When the kernel
refuses the filter (seccomp disabled in a container, a kernel older than 3.17) one
warning line says so and the program carries on.

``POSTURE_WATCH_ALLOW_NETWORK=1`` skips the filter, for debugging and for an X display
reached over TCP (``ssh -X`` sets ``DISPLAY=localhost:10.0``), where the windows the
monitor starts need an internet socket.

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

log = logging.getLogger(__name__)

#: Set to 1 to leave the network open (debugging, an X display over TCP).
ALLOW_ENV = "POSTURE_WATCH_ALLOW_NETWORK"

# <linux/audit.h>, <linux/seccomp.h>, <linux/filter.h>, <linux/prctl.h>
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
BPF_RET_K = 0x06  # BPF_RET | BPF_K
AF_INET, AF_INET6 = 2, 10  # Linux's numbers (the filter only exists on Linux)

#: machine -> (audit arch, socket syscall numbers, seccomp syscall number)
ARCHES: dict[str, tuple[int, tuple[int, ...], int]] = {
    "x86_64": (AUDIT_ARCH_X86_64, (41, X32_SYSCALL_BIT | 41), 317),
    "aarch64": (AUDIT_ARCH_AARCH64, (198,), 277),
}
_MACHINE_ALIASES = {"amd64": "x86_64", "arm64": "aarch64"}

#: offsets in struct seccomp_data: int nr; __u32 arch; __u64 ip; __u64 args[6]
_NR, _ARCH, _ARG0 = 0, 4, 16

_lock = threading.Lock()
_enforced = False


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
    arch: int, socket_calls: tuple[int, ...], byteorder: str = sys.byteorder
) -> list[tuple[int, int, int, int]]:
    """The BPF program, as ``(code, jt, jf, k)`` rows: refuse internet sockets, allow the rest.

    ::

        load arch;   if arch != native: allow
        load nr;     if nr is not one of socket_calls: allow
        load the low 32 bits of args[0] (the domain, a C int)
        if domain == AF_INET or domain == AF_INET6: return EACCES
        allow
    """
    deny = SECCOMP_RET_ERRNO | errno.EACCES
    arg0 = _ARG0 if byteorder == "little" else _ARG0 + 4
    n = len(socket_calls)
    # rows: 0 load arch, 1 check arch, 2 load nr, 3.. one check per call number, then
    # load arg0, two family checks, allow, deny
    load_arg0 = 3 + n
    allow = load_arg0 + 3
    deny_row = allow + 1
    program: list[tuple[int, int, int, int]] = []

    def jeq(value: int, if_true: int, if_false: int) -> None:
        here = len(program)  # jump offsets count from the row after this one
        program.append((BPF_JEQ_K, if_true - here - 1, if_false - here - 1, value))

    program.append((BPF_LD_W_ABS, 0, 0, _ARCH))
    jeq(arch, 2, allow)
    program.append((BPF_LD_W_ABS, 0, 0, _NR))
    for i, nr in enumerate(socket_calls):
        row = 3 + i
        jeq(nr, load_arg0, row + 1 if i < n - 1 else allow)  # no match: next check, or allow
    program.append((BPF_LD_W_ABS, 0, 0, arg0))
    jeq(AF_INET, deny_row, allow - 1)
    jeq(AF_INET6, deny_row, allow)
    program.append((BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW))
    program.append((BPF_RET_K, 0, 0, deny))
    return program


def is_enforced() -> bool:
    """True once this process installed the filter."""
    return _enforced


def network_allowed() -> bool:
    """True when the user asked to leave the network open (``POSTURE_WATCH_ALLOW_NETWORK``)."""
    return os.environ.get(ALLOW_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def enforce_offline(*, launcher: bool = False) -> bool:
    """Refuse internet sockets to this process, all its threads and all its future children.

    Call it once start-up is done and before the pose model loads. With ``launcher``, an
    unfiltered helper is started first, through which
    :func:`~posture_watch.desktop.open_file.open_in_default_app` starts desktop apps (a
    browser for the report) without the filter. Returns True when the filter is in place
    (also on a second call); False when it was skipped or could not be installed, which
    is never an error: one warning line when the kernel refused it, a debug line otherwise.
    """
    global _enforced
    with _lock:
        if _enforced:
            return True
        if network_allowed():
            log.debug("%s is set: internet sockets stay allowed", ALLOW_ENV)
            return False
        if not sys.platform.startswith("linux"):
            log.debug("no seccomp on %s: internet sockets stay allowed", sys.platform)
            return False
        name = machine()
        if name is None:
            log.debug("no offline filter for machine %r: sockets stay allowed", platform.machine())
            return False
        if launcher:
            from posture_watch.launcher import start_launcher

            try:
                start_launcher()
            except OSError as exc:
                _warn(f"cannot start the desktop launcher ({exc}); files open in filtered apps")
        arch, socket_calls, seccomp_nr = ARCHES[name]
        try:
            _install(build_filter(arch, socket_calls), seccomp_nr)
        except OSError as exc:
            _warn(f"cannot block internet sockets ({exc}); carrying on without the filter")
            return False
        _enforced = True
        log.debug("internet sockets refused from now on (seccomp, all threads)")
        return True


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
