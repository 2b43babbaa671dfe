"""The shared child-process plumbing, with a tiny child script instead of a Tk window.

The stretch and journal tests drive it through real windows; these cover what they do not
reach: a child that ignores SIGTERM, exit reasons for signals, and the child's main.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from posture_watch.clock import SYSTEM, Clock, ManualClock
from posture_watch.desktop.child_window import (
    ChildWindowProcess,
    exit_reason,
    result_object,
    run_window,
    typed_field,
)
from posture_watch.desktop.lifeline import PARENT_DEATH_SIGNAL, Lifeline
from posture_watch.errors import PostureWatchError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    text: str
    seconds_open: float = 0.0

    def to_json(self) -> str:
        return f'"{self.text}"'


class ScriptProcess(ChildWindowProcess[Answer]):
    """Runs ``python -c SCRIPT``: ``-m`` and a module name are swapped for ``-c``."""

    window_module = "unused"
    kind = "test window"
    log = log

    def __init__(self, script: str, clock: Clock = SYSTEM) -> None:
        super().__init__(None, sys.executable, clock)
        self.script = script

    def command(self) -> list[str]:
        return [self.python, "-c", self.script]

    def parse_line(self, line: str) -> Answer:
        if not line.startswith("answer "):
            raise ValueError(f"not an answer: {line!r}")
        return Answer(line.removeprefix("answer "))

    def ignored_result(self, seconds_open: float) -> Answer:
        return Answer("ignored", seconds_open)


def _wait(process: ScriptProcess) -> Answer:
    assert process._proc is not None
    process._proc.wait(timeout=20)
    result = process.poll()
    assert result is not None
    return result


def _wait_for_output(process: ScriptProcess) -> None:
    deadline = time.monotonic() + 20
    while process._out is not None and os.fstat(process._out.fileno()).st_size == 0:
        assert time.monotonic() < deadline, "the child printed nothing"
        time.sleep(0.01)


def test_a_clean_answer_is_returned_and_kept() -> None:
    with ScriptProcess("print('answer yes')") as process:
        process.start()
        assert _wait(process) == Answer("yes")
        assert process.close() == Answer("yes")


def test_a_child_that_ignores_sigterm_is_killed_after_the_timeout(caplog) -> None:
    script = (
        "import signal, sys, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    clock = ManualClock(wall=0.0, monotonic=10.0)
    process = ScriptProcess(script, clock=clock)
    process.start()
    _wait_for_output(process)  # the child has set up its handler
    clock.advance(2.5)  # the window was open for 2.5 s of the clock's time
    with caplog.at_level(logging.WARNING):
        result = process.close(timeout=0.2)
    assert result == Answer("ignored", 2.5)
    assert process._proc is not None and process._proc.returncode == -signal.SIGKILL
    assert caplog.records == []  # we ended it ourselves: nothing to report


def test_a_child_killed_by_a_signal_is_logged_with_the_signal_and_its_last_line(
    caplog,
) -> None:
    script = "import os, signal, sys\nprint('last words', file=sys.stderr, flush=True)\n"
    script += "os.kill(os.getpid(), signal.SIGKILL)\n"
    process = ScriptProcess(script)
    process.start()
    with caplog.at_level(logging.WARNING, logger=__name__):
        assert _wait(process).text == "ignored"
    [record] = caplog.records
    assert record.getMessage() == "test window gave no answer: killed by SIGKILL: last words"


def test_exit_reasons() -> None:
    assert exit_reason(2) == "exited with 2"
    assert exit_reason(-signal.SIGTERM) == "killed by SIGTERM"
    assert exit_reason(-200) == "killed by signal 200"


def test_result_lines_must_be_objects_with_exactly_the_fields() -> None:
    assert result_object('{"a": 1}', {"a"}, "test result") == {"a": 1}
    with pytest.raises(ValueError, match="not JSON"):
        result_object("{", {"a"}, "test result")
    with pytest.raises(ValueError, match="not a test result"):
        result_object('{"a": 1, "b": 2}', {"a"}, "test result")


def test_a_bool_is_not_a_number_unless_a_bool_is_asked_for() -> None:
    data = {"n": True, "x": 1.5}
    assert typed_field(data, "n", bool) is True
    assert typed_field(data, "x", (int, float)) == 1.5
    with pytest.raises(ValueError, match="n has the wrong type"):
        typed_field(data, "n", (int, float))


def test_polling_before_start_is_refused() -> None:
    with pytest.raises(RuntimeError, match="start\\(\\) the test window"):
        ScriptProcess("pass").poll()


def test_run_window_prints_the_answer_or_one_error_line(capsys) -> None:
    assert run_window("test window", lambda: _Window(Answer("yes"))) == 0
    assert capsys.readouterr().out == '"yes"\n'

    def fail() -> _Window:
        raise PostureWatchError("no display")

    assert run_window("test window", fail) == PostureWatchError("x").exit_code
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "posture-watch test window: no display\n"


class _Root:
    """Stands in for ``tk.Tk`` where no display is needed: records what was asked of it."""

    def __init__(self) -> None:
        self.scheduled: list[tuple[int, Callable[[], object]]] = []
        self.quit_called = self.destroyed = False

    def after(self, ms: int, func: Callable[[], object]) -> str:
        self.scheduled.append((ms, func))
        return f"after#{len(self.scheduled)}"

    def quit(self) -> None:
        self.quit_called = True

    def destroy(self) -> None:
        self.destroyed = True

    def run_next(self) -> None:
        """Run the oldest scheduled callback, as Tk's main loop would."""
        _, func = self.scheduled.pop(0)
        func()


