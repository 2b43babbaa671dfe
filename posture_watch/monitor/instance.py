"""One monitor per history: an advisory lock file beside the history it writes.

``flock`` is released by the kernel when the process dies, so a crash never leaves a
stale lock behind (unlike a bare PID file).

Two monitors writing one history would interleave their minutes, and two sessions may
well see different ``$XDG_RUNTIME_DIR`` values (a service and a desktop login), so the
lock follows the history: :meth:`InstanceLock.for_history` locks ``<history>.lock``
beside it. Only when that folder cannot be written does it fall back to the runtime
lock, ``$XDG_RUNTIME_DIR/posture-watch/monitor.lock`` (without that variable, a private
``runtime-<uid>`` folder in the temp folder), which ``InstanceLock()`` also uses.

Those folders may be reachable by other users (a shared ``/tmp``), so the lock file is
opened without following symbolic links and must be a regular file that we own with no
other hard link; our own folders must be ours and writable by no one else. Anything else
is refused in one line rather than written through. Who holds the lock (its PID, a tray
or a console monitor, the demo or not, since when) is written only once the lock is held,
so a start that is refused or finds the monitor running changes nothing, and a second
start can say where the running one is: in the tray, or in a terminal
(:class:`Holder`). :meth:`InstanceLock.check_free` asks the same question without
creating anything, for a start that does not know yet which history it will write (a
missing webcam makes it the demo, which writes its own).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from posture_watch.core import formats
from posture_watch.core.text import _
from posture_watch.errors import PostureWatchError
from posture_watch.history.disk import (
    FileIdentity,
    HeldByAnother,
    hold_history_file,
    release_history_file,
)
from posture_watch.monitor.private_folder import (
    FOLDER,
    UnsafeFolderError,
    open_runtime_folder,
    runtime_dir,
)

LOCK_NAME = "monitor.lock"
_FILE_FLAGS = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NOCTTY | os.O_NONBLOCK


#: What :attr:`Holder.kind` may be: the monitor with a tray icon, or in a terminal.
TRAY, CONSOLE = "tray", "console"


@dataclass(frozen=True)
class Holder:
    """Who holds the lock, as written in the lock file: ``pid``; ``kind`` (:data:`TRAY`,
    :data:`CONSOLE`, or None when an older version wrote only its PID); whether it is the
    demo; and ``started`` (epoch seconds, None if unknown)."""

    pid: str
    kind: str | None = None
    demo: bool = False
    started: float | None = None

    def to_text(self) -> str:
        """One JSON line for the lock file."""
        record = {"pid": self.pid, "kind": self.kind, "demo": self.demo, "started": self.started}
        return json.dumps(record) + "\n"

    @classmethod
    def from_text(cls, text: str) -> Holder:
        """Read what :meth:`to_text` wrote, or an older lock's bare PID; never raises."""
        text = text.strip()
        try:
            record = json.loads(text)
        except ValueError:
            record = None
        if not isinstance(record, dict):
            return cls(text or "unknown")
        kind = record.get("kind")
        started = record.get("started")
        return cls(
            str(record.get("pid") or "unknown"),
            kind if kind in (TRAY, CONSOLE) else None,
            record.get("demo") is True,
            float(started) if isinstance(started, int | float) else None,
        )

    def where(self) -> tuple[str, str]:
        """What a second start says: where the running one is, and what to do about it."""
        if self.started is not None:
            which = _("pid {pid}, since {time}").format(
                pid=self.pid, time=_clock_time(self.started)
            )
        else:
            which = _("pid {pid}").format(pid=self.pid)
        if self.demo and self.kind == CONSOLE:
            return (
                _("the posture-watch demo is already running in a terminal ({which})").format(
                    which=which
                ),
                _("stop it with Ctrl+C in its terminal"),
            )
        if self.demo:
            return (
                _("the posture-watch demo is already running in the tray ({which})").format(
                    which=which
                ),
                _("use its tray icon; Quit in its menu ends it"),
            )
        if self.kind == TRAY:
            return (
                _("posture-watch is already running in the tray ({which})").format(which=which),
                _("use its tray icon, or stop it with `posture-watch quit`"),
            )
        if self.kind == CONSOLE:
            return (
                _(
                    "posture-watch is already running as a console monitor in a terminal ({which})"
                ).format(which=which),
                _("stop it with Ctrl+C in its terminal, or with `posture-watch quit`"),
            )
        return (
            _("posture-watch is already running ({which})").format(which=which),
            _("use its tray icon, or stop it with `posture-watch quit`"),
        )


def _clock_time(epoch: float) -> str:
    """``09:12`` on the local clock (the day is left out: a monitor runs for a day)."""
    return formats.clock(datetime.fromtimestamp(epoch))


class AlreadyRunningError(PostureWatchError):
    """Another posture-watch monitor holds the lock; :attr:`holder` says which."""

    exit_code = 3

    def __init__(self, holder: Holder) -> None:
        message, hint = holder.where()
        super().__init__(message, hint=hint)
        self.holder = holder


