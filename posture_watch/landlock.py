"""Confine a process's file access with Landlock: read a short list, write nothing.

Why: the sandboxed worker (issue 18) decodes whatever the camera or a video file hands it
(FFmpeg, OpenCV, MediaPipe: native code fed outside data). A worker confused by a crafted
video runs the attacker's code with the person's rights, and seccomp
(:mod:`posture_watch.offline`) only takes the network away. Landlock, an unprivileged
Linux security module, takes the files away too: after :func:`restrict`, the worker and
every thread or child it starts later can read only what :class:`Rules` lists (the
model, the frame source, the camera-user scan's ``/proc`` and ``/sys``, the Python
install) and can write, create, delete, rename, truncate or run nothing, not even in
the folders it may read. The person's files (``~/Documents``, SSH keys, the history, the
pain journal) are out of reach.

What stays possible: reading the system's shared files (``/usr``, the two ``/etc`` files
of :func:`python_reads`, ``/proc``, ``/sys``) and the Python install, so lazy imports
keep working; using files and pipes opened before the restriction (Landlock checks a file
when it is opened: stdin, stdout, stderr and the pipe to the parent keep working);
anonymous pipes and memory; the devices listed in :attr:`Rules.devices` (read, write,
ioctl). Landlock does not check ``stat``, ``access``, ``readlink`` or ``chdir`` (path walks
are free), so the worker can learn which files exist and how big they are, not read them;
nor calls that take no path.

Rights handled, by the kernel's Landlock ABI version (:func:`abi`); a right not handled
is not checked at all, so each version's rights are all handled and only the few below
are allowed:

==== ======= ========================================================================
ABI  Linux   what :func:`restrict` handles (everything is refused unless a rule allows)
==== ======= ========================================================================
1    5.13    13 file-system rights: execute, write, read file, read folder, remove
             folder, remove file, make char device, folder, file, socket, fifo, block
             device, symlink
2    5.19    + REFER (link or rename a file into another folder)
3    6.2     + TRUNCATE (``truncate``, ``ftruncate``, ``open(O_TRUNC)``)
4    6.7     + TCP bind and connect (none allowed; seccomp refuses sockets anyway)
5    6.10    + IOCTL_DEV (ioctl on a device opened later; V4L2 is all ioctls)
6    6.12    + scopes: no connecting to abstract Unix sockets made outside the sandbox,
             no signals to processes outside it (the parent may still signal the worker)
7    6.15    nothing new to handle (audit logging flags; the defaults are kept)
8    later   TSYNC: the restriction reaches every thread of the process, not only the
             caller's
==== ======= ========================================================================

Allowed per rule: :attr:`Rules.read` gives read file + read folder (read file only on a
file: the kernel refuses folder rights on a file with EINVAL, so rights are masked to the
kind of the path); :attr:`Rules.devices` gives read file + write file + ioctl (from ABI
5). Opening ``/dev/null`` for writing (:func:`posture_watch.native_log.native_quiet`
does, around model loading) needs write file on it, so the worker lists ``/dev/null``
among its devices; ``O_TRUNC`` on a device is ignored by the kernel and needs nothing.

Threads: before ABI 8, ``landlock_restrict_self`` confines the calling thread and the
threads and children it starts afterwards, not threads that already run. Importing NumPy
starts an OpenBLAS thread and importing cv2 another one, so the worker should restrict
before those imports (the rules of :func:`python_reads` keep lazy imports working);
:attr:`Applied.unconfined_threads` says how many threads were left out. Landlock also
forbids ptrace-like access to processes outside the sandbox, which includes reading
another process's ``/proc/PID/fd``: a camera-user scan run inside the worker sees none of
the other programs (the parent, which is not confined, can run it).

What changes for libraries under it (seen running the real model over a video, confined):
``tempfile`` finds no usable folder; ``ctypes.util.find_library`` raises
FileNotFoundError (it runs ``ldconfig``, then ``gcc`` in a temporary folder), which
sounddevice, imported by MediaPipe's audio tasks, takes as "no PortAudio", as on a
machine without it; matplotlib, imported by MediaPipe, can neither read nor save its
font cache in ``~/.cache/matplotlib``, so it lists the system fonts again at each start
(0.3-0.7 s here for 87 fonts, more on a desktop with many) and logs "Could not save
font_manager cache"; MediaPipe's telemetry cannot read ``/etc/hosts``, ``resolv.conf``
or OpenSSL's configuration. Frames and landmarks come out the same.

On older kernels: no Landlock (ENOSYS), Landlock built in but not enabled at boot
(EOPNOTSUPP), a machine other than x86_64 or aarch64 (their system-call numbers differ),
or not Linux: :func:`restrict` applies nothing and says why in :attr:`Applied.reason`;
it never raises there. Cost, measured on x86_64 (Linux 6.18, ABI 7, a shared 2-core VM),
median of 9 runs, each in a fresh process: building and applying a ruleset of 20 rules
takes 0.9 ms (half of it resolving the paths' symlinks), and :func:`python_reads` takes
3.8 ms more (resolving the paths of about 100 imported modules).
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import platform
import stat
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# landlock_create_ruleset, landlock_add_rule, landlock_restrict_self: the generic system-call
# table, shared by x86_64 and aarch64. Other machines number them differently.
CREATE_RULESET, ADD_RULE, RESTRICT_SELF = 444, 445, 446
MACHINES = ("x86_64", "aarch64")
_MACHINE_ALIASES = {"amd64": "x86_64", "arm64": "aarch64"}

# <linux/landlock.h>, <linux/prctl.h>
CREATE_RULESET_VERSION = 1 << 0
RULE_PATH_BENEATH = 1
RESTRICT_SELF_TSYNC = 1 << 3  # ABI 8
PR_SET_NO_NEW_PRIVS = 38

FS_EXECUTE = 1 << 0
FS_WRITE_FILE = 1 << 1
FS_READ_FILE = 1 << 2
FS_READ_DIR = 1 << 3
FS_V1 = (1 << 13) - 1  # execute .. make symlink: the 13 rights of ABI 1
FS_REFER = 1 << 13  # ABI 2
FS_TRUNCATE = 1 << 14  # ABI 3
FS_IOCTL_DEV = 1 << 15  # ABI 5
#: The rights that mean something on a file (the rest are about a folder's entries).
FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
NET_BIND_TCP = 1 << 0  # ABI 4
NET_CONNECT_TCP = 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6
SCOPE_SIGNAL = 1 << 1

#: Allowed by :attr:`Rules.read` and :attr:`Rules.devices`, before masking.
READ = FS_READ_FILE | FS_READ_DIR
DEVICE = FS_READ_FILE | FS_WRITE_FILE | FS_IOCTL_DEV

#: The system's shared files a confined Python process reads; see :func:`python_reads`.
SYSTEM_READS = (
    "/usr",
    "/lib",
    "/lib64",
    "/etc/ld.so.cache",
    "/etc/localtime",
    "/proc",
    "/sys",
    "/dev/urandom",
    "/dev/null",
)


def fs_rights(abi: int) -> int:
    """The file-system rights ABI version ``abi`` knows (all of them are handled)."""
    if abi < 1:
        return 0
    rights = FS_V1
    if abi >= 2:
        rights |= FS_REFER
    if abi >= 3:
        rights |= FS_TRUNCATE
    if abi >= 5:
        rights |= FS_IOCTL_DEV
    return rights


def net_rights(abi: int) -> int:
    """The network rights ABI version ``abi`` knows: TCP bind and connect from 4."""
    return NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 else 0


def scopes(abi: int) -> int:
    """The scopes ABI version ``abi`` knows: abstract Unix sockets and signals from 6."""
    return SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0


@dataclass(frozen=True)
class Rules:
    """What a confined process may still open; everything else is refused.

    Paths are files or folders (a folder covers everything beneath it); symlinks are
    followed. A path that does not exist is skipped and named in :attr:`Applied.skipped`.
    """

    #: Read files, list folders; nothing else.
    read: tuple[Path, ...] = ()
    #: Device nodes (``/dev/video0``, ``/dev/null``): read, write and ioctl.
    devices: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Applied:
    """What :func:`restrict` did."""

    #: The kernel's Landlock ABI version; 0 without Landlock.
    abi: int
    #: True once the process is confined.
    applied: bool
    #: Why nothing was applied (empty when applied).
    reason: str = ""
    #: Paths of the rules that did not exist, so no rule was made for them.
    skipped: tuple[Path, ...] = ()
    #: How many rules the ruleset holds.
    rules: int = 0
    #: Threads that were already running and stay unconfined (0 from ABI 8, or when the
    #: caller was the only thread).
    unconfined_threads: int = 0

    def line(self) -> str:
        """One line for the log: what was applied, or why not."""
        if not self.applied:
            return f"files not confined: {self.reason}"
        text = f"files confined with Landlock (ABI {self.abi}, {self.rules} rules)"
        if self.skipped:
            text += "; missing, so not allowed: " + ", ".join(map(str, self.skipped))
        if self.unconfined_threads:
            text += f"; {self.unconfined_threads} threads started earlier stay unconfined"
        return text


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),  # ABI 4
        ("scoped", ctypes.c_uint64),  # ABI 6
    ]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def kernel_call(number: int, *args: object) -> int:
    """``syscall(number, *args)`` through libc: the result, or OSError with the errno.

    The one place this module enters the kernel for Landlock (tests replace it to play a
    kernel without Landlock). Integers are passed as C longs, ``None`` as NULL.
    """
    libc = _libc()
    c_args = [ctypes.c_long(arg) if isinstance(arg, int) else arg for arg in args]
    result = libc.syscall(ctypes.c_long(number), *c_args)
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return int(result)


@functools.cache
def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return libc


def probe() -> tuple[int, str]:
    """The kernel's Landlock ABI version and ``""``, or 0 and why there is none to use."""
    if not sys.platform.startswith("linux"):
        return 0, f"no Landlock on {sys.platform}"
    name = platform.machine().lower()
    if _MACHINE_ALIASES.get(name, name) not in MACHINES:
        return 0, f"Landlock's system-call numbers are not known here for {platform.machine()}"
    try:
        return kernel_call(CREATE_RULESET, None, 0, CREATE_RULESET_VERSION), ""
    except OSError as exc:
        if exc.errno == errno.ENOSYS:
            return 0, "the kernel has no Landlock (older than Linux 5.13, or built without it)"
        if exc.errno == errno.EOPNOTSUPP:
            return 0, "Landlock is built into the kernel but not enabled at boot (lsm=)"
        return 0, f"the kernel refused to give Landlock's version: {exc.strerror}"


