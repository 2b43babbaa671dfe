"""The process is provably offline: internet sockets are refused by the kernel.

A seccomp filter cannot be lifted, so every test that installs one does it in a child
Python process, never in pytest's own. The end-to-end tests run the real console script
under ``strace -f`` on real sample pictures and read every ``socket``/``connect`` call
of the process and its threads: no internet socket may be created, and the refused
attempts (MediaPipe's start-up probe and its telemetry thread) are counted.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from posture_watch.desktop.open_file import open_in_default_app
from posture_watch.offline import ALLOW_ENV, cli_owns_process, enforce_offline_in_cli
from tests.harness.fixtures import private_user_folders

REPO = Path(__file__).resolve().parents[1]
CONSOLE_SCRIPT = Path(sys.executable).parent / "posture-watch"
CHILD_TIMEOUT = 60
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="seccomp is Linux")

__all__ = ["private_user_folders"]  # a fixture


def run_child(code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh Python (the filter then dies with it)."""
    environ = {k: v for k, v in os.environ.items() if k != ALLOW_ENV}
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        env=environ,
        cwd=REPO,
    )


PROBE = """
    import ctypes, json, platform, socket, subprocess, sys, threading
    from posture_watch.offline import enforce_offline

    def attempt(family, kind=socket.SOCK_STREAM):
        try:
            socket.socket(family, kind).close()
            return "ok"
        except OSError as exc:
            return f"errno {exc.errno}"

    go, early = threading.Event(), {}
    def started_before():  # a thread that exists before the filter goes in
        go.wait()
        early["inet"] = attempt(socket.AF_INET, socket.SOCK_DGRAM)
    thread = threading.Thread(target=started_before)
    thread.start()
    result = {"installed": enforce_offline(), "again": enforce_offline()}
    go.set()
    thread.join()
    result["thread"] = early["inet"]
    result["inet"] = attempt(socket.AF_INET)
    result["inet6"] = attempt(socket.AF_INET6)
    result["udp"] = attempt(socket.AF_INET, socket.SOCK_DGRAM)
    result["unix"] = attempt(socket.AF_UNIX)
    a, b = socket.socketpair()
    a.sendall(b"x")
    result["socketpair"] = b.recv(1).decode()
    child = subprocess.run(
        [sys.executable, "-c",
         "import socket\\ntry:\\n socket.socket(); print('ok')\\n"
         "except OSError as e:\\n print('errno', e.errno)"],
        capture_output=True, text=True,
    )
    result["child"] = child.stdout.strip()
    status = open("/proc/self/status").read()
    result["filters"] = int(status.split("Seccomp_filters:")[1].split()[0])
    if platform.machine() == "x86_64":  # the same calls through the x32 numbering
        libc = ctypes.CDLL(None, use_errno=True)
        results = []
        for family in (socket.AF_INET, socket.AF_UNIX):
            ctypes.set_errno(0)
            libc.syscall(0x40000000 | 41, family, socket.SOCK_STREAM, 0)
            results.append(ctypes.get_errno())
        result["x32"] = results
    print(json.dumps(result))
"""


@linux_only
def test_filter_refuses_internet_sockets_in_all_threads_and_children() -> None:
    done = run_child(PROBE)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["installed"] is True and result["again"] is True
    assert result["filters"] == 1  # a second call adds nothing
    eacces = "errno 13"
    assert result["inet"] == eacces
    assert result["inet6"] == eacces
    assert result["udp"] == eacces
    assert result["thread"] == eacces  # TSYNC: a thread started before the filter
    assert result["child"] == "errno 13"  # inherited by a child process
    assert result["unix"] == "ok" and result["socketpair"] == "x"
    if "x32" in result:  # every x32 call is refused, as by a kernel without x32
        assert result["x32"] == [38, 38]  # ENOSYS
    assert done.stderr == ""  # no warning when the filter goes in


@linux_only
def test_allow_network_leaves_sockets_alone() -> None:
    done = run_child(PROBE, env={ALLOW_ENV: "1"})
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["installed"] is False
    assert result["filters"] == 0
    assert result["inet"] == result["inet6"] == result["thread"] == "ok"
    assert result["child"] == "ok"