class LockFileError(PostureWatchError):
    """The lock file or its folder is unsafe to use (a symbolic link, another user's, a
    folder others may write) or cannot be created at all."""


def lock_path() -> Path:
    """The runtime lock: ``<runtime folder>/posture-watch/monitor.lock``."""
    return runtime_dir() / FOLDER / LOCK_NAME


def resolved_history(history: Path) -> Path:
    """The real file behind ``history``: ``~`` expanded and every symbolic link followed,
    so two paths to one file (a link to it, a link to its folder) name one lock."""
    return Path(os.path.realpath(Path(history).expanduser()))


def history_lock_path(history: Path) -> Path:
    """``<history file name>.lock`` beside the real history file (links followed)."""
    history = resolved_history(history)
    return history.with_name(history.name + ".lock")


class InstanceLock:
    """Context manager holding the monitor lock.

    ``InstanceLock()`` is the runtime lock; ``InstanceLock(path)`` locks ``path``
    (creating its folder 0700); :meth:`for_history` is what the monitor should use. After
    ``__enter__``, :attr:`path` is the file actually locked and :attr:`fallback_reason`
    says why the runtime lock was used instead of the history's (None if it was not).
    """

    def __init__(
        self, path: Path | None = None, *, fall_back: bool = False, holder: Holder | None = None
    ) -> None:
        self.path = path if path is not None else lock_path()
        self._runtime = path is None
        self._fall_back = fall_back and not self._runtime
        self.fallback_reason: str | None = None
        self._fd: int | None = None
        self._history: Path | None = None  # its file is locked too, when it exists
        self._held: FileIdentity | None = None
        #: What the lock file says once held (our PID is filled in then).
        self.holder = holder or Holder(str(os.getpid()))

    @classmethod
    def for_history(cls, history: Path, holder: Holder | None = None) -> InstanceLock:
        """The lock of the history file ``history``: two monitors on one history collide
        whatever their ``$XDG_RUNTIME_DIR``. Falls back to the runtime lock when the
        history's folder cannot be created or written (a read-only data folder).
        ``holder`` is what a second start will be told (its PID is ours)."""
        lock = cls(history_lock_path(history), fall_back=True, holder=holder)
        lock._history = resolved_history(history)
        return lock

    @staticmethod
    def check_free(history: Path) -> None:
        """Raise :class:`AlreadyRunningError` when a monitor holds the lock of ``history``,
        creating no folder and no file: for a start that may yet turn out to be the demo,
        which must leave the person's folders as they were. Anything missing, unsafe or
        unreadable is left to the real lock, taken later."""
        holder = lock_holder(history_lock_path(history))
        if holder is None:
            holder = _history_holder(resolved_history(history))
        if holder is not None:
            raise AlreadyRunningError(holder)

    def __enter__(self) -> InstanceLock:
        if self._runtime:
            fd = _open_runtime_lock(self.path)
        else:
            try:
                fd = _open_beside(self.path)
            except OSError as exc:
                if not self._fall_back:
                    raise _cannot_create(self.path, exc) from exc
                self.fallback_reason = f"{self.path}: {exc.strerror or exc}"
                self.path = lock_path()
                fd = _open_runtime_lock(self.path)
        self._fd = _hold(fd, self.holder)
        if self._history is not None:
            try:
                self._held = _hold_history(self._history)
            except BaseException:
                self.__exit__()
                raise
        return self

    def __exit__(self, *exc: object) -> None:
        release_history_file(self._held)
        self._held = None
        if self._fd is not None:
            os.close(self._fd)  # closing releases the lock
            self._fd = None


#: The most a lock file's record is read (it is one short JSON line).
_RECORD_MAX = 512


