#!/usr/bin/env bash
# The main job: set up, then start the posture monitor in the tray. It watches the webcam
# when there is one, and otherwise plays the bundled demo session at real speed (about
# 5 minutes: upright, a slouch and its posture nudge, a break nudge with a stretch, a
# break away from the desk), saying so. The demo writes only into its throw-away folder
# (~/.cache/posture-watch/demo, emptied at each demo): your own history, calibration and
# reports are not touched; at its end it says what happened and where its report is.
# Without a desktop (no DISPLAY) it runs the same monitor with console logging instead.
# Extra arguments go to `posture-watch tray`, e.g. --demo, --speed 10 or --open-report.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if ! command -v posture-watch >/dev/null 2>&1; then
  echo "run: to have 'posture-watch' on your PATH, install it as an app: pipx install ." >&2
fi
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec .venv/bin/posture-watch tray "$@"
fi
echo "run: no graphical display: running the console monitor (posture-watch monitor --no-tray)" >&2
exec .venv/bin/posture-watch monitor --no-tray "$@"
