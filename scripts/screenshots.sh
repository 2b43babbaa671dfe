#!/usr/bin/env bash
# Make the README's pictures (docs/images/*.png) from the real app: the tray menu, a
# posture nudge, a break nudge, the stretch window and the day's report at 1366 and 390 px.
# Runs `posture-watch tray --demo` on a throw-away X desktop in a throw-away HOME; needs
# the test desktops (bash scripts/setup.sh --test-desktops). See scripts/screenshots.py.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python scripts/screenshots.py "$@"
