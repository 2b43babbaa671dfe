"""Run a command on folders it really cannot write, also when the tests run as root.

``chmod`` does not stop root, so as root the command runs as the unprivileged user
``nobody`` (through ``setpriv``, on the world-readable copy of the package from
:mod:`tests.harness.nobody`) in a root-owned sandbox: the kernel then refuses its writes to
frozen folders exactly as it would for a user whose data folder is read-only. As any other
user the frozen folders and files simply lose their write bits.
:meth:`ReadOnlySandbox.check` proves, before a test relies on it, that a frozen folder
refuses a new file.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from tests.harness.nobody import NOBODY, NobodyPython


class ReadOnlySandbox:
    """A folder tree in which :meth:`run` runs commands that cannot write frozen paths."""

    def __init__(self, base: Path, *, nobody: NobodyPython | None = None) -> None:
        self.base = base
        self.nobody = nobody
        self.as_root = nobody is not None
        self._frozen: list[Path] = []

    def folder(self, *parts: str, writable: bool = False) -> Path:
        """Make ``base/parts...`` (readable by the command); ``writable`` lets it write there."""
        path = self.base.joinpath(*parts)
        path.mkdir(parents=True, exist_ok=True)
        for folder in [path, *path.parents]:
            if folder == self.base.parent:
                break
            folder.chmod(0o755)
        if writable and self.as_root:
            os.chown(path, NOBODY, NOBODY)
        return path

    def freeze(self, *paths: Path) -> None:
        """Files and folders the command must not be able to write or create things in."""
        for path in paths:
            mode = stat.S_IMODE(path.stat().st_mode)
            path.chmod(mode & ~0o222)
            self._frozen.append(path)

    def env(self, **values: Path | str) -> dict[str, str]:
        """The current environment with a writable home and matplotlib cache, plus ``values``."""
        home = self.folder("home", writable=True)
        return {
            **os.environ,
            "HOME": str(home),
            "MPLCONFIGDIR": str(home),
            "TZ": "Europe/Berlin",
            **{k: str(v) for k, v in values.items()},
        }

    def command(self, argv: Sequence[str]) -> list[str]:
        """``argv`` as the sandbox's user (for ``subprocess.Popen`` with ``cwd=base``); as
        ``nobody``, ``sys.executable`` becomes the interpreter ``nobody`` can run."""
        return self.nobody.argv(argv) if self.nobody is not None else list(argv)

    def run(
        self, argv: Sequence[str], env: dict[str, str], timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(argv),
            env=env,
            cwd=self.base,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def check(self, folder: Path) -> None:
        """Fail unless the command really cannot create a file in ``folder``."""
        probe = folder / ".probe"
        code = f"open({str(probe)!r}, 'x')"
        proc = self.run([sys.executable, "-c", code], self.env())
        assert proc.returncode != 0 and not probe.exists(), f"{folder} is writable"

    def restore(self) -> None:
        for path in self._frozen:
            path.chmod(stat.S_IMODE(path.stat().st_mode) | 0o200)


def posture_watch(*args: str) -> list[str]:
    return [sys.executable, "-m", "posture_watch.cli", *args]


@pytest.fixture
def sandbox(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[ReadOnlySandbox]:
    """A :class:`ReadOnlySandbox`; as root it lives in the temp folder (``tmp_path`` is
    private to root) and runs commands as ``nobody`` (a skip without ``setpriv``)."""
    if os.geteuid() != 0:
        box = ReadOnlySandbox(tmp_path)
        yield box
        box.restore()
        return
    nobody = request.getfixturevalue("nobody_python")
    base = Path(tempfile.mkdtemp(prefix="posture-watch-ro-"))
    base.chmod(0o755)
    try:
        yield ReadOnlySandbox(base, nobody=nobody)
    finally:
        shutil.rmtree(base)
