#!/usr/bin/env bash
# The whole test suite: set up, lint, then pytest. Real pictures come from ../shared/samples.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check posture_watch tests benchmarks
.venv/bin/ruff format --check posture_watch tests benchmarks
exec .venv/bin/python -m pytest -q "$@"
