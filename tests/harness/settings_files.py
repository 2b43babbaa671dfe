"""A settings file of the test's own: the config folder in the test's temporary folder.

Shared by the settings tests (``tests/test_config.py``) and the ``settings`` command's
(``tests/commands/test_settings.py``); ``config_home`` is registered in tests/conftest.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from posture_watch.config import settings_path


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the user's config folder at ``tmp_path``; returns the settings file path."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    path = settings_path()
    assert path == tmp_path / "xdg" / "posture-watch" / "settings.toml"
    return path


def write(path: Path, text: str) -> Path:
    """``text`` as the file ``path`` (its folder made when missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
