"""The harness's fixtures: private user folders, X sessions and the Wayland desktop.

A folder's ``conftest.py`` imports the ones its tests use (``private_user_folders`` is
autouse wherever it is imported). X sessions start in well under 0.2 s (Xvfb, bus, dunst
and trayer together), so every test gets a fresh one: no notification history or stray
window carries over. The Wayland desktop costs about a second and its tests only add and
remove their own tray item, so it is one per session. A missing program skips the test
and names it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import features

from tests.harness.wayland import DesktopError, WaylandDesktop, missing_tools
from tests.harness.xsession import XSession


@pytest.fixture(autouse=True)
def private_user_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> Path:
    """Point the config, data, state and cache folders at a temporary place for every
    test (the demo's throw-away folder is in the cache folder: two tests running the demo
    at once must not empty each other's), with no ``$POSTURE_WATCH_HOME`` moving them."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.delenv("POSTURE_WATCH_HOME", raising=False)
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


@pytest.fixture
def desktop(xdisplay_only: XSession) -> XSession:
    """An X display for the Tk windows; skipped without tkinter (the window children need it)."""
    pytest.importorskip("tkinter", reason="the windows need tkinter (python3-tk)")
    return xdisplay_only


@pytest.fixture(scope="session")
def wayland_desktop() -> Iterator[WaylandDesktop]:
    """One headless sway + waybar desktop with a private bus, for the whole session."""
    missing = missing_tools()
    if missing:
        pytest.skip(f"the Wayland tray tests need {', '.join(missing)} (not found on PATH)")
    try:
        desktop = WaylandDesktop().__enter__()
    except DesktopError as exc:
        if os.getuid() != 0:  # sway cannot run as this user here (no seat, say)
            pytest.skip(f"sway cannot run as this user: {exc}")
        raise
    try:
        yield desktop
    finally:
        desktop.close()
