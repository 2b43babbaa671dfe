"""Command-line tests run with private user folders and reuse the sample and history fixtures."""

from tests.pipeline.conftest import model, private_user_folders, samples
from tests.report.conftest import history_file, isolated_dirs, tz

__all__ = ["history_file", "isolated_dirs", "model", "private_user_folders", "samples", "tz"]
