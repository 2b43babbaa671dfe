"""Monitor tests reuse the labelled samples and the private user folders, and share the
runtime folder's fallback (the lock and the control socket live there)."""

import os
import tempfile
from pathlib import Path

import pytest

from tests.harness.fixtures import private_user_folders
from tests.harness.samples import samples

__all__ = ["private_user_folders", "samples"]


@pytest.fixture
def temp_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No ``$XDG_RUNTIME_DIR``; the temp folder is ``tmp_path/tmp`` (sticky, world-writable,
    like ``/tmp``). Returns the ``runtime-<uid>`` folder the lock would use."""
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    shared = tmp_path / "tmp"
    shared.mkdir()
    shared.chmod(0o1777)
    monkeypatch.setattr(tempfile, "tempdir", str(shared))
    return shared / f"runtime-{os.getuid()}"
