"""Pipeline tests run on the real sample pictures, with private user folders."""

from tests.harness.fixtures import private_user_folders
from tests.harness.samples import model, samples

__all__ = ["model", "private_user_folders", "samples"]
