"""Desktop tests: private user folders and a private virtual desktop per test."""

from tests.harness.fixtures import (
    private_user_folders,
    xdisplay_only,
    xsession,
    xsession_without_notifications,
)

__all__ = ["private_user_folders", "xdisplay_only", "xsession", "xsession_without_notifications"]