def abi() -> int:
    """The kernel's Landlock ABI version; 0 when there is none to use (ENOSYS, disabled
    at boot with EOPNOTSUPP, a machine whose numbers we do not know, not Linux)."""
    return probe()[0]


def restrict(rules: Rules) -> Applied:
    """Confine this thread, and every thread and child it starts later, to ``rules``.

    Handles every right the running ABI knows (see the module's table), allows only what
    ``rules`` lists, sets no-new-privileges (required by the kernel, and it means no
    set-uid program can lift the restriction) and applies the ruleset, for good: a
    restriction cannot be lifted. Without Landlock, nothing is applied and
    :attr:`Applied.reason` says why; that is never an error. Raises OSError only after the
    kernel accepted a new ruleset and then refused a rule or the restriction: Landlock is
    there, so that refusal is a bug in the rules or a broken system, which must not pass
    as quietly as a kernel that never had Landlock.
    """
    version, why = probe()
    if version == 0:
        return Applied(abi=0, applied=False, reason=why)
    wanted, skipped = _resolve(rules)
    attr = _RulesetAttr(fs_rights(version), net_rights(version), scopes(version))
    size = 8 if version < 4 else 16 if version < 6 else 24  # what this ABI reads of attr
    try:
        ruleset = kernel_call(CREATE_RULESET, ctypes.byref(attr), size, 0)
    except OSError as exc:
        why = f"the kernel refused a Landlock ruleset: {exc.strerror}"
        return Applied(abi=version, applied=False, reason=why, skipped=skipped)
    try:
        added = 0
        for path, access in wanted.items():
            if _add_rule(ruleset, path, access & fs_rights(version)):
                added += 1
            else:
                skipped += (path,)
        threads = _threads()
        if _libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"prctl(PR_SET_NO_NEW_PRIVS): {os.strerror(err)}")
        kernel_call(RESTRICT_SELF, ruleset, RESTRICT_SELF_TSYNC if version >= 8 else 0)
    finally:
        os.close(ruleset)
    return Applied(
        abi=version,
        applied=True,
        skipped=skipped,
        rules=added,
        unconfined_threads=0 if version >= 8 else max(threads - 1, 0),
    )


