"""One headless sway + waybar desktop for the whole Wayland tray module."""

from tests.harness.fixtures import wayland_desktop

__all__ = ["wayland_desktop"]
