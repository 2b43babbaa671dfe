#!/usr/bin/env bash
# The whole test suite: set up, lint, then pytest. Real pictures come from ../shared/samples.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test-desktops
.venv/bin/ruff check posture_watch tests benchmarks scripts
.venv/bin/ruff format --check posture_watch tests benchmarks scripts
# The layers (pyproject.toml [tool.importlinter]): no module imports a layer above its own.
.venv/bin/lint-imports --no-cache
# Types (pyproject.toml [tool.mypy]): the whole package, core/ with the flags of --strict.
.venv/bin/mypy
# Tiers (docs/CONTRIBUTING.md, "Running the tests"): --fast runs the fast tier alone (pytest -m "not slow":
# pure and in-process, about half a minute); the full tier runs on two workers (pytest-xdist,
# one test module per worker at a time, so module fixtures start once).
if [ "${1:-}" = --fast ]; then
  shift
  exec .venv/bin/python -m pytest -q -m "not slow" "$@"
fi
exec .venv/bin/python -m pytest -q -n 2 --dist loadscope "$@"