@linux_only
def test_a_kernel_that_refuses_the_filter_is_one_warning_line() -> None:
    """A container that blocks seccomp(): one line on stderr, and the program goes on."""
    done = run_child(
        """
        import errno, socket
        from posture_watch import offline
        # first, our own filter that answers ENOSYS to seccomp(), as an old kernel would
        nr = offline.ARCHES[offline.machine()].seccomp_nr
        offline._install([
            (offline.BPF_LD_W_ABS, 0, 0, 0),
            (offline.BPF_JEQ_K, 0, 1, nr),
            (offline.BPF_RET_K, 0, 0, offline.SECCOMP_RET_ERRNO | errno.ENOSYS),
            (offline.BPF_RET_K, 0, 0, offline.SECCOMP_RET_ALLOW),
        ], nr)
        print(offline.enforce_offline(), offline.is_enforced())
        socket.socket().close()
        print("carried on")
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["False False", "carried on"]
    lines = done.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("posture-watch: warning: cannot block internet sockets (")
    assert "Function not implemented" in lines[0]


def test_in_process_commands_leave_the_host_network_alone() -> None:
    """pytest runs commands through cli.main(argv): the filter must not land in pytest."""
    assert not cli_owns_process()
    assert enforce_offline_in_cli() is False
    if Path("/proc/self/status").exists():
        status = Path("/proc/self/status").read_text()
        assert "Seccomp_filters:\t0" in status or "Seccomp_filters" not in status


# --- the launcher: desktop apps start without the filter ------------------------------

STANDIN_OPENER = """#!{python}
import os, socket, sys
try:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.connect(("127.0.0.1", int(os.environ["STANDIN_PORT"])))
    sock.close()
    result = "connected"
except OSError as exc:
    result = f"errno {{exc.errno}}"
with open(os.environ["STANDIN_OUT"], "a") as out:
    out.write(f"{{result}} {{sys.argv[1]}}\\n")
"""

LAUNCH = """
    import json, os, time
    from pathlib import Path
    from posture_watch import launcher
    from posture_watch.desktop.open_file import open_in_default_app
    from posture_watch.offline import enforce_offline

    out = Path(os.environ["STANDIN_OUT"])
    def opened(n):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            lines = out.read_text().splitlines() if out.exists() else []
            if len(lines) >= n:
                return lines[n - 1]
            time.sleep(0.05)
        return "opener never ran"

    report = Path(os.environ["REPORT"])
    result = {"installed": enforce_offline(launcher=True)}
    result["launcher_pid"] = launcher.current_launcher().pid
    open_in_default_app(report)
    result["through_launcher"] = opened(1)
    for bad in (report.with_name("missing.html"), Path("relative.html")):
        try:
            open_in_default_app(bad)
            result[bad.name] = "opened"
        except OSError as exc:
            result[bad.name] = type(exc).__name__
    launcher.stop_launcher()
    open_in_default_app(report)  # no launcher now: started directly, with the filter
    result["direct"] = opened(2)
    print(json.dumps(result))
"""


@pytest.fixture
def standin_opener(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A stand-in ``xdg-open`` that connects to a local listener and notes whether it could."""
    import socket

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    opener = bin_dir / "xdg-open"
    opener.write_text(STANDIN_OPENER.format(python=sys.executable))
    opener.chmod(0o755)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    report = tmp_path / "report.html"
    report.write_text("<p>today</p>")
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "STANDIN_OUT": str(tmp_path / "opened.txt"),
        "STANDIN_PORT": str(listener.getsockname()[1]),
        "REPORT": str(report),
    }
    yield report, env
    listener.close()


@linux_only
def test_files_open_in_unfiltered_apps_through_the_launcher(standin_opener) -> None:
    report, env = standin_opener
    done = run_child(LAUNCH, env=env)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["installed"] is True
    assert result["through_launcher"] == f"connected {report}"
    assert result["missing.html"] == "OSError"  # only existing files, by absolute path
    assert result["relative.html"] == "OSError"
    # without the launcher the opener inherits the filter: what the launcher is for
    assert result["direct"] == f"errno 13 {report}"
    assert not _alive(result["launcher_pid"])  # stop_launcher ended it
    assert done.stderr == ""


@linux_only
def test_the_launcher_reports_a_missing_opener_and_ends_with_its_parent(tmp_path) -> None:
    report = tmp_path / "report.html"
    report.write_text("<p>today</p>")
    empty = tmp_path / "empty"
    empty.mkdir()
    code = f"""
        import os, sys
        from pathlib import Path
        from posture_watch import launcher
        from posture_watch.desktop.open_file import open_in_default_app
        from posture_watch.offline import enforce_offline
        enforce_offline(launcher=True)
        try:
            open_in_default_app(Path({str(report)!r}))
        except FileNotFoundError as exc:
            print("missing", exc.filename, flush=True)
        print(launcher.current_launcher().pid, flush=True)
        os.kill(os.getpid(), 9)  # the parent dies without closing anything
    """
    done = run_child(code, env={"PATH": str(empty)})
    lines = done.stdout.splitlines()
    assert lines[0] == "missing xdg-open"
    launcher_pid = int(lines[1])
    _wait_gone(launcher_pid)


