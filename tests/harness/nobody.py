"""A Python that the user ``nobody`` can run, with this package, from any clone.

Tests that run as root start some commands as ``nobody`` (through ``setpriv``) so that the
kernel, not a mode bit root ignores, refuses what they must not do. ``nobody`` cannot read
a clone in a private folder (``mkdir -m 700``, as ``mktemp -d`` makes, or a home folder of
mode 0750), nor the virtual environment inside it, nor an interpreter under ``/root``.
So the session builds, once, a world-readable virtual environment in the temp folder:

- its interpreter is one of the same ``major.minor`` that ``nobody`` really runs (the same
  build root runs, so the probe cannot be fooled by a loader falling back to another
  ``libpython``);
- its ``site-packages`` mirrors ours, file by file as hard links where the file system
  allows (cheap, and the files keep their own read bits) or copies where not, without our
  editable-install hook (which points into the private clone);
- beside them, copies of ``posture_watch`` and ``tests`` as they are now.

:func:`nobody_python` hands out that interpreter; a command given ``sys.executable`` runs
with it instead (see :meth:`NobodyPython.argv`).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

NOBODY = 65534
AS_NOBODY = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
REPO = Path(__file__).resolve().parents[2]

#: What the probe prints: the interpreter's own idea of its version and its prefix.
_PROBE = "import json, sys; print(json.dumps([sys.version, sys.base_prefix]))"


@dataclass(frozen=True)
class NobodyPython:
    """A world-readable virtual environment with this package; ``python`` runs it."""

    root: Path

    @property
    def python(self) -> str:
        return str(self.root / "venv" / "bin" / "python")

    def argv(self, argv: Sequence[str]) -> list[str]:
        """``argv`` as ``nobody``: our interpreter swapped for the world-readable one."""
        args = list(argv)
        if args and args[0] == sys.executable:
            args[0] = self.python
        return [*AS_NOBODY, *args]


def _probe(python: str, *, as_nobody: bool) -> list[str] | None:
    argv = [*(AS_NOBODY if as_nobody else []), python, "-I", "-c", _PROBE]
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd="/")
    except OSError:
        return None
    return json.loads(proc.stdout) if proc.returncode == 0 else None


def _interpreter() -> str | None:
    """An interpreter of our ``major.minor`` that ``nobody`` runs exactly as root does."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [
        os.path.realpath(getattr(sys, "_base_executable", sys.executable)),
        os.path.realpath(sys.executable),
        shutil.which(f"python{version}"),
        f"/usr/bin/python{version}",
        f"/usr/local/bin/python{version}",
    ]
    for python in dict.fromkeys(c for c in candidates if c):
        ours = _probe(python, as_nobody=False)
        if ours is None or not ours[0].startswith(f"{version}."):
            continue
        if _probe(python, as_nobody=True) == ours:
            return python
    return None


def _readable(path: Path) -> bool:
    return bool(path.stat().st_mode & stat.S_IROTH)


def _link_or_copy(src: str, dst: str) -> None:
    """A hard link when the file is readable by all and on the same file system, else
    a copy that is (a link keeps the original's mode, so an unreadable one is copied)."""
    if _readable(Path(src)):
        try:
            os.link(src, dst)
            return
        except OSError:
            pass
    shutil.copy2(src, dst)
    os.chmod(dst, stat.S_IMODE(os.stat(dst).st_mode) | 0o444)


def _open_folders(top: Path) -> None:
    """Folders made by the copy take the source's mode; give them r-x for everyone."""
    for folder, _dirs, _files in os.walk(top):
        os.chmod(folder, 0o755)


def _editable_hook(_folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n.startswith("__editable__")}


def build(root: Path, python: str) -> NobodyPython:
    """The world-readable environment in ``root`` (an empty folder) on ``python``."""
    venv = root / "venv"
    lib = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site = venv / "lib" / lib / "site-packages"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(python)
    (venv / "pyvenv.cfg").write_text(
        f"home = {Path(python).parent}\ninclude-system-site-packages = false\n"
        f"version = {'.'.join(map(str, sys.version_info[:3]))}\n"
    )
    ours = Path(sysconfig.get_paths()["purelib"])
    shutil.copytree(ours, site, copy_function=_link_or_copy, ignore=_editable_hook)
    for package in ("posture_watch", "tests"):
        ignore = shutil.ignore_patterns("__pycache__")
        shutil.copytree(REPO / package, site / package, ignore=ignore, dirs_exist_ok=True)
    _open_folders(root)
    return NobodyPython(root)


@pytest.fixture(scope="session")
def nobody_python() -> Iterator[NobodyPython]:
    """The session's :class:`NobodyPython` (as root, with ``setpriv``; else a skip)."""
    if os.geteuid() != 0:
        pytest.skip("only root can run a command as nobody")
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: cannot run a command as nobody")
    python = _interpreter()
    if python is None:
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        pytest.skip(f"no Python {version} that nobody can run")
    root = Path(tempfile.mkdtemp(prefix="posture-watch-nobody-"))
    try:
        yield build(root, python)
    finally:
        shutil.rmtree(root)
