#!/usr/bin/env bash
# The main job: set up, then show the whole pipeline on the bundled sample session (a
# landmark recording the project made from real webcam pictures): calibrate on its first
# upright seconds, then analyse it. With arguments, runs `posture-watch analyze ARGS...`
# instead, e.g.  bash scripts/run.sh path/to/video.mp4 --format table
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ "$#" -gt 0 ]; then
  exec .venv/bin/posture-watch analyze "$@"
fi
sample=samples/slouchingornot-high.jsonl
profile=$(mktemp -d)/sample-profile.json
trap 'rm -rf "$(dirname "$profile")"' EXIT
.venv/bin/posture-watch calibrate --source "$sample" --seconds 8 --out "$profile"
.venv/bin/posture-watch analyze "$sample" --calibration "$profile" --format table
