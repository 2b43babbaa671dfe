"""The package's layers hold (``[tool.importlinter]`` in pyproject.toml), so an upward
import fails the fast tier too, not only ``lint-imports`` in scripts/test.sh.

The contracts say which layer may import which: ``cli`` on top, then the commands, the
tray, the desktop and the report, the monitor, ... down to the pure ``core`` and the
leaves (``clock``, ``errors``, ``paths``). The import graph is read from the source files;
nothing is imported and no cache is written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_the_import_contracts_hold(capsys: pytest.CaptureFixture[str]) -> None:
    status = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert status == 0, report
    assert "0 broken" in report
