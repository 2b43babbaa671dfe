"""Model files: verification of real files, and atomic pulls from a real local HTTP server."""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from posture_watch import model as model_module
from posture_watch import paths
from posture_watch.errors import ModelError
from posture_watch.model import (
    OWN_MODEL,
    VARIANTS,
    check_model,
    file_sha256,
    locate_model,
    pull_model,
    verify_model,
)
from posture_watch.model_cli import add_model_commands, run_model_command
from posture_watch.paths import BUNDLED_MODELS_DIR, user_models_dir

BUNDLED_LITE = BUNDLED_MODELS_DIR / "pose_landmarker_lite.task"
LITE = VARIANTS["lite"]
PAYLOAD = os.urandom(300_000)
PAYLOAD_SHA = hashlib.sha256(PAYLOAD).hexdigest()
TIMEOUT = 5.0  # seconds; every request in this file is bounded by it


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- a real HTTP server ----------------------------------------------------------------


@dataclass
class Served:
    """What the test server sends, and how many GET requests it received."""

    body: bytes = PAYLOAD
    status: int = 200
    truncate: bool = False  # send half the body, then close the connection
    content_length: bool = True
    hang: threading.Event | None = None  # wait on this instead of answering
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    served: Served


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        served = self.server.served
        with served.lock:
            served.requests += 1
        if served.hang is not None:
            served.hang.wait(TIMEOUT)
            return
        if served.status != 200:
            self.send_error(served.status)
            return
        self.send_response(200)
        if served.content_length:
            self.send_header("Content-Length", str(len(served.body)))
        self.end_headers()
        body = served.body[: len(served.body) // 2] if served.truncate else served.body
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep the test output quiet


@pytest.fixture
def serve(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Served], str]]:
    """Start servers on 127.0.0.1 (any free port); returns a URL; all shut down after."""
    monkeypatch.setenv("no_proxy", "*")  # never route the local server through a proxy
    monkeypatch.setenv("NO_PROXY", "*")
    started: list[tuple[_Server, threading.Thread]] = []

    def start(served: Served) -> str:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.served = served
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        started.append((server, thread))
        return f"http://127.0.0.1:{server.server_address[1]}/pose_landmarker_lite.task"

    yield start
    for server, thread in started:
        if server.served.hang is not None:
            server.served.hang.set()
        server.shutdown()
        server.server_close()
        thread.join(TIMEOUT)


def pull_payload(url: str, dest: Path, **kwargs: object) -> Path:
    """Pull ``lite`` from ``url`` into ``dest``, expecting :data:`PAYLOAD`."""
    options: dict = {"sha256": PAYLOAD_SHA, "size": len(PAYLOAD), "timeout": TIMEOUT}
    options.update(kwargs)
    return pull_model("lite", dest_dir=dest, url=url, **options)


@pytest.fixture
def user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the user's data folder at ``tmp_path``; returns the (absent) models folder."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    folder = user_models_dir()
    if not folder.is_relative_to(tmp_path):
        pytest.skip("platformdirs ignores XDG_DATA_HOME on this platform")
    return folder


# --- verify_model ------------------------------------------------------------------------


def test_pinned_urls_follow_the_official_pattern() -> None:
    assert list(VARIANTS) == ["lite", "full", "heavy"]
    for name, variant in VARIANTS.items():
        assert variant.url == (
            "https://storage.googleapis.com/mediapipe-models/pose_landmarker/"
            f"pose_landmarker_{name}/float16/1/pose_landmarker_{name}.task"
        )
        assert len(variant.sha256) == 64


def test_bundled_lite_copy_verifies() -> None:
    assert verify_model(BUNDLED_LITE, LITE) == BUNDLED_LITE
    assert verify_model(BUNDLED_LITE, None) == BUNDLED_LITE
    assert file_sha256(BUNDLED_LITE) == LITE.sha256


def test_truncated_copy_names_path_and_both_sizes(tmp_path: Path) -> None:
    copy = tmp_path / "pose_landmarker_lite.task"
    copy.write_bytes(BUNDLED_LITE.read_bytes()[:1000])
    with pytest.raises(ModelError) as caught:
        verify_model(copy, LITE)
    message = caught.value.one_line()
    assert str(copy) in message
    assert "5777746" in message and "1000" in message
    assert "posture-watch model pull lite" in message


