"""The control socket and ``posture-watch pause|resume|status|stretch|quit``.

Real Unix sockets in a temporary ``$XDG_RUNTIME_DIR`` and a real :class:`ControlServer`
with a handler that records what it was asked; the end-to-end tests run the command line
and a stand-in monitor (``tests/harness/control_standin.py``) as separate processes.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from posture_watch.commands import control_cli
from posture_watch.monitor.control import (
    MAX_CLIENTS,
    STRETCH_NEEDS_TRAY,
    ControlError,
    ControlReply,
    ControlRequest,
    ControlServer,
    ControlSocketBusyError,
    NotRunningError,
    PendingControl,
    control_socket_path,
    relay,
    send_request,
)
from tests.harness.control_standin import WALL
from tests.harness.nobody import NOBODY, REPO, NobodyPython

as_root = pytest.mark.skipif(os.geteuid() != 0, reason="only root can act as another uid")
NOT_RUNNING = control_cli.NOT_RUNNING_LINE


class Recorder:
    """A handler that records each request and answers from ``replies`` (ok by default)."""

    def __init__(self, **replies: ControlReply) -> None:
        self.requests: list[ControlRequest] = []
        self.replies = replies

    def __call__(self, request: ControlRequest) -> ControlReply:
        self.requests.append(request)
        return self.replies.get(request.command.value, ControlReply(True, f"did {request}"))


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh ``$XDG_RUNTIME_DIR`` with a short path like ``/run/user/UID``, so that tests
    may bind and connect by path (108 bytes at most); the server and the client never do
    (see ``test_a_long_runtime_path_works``)."""
    folder = Path(tempfile.mkdtemp(prefix="pwc-", dir="/tmp")) / "run"
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    yield folder
    shutil.rmtree(folder.parent)


@pytest.fixture
def history(tmp_path: Path, runtime: Path) -> Path:
    return tmp_path / "data" / "history.sqlite3"


def cli(history: Path, *argv: str) -> int:
    return control_cli.main([*argv, "--history", str(history)])


def leave_stale_socket(path: Path) -> None:
    """What a killed monitor leaves behind: a socket file no one listens on."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with socket.socket(socket.AF_UNIX) as dead:
        dead.bind(str(path))


# -- every command round-trips ---------------------------------------------------------------

ROUND_TRIPS = [
    (["pause", "30m"], ControlRequest("pause", seconds=1800)),
    (["pause", "1h"], ControlRequest("pause", seconds=3600)),
    (["pause", "90s"], ControlRequest("pause", seconds=90)),
    (["pause", "1h30m"], ControlRequest("pause", seconds=5400)),
    (["pause", "30"], ControlRequest("pause", seconds=1800)),
    (["pause", "until-tomorrow"], ControlRequest("pause", until="tomorrow")),
    (["resume"], ControlRequest("resume")),
    (["status"], ControlRequest("status")),
    (["stretch"], ControlRequest("stretch")),
    (["quit"], ControlRequest("quit")),
]


def test_every_command_round_trips(history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    handler = Recorder()
    with ControlServer(handler, history):
        for argv, expected in ROUND_TRIPS:
            assert cli(history, *argv) == 0, argv
            out, err = capsys.readouterr()
            assert handler.requests[-1] == expected
            assert out == f"did {expected}\n"
            assert err == ""
    assert len(handler.requests) == len(ROUND_TRIPS)


def test_status_prints_the_message_or_the_raw_reply(
    history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = ControlReply(
        True, "Upright · sitting 23 min · 87% upright today", {"state": "upright", "share": 0.87}
    )
    with ControlServer(Recorder(status=status), history):
        assert cli(history, "status") == 0
        assert capsys.readouterr().out == "Upright · sitting 23 min · 87% upright today\n"
        assert cli(history, "status", "--json") == 0
        assert json.loads(capsys.readouterr().out) == {
            "ok": True,
            "message": "Upright · sitting 23 min · 87% upright today",
            "data": {"state": "upright", "share": 0.87},
        }


def test_a_refusal_is_one_line_and_exit_1(
    history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with ControlServer(Recorder(stretch=STRETCH_NEEDS_TRAY), history):
        assert cli(history, "stretch") == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"posture-watch: {STRETCH_NEEDS_TRAY.message}\n"


def test_the_default_history_is_the_data_folders(
    runtime: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --history, client and server meet on ``<data folder>/history.sqlite3``
    (what ``history_cli.history_path`` gives the monitor)."""
    from posture_watch.commands.history_cli import history_path

    monitor_history = history_path(control_cli.build_parser().parse_args(["status"]))
    handler = Recorder()
    with ControlServer(handler, monitor_history):
        assert control_cli.main(["resume"]) == 0
    assert handler.requests == [ControlRequest("resume")]


