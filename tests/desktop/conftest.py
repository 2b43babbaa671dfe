"""Desktop tests: private user folders and a private virtual desktop per test."""

from tests.harness.fixtures import (
    desktop,
    private_user_folders,
    xdisplay_only,
    xsession,
    xsession_without_notifications,
)

__all__ = [
    "desktop",
    "private_user_folders",
    "xdisplay_only",
    "xsession",
    "xsession_without_notifications",
]
