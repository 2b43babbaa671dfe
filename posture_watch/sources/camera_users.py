"""Who else has the webcam open: a scan of ``/proc/*/fd`` for the camera's device node.

Issue 9 asks us to give the webcam up to a video call. Linux has no notification for
"another process opened /dev/video0". V4L2 lets several processes open the node at once
and only refuses the second one that tries to stream (EBUSY), so a call that starts while
we stream gets a black picture and we notice nothing; the other way round, our failed open
or grab does not say who is in the way. The kernel does show every open file of every
process of the same user under ``/proc/PID/fd``; one scan of those links answers "does
anyone else have the camera open, and who", cheap enough to poll.

Files are matched by identity, not by name: a character device by its device number
(``st_rdev``), so a call inside a Flatpak, whose ``/dev`` is another mount, still counts;
anything else by ``(st_dev, st_ino)``, which is what lets tests use an ordinary file or
FIFO in a temporary folder as a stand-in for a camera node. Processes of other users are
left out on purpose, even when we could read them (as root): the issue is about yielding
to the user's own calls, and another user's process on a shared machine is not ours to
yield to. ``/proc`` entries we cannot read, or that vanish mid-scan because the process
exited, are skipped without a word: the scan is a snapshot, and the next one will tell.
"""

from __future__ import annotations

import ctypes
import os
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CameraUser:
    """A process that has the camera open: its pid and its command name."""

    pid: int
    name: str

    def __str__(self) -> str:
        return f"{self.name} (pid {self.pid})"


@dataclass(frozen=True)
class _Identity:
    """What makes an open file "the same file" as the device: see the module docstring."""

    char: bool
    key: tuple[int, int]

    @classmethod
    def of(cls, st: os.stat_result) -> _Identity:
        if stat.S_ISCHR(st.st_mode):
            return cls(True, (st.st_rdev, 0))
        return cls(False, (st.st_dev, st.st_ino))


def device_for_index(index: int) -> Path:
    """The device node of camera ``index`` on Linux: ``/dev/video{index}``.

    This is not looked up in sysfs because it need not be: OpenCV's V4L2 backend, which
    :class:`~posture_watch.sources.camera.CameraSource` tries first, opens exactly
    ``/dev/video{index}`` for an integer index, so that is the node whose users matter.
    sysfs (``/sys/class/video4linux``) would only add names and capabilities, and would
    disagree with what OpenCV opens when udev renames or a container hides nodes.
    """
    if index < 0:
        raise ValueError(f"camera index must be 0 or more, got {index}")
    return Path(f"/dev/video{int(index)}")


#: Who scans for this process, when it cannot itself (see :func:`scan_elsewhere`).
_elsewhere: Callable[[Path], list[CameraUser]] | None = None


def scan_elsewhere(ask: Callable[[Path], list[CameraUser]] | None) -> None:
    """From now on, :func:`other_users` for this process asks ``ask`` (None: scans here).

    For the camera worker: Landlock treats reading another process's ``/proc/PID/fd`` as
    tracing it, which a confined process may not do outside its domain, so the worker's
    scan would find nobody. Its parent, unconfined, scans for it (excluding the worker)."""
    global _elsewhere
    _elsewhere = ask


def other_users(
    device: Path, *, own_pid: int | None = None, proc: Path = Path("/proc")
) -> list[CameraUser]:
    """Processes of the same user, other than ``own_pid`` (default: this process, all of
    its threads), that have ``device`` open; in pid order. Empty when the device does not
    exist or ``proc`` cannot be read (not Linux). In the camera worker the parent answers
    (:func:`scan_elsewhere`)."""
    if _elsewhere is not None and own_pid is None and proc == Path("/proc"):
        return _elsewhere(device)
    try:
        target = _Identity.of(os.stat(device))
    except OSError:
        return []
    own_tgid = _tgid(proc, os.getpid() if own_pid is None else own_pid)
    uid = _uid(proc, own_tgid)
    found: list[CameraUser] = []
    try:
        entries = os.scandir(proc)
    except OSError:
        return []
    with entries:
        for entry in entries:
            # Only thread-group leaders are listed in /proc, so skipping our tgid skips
            # every thread of ours too.
            if not entry.name.isdigit() or int(entry.name) == own_tgid:
                continue
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
            except OSError:
                continue
            if _holds(os.path.join(entry.path, "fd"), target):
                name = _name(entry.path)
                if name is not None:  # None: it exited meanwhile, so it holds nothing
                    found.append(CameraUser(int(entry.name), name))
    return sorted(found, key=lambda user: user.pid)