def test_the_socket_follows_the_history(history: Path, tmp_path: Path) -> None:
    """Monitors of two histories never answer for each other; a relative or symlinked
    spelling of one history reaches its monitor."""
    other = tmp_path / "other.sqlite3"
    assert control_socket_path(history) != control_socket_path(other)
    history.parent.mkdir(parents=True)
    history.touch()
    (tmp_path / "link").symlink_to(history.parent)
    assert control_socket_path(tmp_path / "link" / history.name) == control_socket_path(history)
    with ControlServer(Recorder(), history):
        with pytest.raises(NotRunningError):
            send_request(ControlRequest("status"), other)
        assert send_request(ControlRequest("status"), tmp_path / "link" / history.name).ok


# -- nothing running -------------------------------------------------------------------------


def test_nothing_running_exit_3_and_one_line(
    history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(history, "status") == 3  # no folder at all
    assert capsys.readouterr() == ("", NOT_RUNNING + "\n")
    leave_stale_socket(control_socket_path(history))  # a socket left by a dead monitor
    assert cli(history, "pause", "30m") == 3
    assert capsys.readouterr() == ("", NOT_RUNNING + "\n")


@pytest.mark.parametrize("bad", ["3x", "0", "0m", "25h", "1.5h", "h", "30 minutes", "tomorow"])
def test_a_bad_duration_is_one_line_and_exit_2(
    history: Path, bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    handler = Recorder()
    with ControlServer(handler, history):
        assert cli(history, "pause", bad) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("posture-watch: pause: ")
    assert handler.requests == []


# -- one server per socket ---------------------------------------------------------------------


def test_a_stale_socket_is_replaced(history: Path) -> None:
    path = control_socket_path(history)
    leave_stale_socket(path)
    stale = path.parent.parent / "stale.sock"
    os.link(path, stale)  # keeps the old inode alive, so its number cannot be reused
    handler = Recorder()
    with ControlServer(handler, history):
        assert not path.samefile(stale)
        assert send_request(ControlRequest("status"), history).ok
    assert handler.requests == [ControlRequest("status")]
    assert not path.exists()


def test_a_live_socket_is_never_stolen(history: Path) -> None:
    first, second = Recorder(), Recorder()
    with ControlServer(first, history) as live:
        inode = live.path.stat().st_ino
        with pytest.raises(ControlSocketBusyError, match="another posture-watch already answers"):
            ControlServer(second, history).start()
        assert live.path.stat().st_ino == inode  # the refused start removed nothing
        assert send_request(ControlRequest("resume"), history).ok
    assert first.requests == [ControlRequest("resume")]
    assert second.requests == []


@pytest.mark.slow  # real processes
def test_a_live_socket_is_never_stolen_across_processes(history: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    args = [sys.executable, "-m", "tests.harness.control_standin", str(history)]
    with ControlServer(Recorder(), history):
        second = subprocess.run(args, capture_output=True, text=True, timeout=60, env=env)
    assert second.returncode == 3
    assert second.stdout == ""
    assert second.stderr.startswith("posture-watch: another posture")
    assert second.stderr.count("\n") == 1


def test_close_leaves_a_successors_socket_alone(history: Path) -> None:
    old = ControlServer(Recorder(), history).start()
    old.path.unlink()  # someone removed it, and a new monitor took the name
    new_handler = Recorder()
    with ControlServer(new_handler, history):
        old.close()
        assert send_request(ControlRequest("status"), history).ok
    assert new_handler.requests == [ControlRequest("status")]


def test_something_else_at_the_socket_path_is_refused(history: Path) -> None:
    path = control_socket_path(history)
    path.parent.mkdir(mode=0o700, parents=True)
    path.write_text("not a socket")
    with pytest.raises(ControlError, match="is not a socket; refusing to replace it"):
        ControlServer(Recorder(), history).start()
    assert path.read_text() == "not a socket"
    with pytest.raises(ControlError, match="is not a socket; refusing to use it"):
        send_request(ControlRequest("status"), history)


# -- owner only --------------------------------------------------------------------------------


def test_folder_0700_and_socket_0600(history: Path, runtime: Path) -> None:
    (runtime / "posture-watch").mkdir(parents=True, mode=0o755)  # ours, too open
    (runtime / "posture-watch").chmod(0o755)
    with ControlServer(Recorder(), history) as server:
        assert stat.S_IMODE(server.path.parent.stat().st_mode) == 0o700
        info = server.path.lstat()
        assert stat.S_ISSOCK(info.st_mode)
        assert stat.S_IMODE(info.st_mode) == 0o600
        assert info.st_uid == os.getuid()


def test_a_symlinked_folder_is_refused(history: Path, runtime: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    runtime.mkdir()
    (runtime / "posture-watch").symlink_to(elsewhere)
    with pytest.raises(ControlError, match="symbolic link"):
        ControlServer(Recorder(), history).start()
    assert list(elsewhere.iterdir()) == []
    with pytest.raises(ControlError, match="symbolic link"):
        send_request(ControlRequest("status"), history)


def test_the_state_folder_fallback_is_private(
    history: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without ``$XDG_RUNTIME_DIR``: ``run`` in our state folder (never a name in the shared
    temp folder), as the instance lock does; server and client meet there."""
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    handler = Recorder()
    with ControlServer(handler, history) as server:
        assert server.path.parent.parent == tmp_path / "state" / "posture-watch" / "run"
        assert stat.S_IMODE(server.path.parent.parent.stat().st_mode) == 0o700
        assert send_request(ControlRequest("status"), history).ok
    assert handler.requests == [ControlRequest("status")]


@as_root
def test_a_fallback_folder_of_another_user_is_refused(
    history: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    planted = tmp_path / "state" / "posture-watch" / "run"
    planted.mkdir(mode=0o700, parents=True)
    os.chown(planted, NOBODY, NOBODY)
    with pytest.raises(ControlError, match="belongs to uid 65534"):
        ControlServer(Recorder(), history).start()
    with pytest.raises(ControlError, match="belongs to uid 65534"):
        send_request(ControlRequest("status"), history)


PEER = """
import json, socket, sys
with socket.socket(socket.AF_UNIX) as s:
    s.settimeout(10)
    s.connect(sys.argv[1])
    try:
        s.sendall(b'{"command": "quit"}\\n')
    except BrokenPipeError:  # refused before it could ask; the reply is still there
        pass
    print(s.makefile().readline(), end="")
"""


@as_root
def test_a_peer_of_another_uid_is_refused(
    history: Path, runtime: Path, nobody_python: NobodyPython
) -> None:
    """Even with the folder and socket opened up to everyone, the uid check holds."""
    handler = Recorder()
    with ControlServer(handler, history) as server:
        for folder in (runtime.parent, runtime, server.path.parent):
            folder.chmod(0o711)
        server.path.chmod(0o666)
        peer = subprocess.run(
            nobody_python.argv([sys.executable, "-c", PEER, str(server.path)]),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert peer.returncode == 0, peer.stderr
        assert json.loads(peer.stdout) == {
            "ok": False,
            "message": f"refused: uid {NOBODY} may not control the posture-watch of uid 0",
        }
        assert send_request(ControlRequest("status"), history).ok  # its owner still may
    assert handler.requests == [ControlRequest("status")]


@as_root
def test_a_server_of_another_uid_is_refused(
    history: Path, runtime: Path, nobody_python: NobodyPython
) -> None:
    """A socket in our folder served by someone else (here ``nobody``, let in for a
    moment) is not our monitor: the client says so and sends nothing."""
    folder = runtime / "posture-watch"
    folder.mkdir(parents=True, mode=0o700)
    for outer in (runtime.parent, runtime):
        outer.chmod(0o755)
    os.chown(folder, NOBODY, NOBODY)
    with subprocess.Popen(
        nobody_python.argv([sys.executable, "-m", "tests.harness.control_standin", str(history)]),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=nobody_python.root,
    ) as other:
        try:
            assert other.stdout is not None
            assert other.stdout.readline() == f"ready {control_socket_path(history)}\n"
            os.chown(folder, 0, 0)  # our folder again, with their socket in it
            with pytest.raises(ControlError, match="answered by uid 65534, not by you"):
                send_request(ControlRequest("quit"), history)
        finally:
            other.kill()
        assert other.stdout.read() == ""  # it was asked nothing


def test_a_long_runtime_path_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The socket is reached through its open folder, so a runtime folder deeper than a
    socket address allows (108 bytes) is no problem."""
    deep = tmp_path / ("x" * 60) / ("y" * 60)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(deep))
    history = tmp_path / "history.sqlite3"
    handler = Recorder()
    with ControlServer(handler, history) as server:
        assert len(os.fsencode(server.path)) > 108
        assert send_request(ControlRequest("quit"), history).ok
    assert handler.requests == [ControlRequest("quit")]


# -- faults ------------------------------------------------------------------------------------


def test_a_handler_exception_is_one_line_and_the_server_keeps_serving(
    history: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[ControlRequest] = []

    def handler(request: ControlRequest) -> ControlReply:
        calls.append(request)
        if request.command == "quit":
            raise RuntimeError("the controller is gone\nsecond line")
        return ControlReply(True, "resumed")

    lines: list[str] = []
    log = tmp_path / "crash.log"
    with ControlServer(handler, history, report=lines.append, log_file=log):
        assert cli(history, "quit") == 1
        out, err = capsys.readouterr()
        assert out == ""
        assert err == (
            "posture-watch: the monitor failed on quit: RuntimeError: the controller is gone "
            f"second line (traceback in {log})\n"
        )
        assert cli(history, "resume") == 0
        assert capsys.readouterr().out == "resumed\n"
    assert [r.command for r in calls] == ["quit", "resume"]
    assert lines == [err.removeprefix("posture-watch: ").rstrip("\n")]
    assert "Traceback" in log.read_text() and "the controller is gone" in log.read_text()


def test_a_silent_client_blocks_no_one(history: Path) -> None:
    """A client that connects and says nothing: others are answered at once (here the
    server would wait 30 s for it), and it is dropped after the read timeout."""
    handler = Recorder()
    with (
        ControlServer(handler, history, read_timeout=30.0) as server,
        socket.socket(socket.AF_UNIX) as silent,
    ):
        silent.connect(str(server.path))
        assert send_request(ControlRequest("status"), history, timeout=10.0).ok
        assert send_request(ControlRequest("resume"), history, timeout=10.0).ok
    assert handler.requests == [ControlRequest("status"), ControlRequest("resume")]
    with (
        ControlServer(handler, history, read_timeout=0.2) as server,
        socket.socket(socket.AF_UNIX) as silent,
    ):
        silent.connect(str(server.path))
        silent.settimeout(20.0)
        assert silent.recv(100) == b""  # dropped without a word


def test_silent_clients_in_every_place_make_room_for_a_status(history: Path) -> None:
    """All places taken by clients that say nothing: the oldest is dropped for the newcomer
    (neither "busy" nor a hang)."""
    handler = Recorder()
    with ControlServer(handler, history, read_timeout=30.0) as server:
        silent = [socket.socket(socket.AF_UNIX) for _ in range(MAX_CLIENTS)]
        try:
            for s in silent:
                s.connect(str(server.path))
            assert send_request(ControlRequest("status"), history).ok
            silent[0].settimeout(5.0)
            assert silent[0].recv(100) == b""  # the oldest was dropped
        finally:
            for s in silent:
                s.close()
    assert handler.requests == [ControlRequest("status")]


@pytest.mark.parametrize(
    ("line", "why"),
    [
        (b"not json\n", "bad request: not JSON: Expecting value"),
        (b'{"command": "dance"}\n', "bad request: unknown command 'dance'"),
        (b'{"command": "pause"}\n', 'bad request: pause needs "seconds"'),
        (b'{"command": "pause", "seconds": 1e9}\n', "bad request: pause: 1000000000.0 s"),
        (b'{"command": "status", "seconds": 5}\n', "bad request: status takes no duration"),
        (b'{"command": "status", "x": 1}\n', "bad request: unknown field(s): x"),
        (b"[1, 2]\n", "bad request: a request is a JSON object"),
        (b"x" * 5000, "bad request: a line longer than 4096 bytes"),
    ],
)
def test_a_bad_request_gets_one_line(history: Path, line: bytes, why: str) -> None:
    handler = Recorder()
    with ControlServer(handler, history) as server:
        with socket.socket(socket.AF_UNIX) as raw:
            raw.settimeout(20.0)
            raw.connect(str(server.path))
            raw.sendall(line)
            with raw.makefile("rb") as answer:
                reply = json.loads(answer.readline())
        assert reply["ok"] is False and reply["message"].startswith(why)
        assert send_request(ControlRequest("status"), history).ok
    assert handler.requests == [ControlRequest("status")]


# -- helpers for the tray and console handlers ---------------------------------------------------


def test_relay_waits_for_the_owning_thread(history: Path) -> None:
    """The handler posts into the controller's queue; the controller thread answers."""
    inbox: queue.Queue[object] = queue.Queue()

    def controller() -> None:
        while (item := inbox.get()) is not None:
            assert isinstance(item, PendingControl)
            item.answer(ControlReply(True, f"{item.request.command.value} on the controller"))

    owner = threading.Thread(target=controller)
    owner.start()
    try:
        with ControlServer(relay(inbox.put), history):
            assert send_request(ControlRequest("resume"), history) == ControlReply(
                True, "resume on the controller"
            )
    finally:
        inbox.put(None)
        owner.join(timeout=10)


def test_relay_gives_up_when_no_one_answers() -> None:
    reply = relay(lambda _item: None, timeout=0.05)(ControlRequest("status"))
    assert reply == ControlReply(False, "the monitor did not answer within 0.05 s")


# -- real processes ------------------------------------------------------------------------------


def _entry() -> str:
    """``posture_watch.cli`` once it has the control commands, else this module's own main."""
    from posture_watch.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    return "posture_watch.cli" if "pause" in sub.choices else "posture_watch.commands.control_cli"


@pytest.fixture(scope="module")
def entry() -> str:
    return _entry()


def run_cli(entry: str, history: Path, *argv: str, **kw: object) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *kw.pop("flags", ()), "-m", entry, *argv, "--history", str(history)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )


@pytest.mark.slow  # real processes
def test_end_to_end_through_real_processes(history: Path, entry: str) -> None:
    """A stand-in monitor process; ``posture-watch pause 30m`` etc. as real processes."""
    with standin(history) as monitor:
        assert monitor.stdout is not None
        assert monitor.stdout.readline() == f"ready {control_socket_path(history)}\n"
        paused = run_cli(entry, history, "pause", "30m")
        assert (paused.returncode, paused.stderr) == (0, "")
        end = datetime.fromtimestamp(WALL + 1800)
        assert paused.stdout == f"paused for 30 min (until {end:%H:%M})\n"
        assert json.loads(monitor.stdout.readline()) == {"command": "pause", "seconds": 1800}
        stretch = run_cli(entry, history, "stretch")
        assert stretch.returncode == 1
        assert stretch.stderr == f"posture-watch: {STRETCH_NEEDS_TRAY.message}\n"
        assert json.loads(monitor.stdout.readline()) == {"command": "stretch"}
        status = run_cli(entry, history, "status", "--json")
        assert status.returncode == 0
        assert json.loads(status.stdout)["data"] == {"state": "upright"}
        assert json.loads(monitor.stdout.readline()) == {"command": "status"}
        quit_ = run_cli(entry, history, "quit")
        assert (quit_.returncode, quit_.stdout) == (0, "stopping\n")
        assert monitor.wait(timeout=30) == 0
    assert not control_socket_path(history).exists()  # removed on close
    after = run_cli(entry, history, "status")
    assert (after.returncode, after.stdout, after.stderr) == (3, "", NOT_RUNNING + "\n")


@pytest.mark.slow  # real processes
def test_killed_monitor_then_a_new_one(history: Path, entry: str) -> None:
    """``kill -9`` leaves the socket file: nothing runs (exit 3), and the next monitor
    takes the name over."""
    with standin(history) as first:
        assert first.stdout is not None and first.stdout.readline().startswith("ready ")
    assert control_socket_path(history).exists()
    dead = run_cli(entry, history, "resume")
    assert (dead.returncode, dead.stderr) == (3, NOT_RUNNING + "\n")
    with standin(history) as second:
        assert second.stdout is not None and second.stdout.readline().startswith("ready ")
        resumed = run_cli(entry, history, "resume")
        assert (resumed.returncode, resumed.stdout) == (0, "resumed\n")


@contextlib.contextmanager
def standin(history: Path) -> Iterator[subprocess.Popen[str]]:
    """The stand-in monitor as a process; killed (SIGKILL) at the end if still running."""
    with subprocess.Popen(
        [sys.executable, "-m", "tests.harness.control_standin", str(history)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    ) as process:
        try:
            yield process
        finally:
            process.kill()


@pytest.mark.slow  # real processes
def test_the_commands_load_no_numpy_opencv_or_mediapipe(history: Path, entry: str) -> None:
    """They run from keyboard shortcuts: ``-X importtime`` lists every module loaded."""
    result = run_cli(entry, history, "status", flags=("-X", "importtime"))
    assert result.returncode == 3
    lines = result.stderr.splitlines()
    assert lines[-1] == NOT_RUNNING
    loaded = {line.rsplit("|", 1)[-1].strip() for line in lines if line.startswith("import time:")}
    assert "posture_watch.monitor.control_client" in loaded
    assert "posture_watch.monitor.control_server" not in loaded  # no server threads either
    heavy = {m for m in loaded if m.split(".")[0] in ("numpy", "cv2", "mediapipe", "matplotlib")}
    assert heavy == set()
    assert "posture_watch.history" not in loaded
