"""An unfiltered helper that opens files in desktop apps for a process kept offline.

Why: :func:`posture_watch.offline.enforce_offline` refuses internet sockets to the
monitor and, by the kernel's rules, to every process it starts later. A web browser
started from there to show the report (``xdg-open report.html``) would be crippled for
the whole desktop session if it was the first browser window. So, before the filter
goes in, the monitor starts this small helper: a separate Python process that never
takes the filter. It reads absolute file paths from its stdin, nothing else, and runs
the desktop's opener (``xdg-open PATH``) for each, so the apps start unfiltered.

Protocol: the parent writes how long to wait for the opener (seconds, ASCII), a space
and a path as bytes (``os.fsencode``), ended by a NUL; the helper answers one line:
``ok``, ``missing OPENER`` (no opener on PATH), ``failed CODE OPENER`` (the opener
exited with CODE within the wait) or ``refused REASON`` (not an absolute path to an
existing file, or the opener would not start). The helper exits when its stdin closes,
which also happens when the parent dies. It runs in its own session, so a Ctrl-C in the
terminal does not reach it.

Why wait at all: ``xdg-open`` with no handler for the file type, or with a handler that
fails, says so only by its exit status (3: no program for it, 4: the program failed), and
the tray must then tell the person where the file is instead of doing nothing visible. It
returns quickly once a handler has started, so a short wait sees every failure; an
opener still running when the wait ends has started a program and is left to run.

The helper is this file run by path with ``python -I``: standard library only, so it
starts in a few tens of milliseconds and does not depend on how the package is
installed. It lives beside :mod:`posture_watch.offline`, which starts it, below the
``desktop`` package that opens files through it (:mod:`posture_watch.desktop.open_file`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import shutil
import subprocess
import sys
import threading
from pathlib import Path

#: How long the parent waits for an answer before giving up on the helper (beyond the
#: wait for the opener it asked for).
REPLY_TIMEOUT = 10.0


def N_(message: str) -> str:
    """Mark ``message`` for the catalogs without translating it: this module runs alone as
    the helper (``python -I``) and sits below ``core.text``, so the words are translated
    where they are shown (``_(exc.why)``)."""
    return message


#: xdg-open's exit statuses (its manual page) that mean opening failed, in plain words.
OPENER_FAILURES = {
    1: N_("the opener was called wrongly"),
    2: N_("the file was not found"),
    3: N_("no program to open it"),
    4: N_("the program that opens it failed"),
}

_current: Launcher | None = None
_current_lock = threading.Lock()


class LauncherStopped(OSError):
    """The helper is gone (crashed, killed, or not answering)."""


class OpenerFailed(OSError):
    """The opener ran and exited with a non-zero status: nothing was opened."""

    def __init__(self, opener: str, returncode: int) -> None:
        self.opener, self.returncode = opener, returncode
        super().__init__(f"{opener} exited with status {returncode}")

    @property
    def why(self) -> str:
        """What went wrong in plain words, e.g. ``no program to open it``."""
        return OPENER_FAILURES.get(
            self.returncode, f"{self.opener} failed (exit status {self.returncode})"
        )


class Launcher:
    """The parent's handle on a running helper; :meth:`open` is safe from any thread."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self._process = process
        self._lock = threading.Lock()
        self._buffer = b""

    @property
    def pid(self) -> int:
        return self._process.pid

    def alive(self) -> bool:
        return self._process.poll() is None

    def open(self, path: Path, opener: str, wait: float = 0.0) -> None:
        """Have the helper run ``opener PATH``; returns once the opener has started and,
        with ``wait`` > 0, has not failed within ``wait`` seconds.

        Raises :class:`FileNotFoundError` (``filename`` = the opener) when the helper finds
        no opener, :class:`OpenerFailed` when the opener exited with an error within
        ``wait``, :class:`OSError` when it refuses the path, :class:`LauncherStopped`
        when the helper is gone.
        """
        target = os.fsencode(str(Path(path).absolute()))
        if b"\0" in target:
            raise OSError(f"{path!r}: not a file path")
        request = f"{max(wait, 0.0):g} ".encode("ascii") + target
        with self._lock:
            stdin, stdout = self._process.stdin, self._process.stdout
            assert stdin is not None and stdout is not None
            try:
                stdin.write(request + b"\0")
                stdin.flush()
            except (BrokenPipeError, ValueError) as exc:
                raise LauncherStopped(f"the desktop launcher has stopped ({exc})") from exc
            answer = self._read_line(stdout.fileno(), REPLY_TIMEOUT + max(wait, 0.0))
        status, _, detail = answer.partition(" ")
        if status == "ok":
            return
        if status == "missing":
            raise FileNotFoundError(2, f"{detail} not found", detail)
        if status == "failed":
            code, _, name = detail.partition(" ")
            raise OpenerFailed(name or opener, int(code))
        raise OSError(f"{path}: {detail}")

    def _read_line(self, fd: int, timeout: float = REPLY_TIMEOUT) -> str:
        while b"\n" not in self._buffer:
            ready, _, _ = select.select([fd], [], [], timeout)
            if not ready:
                raise LauncherStopped("the desktop launcher does not answer")
            chunk = os.read(fd, 4096)
            if not chunk:
                raise LauncherStopped("the desktop launcher has stopped")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line.decode("utf-8", "replace")

    def close(self, timeout: float = 2.0) -> None:
        """Close the helper's stdin (it exits) and reap it."""
        if self._process.stdin is not None:
            with contextlib.suppress(OSError):
                self._process.stdin.close()
        try:
            self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()


