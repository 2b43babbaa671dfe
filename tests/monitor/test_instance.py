"""The monitor's instance lock: planted links and foreign files are refused without writing
through them, the temp-folder fallback is private, and the lock follows the history file
across processes that see different ``$XDG_RUNTIME_DIR`` values."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from posture_watch.monitor.instance import (
    CONSOLE,
    TRAY,
    AlreadyRunningError,
    Holder,
    InstanceLock,
    LockFileError,
    history_lock_path,
    lock_path,
)
from tests.harness.nobody import NOBODY
from tests.harness.read_only import ReadOnlySandbox

as_root = pytest.mark.skipif(os.geteuid() != 0, reason="only root can make files of another uid")

HOLDER = """
import sys
from pathlib import Path
from posture_watch.errors import PostureWatchError
from posture_watch.monitor.instance import InstanceLock

try:
    with InstanceLock.for_history(Path(sys.argv[1])) as lock:
        print("locked", lock.path, flush=True)
        sys.stdin.readline()
except PostureWatchError as exc:
    print(f"posture-watch: {exc.one_line()}", file=sys.stderr)
    sys.exit(exc.exit_code)
"""


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "run"
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    return folder


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def refused(lock: InstanceLock) -> LockFileError:
    with pytest.raises(LockFileError) as err, lock:
        pass
    assert err.value.exit_code == 2 and "\n" not in err.value.one_line()
    return err.value


# -- the lock file ------------------------------------------------------------------------


def test_the_runtime_lock_holds_our_pid_and_a_second_one_says_already_running(runtime):
    with InstanceLock() as held:
        assert held.path == runtime / "posture-watch" / "monitor.lock"
        written = held.path.read_text()
        assert Holder.from_text(written) == Holder(str(os.getpid()))
        running = rf"already running \(pid {os.getpid()}\)"
        with pytest.raises(AlreadyRunningError, match=running), InstanceLock():
            pass
        assert held.path.read_text() == written  # the loser truncated nothing
    assert mode(held.path) == 0o600 and mode(held.path.parent) == 0o700
    with InstanceLock():  # released on exit
        pass


def test_a_symlink_planted_at_the_lock_path_is_refused_and_its_target_untouched(runtime, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    folder = runtime / "posture-watch"
    folder.mkdir(parents=True, mode=0o700)
    (folder / "monitor.lock").symlink_to(victim)
    error = refused(InstanceLock())
    assert "monitor.lock: is a symbolic link" in str(error)
    assert victim.read_text() == "precious"


def test_a_dangling_symlink_is_refused_and_nothing_is_created(runtime, tmp_path):
    target = tmp_path / "would-be-created"
    folder = runtime / "posture-watch"
    folder.mkdir(parents=True, mode=0o700)
    (folder / "monitor.lock").symlink_to(target)
    refused(InstanceLock())
    assert not target.exists()


def test_a_hard_link_to_another_file_is_refused(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    lock = tmp_path / "history.sqlite3.lock"
    os.link(victim, lock)
    assert "other hard link" in str(refused(InstanceLock(lock)))
    assert victim.read_text() == "precious"


def test_a_fifo_or_folder_at_the_lock_path_is_refused(tmp_path):
    os.mkfifo(tmp_path / "fifo.lock")
    assert "not a regular file" in str(refused(InstanceLock(tmp_path / "fifo.lock")))
    (tmp_path / "dir.lock").mkdir()
    assert "is a folder" in str(refused(InstanceLock(tmp_path / "dir.lock")))


@as_root
def test_a_lock_file_of_another_user_is_refused(tmp_path):
    lock = tmp_path / "monitor.lock"
    lock.write_text("4242")
    os.chown(lock, NOBODY, NOBODY)
    assert f"belongs to uid {NOBODY}" in str(refused(InstanceLock(lock)))
    assert lock.read_text() == "4242"


# -- the temp-folder fallback -------------------------------------------------------------


def test_without_xdg_runtime_dir_the_temp_folder_is_created_private(temp_fallback):
    with InstanceLock() as held:
        assert held.path == temp_fallback / "posture-watch" / "monitor.lock" == lock_path()
    assert mode(temp_fallback) == 0o700
    assert mode(temp_fallback / "posture-watch") == 0o700


def test_a_world_writable_runtime_folder_is_refused(temp_fallback):
    temp_fallback.mkdir()
    temp_fallback.chmod(0o777)
    error = refused(InstanceLock())
    assert "others may write to it (mode 0777)" in str(error)
    assert not (temp_fallback / "posture-watch").exists()


def test_a_symlinked_runtime_folder_is_refused(temp_fallback, tmp_path):
    decoy = tmp_path / "decoy"
    decoy.mkdir(mode=0o700)
    temp_fallback.symlink_to(decoy)
    assert "symbolic link or a file" in str(refused(InstanceLock()))
    assert list(decoy.iterdir()) == []


def test_a_file_in_place_of_the_runtime_folder_is_refused(temp_fallback):
    temp_fallback.write_text("")
    assert "not a folder" in str(refused(InstanceLock()))


def test_a_group_writable_posture_watch_folder_is_refused(temp_fallback):
    (temp_fallback / "posture-watch").mkdir(parents=True)
    temp_fallback.chmod(0o700)
    (temp_fallback / "posture-watch").chmod(0o770)
    assert "mode 0770" in str(refused(InstanceLock()))


@as_root
def test_a_runtime_folder_of_another_user_is_refused(temp_fallback):
    temp_fallback.mkdir(mode=0o700)
    os.chown(temp_fallback, NOBODY, NOBODY)
    assert f"belongs to uid {NOBODY}" in str(refused(InstanceLock()))


# -- the lock follows the history ---------------------------------------------------------


def holder(
    history: Path, runtime: Path, box: ReadOnlySandbox | None = None
) -> subprocess.Popen[str]:
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime)}
    argv = [sys.executable, "-c", HOLDER, str(history)]
    return subprocess.Popen(
        box.command(argv) if box else argv,
        cwd=box.base if box else None,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow  # real processes
def test_two_processes_on_one_history_collide_whatever_their_runtime_dir(tmp_path):
    history = tmp_path / "data" / "history.sqlite3"
    first = holder(history, tmp_path / "run-a")
    try:
        assert first.stdout.readline().split() == ["locked", str(history_lock_path(history))]
        second = holder(history, tmp_path / "run-b")
        _, err = second.communicate(timeout=30)
        assert second.returncode == 3, err
        assert err == (
            f"posture-watch: posture-watch is already running "
            f"(pid {first.pid}) (use its tray icon, or stop it with `posture-watch quit`)\n"
        )
        other = holder(tmp_path / "data" / "other.sqlite3", tmp_path / "run-a")
        assert other.stdout.readline().startswith("locked")  # another history: runs
        other.communicate("\n", timeout=30)
    finally:
        first.communicate("\n", timeout=30)
    assert first.returncode == 0
    assert mode(history.parent) == 0o700
    assert mode(history_lock_path(history)) == 0o600
    assert not history.exists()  # the lock creates no history


def test_a_history_folder_that_cannot_be_made_falls_back_to_the_runtime_lock(runtime, tmp_path):
    (tmp_path / "blocker").write_text("a file where the data folder should be")
    history = tmp_path / "blocker" / "history.sqlite3"
    with InstanceLock.for_history(history) as held:
        assert held.path == runtime / "posture-watch" / "monitor.lock"
        assert held.fallback_reason is not None and "blocker" in held.fallback_reason
        with pytest.raises(AlreadyRunningError), InstanceLock.for_history(history):
            pass


def test_a_symlink_beside_the_history_is_refused_not_worked_around(runtime, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    history = tmp_path / "data" / "history.sqlite3"
    history.parent.mkdir()
    history_lock_path(history).symlink_to(victim)
    assert "is a symbolic link" in str(refused(InstanceLock.for_history(history)))
    assert victim.read_text() == "precious"
    assert not (runtime / "posture-watch").exists()


def test_a_read_only_history_folder_falls_back_to_the_runtime_lock(sandbox):
    data = sandbox.folder("data")
    sandbox.freeze(data)
    sandbox.check(data)
    history = data / "history.sqlite3"
    runtime = sandbox.folder("run", writable=True)
    first = holder(history, runtime, sandbox)
    try:
        line = first.stdout.readline()
        assert line.split() == ["locked", str(runtime / "posture-watch" / "monitor.lock")], (
            line + first.stderr.read()
        )
        second = holder(history, runtime, sandbox)
        _, err = second.communicate(timeout=30)
        assert second.returncode == 3 and f"already running (pid {first.pid})" in err, err
    finally:
        first.communicate("\n", timeout=30)
    assert list(data.iterdir()) == []


# -- who holds it: what a second start is told -----------------------------------------


def test_a_second_start_is_told_where_the_running_one_is(tmp_path):
    """The lock file records the kind, the demo and the start time of its holder, so the
    second start names the tray or the terminal (it once said "use its tray icon" to a
    console monitor)."""
    history = tmp_path / "data" / "history.sqlite3"
    started = datetime(2026, 12, 7, 9, 12).timestamp()
    with InstanceLock.for_history(history, Holder("", CONSOLE, False, started)):
        with pytest.raises(AlreadyRunningError) as err, InstanceLock.for_history(history):
            pass
        with pytest.raises(AlreadyRunningError) as peeked:
            InstanceLock.check_free(history)
    pid = os.getpid()
    assert err.value.holder == Holder(str(pid), CONSOLE, False, started)
    assert peeked.value.holder == err.value.holder
    assert err.value.one_line() == (
        f"posture-watch is already running as a console monitor in a terminal (pid {pid}, "
        "since 09:12) (stop it with Ctrl+C in its terminal, or with `posture-watch quit`)"
    )
    InstanceLock.check_free(history)  # released: nobody runs


@pytest.mark.parametrize(
    ("holder", "message", "hint"),
    [
        (
            Holder("123", TRAY, False, None),
            "posture-watch is already running in the tray (pid 123)",
            "use its tray icon, or stop it with `posture-watch quit`",
        ),
        (
            Holder("123", TRAY, True, None),
            "the posture-watch demo is already running in the tray (pid 123)",
            "use its tray icon; Quit in its menu ends it",
        ),
        (
            Holder("123", CONSOLE, True, None),
            "the posture-watch demo is already running in a terminal (pid 123)",
            "stop it with Ctrl+C in its terminal",
        ),
        (
            Holder.from_text("123"),  # a lock written by an older version: its PID only
            "posture-watch is already running (pid 123)",
            "use its tray icon, or stop it with `posture-watch quit`",
        ),
    ],
)
def test_the_second_start_message_of_each_holder(holder, message, hint):
    assert holder.where() == (message, hint)
    assert Holder.from_text(holder.to_text()) == holder


def test_checking_creates_nothing(tmp_path):
    """The check a start makes before it knows whether it will be the demo: no folder, no
    lock file (the demo must leave the person's folders as they were)."""
    history = tmp_path / "data" / "history.sqlite3"
    InstanceLock.check_free(history)
    assert not (tmp_path / "data").exists()
