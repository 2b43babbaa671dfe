"""The crash log: tracebacks appended with their time, cut back to its newer half."""

from __future__ import annotations

from pathlib import Path

from posture_watch.monitor.crash_log import MAX_BYTES, write_crash


def test_a_traceback_is_appended_with_its_time(tmp_path: Path) -> None:
    log = tmp_path / "state" / "posture-watch.log"
    assert write_crash(log, ValueError("first"), 0.0) == log
    assert write_crash(log, ValueError("second"), 0.0) == log
    text = log.read_text()
    assert text.count("unexpected error in the monitor worker") == 2
    assert text.index("first") < text.index("second")


def test_a_long_log_keeps_its_newer_half_whole(tmp_path: Path) -> None:
    log = tmp_path / "posture-watch.log"
    log.write_bytes(b"o" * MAX_BYTES + b"n" * (MAX_BYTES // 2))
    write_crash(log, RuntimeError("latest"), 0.0)
    data = log.read_bytes()
    assert data.startswith(b"n" * (MAX_BYTES // 2)) and b"oooo" not in data
    assert b"RuntimeError: latest" in data
    assert [p.name for p in tmp_path.iterdir()] == [log.name]  # no temporary file left


def test_an_unwritable_log_goes_to_stderr(tmp_path: Path, capsys) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("")
    assert write_crash(blocked / "posture-watch.log", KeyError("k"), 0.0) == "stderr"
    assert "KeyError" in capsys.readouterr().err