def _resolve(rules: Rules) -> tuple[dict[Path, int], tuple[Path, ...]]:
    """The rights wanted on each real path (symlinks followed, duplicates merged), and the
    paths that do not exist."""
    wanted: dict[Path, int] = {}
    skipped: list[Path] = []
    for paths, access in ((rules.read, READ), (rules.devices, DEVICE)):
        for path in paths:
            try:
                real = Path(path).resolve(strict=True)
            except (OSError, RuntimeError):  # missing, unreachable, or a symlink loop
                skipped.append(Path(path))
                continue
            wanted[real] = wanted.get(real, 0) | access
    return wanted, tuple(skipped)


def _add_rule(ruleset: int, path: Path, access: int) -> bool:
    """Allow ``access`` beneath ``path``, masked to a file's rights when it is not a
    folder. False when the path vanished since it was resolved."""
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except FileNotFoundError:
        return False
    try:
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            access &= FILE_RIGHTS
        if access:
            attr = _PathBeneathAttr(access, fd)
            try:
                kernel_call(ADD_RULE, ruleset, RULE_PATH_BENEATH, ctypes.byref(attr), 0)
            except OSError as exc:
                raise OSError(exc.errno, f"landlock_add_rule({path}): {exc.strerror}") from exc
    finally:
        os.close(fd)
    return True


