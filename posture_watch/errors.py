"""One error tree for the whole program, and the one place it becomes an exit code.

Adapters translate library exceptions into these once, where they meet the library
(``raise SourceError(...) from exc``); the CLI catches only :class:`PostureWatchError`,
prints ``posture-watch: message`` on one line (a sentence for a person: no class name)
and exits with :attr:`PostureWatchError.exit_code`. :func:`run_command` does that for
every entry point (``posture-watch``, and the control commands run alone), so they
cannot drift apart; it lives here because the CLI imports this module before anything
else, and a Ctrl-C must find the handler already loaded.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Callable

from posture_watch.core.text import N_, _, pgettext

EXIT_OK = 0
#: A :class:`PostureWatchError` without its own code, and argparse's usage errors.
EXIT_USER_ERROR = 2
#: The exit code after Ctrl-C (128 + SIGINT, what a shell reports for it); also for the
#: commands that handle SIGINT themselves (``monitor``, ``tray``) to return once they
#: have shut down cleanly.
EXIT_INTERRUPTED = 130


class PostureWatchError(Exception):
    """Base class: a problem the user can act on, reported in one line."""

    exit_code: int = EXIT_USER_ERROR

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint

    def one_line(self) -> str:
        """The message, with the hint appended, for a single stderr line."""
        text = str(self)
        if not self.hint:
            return text
        return pgettext("cli", "{message} ({hint})").format(message=text, hint=self.hint)


class SourceError(PostureWatchError):
    """A frame source (camera, video, image, folder, recording) cannot be read."""


class CameraError(SourceError):
    """The webcam cannot be opened or stopped delivering frames."""


class FrameError(SourceError):
    """One frame of a file-based source is damaged (a corrupt picture in a folder).

    Unlike a missing camera, retrying cannot help: ``analyze`` rejects the input, the
    monitor skips the frame and says so once.
    """


class ModelError(PostureWatchError):
    """The pose model file is missing, corrupt, or cannot be loaded or downloaded."""


class CalibrationError(PostureWatchError):
    """A calibration was refused, or a stored calibration profile is unusable."""


class ConfigError(PostureWatchError):
    """A setting or command-line value is not allowed."""


class StorageError(PostureWatchError):
    """A file the program writes (profile, recording, history) cannot be written or read."""


class TrayError(PostureWatchError):
    """The tray icon cannot be shown (no display, no tray support)."""


class CameraBusyError(CameraError):
    """Another program (a video call) has the webcam; ``by`` names it as far as we can tell
    (``"zoom (pid 4242)"``, several joined by ``", "``), or is ``""`` when only our own
    open or grab said busy. Unlike a missing camera, this is expected to pass: the monitor
    waits for the camera to be free again instead of stopping."""

    #: Marked here, translated when an error is made (the language is chosen after import).
    DEFAULT_HINT = N_("close the video call or other program using the camera, then try again")

    def __init__(self, message: str, *, hint: str | None = None, by: str = "") -> None:
        super().__init__(message, hint=_(self.DEFAULT_HINT) if hint is None else hint)
        self.by = by


def run_command(command: Callable[[], int]) -> int:
    """Run ``command`` and return its exit code, with how it failed said in one line.

    - a :class:`PostureWatchError`: ``posture-watch: message (hint)`` on stderr, and its
      :attr:`~PostureWatchError.exit_code`;
    - a closed pipe (``posture-watch status | head -0``): nothing more to say, 0;
    - Ctrl-C, also when Python wrapped it on its way out (:func:`caused_by_ctrl_c`):
      ``posture-watch: interrupted`` and :data:`EXIT_INTERRUPTED`, never a traceback.

    Anything else is a bug and keeps its traceback.
    """
    try:
        return int(command())
    except PostureWatchError as exc:
        print(
            pgettext("cli", "posture-watch: {message}").format(message=exc.one_line()),
            file=sys.stderr,
        )
        return exc.exit_code
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return interrupted()
    except Exception as exc:
        if caused_by_ctrl_c(exc):
            return interrupted()
        raise


def caused_by_ctrl_c(exc: BaseException) -> bool:
    """True when ``exc`` was raised because of a KeyboardInterrupt: Python wraps one that
    arrives inside a class body being created (``RuntimeError: Error calling __set_name__``,
    seen during matplotlib's import, which MediaPipe triggers) instead of letting it out."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


def interrupted() -> int:
    """Say ``posture-watch: interrupted`` (unless a second Ctrl-C cuts it short) and
    return :data:`EXIT_INTERRUPTED`."""
    with contextlib.suppress(KeyboardInterrupt):
        print(pgettext("cli", "posture-watch: interrupted"), file=sys.stderr, flush=True)
    return EXIT_INTERRUPTED


def exit_reason(code: int | None) -> str:
    """A child process's return code in words: ``exited with 2``, ``killed by SIGSEGV``
    (the stretch and journal windows, the camera worker)."""
    if code is None:
        return pgettext("process", "still running")
    if code < 0:
        try:
            return pgettext("process", "killed by {signal}").format(
                signal=signal.Signals(-code).name
            )
        except ValueError:
            return pgettext("process", "killed by signal {number}").format(number=-code)
    return pgettext("process", "exited with {code}").format(code=code)
