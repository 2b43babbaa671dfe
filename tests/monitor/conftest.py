"""Monitor tests reuse the labelled samples and the private user folders, and share the
runtime folder's fallback (the lock and the control socket live there)."""

from pathlib import Path

import pytest

from tests.harness.fixtures import private_user_folders
from tests.harness.samples import samples

__all__ = ["private_user_folders", "samples"]


@pytest.fixture
def temp_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No ``$XDG_RUNTIME_DIR``; the state folder is in ``tmp_path`` (made, as the user's
    would be). Returns the ``run`` folder in it that the lock and the socket would use
    (never a name in the shared temp folder: tests/attacks/test_control.py)."""
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.delenv("POSTURE_WATCH_HOME", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    state = tmp_path / "state" / "posture-watch"
    state.mkdir(parents=True, mode=0o700)
    return state / "run"
