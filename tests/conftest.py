"""Fixtures shared by all test folders; the harness's fixtures are registered here."""

from pathlib import Path

import pytest

from tests.harness.nobody import nobody_python
from tests.harness.read_only import sandbox

__all__ = ["nobody_python", "sandbox"]

SHARED_SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"


@pytest.fixture(scope="session")
def shared_samples() -> Path:
    """The real sample pictures in ``/work/shared/samples`` (beside the repo, not in it)."""
    if not SHARED_SAMPLES.is_dir():
        pytest.skip(f"shared sample pictures not found at {SHARED_SAMPLES}")
    return SHARED_SAMPLES
