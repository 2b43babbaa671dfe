"""One headless sway + waybar desktop for the whole Wayland tray module (session scope:
start-up costs about a second, and the tests only add and remove their own tray item)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.tray.wayland.desktop import DesktopError, WaylandDesktop, missing_tools


@pytest.fixture(scope="session")
def wayland_desktop() -> Iterator[WaylandDesktop]:
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
