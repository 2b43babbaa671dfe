"""Where the camera worker process starts: the sandbox first, everything else after.

``python -m posture_watch.monitor.worker_entry IN OUT`` (started by
:class:`~posture_watch.worker.client.WorkerClient`). Landlock confines the thread that
asks and the threads it starts later, not threads already running (before ABI 8), and
NumPy starts its thread pool when it is imported. So this module imports only the
standard library and the sandbox, enters it, and only then imports the worker
(:mod:`posture_watch.monitor.worker_main`), NumPy, OpenCV and MediaPipe, under it.
"""

from __future__ import annotations

import sys

from posture_watch.worker.sandbox import enter


def run(argv: list[str]) -> int:
    no_sockets, applied = enter()
    from posture_watch import i18n

    i18n.setup()  # a camera's errors in the person's language (LANGUAGE from the parent)
    from posture_watch.monitor.worker_main import main

    return main(argv, no_sockets, applied)


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