def _threads() -> int:
    """How many threads this process runs (1 when it cannot be told)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 1


def python_reads() -> tuple[Path, ...]:
    """What a confined Python process must read to keep importing lazily, and no more.

    - ``sys.prefix``, ``sys.base_prefix``, ``sys.exec_prefix``, ``sys.base_exec_prefix``:
      the standard library, the venv and its site-packages (with the libraries that
      wheels bundle, such as ``opencv_python.libs``);
    - every absolute ``sys.path`` entry that exists, except the current folder (``''``,
      or the folder ``python -m`` adds): it is often the person's home;
    - the folder of every package already imported (an editable install's source tree is
      found by an import hook, not through ``sys.path``), and the file of every top-level
      module that is not in a package (its folder may be the home);
    - the folder of every shared library mapped into the process (``/proc/self/maps``),
      so a library installed outside those folders can load its siblings lazily;
    - ``/usr``, ``/lib``, ``/lib64``: system libraries that extension modules load;
    - ``/etc/ld.so.cache``, which ``dlopen`` searches for a library named without a
      folder, and ``/etc/localtime``, which glibc reads again for local times (without
      it, times would silently be in UTC). Nothing else of ``/etc``: the worker looks up
      no user, host or certificate (``nsswitch.conf``, ``hosts``, ``resolv.conf`` and
      ``ssl`` stay closed, one more wall against the model's telemetry);
    - ``/proc`` (``/proc/self``, and the camera-user scan's ``/proc/*/fd`` links, which
      Landlock lets the worker read for its own processes only) and ``/sys`` (CPU counts
      for the thread pools of OpenCV and XNNPACK, ``/sys/class/video4linux``);
    - ``/dev/urandom`` and ``/dev/null``, read only (writing ``/dev/null`` is a device
      rule: :attr:`Rules.devices`).

    Paths that do not exist here are left out, symlinks are resolved and a path beneath
    another one is dropped. Returns resolved paths, in the order above.
    """
    try:
        here = {os.getcwd(), ""}
    except OSError:  # the current folder was deleted
        here = {""}
    candidates: list[str] = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix]
    candidates += [p for p in sys.path if p not in here and os.path.isabs(p)]
    candidates += _module_paths()
    candidates += _mapped_library_folders()
    candidates += SYSTEM_READS
    return _outermost(candidates)


def _module_paths() -> list[str]:
    """The folder of each imported top-level package, or the file of a lone module."""
    paths: list[str] = []
    for name, module in list(sys.modules.items()):
        if "." in name or name == "__main__":
            continue
        attributes = getattr(module, "__dict__", {})  # no lazy module's __getattr__ runs
        package_path = attributes.get("__path__")
        if package_path is not None:
            paths += [p for p in list(package_path) if isinstance(p, str)]
        elif isinstance(attributes.get("__file__"), str):
            paths.append(attributes["__file__"])
    return paths


def _mapped_library_folders() -> list[str]:
    """The folders of the shared libraries mapped into this process."""
    folders: set[str] = set()
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:  # address perms offset device inode [path]
                fields = line.rstrip("\n").split(None, 5)
                if len(fields) == 6 and fields[5].startswith("/") and ".so" in fields[5]:
                    folders.add(os.path.dirname(fields[5]))
    except OSError:
        return []
    return sorted(folders)


def _outermost(candidates: Iterable[str]) -> tuple[Path, ...]:
    """The existing, resolved ``candidates``, without those beneath another one."""
    resolved: dict[Path, None] = {}  # ordered, without duplicates
    for candidate in candidates:
        real = os.path.realpath(candidate)
        if os.path.exists(real):
            resolved.setdefault(Path(real), None)
    return tuple(
        path for path in resolved if not any(parent in resolved for parent in path.parents)
    )
