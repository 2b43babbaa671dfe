"""The shared child-process plumbing, with a tiny child script instead of a Tk window.

The stretch and journal tests drive it through real windows; these cover what they do not
reach: a child that ignores SIGTERM, exit reasons for signals, and the child's main.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from posture_watch.desktop.child_window import (
    ChildWindowProcess,
    exit_reason,
    result_object,
    run_window,
    typed_field,
)
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

    def __init__(self, script: str, clock: Callable[[], float] = time.monotonic) -> None:
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
    times = iter([10.0, 12.5])
    process = ScriptProcess(script, clock=lambda: next(times))
    process.start()
    _wait_for_output(process)  # the child has set up its handler
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
    assert captured.err == "posture-watch test window: PostureWatchError: no display\n"


@dataclass
class _Window:
    answer: Answer

    def run(self) -> Answer:
        return self.answer
