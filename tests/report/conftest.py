"""Fixtures for the report tests: real history files in a temporary folder."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.report.histories import TZ, working_day, write_history


@pytest.fixture
def tz() -> ZoneInfo:
    return TZ


@pytest.fixture
def history_file(tmp_path: Path) -> Path:
    """A real history file holding :func:`working_day`."""
    return write_history(tmp_path / "history.sqlite3", working_day())


@pytest.fixture
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the config and data folders at a temporary folder."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("TZ", "Europe/Berlin")
    return tmp_path
