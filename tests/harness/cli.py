"""Running ``posture-watch``: in-process through the real CLI code path, or as a child
process exactly as a user's shell would."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from posture_watch.cli import main


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str

    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]


def run_cli(*argv: str | Path) -> CliResult:
    """Run ``posture-watch`` in-process (the real CLI code path) and capture its output."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return CliResult(code, out.getvalue(), err.getvalue())


def person_env(root: Path) -> dict[str, str]:
    """The environment of a child ``posture-watch`` whose person has all their folders
    (config, data, state, cache, runtime) under ``root``: nothing of another test's, or of
    the machine's user, is seen or written."""
    return {
        **os.environ,
        "XDG_CONFIG_HOME": str(root / "config"),
        "XDG_DATA_HOME": str(root / "data"),
        "XDG_STATE_HOME": str(root / "state"),
        "XDG_CACHE_HOME": str(root / "cache"),
        "XDG_RUNTIME_DIR": str(root / "run"),
    }


def installed_app_env(home: Path) -> dict[str, str]:
    """:func:`person_env` for an app installed in another venv (a wheel, as pipx does):
    ``home`` is also ``$HOME``, and nothing of this venv's Python set-up (``PYTHON*``,
    ``VIRTUAL_ENV``, the user's site folder) leaks into it."""
    env = {
        k: v
        for k, v in person_env(home).items()
        if not k.startswith("PYTHON") and k != "VIRTUAL_ENV"
    }
    return env | {"HOME": str(home), "PYTHONNOUSERSITE": "1"}


def run_process(*argv: str | Path, env_home: Path) -> subprocess.CompletedProcess:
    """Run ``posture-watch`` as a real child process, with its user folders in ``env_home``:
    what a user's shell sees, down to the exit code and every byte on stderr."""
    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(env_home / "c"),
        "XDG_DATA_HOME": str(env_home / "d"),
    }
    return subprocess.run(
        [sys.executable, "-m", "posture_watch.cli", *map(str, argv)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
