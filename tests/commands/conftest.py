"""Command-line tests run with private user folders and reuse the sample and history fixtures."""

from tests.harness.fixtures import private_user_folders
from tests.harness.samples import model, samples
from tests.report.conftest import history_file, isolated_dirs, tz

__all__ = ["history_file", "isolated_dirs", "model", "private_user_folders", "samples", "tz"]
