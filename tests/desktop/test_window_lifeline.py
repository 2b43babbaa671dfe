"""A Tk window never outlives the tray: real window processes on Xvfb, real signals.

The tray here is a small Python process that opens a window the way the tray does and
then sleeps; killing it with SIGKILL gives it no chance to close the window itself.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from posture_watch.desktop.child_window import ChildWindowProcess
from posture_watch.desktop.journal_process import JournalWindowProcess
from posture_watch.desktop.lifeline import PARENT_POLL_MS
from posture_watch.desktop.stretch_process import StretchWindowProcess
from tests.harness.processes import running
from tests.harness.xsession import XSession


@dataclass(frozen=True)
class Window:
    """One kind of window: how the tray opens it, its title, its module and arguments."""

    name: str
    opener: str  # the Python expression the tray script below opens it with
    open: Callable[[dict[str, str]], ChildWindowProcess]  # the same, with an environment
    title: str  # xdotool regex
    module: str
    arguments: tuple[str, ...]


STRETCH = Window(
    "stretch",
    "StretchWindowProcess('chin-tuck')",
    lambda env: StretchWindowProcess("chin-tuck", env=env),
    "^posture-watch: Chin tucks$",
    "posture_watch.desktop.stretch_window",
    ("--prompt-id", "chin-tuck"),
)
JOURNAL = Window(
    "journal",
    "JournalWindowProcess()",
    lambda env: JournalWindowProcess(env=env),
    "^posture-watch: how do you feel today\\?$",
    "posture_watch.desktop.journal_window",
    (),
)
WINDOWS = pytest.mark.parametrize("window", [STRETCH, JOURNAL], ids=lambda w: w.name)

TRAY = """\
import sys, time
from posture_watch.desktop.stretch_process import StretchWindowProcess
from posture_watch.desktop.journal_process import JournalWindowProcess

window = {opener}
window.start()
print(window.pid, flush=True)
time.sleep(120)
"""


@WINDOWS
def test_the_window_closes_when_the_tray_is_killed_with_sigkill(
    desktop: XSession, window: Window
) -> None:
    tray = subprocess.Popen(
        [sys.executable, "-c", TRAY.format(opener=window.opener)],
        env=desktop.env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        text=True,
    )
    child = 0
    try:
        assert tray.stdout is not None
        child = int(tray.stdout.readline())
        desktop.wait_window(window.title)
        assert running(child)

        tray.kill()  # SIGKILL: the tray cannot close anything itself
        tray.wait(timeout=5)

        def gone() -> bool:
            return not desktop.windows(window.title) and not running(child)

        desktop.wait_for(gone, timeout=20.0, what="the window to close and its process to end")
    finally:
        tray.kill()
        tray.wait(timeout=5)
        tray.stdout.close()  # type: ignore[union-attr]
        if child and running(child):
            os.kill(child, signal.SIGKILL)


@WINDOWS
def test_sigterm_closes_the_window_cleanly(
    desktop: XSession, window: Window, caplog: pytest.LogCaptureFixture
) -> None:
    process = window.open(desktop.env)
    with process:
        process.start()
        desktop.wait_window(window.title)
        assert process.pid is not None
        os.kill(process.pid, signal.SIGTERM)  # not from the tray's close(): it is logged
        with caplog.at_level(logging.WARNING):
            result = desktop.wait_for(process.poll, timeout=5, what="the child to end")

    assert result.answer == "ignored"
    assert desktop.windows(window.title) == []
    # the child's own exit after closing its window, not death by the signal mid-Tk
    [record] = caplog.records
    assert record.getMessage().endswith(
        f"gave no answer: exited with 143: posture-watch {window.name} window: stopped by SIGTERM"
    )


@WINDOWS
def test_a_window_whose_tray_has_already_gone_never_opens(
    desktop: XSession, window: Window
) -> None:
    # the child's parent is this test; the pid passed is another process (our own parent),
    # as when the tray died while the child was starting
    not_the_parent = os.getppid()
    argv = [sys.executable, "-m", window.module, "--parent-pid", str(not_the_parent)]
    done = subprocess.run(
        [*argv, *window.arguments],
        env=desktop.env,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )

    assert (done.returncode, done.stdout) == (128 + signal.SIGHUP, "")
    assert done.stderr.splitlines() == [
        f"posture-watch {window.name} window: stopped: its parent (pid {not_the_parent}) has gone"
    ]
    assert desktop.windows(window.title) == []


def test_the_end_of_the_thread_that_opened_the_window_does_not_close_it(
    desktop: XSession,
) -> None:
    # Linux sends the parent-death signal when the *thread* that started the child ends,
    # although the tray lives on: the window must stay open for the person
    process = STRETCH.open(desktop.env)
    opener = threading.Thread(target=process.start)
    opener.start()
    opener.join()
    with process:
        desktop.wait_window(STRETCH.title)
        time.sleep(5 * PARENT_POLL_MS / 1000)  # several polls: nothing may close it
        assert process.poll() is None
        assert desktop.windows(STRETCH.title)
        assert process.close().answer == "ignored"
