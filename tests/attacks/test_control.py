"""Attacks on the control socket (issue 18, found item 9): slow clients, deep nesting,
absurd pause lengths, and a planted folder in /tmp when ``$XDG_RUNTIME_DIR`` is unset.

A real :class:`ControlServer` in this process, real Unix sockets, real clients on threads;
the pure checks (pause lengths, nesting) also run without a socket.
"""

from __future__ import annotations

import json
import math
import os
import socket
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from posture_watch.core.control_protocol import (
    ControlReply,
    ControlRequest,
    ProtocolError,
    nesting_depth,
    parse_request,
)
from posture_watch.monitor.control import (
    MAX_CLIENTS,
    ControlServer,
    control_socket_path,
    send_request,
)
from posture_watch.monitor.private_folder import runtime_dir


def answer_status(request: ControlRequest) -> ControlReply:
    return ControlReply(True, f"did {request.command.value}")


@pytest.fixture
def history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    monkeypatch.setenv("POSTURE_WATCH_HOME", str(tmp_path / "home"))
    return tmp_path / "history.sqlite3"


def connect(server: ControlServer) -> socket.socket:
    """A raw client, connected through the open folder (the path may be over 108 bytes)."""
    folder = os.open(server.path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        sock = socket.socket(socket.AF_UNIX)
        sock.connect(f"/proc/self/fd/{folder}/{server.path.name}")
        return sock
    finally:
        os.close(folder)


def ask(server: ControlServer, line: bytes) -> dict[str, object]:
    with connect(server) as raw:
        raw.settimeout(10.0)
        raw.sendall(line)
        with raw.makefile("rb") as answer:
            reply: dict[str, object] = json.loads(answer.readline())
            return reply


# -- slow clients ---------------------------------------------------------------------------


@pytest.mark.slow
def test_sixteen_trickling_clients_do_not_make_status_busy(history: Path) -> None:
    stop = threading.Event()

    def trickle(sock: socket.socket) -> None:
        try:
            while not stop.wait(0.8):
                sock.send(b" ")
        except OSError:
            pass  # dropped by the server: what we want

    with ControlServer(answer_status, history) as server:
        slow: list[socket.socket] = []
        threads = []
        try:
            for _ in range(MAX_CLIENTS):
                sock = connect(server)
                slow.append(sock)
                sock.send(b"{")
                threads.append(threading.Thread(target=trickle, args=(sock,), daemon=True))
                threads[-1].start()
            for _ in range(3):
                reply = send_request(ControlRequest("status"), history)
                assert reply.ok, reply.message
                stop.wait(0.9)
        finally:
            stop.set()
            for sock in slow:
                sock.close()
            for thread in threads:
                thread.join(5.0)


@pytest.mark.slow
def test_a_trickling_client_is_dropped_at_the_request_deadline(history: Path) -> None:
    """One byte every 0.3 s never trips a per-receive timeout of 1 s; the deadline for the
    whole request does."""
    with ControlServer(answer_status, history, read_timeout=1.0) as server, connect(server) as sock:
        dropped = False
        for _ in range(20):  # 6 s at most
            try:
                sock.send(b" ")
                sock.settimeout(0.3)
                dropped = sock.recv(100) == b""
            except TimeoutError:
                continue
            except OSError:
                dropped = True
            if dropped:
                break
        assert dropped, "the server still reads a request after 6 s"


# -- nesting and bad requests ---------------------------------------------------------------


def test_four_thousand_nested_brackets_get_a_clear_refusal(history: Path) -> None:
    said: list[str] = []
    with ControlServer(answer_status, history, report=said.append) as server:
        for line in (b"[" * 4000 + b"\n", b"{" * 4000 + b"\n", b'{"a": ' * 500 + b"\n"):
            reply = ask(server, line)
            assert reply["ok"] is False
            assert "nested" in str(reply["message"]), reply
        assert send_request(ControlRequest("status"), history).ok
    assert not any("RecursionError" in line for line in said), said


def test_bad_requests_are_reported_once_a_minute_not_each(history: Path) -> None:
    said: list[str] = []
    with ControlServer(answer_status, history, report=said.append) as server:
        for _ in range(30):
            assert ask(server, b"[" * 4000 + b"\n")["ok"] is False
            assert ask(server, b"not json\n")["ok"] is False
    assert len(said) == 1, said
    assert said[0].startswith("refused a bad control request: ")


def test_nesting_is_counted_outside_strings_only() -> None:
    assert nesting_depth(b'{"command": "[[[[[[[[\\"{{{{{{{"}') == 1
    assert nesting_depth(b"[" * 4000) == 4000
    with pytest.raises(ProtocolError, match="nested 4000 deep"):
        parse_request(b"[" * 4000)


# -- durations ------------------------------------------------------------------------------


@pytest.mark.parametrize("seconds", [1e-300, 0.5, 0, -1, -1e-300, math.inf, math.nan, 86401.0])
def test_an_absurd_pause_is_refused(seconds: float) -> None:
    with pytest.raises(ProtocolError, match="pause"):
        ControlRequest("pause", seconds=seconds)


@pytest.mark.parametrize(
    "text", ["1e-300", "-5", "NaN", "Infinity", "-Infinity", "1e400", "86401", "0.001"]
)
def test_an_absurd_pause_is_refused_over_the_socket(history: Path, text: str) -> None:
    asked: list[ControlRequest] = []

    def handler(request: ControlRequest) -> ControlReply:
        asked.append(request)
        return ControlReply(True, "paused")

    with ControlServer(handler, history, report=lambda line: None) as server:
        line = b'{"command": "pause", "seconds": ' + text.encode() + b"}\n"
        reply = ask(server, line)
    assert reply["ok"] is False and str(reply["message"]).startswith("bad request: ")
    assert asked == []


# -- no $XDG_RUNTIME_DIR ----------------------------------------------------------------------


@pytest.fixture
def shared_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No ``$XDG_RUNTIME_DIR``; a sticky, world-writable temp folder like /tmp."""
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("POSTURE_WATCH_HOME", str(tmp_path / "home"))
    shared = tmp_path / "tmp"
    shared.mkdir()
    shared.chmod(0o1777)
    monkeypatch.setattr(tempfile, "tempdir", str(shared))
    yield shared


@pytest.mark.parametrize("plant", ["open folder", "symbolic link", "file"])
def test_a_planted_runtime_folder_in_tmp_changes_nothing(
    shared_tmp: Path, tmp_path: Path, plant: str
) -> None:
    planted = shared_tmp / f"runtime-{os.getuid()}"
    if plant == "open folder":
        planted.mkdir()
        planted.chmod(0o777)
    elif plant == "symbolic link":
        (tmp_path / "decoy").mkdir()
        planted.symlink_to(tmp_path / "decoy")
    else:
        planted.write_text("")
    history = tmp_path / "history.sqlite3"
    with ControlServer(answer_status, history):
        assert send_request(ControlRequest("status"), history).ok
    where = runtime_dir()
    assert shared_tmp not in where.parents and where != shared_tmp
    assert (tmp_path / "home") in where.parents
    assert oct(os.stat(where).st_mode & 0o777) == oct(0o700)
    assert control_socket_path(history).parent.parent == where