def _holds(fd_dir: str, target: _Identity) -> bool:
    """Whether any open file in ``fd_dir`` (``/proc/PID/fd``) is ``target``."""
    try:
        # Listing through a descriptor makes each stat relative to it (fstatat), which
        # spares the kernel walking /proc/PID/fd again for every fd: ~15% of a scan.
        dir_fd = os.open(fd_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:  # another user's process, or it exited
        return False
    try:
        with os.scandir(dir_fd) as fds:
            for fd in fds:
                try:
                    st = fd.stat()  # follows the magic link to the open file itself
                except OSError:  # closed meanwhile, or a link we may not follow
                    continue
                if target.char:
                    if stat.S_ISCHR(st.st_mode) and st.st_rdev == target.key[0]:
                        return True
                elif (st.st_dev, st.st_ino) == target.key:
                    return True
    except OSError:  # the process exited while we listed its fds
        return False
    finally:
        os.close(dir_fd)
    return False


def _read(path: str) -> str | None:
    try:
        with open(path, "rb") as fh:
            return fh.read(4096).decode("utf-8", "replace")
    except OSError:
        return None


def _name(pid_dir: str) -> str | None:
    """``comm``, else the basename of the first word of ``cmdline``; None if both are gone."""
    comm = _read(os.path.join(pid_dir, "comm"))
    if comm and comm.strip():
        return comm.strip()
    cmdline = _read(os.path.join(pid_dir, "cmdline"))
    if cmdline is None:
        return None
    first = cmdline.split("\0", 1)[0].split()
    return os.path.basename(first[0]) if first else "?"


def _tgid(proc: Path, pid: int) -> int:
    """The thread-group id (the process) of ``pid``, which may be one of its threads."""
    status = _read(os.path.join(proc, str(pid), "status")) or ""
    for line in status.splitlines():
        if line.startswith("Tgid:"):
            try:
                return int(line.split()[1])
            except (IndexError, ValueError):
                break
    return pid


def _uid(proc: Path, pid: int) -> int:
    """The user whose processes count: the owner of our own ``/proc`` entry (the kernel
    gives it the process's effective uid), else our effective uid."""
    try:
        return os.stat(os.path.join(proc, str(pid))).st_uid
    except OSError:
        return os.geteuid()


# --- noticing opens without scanning: inotify on the node --------------------------------

_IN_OPEN, _IN_CLOSE_WRITE, _IN_CLOSE_NOWRITE = 0x20, 0x08, 0x10
_IN_ATTRIB, _IN_DELETE_SELF = 0x04, 0x400
_WATCHED = _IN_OPEN | _IN_CLOSE_WRITE | _IN_CLOSE_NOWRITE | _IN_ATTRIB | _IN_DELETE_SELF


class OpenWatch:
    """Whether anyone opened or closed ``device`` since the last :meth:`changed`.

    A full :func:`other_users` scan costs about 5 us per open file of the user (tens of
    milliseconds on a busy desktop), too much to run every second for hours. The kernel's
    inotify reports every open and close of the node's inode, whoever makes it and through
    whichever path to that inode (a Flatpak sees the host's ``/dev`` bind-mounted), so the
    monitor can scan when it starts and then after :meth:`changed` says so, which is one
    non-blocking ``read`` (about 2 us). Our own opens and closes count too; they only cost
    a scan. Unlike the scan, it misses an open through *another node* of the same device
    (a container's own ``/dev``, made with ``mknod``: another inode), so keep a slow
    periodic scan as well. Use :meth:`start`, which gives None where inotify is not
    available.
    """

    def __init__(self, device: Path) -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        if libc.inotify_add_watch(fd, os.fsencode(device), _WATCHED) < 0:
            err = ctypes.get_errno()
            os.close(fd)
            raise OSError(err, os.strerror(err), str(device))
        self.device = device
        self._fd: int | None = fd

    @classmethod
    def start(cls, device: Path) -> OpenWatch | None:
        """A watch on ``device``, or None: not Linux, no such node, or no inotify left
        (``max_user_watches``); then scan on a timer instead."""
        if not sys.platform.startswith("linux"):
            return None
        try:
            return cls(device)
        except (OSError, AttributeError):  # AttributeError: a libc without inotify
            return None

    def changed(self) -> bool:
        """True once after any open, close or removal of the node since the last call
        (or when the watch is closed); never blocks."""
        fd = self._fd
        if fd is None:
            return True
        seen = False
        while True:
            try:
                data = os.read(fd, 65536)
            except BlockingIOError:
                return seen
            except OSError:
                return True
            if not data:
                return True
            seen = True

    def fileno(self) -> int:
        """The inotify descriptor, readable after a change (for ``select``/``poll``)."""
        if self._fd is None:
            raise ValueError("the watch is closed")
        return self._fd

    def close(self) -> None:
        """Stop watching; safe to call twice."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)

    def __enter__(self) -> OpenWatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