@linux_only
def test_a_stopped_launcher_is_an_error_not_a_filtered_start(standin_opener) -> None:
    """If the launcher dies, opening fails (the tray then says where the file is) rather
    than starting the app with the filter."""
    _, env = standin_opener
    code = """
        import os, signal
        from pathlib import Path
        from posture_watch import launcher
        from posture_watch.desktop.open_file import open_in_default_app
        from posture_watch.offline import enforce_offline
        enforce_offline(launcher=True)
        running = launcher.current_launcher()
        os.kill(running.pid, signal.SIGKILL)
        os.waitpid(running.pid, 0)
        try:
            open_in_default_app(Path(os.environ["REPORT"]))
            print("opened")
        except launcher.LauncherStopped as exc:
            print("stopped:", exc)
    """
    done = run_child(code, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("stopped: the desktop launcher has stopped")
    assert not Path(env["STANDIN_OUT"]).exists()  # no opener ran at all


def test_direct_open_still_names_a_missing_opener(tmp_path, monkeypatch) -> None:
    """No launcher in this process: the opener is started directly, as before."""
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(FileNotFoundError) as caught:
        open_in_default_app(tmp_path / "report.html")
    assert caught.value.filename == "xdg-open"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def _wait_gone(pid: int, timeout: float = 10.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while _alive(pid):
        assert time.monotonic() < deadline, f"launcher {pid} outlived its parent"
        time.sleep(0.05)


# --- end to end: the real commands under strace ---------------------------------------

SYSCALL = re.compile(r"^(?P<pid>\d+)\s+(?P<call>socket|connect)\((?P<args>.*)\)\s+=\s+(?P<ret>.*)$")


@dataclass
class SocketLog:
    """The socket() and connect() calls of a traced process tree."""

    opened: list[str] = field(default_factory=list)  # internet sockets created
    refused: list[str] = field(default_factory=list)  # internet sockets refused (EACCES)
    connects: list[str] = field(default_factory=list)  # connect() to an internet address
    others: list[str] = field(default_factory=list)  # sockets of other families created
    others_refused: int = 0  # netlink, vsock, ... refused (EACCES)
    unix: int = 0

    @classmethod
    def parse(cls, text: str) -> SocketLog:
        log = cls()
        pending: dict[str, str] = {}
        for raw in text.splitlines():
            line = raw.strip()
            head = line.split(None, 1)[0] if line else ""
            if line.endswith("<unfinished ...>"):
                pending[head] = line[: -len("<unfinished ...>")].rstrip()
                continue
            resumed = re.match(r"^(\d+)\s+<\.\.\. \w+ resumed>(.*)$", line)
            if resumed:
                line = pending.pop(resumed.group(1), "") + resumed.group(2)
            match = SYSCALL.match(line)
            if not match:
                continue
            args, ret = match["args"], match["ret"]
            internet = "AF_INET" in args  # AF_INET and AF_INET6
            if match["call"] == "socket":
                if "AF_UNIX" in args:
                    log.unix += 1
                elif not internet:
                    if ret.startswith("-1"):
                        log.others_refused += 1
                    else:
                        log.others.append(line)
                elif ret.startswith("-1"):
                    assert "EACCES" in ret, line  # refused by the filter, nothing else
                    log.refused.append(line)
                else:
                    log.opened.append(line)
            elif "sa_family=AF_INET" in args:
                log.connects.append(line)
        return log


def strace_command(
    tmp_path: Path, *argv: str | Path, extra_env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess, SocketLog]:
    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("strace is not installed")
    if not CONSOLE_SCRIPT.exists():
        pytest.skip(f"console script not installed at {CONSOLE_SCRIPT}")
    trace = tmp_path / "strace.txt"
    env = {k: v for k, v in os.environ.items() if k != ALLOW_ENV}
    env |= {
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "no_proxy": "*",  # model pull: never route the local server through a proxy
        "NO_PROXY": "*",
    } | (extra_env or {})
    done = subprocess.run(
        [strace, "-f", "-qq", "-e", "trace=socket,connect", "-o", str(trace),
         str(CONSOLE_SCRIPT), *map(str, argv)],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        cwd=tmp_path,
    )  # fmt: skip
    if done.returncode != 0 and "PTRACE" in done.stderr:
        pytest.skip(f"strace cannot trace here: {done.stderr.strip()}")
    return done, SocketLog.parse(trace.read_text())


def assert_offline(name: str, done: subprocess.CompletedProcess, log: SocketLog) -> None:
    assert done.returncode == 0, done.stderr
    assert log.opened == [], f"{name} opened internet sockets"
    assert log.connects == [], f"{name} connected to an internet address"
    assert log.others == [], f"{name} opened sockets that are neither internet nor Unix"
    # MediaPipe's start-up probe and telemetry thread try, and are refused: if this count
    # drops to 0 after a MediaPipe update, the uploader is gone (or the model never loaded)
    assert log.refused, f"{name}: no refused attempt, so the model never loaded?"
    print(
        f"{name}: {len(log.refused)} internet and {log.others_refused} other socket(s) "
        f"refused, {log.unix} unix socket(s)"
    )


@pytest.fixture(scope="module")
def pictures(shared_samples: Path, tmp_path_factory) -> Path:
    """Four upright pictures of one person, as a short replayable folder."""
    folder = tmp_path_factory.mktemp("pictures")
    session = shared_samples / "slouchingornot" / "images"
    upright = sorted(session.glob("low-isSlouching__high-notSlouching/notSlouching/*.jpg"))
    if len(upright) < 4:
        pytest.skip("not enough sample pictures")
    for i, picture in enumerate(upright[:4]):
        shutil.copy(picture, folder / f"{i:02d}.jpg")
    return folder


@linux_only
def test_analyze_opens_no_internet_socket(tmp_path, pictures) -> None:
    done, log = strace_command(tmp_path, "analyze", pictures / "00.jpg", "--format", "jsonl")
    assert_offline("analyze", done, log)
    assert json.loads(done.stdout.splitlines()[0])["person"] is True  # the model worked


@linux_only
def test_calibrate_opens_no_internet_socket(tmp_path, pictures) -> None:
    out = tmp_path / "profile.json"
    done, log = strace_command(tmp_path, "calibrate", "--source", pictures, "--out", out)
    assert_offline("calibrate", done, log)
    assert json.loads(out.read_text())


@linux_only
def test_record_opens_no_internet_socket(tmp_path, pictures) -> None:
    out = tmp_path / "session.jsonl"
    done, log = strace_command(tmp_path, "record", pictures, "-o", out)
    assert_offline("record", done, log)
    assert len(out.read_text().splitlines()) >= 4


@linux_only
def test_monitor_opens_no_internet_socket(tmp_path, pictures) -> None:
    done, log = strace_command(
        tmp_path, "monitor", "--no-tray", "--source", pictures, "--uncalibrated",
        "--history", tmp_path / "history.sqlite3", "--speed", "20", "--seconds", "4",
    )  # fmt: skip
    assert_offline("monitor", done, log)


@linux_only
def test_the_tray_opens_no_internet_socket(tmp_path, pictures, private_user_folders) -> None:
    """The tray on a real X desktop (Xvfb, trayer, dunst) under strace: its icon, its
    notifications, its D-Bus watchers and its launcher, and still no internet socket."""
    from tests.harness.xsession import XSession

    missing = XSession.missing_tools()
    if missing:
        pytest.skip(f"no X desktop here: {', '.join(missing)}")
    run = tmp_path / "run"
    run.mkdir(mode=0o700)
    with XSession() as desktop:
        shown = {
            k: v for k, v in desktop.env.items() if k in ("DISPLAY", "DBUS_SESSION_BUS_ADDRESS")
        }
        done, log = strace_command(
            tmp_path, "tray", "--source", pictures, "--uncalibrated",
            "--history", tmp_path / "history.sqlite3", "--speed", "20", "--seconds", "5",
            extra_env=shown | {"XDG_RUNTIME_DIR": str(run)},
        )  # fmt: skip
    assert_offline("tray", done, log)
    assert "with a tray icon" in done.stdout
    assert log.unix >= 3  # X11, the session bus and the control socket at least


@linux_only
def test_model_pull_still_reaches_the_network(tmp_path) -> None:
    """``model pull`` is the one command that may use the network: it stays unfiltered."""
    import hashlib
    import threading
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    served = tmp_path / "served"
    served.mkdir()
    payload = os.urandom(4096)
    (served / "pose.task").write_bytes(payload)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(served)))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/pose.task"
        sha = hashlib.sha256(payload).hexdigest()
        done, log = strace_command(tmp_path, "model", "pull", "full", "--url", url, "--sha256", sha)
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 0, done.stderr
    assert log.refused == []
    assert log.opened, "model pull opened no internet socket"
    assert any("127.0.0.1" in line for line in log.connects), log.connects
    pulled = list((tmp_path / "data").rglob("*.task"))
    assert [p.read_bytes() for p in pulled] == [payload]