def start_launcher() -> Launcher:
    """Start the helper (once per process) and make it the one files are opened through."""
    global _current
    with _current_lock:
        if _current is not None and _current.alive():
            return _current
        process = subprocess.Popen(
            [sys.executable, "-I", str(Path(__file__).resolve())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        _current = Launcher(process)
        return _current


def current_launcher() -> Launcher | None:
    """The helper started in this process, if any (even one that has stopped since)."""
    return _current


def stop_launcher() -> None:
    """Stop this process's helper, if one runs."""
    global _current
    with _current_lock:
        if _current is not None:
            _current.close()
            _current = None


# --- the helper process ----------------------------------------------------------------


def default_opener() -> str:
    """The desktop's command that opens a file in its default app."""
    return "open" if sys.platform == "darwin" else "xdg-open"


def start_opener(path: Path, wait: float = 0.0) -> None:
    """Start the desktop's opener on ``path`` in a session of its own; return at once, or
    with ``wait`` > 0 after it exited or ``wait`` seconds passed (a thread reaps an opener
    still running). Raises :class:`FileNotFoundError` whose ``filename`` is the opener
    when there is none on PATH, :class:`OpenerFailed` when it exited with an error within
    ``wait``; other start failures are the :class:`OSError` of starting it."""
    opener = default_opener()
    exe = shutil.which(opener)
    if exe is None:
        raise FileNotFoundError(errno.ENOENT, f"{opener} not found", opener)
    child = subprocess.Popen(
        [exe, str(path)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    if wait > 0:
        try:
            code = child.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            pass  # still running: it started a program (or waits for one); let it be
        else:
            if code != 0:
                raise OpenerFailed(opener, code)
            return
    threading.Thread(target=child.wait, daemon=True).start()  # reap it when it exits


def _answer(request: bytes) -> str:
    """Check one request (``WAIT PATH``) and start the opener; the reply line (without
    newline)."""
    wait_text, _, path_bytes = request.partition(b" ")
    try:
        wait = min(max(float(wait_text.decode("ascii")), 0.0), REPLY_TIMEOUT / 2)
    except (UnicodeDecodeError, ValueError):
        return "refused not a request (WAIT PATH)"
    path = Path(os.fsdecode(path_bytes))
    if not path.is_absolute() or not path.is_file():
        return "refused not an absolute path to an existing file"
    opener = default_opener()
    try:
        start_opener(path, wait)
    except OpenerFailed as exc:
        return f"failed {exc.returncode} {exc.opener}"
    except FileNotFoundError as exc:
        if exc.filename == opener:
            return f"missing {opener}"
        return f"refused {opener} did not start: {exc.strerror or exc}"
    except OSError as exc:
        return f"refused {opener} did not start: {exc.strerror or exc}"
    return "ok"


def serve(stdin: int = 0, stdout: int = 1) -> None:
    """The helper's loop: one answer per NUL-ended path, until stdin closes."""
    pending = b""
    while True:
        chunk = os.read(stdin, 65536)
        if not chunk:
            return
        pending += chunk
        while b"\0" in pending:
            request, _, pending = pending.partition(b"\0")
            try:
                reply = _answer(request)
            except Exception as exc:  # one bad request must not stop the helper
                reply = f"refused {type(exc).__name__}: {exc}"
            os.write(stdout, (reply.replace("\n", " ") + "\n").encode("utf-8"))


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt, BrokenPipeError):
        serve()
    sys.exit(0)
