"""Tray tests run the real ``posture-watch tray`` on a private virtual desktop."""

from tests.harness.fixtures import private_user_folders, xsession
from tests.harness.samples import samples

__all__ = ["private_user_folders", "samples", "xsession"]
