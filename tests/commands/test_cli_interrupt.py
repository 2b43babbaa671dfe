"""Ctrl-C at any moment of a real ``posture-watch`` run: exit 130, one line, no traceback.

Each test starts the installed console script as a subprocess. Where the moment must be
exact (while a given module is being imported, during the interpreter's shutdown), a
``sitecustomize`` module put on the child's PYTHONPATH sends the child SIGINT itself at
that moment; Python imports it at start-up, before anything of ours. The other tests send
SIGINT from outside, the way a terminal does, at delays counted from the moment the
commands start loading inside ``main`` (which the same hook reports in a file).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.harness.processes import camera_worker_of, wait_for

SCRIPT = Path(sys.executable).with_name("posture-watch")
INTERRUPTED = 130

# Installed as sitecustomize in the child. PW_TEST_SIGINT_AT: "import:MODULE" sends
# SIGINT as MODULE starts to be imported, "exit" during the interpreter's shutdown.
# PW_TEST_COMMANDS_LOADING: a file created when posture_watch.commands starts loading.
HOOK = """\
import atexit, os, signal, sys

_AT = os.environ.get("PW_TEST_SIGINT_AT", "")
_MARK = os.environ.get("PW_TEST_COMMANDS_LOADING", "")


# Ctrl-C reaches the command line, never the camera worker (a session of its own)
_WORKER = "POSTURE_WATCH_WORKER_READS" in os.environ


class _Hook:
    def find_spec(self, name, path=None, target=None):
        if _MARK and name == "posture_watch.commands":
            open(_MARK, "w").close()
        if _AT == "import:" + name and not _WORKER:
            os.kill(os.getpid(), signal.SIGINT)
        return None


sys.meta_path.insert(0, _Hook())
if _AT == "exit":
    atexit.register(os.kill, os.getpid(), signal.SIGINT)
"""


@pytest.fixture
def picture(shared_samples: Path) -> Path:
    """One real picture, so that ``analyze`` loads MediaPipe and its model."""
    return next(shared_samples.rglob("*.jpg"))


@pytest.fixture
def hook_env(tmp_path: Path) -> dict[str, str]:
    """The child's environment with the sitecustomize hook on its PYTHONPATH."""
    if not SCRIPT.exists():
        pytest.skip(f"the console script is not installed at {SCRIPT}")
    folder = tmp_path / "hook"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(HOOK)
    path = os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path}


def _start(env: dict[str, str], *args: str | Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(SCRIPT), *map(str, args)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(proc: subprocess.Popen[str]) -> tuple[int, str]:
    _, err = proc.communicate(timeout=60)
    return proc.returncode, err


def _assert_interrupted_quietly(code: int, err: str) -> None:
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert code == INTERRUPTED, err
    # at most the one line about the interruption, beside what the command said before
    assert [line for line in err.splitlines() if "interrupt" in line.lower()] in (
        [],
        ["posture-watch: interrupted"],
    ), err


@pytest.mark.parametrize(
    "module",
    [
        "argparse",  # the first thing main loads, before the commands
        "posture_watch.commands",  # the commands start loading
        "cv2",  # OpenCV, loaded with the frame sources (here: the model in this process)
        "numpy",  # the package re-exports core names lazily: NumPy loads inside main
    ],
)
def test_ctrl_c_while_a_module_is_loading(hook_env, picture: Path, module: str) -> None:
    env = {**hook_env, "PW_TEST_SIGINT_AT": f"import:{module}"}
    if module == "cv2":  # the camera worker loads it, not the command; as before issue 18
        env["POSTURE_WATCH_WORKER"] = "thread"

    code, err = _finish(_start(env, "analyze", picture, "--uncalibrated"))

    _assert_interrupted_quietly(code, err)
    assert "posture-watch: interrupted" in err


def test_ctrl_c_while_the_worker_loads_the_model(hook_env, picture: Path) -> None:
    """MediaPipe loads in the camera worker, not in the command: a Ctrl-C then (a
    terminal's, sent to the command alone: the worker has a session of its own) ends the
    command with 130 and one line, and the worker goes with it."""
    proc = _start(hook_env, "analyze", picture, "--uncalibrated")
    try:
        worker = wait_for(lambda: camera_worker_of(proc.pid), 30, what="the camera worker")
        proc.send_signal(signal.SIGINT)
        code, err = _finish(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    _assert_interrupted_quietly(code, err)
    wait_for(lambda: not Path(f"/proc/{worker}").exists(), 10, what="the worker to end")


def test_ctrl_c_during_the_shutdown_after_the_command(hook_env, picture: Path) -> None:
    env = {**hook_env, "PW_TEST_SIGINT_AT": "exit"}

    proc = _start(env, "analyze", picture, "--uncalibrated")
    out, err = proc.communicate(timeout=60)

    _assert_interrupted_quietly(proc.returncode, err)
    assert '"person": true' in out  # the command's output was flushed before the end


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.1, 0.2, 0.3])
def test_ctrl_c_from_outside_early_in_a_run(
    hook_env, picture: Path, tmp_path: Path, delay: float
) -> None:
    mark = tmp_path / "commands-loading"
    env = {**hook_env, "PW_TEST_COMMANDS_LOADING": str(mark)}
    proc = _start(env, "analyze", picture, "--uncalibrated")
    try:
        wait_for(mark.exists, 30, what="the commands to start loading")
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        code, err = _finish(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()

    if code == 0:
        pytest.skip(f"the run ended within {delay} s, before the signal")  # a fast machine
    _assert_interrupted_quietly(code, err)


def test_the_other_exit_codes_stay_as_they_were(hook_env, tmp_path: Path) -> None:
    assert _finish(_start(hook_env, "--version"))[0] == 0
    code, err = _finish(_start(hook_env, "no-such-command"))
    assert code == 2 and "unknown command 'no-such-command'" in err
    code, err = _finish(_start(hook_env, "analyze", tmp_path / "missing.jpg"))
    assert code == 2 and err.splitlines()[-1] == (
        f"posture-watch: {tmp_path / 'missing.jpg'}: no such file or folder"
    )


def test_a_ctrl_c_wrapped_by_python_is_still_an_interrupt(capsys, monkeypatch) -> None:
    """A Ctrl-C inside a class body being created (matplotlib's, during MediaPipe's import)
    comes out as ``RuntimeError: Error calling __set_name__``: still exit 130, one line."""
    from posture_watch import cli

    class Interrupting:
        def __set_name__(self, owner: type, name: str) -> None:
            raise KeyboardInterrupt

    def run(_argv: object) -> int:
        type("Formatter", (), {"locs": Interrupting()})  # what the import was doing
        return 0

    with pytest.raises(RuntimeError, match="__set_name__"):
        run(None)  # Python really does wrap it
    monkeypatch.setattr(cli, "_run", run)
    assert cli.main(["settings", "--path"]) == cli.EXIT_INTERRUPTED
    assert capsys.readouterr().err == "posture-watch: interrupted\n"

    def bug(_argv: object) -> int:
        raise RuntimeError("a real bug")

    monkeypatch.setattr(cli, "_run", bug)
    with pytest.raises(RuntimeError, match="a real bug"):  # other errors keep their traceback
        cli.main(["settings", "--path"])
