"""Monitor tests reuse the labelled samples and the private user folders."""

from tests.pipeline.conftest import private_user_folders, samples

__all__ = ["private_user_folders", "samples"]
