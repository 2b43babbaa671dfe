"""Who else has the camera open: real child processes holding a stand-in node open.

There is no webcam here, so an ordinary file (or FIFO) in ``tmp_path`` stands in for
``/dev/video0``; ``other_users`` matches it by inode exactly as it matches a real node by
device number. As root, a real character node made with ``mknod`` checks the device-number
path, and ``setpriv`` starts a holder as another user.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from posture_watch.sources.camera_users import (
    CameraUser,
    OpenWatch,
    device_for_index,
    other_users,
)
from tests.harness.nobody import AS_NOBODY


@contextmanager
def holder(node: Path, *, prefix: list[str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """A real ``sleep`` process with ``node`` open (as its stdin) until the block ends."""
    fd = os.open(node, os.O_RDWR if node.is_fifo() else os.O_RDONLY)
    try:
        child = subprocess.Popen([*(prefix or []), "sleep", "60"], stdin=fd)
    finally:
        os.close(fd)  # the child has its own copy; ours must not count
    try:
        yield child
    finally:
        child.kill()
        child.wait(timeout=10)


def wait_until_exec(child: subprocess.Popen[bytes], name: str = "sleep") -> None:
    """Until ``child`` runs ``name`` (after a wrapper such as setpriv exec'd it)."""
    deadline = time.monotonic() + 10
    while Path(f"/proc/{child.pid}/comm").read_text().strip() != name:
        assert time.monotonic() < deadline, f"child {child.pid} never became {name}"
        time.sleep(0.01)


@pytest.fixture
def node(tmp_path: Path) -> Path:
    """The stand-in for ``/dev/video0``: a regular file nobody has open yet."""
    path = tmp_path / "video0"
    path.write_bytes(b"")
    return path


def test_a_child_holding_the_node_is_found_and_gone_after_it_exits(node: Path) -> None:
    with holder(node) as child:
        users = other_users(node)
        assert users == [CameraUser(child.pid, "sleep")]
        assert str(users[0]) == f"sleep (pid {child.pid})"
    assert other_users(node) == []


def test_several_holders_in_pid_order_and_a_fifo_works_too(tmp_path: Path) -> None:
    fifo = tmp_path / "video1"
    os.mkfifo(fifo)
    with holder(fifo) as first, holder(fifo) as second:
        assert other_users(fifo) == sorted(
            [CameraUser(first.pid, "sleep"), CameraUser(second.pid, "sleep")],
            key=lambda u: u.pid,
        )


def test_our_own_process_and_threads_are_not_listed(node: Path) -> None:
    with open(node, "rb"), holder(node) as child:
        assert other_users(node) == [CameraUser(child.pid, "sleep")]
        # seen from the child's side, we are the other user
        ours = other_users(node, own_pid=child.pid)
        assert [u.pid for u in ours] == [os.getpid()]
        assert ours[0].name == Path(f"/proc/{os.getpid()}/comm").read_text().strip()
        # a thread id of ours means all of us (asked while the thread is alive)
        seen: list[tuple[int, list[CameraUser]]] = []

        def scan() -> None:
            tid = threading.get_native_id()
            seen.append((tid, other_users(node, own_pid=tid)))

        thread = threading.Thread(target=scan)
        thread.start()
        thread.join()
        assert seen[0][0] != os.getpid()
        assert seen[0][1] == [CameraUser(child.pid, "sleep")]


def test_a_node_only_we_have_open_has_no_other_users(node: Path) -> None:
    with open(node, "rb"):
        assert other_users(node) == []


def test_a_different_file_of_the_same_name_is_not_matched(tmp_path: Path) -> None:
    held, other = tmp_path / "a" / "video0", tmp_path / "b" / "video0"
    for path in (held, other):
        path.parent.mkdir()
        path.write_bytes(b"")
    with holder(held) as child:
        assert other_users(other) == []
        assert [u.pid for u in other_users(held)] == [child.pid]
        # replaced under the same name: the child holds the old file, not this one
        held.unlink()
        held.write_bytes(b"")
        assert other_users(held) == []


def test_a_missing_device_has_no_users(tmp_path: Path) -> None:
    assert other_users(tmp_path / "video9") == []


def test_a_process_of_another_user_is_not_listed(node: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("starting a process as another user needs root")
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is not installed")
    with holder(node, prefix=AS_NOBODY) as stranger, holder(node) as ours:
        wait_until_exec(stranger)
        assert os.stat(f"/proc/{stranger.pid}").st_uid != 0  # really someone else now
        assert os.path.samefile(f"/proc/{stranger.pid}/fd/0", node)  # and holds the node
        assert other_users(node) == [CameraUser(ours.pid, "sleep")]


def test_a_real_character_node_is_matched_by_device_number(tmp_path: Path) -> None:
    """``/dev/full`` (1:7) under another name, as a Flatpak'd call sees /dev/video0."""
    if os.geteuid() != 0:
        pytest.skip("mknod of a character device needs root")
    full = os.stat("/dev/full")
    alias = tmp_path / "video0"
    try:
        os.mknod(alias, 0o600 | stat.S_IFCHR, full.st_rdev)
    except PermissionError:
        pytest.skip("this container does not allow mknod")
    zero = tmp_path / "video1"
    os.mknod(zero, 0o600 | stat.S_IFCHR, os.stat("/dev/zero").st_rdev)
    with holder(alias) as child:
        assert CameraUser(child.pid, "sleep") in other_users(Path("/dev/full"))
        assert CameraUser(child.pid, "sleep") in other_users(alias)
        assert CameraUser(child.pid, "sleep") not in other_users(zero)


# --- a made-up /proc: the entries a real one only shows in races -----------------------


def fake_pid(proc: Path, pid: int, *, comm: str | None, cmdline: bytes | None = b"") -> Path:
    """``/proc/PID`` with an empty ``fd`` folder; None leaves the file out (exited)."""
    entry = proc / str(pid)
    (entry / "fd").mkdir(parents=True)
    if comm is not None:
        (entry / "comm").write_text(comm + "\n")
    if cmdline is not None:
        (entry / "cmdline").write_bytes(cmdline)
    return entry


def test_names_and_unreadable_entries_in_a_made_up_proc(tmp_path: Path, node: Path) -> None:
    proc = tmp_path / "proc"
    os.symlink(node, fake_pid(proc, 4242, comm="zoom") / "fd" / "7")
    launcher = b"/opt/zoom/ZoomLauncher\0--url\0x\0"
    os.symlink(node, fake_pid(proc, 4300, comm=None, cmdline=launcher) / "fd" / "3")
    os.symlink(tmp_path / "gone", fake_pid(proc, 50, comm="exited") / "fd" / "1")  # dangling
    os.symlink(
        node, fake_pid(proc, 51, comm=None, cmdline=None) / "fd" / "0"
    )  # exited: no name left
    (fake_pid(proc, 52, comm="nofd") / "fd").rmdir()
    (proc / "53").write_text("not a folder")
    os.symlink("4242", proc / "self")
    (proc / "sys").mkdir()
    assert other_users(node, proc=proc, own_pid=1) == [
        CameraUser(4242, "zoom"),
        CameraUser(4300, "ZoomLauncher"),
    ]
    assert str(CameraUser(4242, "zoom")) == "zoom (pid 4242)"
    assert [u.pid for u in other_users(node, proc=proc, own_pid=4242)] == [4300]
    assert other_users(node, proc=tmp_path / "no-proc") == []


def test_an_entry_owned_by_another_user_is_skipped_in_a_made_up_proc(
    tmp_path: Path, node: Path
) -> None:
    if os.geteuid() != 0:
        pytest.skip("chown to another user needs root")
    proc = tmp_path / "proc"
    os.symlink(node, fake_pid(proc, 4242, comm="zoom") / "fd" / "7")
    os.symlink(node, fake_pid(proc, 4243, comm="theirs") / "fd" / "7")
    os.chown(proc / "4243", 65534, 65534)
    fake_pid(proc, 1, comm="us")  # own_pid: its owner (root) is the user who counts
    assert other_users(node, proc=proc, own_pid=1) == [CameraUser(4242, "zoom")]


def test_a_whole_real_scan_never_raises() -> None:
    """Every process here, with whatever fds they have; the result may be anything."""
    users = other_users(Path(sys.executable))
    assert all(isinstance(u, CameraUser) and u.pid != os.getpid() for u in users)


def test_device_for_index() -> None:
    assert device_for_index(0) == Path("/dev/video0")
    assert device_for_index(12) == Path("/dev/video12")
    with pytest.raises(ValueError, match="0 or more"):
        device_for_index(-1)


# --- OpenWatch: inotify says when a scan is worth it --------------------------------------


def test_open_watch_reports_a_holder_opening_and_closing_the_node(node: Path) -> None:
    watch = OpenWatch.start(node)
    assert watch is not None, "inotify should be available on Linux"
    with watch:
        assert watch.changed() is False  # nothing happened yet
        with holder(node) as child:
            assert watch.changed() is True  # opened: time to scan
            assert other_users(node) == [CameraUser(child.pid, "sleep")]
            assert watch.changed() is False  # said once; the scan itself opens nothing
        assert watch.changed() is True  # the holder exited: its close is an event too
        assert watch.changed() is False
        node.unlink()
        assert watch.changed() is True  # unplugged
    assert watch.changed() is True  # closed: always worth a scan
    with pytest.raises(ValueError, match="closed"):
        watch.fileno()
    watch.close()


def test_open_watch_on_a_real_character_node() -> None:
    watch = OpenWatch.start(Path("/dev/full"))
    assert watch is not None
    with watch:
        assert not watch.changed()
        with open("/dev/full", "rb"):
            pass
        assert watch.changed()


def test_open_watch_on_a_missing_node_is_none(tmp_path: Path) -> None:
    assert OpenWatch.start(tmp_path / "video9") is None