@dataclass
class _Window:
    answer: Answer
    root: _Root = field(default_factory=_Root)

    def run(self) -> Answer:
        return self.answer


def _parent_death_signal() -> int:
    """This process's PR_GET_PDEATHSIG (Linux)."""
    value = ctypes.c_int(-1)
    assert ctypes.CDLL(None).prctl(2, ctypes.byref(value), 0, 0, 0) == 0
    return value.value


def test_the_lifeline_polls_while_the_parent_lives_and_puts_everything_back() -> None:
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)
    root = _Root()
    with Lifeline("test window", os.getppid(), poll_ms=50) as lifeline:
        if sys.platform.startswith("linux"):
            assert _parent_death_signal() == PARENT_DEATH_SIGNAL
        assert signal.getsignal(signal.SIGTERM) != before[0]
        lifeline.watch(root)
        root.run_next()
        assert [ms for ms, _ in root.scheduled] == [50]  # checked, and checks again
        assert not root.quit_called and lifeline.ended_by is None
        os.kill(os.getpid(), signal.SIGHUP)  # as when the thread that started us ends
        root.run_next()
        assert not root.quit_called and lifeline.ended_by is None
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)) == before
    if sys.platform.startswith("linux"):
        assert _parent_death_signal() == 0


def test_sigterm_ends_the_main_loop_instead_of_the_process() -> None:
    root = _Root()
    with Lifeline("test window", None) as lifeline:
        lifeline.watch(root)
        os.kill(os.getpid(), signal.SIGTERM)
        assert root.quit_called and lifeline.ended_by is signal.SIGTERM
    assert (lifeline.exit_code, lifeline.message()) == (
        143,
        "posture-watch test window: stopped by SIGTERM",
    )


def test_the_poll_ends_the_main_loop_once_the_parent_has_gone(monkeypatch) -> None:
    root = _Root()
    with Lifeline("test window", os.getppid()) as lifeline:
        lifeline.watch(root)
        monkeypatch.setattr(os, "getppid", lambda: 1)  # handed to init: the tray has died
        root.run_next()
    assert root.quit_called and root.scheduled == []
    assert lifeline.exit_code == 128 + signal.SIGHUP


def test_a_parent_gone_before_the_window_exists_ends_the_process(capsys) -> None:
    before = signal.getsignal(signal.SIGTERM)
    not_the_parent = os.getpid()

    def build() -> _Window:
        raise AssertionError("no window may be built")

    with pytest.raises(SystemExit) as exited:
        run_window("test window", build, not_the_parent)
    assert exited.value.code == 128 + signal.SIGHUP
    assert capsys.readouterr().err == (
        f"posture-watch test window: stopped: its parent (pid {not_the_parent}) has gone\n"
    )
    assert signal.getsignal(signal.SIGTERM) == before


def test_a_window_ended_by_a_signal_prints_no_answer(capsys) -> None:
    window = _Window(Answer("dismissed"))
    original_run = window.run

    def run_and_get_sigterm() -> Answer:
        os.kill(os.getpid(), signal.SIGTERM)  # arrives while the window is open
        return original_run()

    window.run = run_and_get_sigterm  # type: ignore[method-assign]
    assert run_window("test window", lambda: window) == 143
    assert window.root.quit_called and window.root.destroyed
    captured = capsys.readouterr()
    assert captured.out == ""  # the tray must not take "dismissed" for the person's answer
    assert captured.err == "posture-watch test window: stopped by SIGTERM\n"
