"""Tray tests run the real ``posture-watch tray`` on a private virtual desktop."""

from tests.desktop.conftest import private_user_folders, xsession
from tests.pipeline.conftest import samples

__all__ = ["private_user_folders", "samples", "xsession"]
