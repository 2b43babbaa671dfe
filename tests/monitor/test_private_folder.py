"""``<runtime folder>/posture-watch``: made private, opened without following links, and
refused (with the reason, for the caller's wording) when someone else could swap it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from posture_watch.monitor.private_folder import (
    FOLDER,
    UnsafeFolderError,
    open_private_dir,
    open_runtime_folder,
    runtime_dir,
)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_the_runtime_folder_follows_xdg_runtime_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    assert runtime_dir() == tmp_path / "run"
    os.close(open_runtime_folder())
    assert mode(tmp_path / "run" / FOLDER) == 0o700


def test_without_it_both_folders_are_made_private(temp_fallback: Path) -> None:
    assert runtime_dir() == temp_fallback
    fd = open_runtime_folder()
    try:
        assert os.path.samestat(os.fstat(fd), os.stat(temp_fallback / FOLDER))
    finally:
        os.close(fd)
    assert mode(temp_fallback) == mode(temp_fallback / FOLDER) == 0o700


def test_without_create_a_missing_folder_is_file_not_found(temp_fallback: Path) -> None:
    with pytest.raises(FileNotFoundError):
        open_runtime_folder(create=False)
    assert not temp_fallback.exists()


def test_a_folder_others_may_write_is_refused_with_the_reason(tmp_path: Path) -> None:
    folder = tmp_path / "open"
    folder.mkdir()
    folder.chmod(0o777)
    with pytest.raises(UnsafeFolderError) as info:
        open_private_dir(folder, None)
    assert info.value.path == folder
    assert info.value.problem == "others may write to it (mode 0777)"


def test_a_symbolic_link_is_refused(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir(mode=0o700)
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(UnsafeFolderError, match="symbolic link or a file"):
        open_private_dir(tmp_path / "link", None)
