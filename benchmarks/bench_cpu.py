"""Issue 21's figures in one command: ``bench_monitor.py`` (ours against the naive 10 fps
design, replayed at 4x) and then ``bench_idle.py`` (first verdict, watching and paused
in real time, peak memory), each with its defaults unless told.

Run ``.venv/bin/python benchmarks/bench_cpu.py [--tray]``: about 6.5 + 6.5
minutes on 2 cores (plus 5 with ``--tray``). Arguments are passed to ``bench_idle.py``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    for script, args in (("bench_monitor.py", []), ("bench_idle.py", argv)):
        done = subprocess.run([sys.executable, str(HERE / script), *args], cwd=HERE)
        if done.returncode != 0:
            return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
