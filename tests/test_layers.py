"""The package's layers hold (``[tool.importlinter]`` in pyproject.toml), so an upward
import fails the fast tier too, not only ``lint-imports`` in scripts/test.sh; and no module
takes a private name from another.

The contracts say which layer may import which: ``cli`` on top, then the commands, the
tray, the desktop and the report, the monitor, ... down to the pure ``core`` and the
leaves (``clock``, ``errors``, ``paths``). The import graph is read from the source files;
nothing is imported and no cache is written.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
PACKAGE = "posture_watch"
SOURCE = PYPROJECT.parent / PACKAGE
#: What the ``lint-imports`` console script runs.
LINT = "import sys, importlinter.cli as c; sys.exit(c.lint_imports_command())"


def test_the_import_contracts_hold() -> None:
    """``lint-imports`` in a child process: it configures logging for itself (disabling
    every logger already made), which must not reach the other tests' log captures."""
    run = subprocess.run(
        [sys.executable, "-c", LINT, "--config", str(PYPROJECT), "--no-cache"],
        cwd=PYPROJECT.parent,  # the checkout's package is the one analysed
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def _private_uses(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """``(line, what)`` for each private name this module takes from another of ours:
    ``from posture_watch.x import _y`` and ``x._y`` on an imported module of ours."""
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PACKAGE):
            for alias in node.names:
                if _private(alias.name):
                    yield node.lineno, f"from {node.module} import {alias.name}"
                else:
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            modules.update(
                alias.asname or alias.name.split(".")[0]
                for alias in node.names
                if alias.name.startswith(PACKAGE)
            )
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and _private(node.attr)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
        ):
            yield node.lineno, f"{node.value.id}.{node.attr}"


def _private(name: str) -> bool:
    """``_`` alone is gettext's name for "translate this" (posture_watch.core.text), public by
    convention, not a private name."""
    return name.startswith("_") and not name.startswith("__") and name != "_"


def test_no_module_takes_a_private_name_from_another() -> None:
    """A name with a leading underscore belongs to its module: what another module needs
    is made public (or moved) instead."""
    found = [
        f"{path.relative_to(SOURCE.parent)}:{line}: {what}"
        for path in sorted(SOURCE.rglob("*.py"))
        for line, what in _private_uses(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert found == []
