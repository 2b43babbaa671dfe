"""What the worker does to itself before it touches a source: no sockets, few files.

Two locks, both kept by the kernel for the rest of the worker's life and inherited by
anything it might start:

1. **No sockets** (:func:`posture_watch.offline.enforce_no_sockets`, seccomp): ``socket``,
   ``socketpair`` and ``connect`` of every family, Unix ones included, io_uring and every
   foreign system-call ABI are refused. The worker holds no socket either: its stdin and
   stdout are ``/dev/null``, its stderr and its two message channels are pipes. So the
   pose model's telemetry cannot reach the network, nor a local daemon that would reach
   it for us (nscd, systemd-resolved through nss-resolve, a proxy on a Unix socket).
2. **Few files** (:mod:`posture_watch.landlock`, where the kernel has it): the worker may
   read what Python and its libraries need (:func:`~posture_watch.landlock.python_reads`),
   the model, the sources named by the parent, the saved calibration profiles (the set-up
   follower compares them), the packaged demo and models; it may open the camera nodes
   present when it starts (``/dev/video*``, ``/dev/media*``) and ``/dev/null``. It may
   write no file and make nothing anywhere.

What the parent allows is passed in the environment (:class:`Allowed`), read once here,
before any request. A kernel without seccomp or Landlock leaves that lock off, and the
worker's :class:`~posture_watch.worker.messages.Sandboxed` says so.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from posture_watch import landlock, paths
from posture_watch.offline import enforce_no_sockets

#: The device nodes a webcam may be behind.
CAMERA_GLOBS = ("video*", "media*")


@dataclass(frozen=True)
class Allowed:
    """What the parent lets the worker read, besides Python, the profiles and the
    package's own files."""

    ENV: ClassVar[str] = "POSTURE_WATCH_WORKER_READS"
    read: tuple[Path, ...] = field(default_factory=tuple)

    def to_env(self) -> str:
        return json.dumps([str(p) for p in self.read])

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Allowed:
        raw = (os.environ if environ is None else environ).get(cls.ENV, "[]")
        try:
            names = json.loads(raw)
        except ValueError:
            names = []
        return cls(tuple(Path(n) for n in names if isinstance(n, str)))


def camera_nodes(dev: Path = Path("/dev")) -> tuple[Path, ...]:
    """The camera device nodes present now."""
    found: list[Path] = []
    for pattern in CAMERA_GLOBS:
        found.extend(sorted(dev.glob(pattern)))
    return tuple(found)


def linked_packages(folders: list[str] | None = None) -> tuple[Path, ...]:
    """Where the links in the import path's folders lead: a package installed as a link
    (a shared install, a development set-up) is read through its target, which Landlock
    checks, not through the link."""
    found: list[Path] = []
    here = os.getcwd()
    for folder in sys.path if folders is None else folders:
        if not folder or os.path.abspath(folder) == here:
            continue  # the current folder is often the person's home: not Python's
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_symlink():
                try:
                    found.append(Path(entry.path).resolve(strict=True))
                except OSError:
                    continue
    return tuple(found)


def rules(allowed: Allowed) -> landlock.Rules:
    """The Landlock rules for a worker the parent allowed ``allowed``."""
    reads = (
        *landlock.python_reads(),
        *allowed.read,
        paths.profiles_dir(),
        paths.DEMO_DIR,
        paths.BUNDLED_MODELS_DIR,
        paths.user_models_dir(),
        *linked_packages(),
    )
    return landlock.Rules(read=reads, devices=(*camera_nodes(), Path("/dev/null")))


def enter(allowed: Allowed | None = None) -> tuple[bool, landlock.Applied]:
    """Shut this process in (see the module): whether the no-sockets filter holds, and
    what Landlock did; never raises for a kernel that lacks either.

    Call it first thing, before NumPy or anything else starts threads: Landlock confines
    the calling thread and what it starts later, not threads already running (before
    ABI 8). This module imports only the standard library and our small modules."""
    allowed = Allowed.from_env() if allowed is None else allowed
    no_sockets = enforce_no_sockets()
    return no_sockets, landlock.restrict(rules(allowed))
