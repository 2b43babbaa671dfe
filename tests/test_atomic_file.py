"""The one atomic writer: whole file or nothing, the mode asked for, the folder synced."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from posture_watch import atomic_file
from posture_watch.atomic_file import SHARED, AtomicFile, write_atomic


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def leftovers(folder: Path, target: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != target)


def test_text_and_bytes_replace_the_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "settings.toml"
    target.write_text("old\n")
    assert write_atomic(target, "new ✓\n") is True
    assert target.read_text(encoding="utf-8") == "new ✓\n"
    assert write_atomic(target, b"\x00\x01") is True
    assert target.read_bytes() == b"\x00\x01"
    assert leftovers(tmp_path, target.name) == []


def test_private_by_default_shared_when_asked(tmp_path: Path) -> None:
    old_umask = os.umask(0o000)  # the mode must not depend on the umask either way
    try:
        write_atomic(tmp_path / "profile.json", "{}")
        write_atomic(tmp_path / "app.desktop", "[Desktop Entry]\n", mode=SHARED)
    finally:
        os.umask(old_umask)
    assert mode_of(tmp_path / "profile.json") == 0o600
    assert mode_of(tmp_path / "app.desktop") == 0o644


def test_an_error_while_writing_leaves_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("yesterday's")
    with pytest.raises(RuntimeError), AtomicFile(target) as out:
        out.write("half a rep")
        raise RuntimeError("disk full, say")
    assert target.read_text() == "yesterday's"
    assert leftovers(tmp_path, target.name) == []


def test_a_failed_rename_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic_file.os, "replace", refuse)
    with pytest.raises(PermissionError):
        write_atomic(tmp_path / "model.task", b"weights")
    assert list(tmp_path.iterdir()) == []


def test_the_file_and_then_its_folder_are_fsynced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The data is synced before the rename publishes it, the folder after."""
    synced: list[tuple[str, bool]] = []  # (what, whether the target existed by then)
    real_fsync = os.fsync
    target = tmp_path / "recording.jsonl"

    def record(fd: int) -> None:
        kind = "folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"
        synced.append((kind, target.exists()))
        real_fsync(fd)

    monkeypatch.setattr(atomic_file.os, "fsync", record)
    write_atomic(target, "{}\n")
    assert synced == [("file", False), ("folder", True)]


def test_keep_an_existing_file_when_asked(tmp_path: Path) -> None:
    target = tmp_path / "settings.toml"
    assert write_atomic(target, "first", replace=False) is True
    assert write_atomic(target, "second", replace=False) is False
    assert target.read_text() == "first"
    assert leftovers(tmp_path, target.name) == []


def test_written_across_calls_then_committed_or_discarded(tmp_path: Path) -> None:
    target = tmp_path / "take.jsonl"
    out = AtomicFile(target, suffix=".part", newline="\n")
    out.write("line 1\n")
    assert not target.exists()  # nothing shows before the commit
    out.write("line 2\n")
    assert out.commit() is True and out.closed
    assert target.read_text() == "line 1\nline 2\n"
    again = AtomicFile(target)
    again.write("lost")
    again.discard()
    again.discard()  # twice is fine
    assert target.read_text() == "line 1\nline 2\n"
    assert leftovers(tmp_path, target.name) == []
    with pytest.raises(ValueError):
        out.commit()


def test_a_missing_folder_is_an_oserror_for_the_caller_to_word(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_atomic(tmp_path / "nowhere" / "file.txt", "x")
