"""Monitor tests reuse the labelled samples and the private user folders."""

from tests.harness.fixtures import private_user_folders
from tests.harness.samples import samples

__all__ = ["private_user_folders", "samples"]
