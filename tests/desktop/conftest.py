"""Fixtures for desktop tests: a private virtual desktop per test.

Start-up takes well under 0.2 s (Xvfb, bus, dunst and trayer together), so every test
gets a fresh session (function scope): no notification history or stray window carries
over from one test to the next. A missing program skips the test and names it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import features

from tests.desktop.xsession import XSession


@pytest.fixture(autouse=True)
def private_user_folders(tmp_path_factory, monkeypatch) -> Path:
    """Point the config and data folders at a temporary place for every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    return home


def _session(**parts: bool) -> Iterator[XSession]:
    missing = XSession.missing_tools(**parts)
    if missing:
        pytest.skip(f"desktop tests need {', '.join(missing)} (not found on PATH)")
    if not features.check("xcb"):
        pytest.skip("Pillow was built without XCB, so ImageGrab cannot read an X display")
    with XSession(**parts) as session:
        yield session


# Each session asks for private_user_folders so that its env, copied from os.environ on
# entry, carries the private folders to the stretch window and anything else started.


@pytest.fixture
def xsession(private_user_folders: Path) -> Iterator[XSession]:
    """Xvfb + private D-Bus session bus + dunst + trayer."""
    yield from _session(dbus=True, dunst=True, trayer=True)


@pytest.fixture
def xdisplay_only(private_user_folders: Path) -> Iterator[XSession]:
    """Just Xvfb: no bus (DBUS_SESSION_BUS_ADDRESS leads nowhere), no dunst, no tray."""
    yield from _session(dbus=False, dunst=False, trayer=False)


@pytest.fixture
def xsession_without_notifications(private_user_folders: Path) -> Iterator[XSession]:
    """Xvfb and a session bus on which nobody owns org.freedesktop.Notifications."""
    yield from _session(dbus=True, dunst=False, trayer=False)