def test_flipped_byte_copy_is_a_sha256_mismatch(tmp_path: Path) -> None:
    data = bytearray(BUNDLED_LITE.read_bytes())
    data[len(data) // 2] ^= 0xFF
    copy = tmp_path / "pose_landmarker_lite.task"
    copy.write_bytes(data)
    with pytest.raises(ModelError) as caught:
        verify_model(copy, LITE)
    message = caught.value.one_line()
    assert str(copy) in message
    assert "sha256 mismatch" in message
    assert "posture-watch model pull lite" in message


def test_missing_file_says_how_to_fix(tmp_path: Path) -> None:
    missing = tmp_path / "nope.task"
    with pytest.raises(ModelError) as caught:
        verify_model(missing, LITE)
    message = caught.value.one_line()
    assert str(missing) in message and "missing" in message
    assert "posture-watch model pull lite" in message
    assert f"use the copy that came with posture-watch: {BUNDLED_LITE}" in message


def lite_copy(folder: Path, name: str = "model.task", *, size: int | None = None) -> Path:
    """A copy of the shipped lite model in ``folder``: whole, or cut to ``size`` bytes."""
    data = BUNDLED_LITE.read_bytes()
    copy = folder / name
    copy.write_bytes(data if size is None else data[:size])
    return copy


def four_bytes_changed(folder: Path) -> Path:
    """The shipped lite model with 4 bytes changed: the pinned size, another sha256."""
    data = bytearray(BUNDLED_LITE.read_bytes())
    data[100_000:100_004] = bytes(b ^ 0x5A for b in data[100_000:100_004])
    copy = folder / "changed.task"
    copy.write_bytes(data)
    return copy


def test_a_truncated_file_chosen_by_the_user_is_refused(tmp_path: Path) -> None:
    copy = lite_copy(tmp_path, size=1000)
    with pytest.raises(ModelError) as caught:
        verify_model(copy, None)
    message = caught.value.one_line()
    assert message.startswith(f"{copy} is not the pinned lite model: it has 1000 bytes")
    assert "5777746" in message and "--allow-own-model" in message
    assert "model pull lite" in message


def test_a_same_size_copy_with_4_bytes_changed_is_refused(tmp_path: Path) -> None:
    copy = four_bytes_changed(tmp_path)
    assert copy.stat().st_size == LITE.size
    with pytest.raises(ModelError) as caught:
        verify_model(copy, None)
    message = caught.value.one_line()
    assert f"{copy} is not the pinned lite model" in message
    assert file_sha256(copy) in message and LITE.sha256 in message
    assert "--allow-own-model" in message


def test_an_explicit_copy_of_a_pinned_variant_is_accepted_as_that_variant(tmp_path: Path) -> None:
    copy = lite_copy(tmp_path)
    result = check_model(copy, None)
    assert result.variant == LITE and result.pinned and result.sha256 == LITE.sha256
    # --model-variant full with a lite file: the file is what it is, a pinned lite model
    assert locate_model("full", explicit=copy) == copy


def test_own_models_need_the_opt_in_and_are_announced(tmp_path: Path) -> None:
    custom = tmp_path / "custom.task"
    custom.write_bytes(b"not a pinned variant")
    with pytest.raises(ModelError, match="is not the pinned lite model"):
        verify_model(custom, None)
    warnings: list[str] = []
    assert verify_model(custom, None, allow_own=True, warn=warnings.append) == custom
    (line,) = warnings
    assert line.startswith(f"warning: {custom} is not a pinned pose model (size 20 bytes")
    assert hashlib.sha256(b"not a pinned variant").hexdigest() in line
    # a pinned file with the opt-in is still just a pinned file: no warning
    assert verify_model(BUNDLED_LITE, None, allow_own=True, warn=warnings.append) == BUNDLED_LITE
    assert len(warnings) == 1


def test_empty_or_missing_files_are_refused_even_with_the_opt_in(tmp_path: Path) -> None:
    empty = tmp_path / "empty.task"
    empty.touch()
    with pytest.raises(ModelError, match="empty"):
        verify_model(empty, None, allow_own=True)
    with pytest.raises(ModelError, match="missing"):
        verify_model(tmp_path / "absent.task", None, allow_own=True)


def test_the_opt_in_reaches_locate_model_as_the_own_variant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changed = four_bytes_changed(tmp_path)
    with pytest.raises(ModelError, match="not the pinned lite model"):
        locate_model("lite", explicit=changed)
    assert locate_model(OWN_MODEL, explicit=changed) == changed
    assert "is not a pinned pose model" in capsys.readouterr().err
    with pytest.raises(ModelError, match="--allow-own-model needs the model file"):
        locate_model(OWN_MODEL)


def test_hash_is_cached_until_the_file_changes(tmp_path: Path) -> None:
    path = tmp_path / "m.task"
    path.write_bytes(b"a" * 100)
    first = file_sha256(path)
    stamp = path.stat().st_mtime_ns
    # Same size, same mtime, same inode: the cached hash is used, so no rehash happens.
    path.write_bytes(b"b" * 100)
    os.utime(path, ns=(stamp, stamp))
    assert file_sha256(path) == first
    os.utime(path, ns=(stamp + 1_000_000_000, stamp + 1_000_000_000))
    assert file_sha256(path) == hashlib.sha256(b"b" * 100).hexdigest()


# --- locate_model ------------------------------------------------------------------------


def test_locate_falls_back_to_the_bundled_copy(user_dir: Path) -> None:
    assert locate_model("lite") == BUNDLED_LITE


def test_the_bundled_copy_lives_in_the_package_only() -> None:
    """The wheel carries the file because it sits inside the package; the repository's
    ``models/`` folder only explains it, so git never holds two copies that could drift."""
    assert BUNDLED_LITE.parent == paths.PACKAGE_DIR / "models"
    assert Path(model_module.__file__).resolve().parent == paths.PACKAGE_DIR
    repo_models = paths.PACKAGE_DIR.parent / "models"
    if repo_models.is_dir():  # a source checkout
        assert sorted(p.name for p in repo_models.iterdir()) == ["README.md"]


def test_locate_checks_size_and_hash_of_the_bundled_copy(
    user_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundled = tmp_path / "bundled"
    bundled.mkdir()
    monkeypatch.setattr(model_module, "BUNDLED_MODELS_DIR", bundled)
    (bundled / LITE.filename).write_bytes(BUNDLED_LITE.read_bytes()[:-1])
    with pytest.raises(ModelError, match="wrong size"):
        locate_model("lite")
    data = bytearray(BUNDLED_LITE.read_bytes())
    data[4096] ^= 0x01
    (bundled / LITE.filename).write_bytes(data)  # the right size now: only the hash tells
    with pytest.raises(ModelError, match="sha256 mismatch"):
        locate_model("lite")
    (bundled / LITE.filename).unlink()
    with pytest.raises(ModelError) as caught:
        locate_model("lite")
    message = caught.value.one_line()
    assert str(bundled / LITE.filename) in message and "reinstall" in message


def test_locate_prefers_the_user_copy(user_dir: Path) -> None:
    user_dir.mkdir(parents=True)
    shutil.copyfile(BUNDLED_LITE, user_dir / LITE.filename)
    assert locate_model() == user_dir / LITE.filename


def test_locate_reports_a_corrupt_user_copy(user_dir: Path) -> None:
    user_dir.mkdir(parents=True)
    (user_dir / LITE.filename).write_bytes(b"broken")
    with pytest.raises(ModelError, match="wrong size"):
        locate_model("lite")


def test_locate_explicit_path_wins(user_dir: Path, tmp_path: Path) -> None:
    custom = tmp_path / "mine.task"
    custom.write_bytes(b"custom model")
    assert locate_model("full", explicit=custom, allow_own=True) == custom
    with pytest.raises(ModelError, match="not the pinned full model"):
        locate_model("full", explicit=custom)


def test_locate_lists_where_it_looked(user_dir: Path) -> None:
    with pytest.raises(ModelError) as caught:
        locate_model("heavy")
    message = caught.value.one_line()
    assert str(user_dir / "pose_landmarker_heavy.task") in message
    assert str(BUNDLED_MODELS_DIR / "pose_landmarker_heavy.task") in message
    assert "posture-watch model pull heavy" in message


def test_unknown_variant_lists_choices() -> None:
    with pytest.raises(ModelError, match="lite, full, heavy"):
        locate_model("medium")
    with pytest.raises(ModelError, match="lite, full, heavy"):
        pull_model("medium", dest_dir=Path("unused"))


# --- pull_model --------------------------------------------------------------------------


def test_pull_writes_the_verified_file(serve: Callable[[Served], str], tmp_path: Path) -> None:
    served = Served()
    seen: list[tuple[int, int | None]] = []
    path = pull_payload(serve(served), tmp_path, progress=lambda n, total: seen.append((n, total)))
    assert path == tmp_path / "pose_landmarker_lite.task"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == PAYLOAD_SHA
    assert listing(tmp_path) == [path.name]
    assert served.requests == 1
    assert seen[-1] == (len(PAYLOAD), len(PAYLOAD))
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o644  # not the temp file's private 0o600


def test_pull_creates_the_destination_folder(
    serve: Callable[[Served], str], tmp_path: Path
) -> None:
    dest = tmp_path / "a" / "b"
    assert pull_payload(serve(Served()), dest).is_file()


def test_wrong_bytes_leave_nothing(serve: Callable[[Served], str], tmp_path: Path) -> None:
    url = serve(Served(body=os.urandom(len(PAYLOAD))))
    with pytest.raises(ModelError, match="sha256 mismatch"):
        pull_payload(url, tmp_path)
    assert listing(tmp_path) == []


def test_wrong_length_is_refused_before_download(
    serve: Callable[[Served], str], tmp_path: Path
) -> None:
    with pytest.raises(ModelError, match="announced 1000 bytes, expected 300000"):
        pull_payload(serve(Served(body=b"x" * 1000)), tmp_path)
    assert listing(tmp_path) == []


def test_new_url_alone_still_needs_the_pinned_file(
    serve: Callable[[Served], str], tmp_path: Path
) -> None:
    with pytest.raises(ModelError, match=f"expected {LITE.size}"):
        pull_model("lite", dest_dir=tmp_path, url=serve(Served()), timeout=TIMEOUT)
    assert listing(tmp_path) == []


def test_connection_closed_half_way_keeps_the_previous_file(
    serve: Callable[[Served], str], tmp_path: Path
) -> None:
    previous = tmp_path / "pose_landmarker_lite.task"
    previous.write_bytes(PAYLOAD)
    url = serve(Served(truncate=True))
    with pytest.raises(ModelError, match="connection closed after 150000 of 300000 bytes"):
        pull_payload(url, tmp_path, force=True)
    assert listing(tmp_path) == [previous.name]
    assert previous.read_bytes() == PAYLOAD


def test_connection_closed_half_way_leaves_nothing(
    serve: Callable[[Served], str], tmp_path: Path
) -> None:
    with pytest.raises(ModelError, match="connection closed"):
        pull_payload(serve(Served(truncate=True)), tmp_path)
    with pytest.raises(ModelError, match="received 150000 bytes, expected 300000"):
        pull_payload(serve(Served(truncate=True, content_length=False)), tmp_path)
    assert listing(tmp_path) == []


def test_ctrl_c_during_download_leaves_the_previous_file(
    serve: Callable[[Served], str], tmp_path: Path
) -> None:
    previous = tmp_path / "pose_landmarker_lite.task"
    previous.write_bytes(b"old")

    def interrupt(received: int, total: int | None) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        pull_payload(serve(Served()), tmp_path, progress=interrupt)
    assert listing(tmp_path) == [previous.name]
    assert previous.read_bytes() == b"old"


def test_present_good_file_makes_no_request(serve: Callable[[Served], str], tmp_path: Path) -> None:
    (tmp_path / "pose_landmarker_lite.task").write_bytes(PAYLOAD)
    served = Served()
    assert pull_payload(serve(served), tmp_path).read_bytes() == PAYLOAD
    assert served.requests == 0
    pull_payload(serve(served), tmp_path, force=True)
    assert served.requests == 1


def test_present_corrupt_file_is_replaced(serve: Callable[[Served], str], tmp_path: Path) -> None:
    (tmp_path / "pose_landmarker_lite.task").write_bytes(b"corrupt")
    served = Served()
    assert pull_payload(serve(served), tmp_path).read_bytes() == PAYLOAD
    assert served.requests == 1
    assert listing(tmp_path) == ["pose_landmarker_lite.task"]


def test_http_error_is_a_model_error(serve: Callable[[Served], str], tmp_path: Path) -> None:
    url = serve(Served(status=404))
    with pytest.raises(ModelError, match=f"could not download lite from {url}: HTTP 404"):
        pull_payload(url, tmp_path)
    assert listing(tmp_path) == []


def test_refused_connection_is_a_model_error(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ModelError, match="could not download lite from"):
        pull_payload(f"http://127.0.0.1:{port}/x.task", tmp_path)
    assert listing(tmp_path) == []


def test_silent_server_times_out(serve: Callable[[Served], str], tmp_path: Path) -> None:
    url = serve(Served(hang=threading.Event()))
    with pytest.raises(ModelError, match="timed out"):
        pull_payload(url, tmp_path, timeout=0.3)
    assert listing(tmp_path) == []


def test_bad_sha256_override_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="64 hex digits"):
        pull_model("lite", dest_dir=tmp_path, url="http://127.0.0.1:9/", sha256="abc")


# --- model_cli -----------------------------------------------------------------------------


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="posture-watch")
    add_model_commands(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_cli_verify_prints_ok_path_and_hash(capsys: pytest.CaptureFixture[str]) -> None:
    args = parse("model", "verify", "--model", str(BUNDLED_LITE))
    assert args.run is run_model_command  # the main CLI dispatches with args.run(args)
    assert run_model_command(args) == 0
    assert capsys.readouterr().out == f"ok {BUNDLED_LITE} {LITE.sha256}\n"


def test_cli_verify_default_finds_lite(user_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_model_command(parse("model", "verify")) == 0
    assert capsys.readouterr().out == f"ok {BUNDLED_LITE} {LITE.sha256}\n"


def test_cli_verify_missing_model_raises(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="missing"):
        run_model_command(parse("model", "verify", "--model", str(tmp_path / "x.task")))


def test_cli_pull_into_user_folder(
    serve: Callable[[Served], str], user_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = parse("model", "pull", "lite", "--url", serve(Served()), "--sha256", PAYLOAD_SHA)
    assert run_model_command(args) == 0
    captured = capsys.readouterr()
    assert captured.out == f"{user_dir / 'pose_landmarker_lite.task'}\n"
    assert captured.err == ""  # no progress when stderr is not a terminal
    assert listing(user_dir) == ["pose_landmarker_lite.task"]


def test_cli_rejects_unknown_variant(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse("model", "pull", "medium")


def test_cli_verify_compares_with_the_named_variant(tmp_path: Path) -> None:
    lite = lite_copy(tmp_path)
    with pytest.raises(ModelError, match="wrong size: expected 9398198 bytes, found 5777746"):
        run_model_command(parse("model", "verify", "--variant", "full", "--model", str(lite)))


def test_cli_verify_refuses_what_is_not_pinned_and_opts_in_on_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    truncated = lite_copy(tmp_path, "cut.task", size=1000)
    with pytest.raises(ModelError, match=r"cut\.task is not the pinned lite model"):
        run_model_command(parse("model", "verify", "--model", str(truncated)))
    # with the opt-in, the file must still load: 1000 bytes of a zip archive do not
    own = parse("model", "verify", "--model", str(truncated), "--allow-own-model")
    with pytest.raises(ModelError, match="cannot load pose model"):
        run_model_command(own)
    assert "is not a pinned pose model (size 1000 bytes" in capsys.readouterr().err
