"""A stand-in for the monitor's end of the control socket, as a real process.

``python -m tests.harness.control_standin HISTORY`` serves the control socket of
``HISTORY`` with a handler that answers as a console monitor would (``stretch`` needs the
tray) and prints each request it receives as one JSON line on stdout. It prints
``ready <socket path>`` once it listens, and stops after a ``quit`` request or when its
stdin closes; a start that is refused prints the CLI's one line and exits with its code.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

from posture_watch.errors import PostureWatchError
from posture_watch.monitor.control import (
    STRETCH_NEEDS_TRAY,
    ControlReply,
    ControlRequest,
    ControlServer,
    pause_message,
)

#: A fixed wall time (2024-05-03 12:00 UTC) so that replies do not depend on the clock.
WALL = 1714737600.0


def main(history: Path) -> int:
    done = threading.Event()

    def handle(request: ControlRequest) -> ControlReply:
        print(json.dumps(request.to_json()), flush=True)
        match request.command:
            case "pause":
                return ControlReply(True, pause_message(request, WALL))
            case "resume":
                return ControlReply(True, "resumed")
            case "status":
                return ControlReply(True, "Upright · sitting 23 min", {"state": "upright"})
            case "stretch":
                return STRETCH_NEEDS_TRAY
            case _:
                done.set()
                return ControlReply(True, "stopping")

    try:
        server = ControlServer(handle, history).start()
    except PostureWatchError as exc:
        print(f"posture-watch: {exc.one_line()}", file=sys.stderr)
        return exc.exit_code
    with server:
        print(f"ready {server.path}", flush=True)
        threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
        done.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