def _hold(fd: int, holder: Holder) -> int:
    """Take the lock on ``fd``, then (and only then) write who holds it (our PID)."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        running = Holder.from_text(os.pread(fd, _RECORD_MAX, 0).decode(errors="replace"))
        os.close(fd)
        raise AlreadyRunningError(running) from None
    except BaseException:
        os.close(fd)
        raise
    record = Holder(str(os.getpid()), holder.kind, holder.demo, holder.started)
    os.ftruncate(fd, 0)
    os.pwrite(fd, record.to_text().encode(), 0)
    return fd


def _hold_history(history: Path) -> FileIdentity | None:
    """Hold the history file itself (:func:`hold_history_file`), so that a hard link to
    it, whose ``.lock`` lies elsewhere, is still one history; another monitor holding it
    is :class:`AlreadyRunningError`. A file that does not exist yet cannot have a hard
    link: nothing to hold, and nothing is created (the recorder holds it once made)."""
    try:
        return hold_history_file(history)
    except HeldByAnother as held:
        running = _flock_holder(held.fd)
        os.close(held.fd)
        raise AlreadyRunningError(running) from None


def _history_holder(history: Path) -> Holder | None:
    """Who holds the history file (see :func:`_hold_history`); None when nobody does or
    it cannot be opened. Creates nothing."""
    try:
        release_history_file(_hold_history(history))
    except AlreadyRunningError as exc:
        return exc.holder
    return None


def flock_pid(dev: int, ino: int) -> str | None:
    """The PID (as ``/proc/locks`` gives it) of the process holding ``flock`` on the file
    ``dev``/``ino``, None when nobody does. Reading ``/proc/locks`` never takes the lock,
    not even for a moment (a monitor starting then would think another one runs). Raises
    OSError where there is no ``/proc/locks`` to read."""
    key = (os.major(dev), os.minor(dev), ino)
    with open("/proc/locks", encoding="ascii", errors="replace") as locks:
        for line in locks:
            fields = line.split()
            if len(fields) > 5 and fields[1] == "FLOCK" and _lock_key(fields[5]) == key:
                return fields[4]
    return None


def _flock_holder(fd: int) -> Holder:
    """The monitor holding ``flock`` on ``fd``'s file: its PID from ``/proc/locks``, and
    what its own ``.lock`` file says when it is one of its open files."""
    info = os.fstat(fd)
    try:
        pid = flock_pid(info.st_dev, info.st_ino)
    except OSError:
        pid = None
    if pid is None:
        return Holder("unknown")
    folder = Path("/proc") / pid / "fd"
    try:
        targets = [os.readlink(link) for link in folder.iterdir()]
    except OSError:
        targets = []
    for target in targets:
        if target.endswith(".lock"):
            holder = lock_holder(Path(target))
            if holder is not None and holder.pid == pid:
                return holder
    return Holder(pid)


def _lock_key(field: str) -> tuple[int, int, int] | None:
    """``08:01:123456`` (major and minor in hex) as numbers; None if it is not that."""
    parts = field.split(":")
    try:
        return (int(parts[0], 16), int(parts[1], 16), int(parts[2]))
    except (ValueError, IndexError):
        return None


def lock_holder(path: Path) -> Holder | None:
    """Who holds the lock file ``path``; None when nobody does, or when it is missing,
    unsafe (a link, not a regular file) or unreadable: opened read-only, never created."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return Holder.from_text(os.pread(fd, _RECORD_MAX, 0).decode(errors="replace"))
        except OSError:
            return None
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _open_beside(path: Path) -> int:
    """Open the lock file ``path`` in a folder the user chose (created 0700 if missing).

    An OSError means the folder cannot be used (the caller may fall back); an unsafe
    lock file is a :class:`LockFileError`.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return _open_lock_file(path, str(path), None)


def _open_runtime_lock(path: Path) -> int:
    """Open the runtime lock ``path``, its folders created 0700 and checked to be private."""
    try:
        folder_fd = open_runtime_folder()
        try:
            return _open_lock_file(path, path.name, folder_fd)
        finally:
            os.close(folder_fd)
    except UnsafeFolderError as exc:
        raise _unsafe(exc.path, exc.problem) from None
    except OSError as exc:
        raise _cannot_create(path, exc) from exc


def _open_lock_file(path: Path, name: str, dir_fd: int | None) -> int:
    """Open (or create, 0600) the lock file without following a symbolic link, and
    refuse anything but a regular file of ours with a single link. Truncates nothing."""
    try:
        before = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        before = None
    if before is not None and not stat.S_ISREG(before.st_mode):  # never open a FIFO or device
        raise _unsafe(path, _kind(before.st_mode))
    try:
        fd = os.open(name, _FILE_FLAGS, 0o600, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _unsafe(path, _("is a symbolic link")) from None
        if exc.errno == errno.EISDIR:
            raise _unsafe(path, _("is a folder")) from None
        raise
    info = os.fstat(fd)
    problem = None
    if not stat.S_ISREG(info.st_mode):
        problem = _kind(info.st_mode)
    elif info.st_uid != os.getuid():
        problem = _("belongs to uid {uid}, not to you (uid {your_uid})").format(
            uid=info.st_uid, your_uid=os.getuid()
        )
    elif info.st_nlink != 1:
        problem = _("has {n} other hard link(s)").format(n=info.st_nlink - 1)
    if problem:
        os.close(fd)
        raise _unsafe(path, problem)
    return fd


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return _("is a symbolic link")
    if stat.S_ISDIR(mode):
        return _("is a folder")
    return _("is not a regular file")


def _unsafe(path: Path, problem: str) -> LockFileError:
    return LockFileError(
        _("{path}: {problem}; refusing to use it as the monitor's lock file").format(
            path=path, problem=problem
        ),
        hint=_("remove it (someone else may have planted it), then start again"),
    )


def _cannot_create(path: Path, exc: OSError) -> LockFileError:
    return LockFileError(
        _("{path}: cannot create the monitor's lock file: {reason}").format(
            path=path, reason=exc.strerror or exc
        ),
        hint=_("check that the folder exists and that you may write to it"),
    )
