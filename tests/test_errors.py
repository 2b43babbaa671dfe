"""The one error-to-exit-code handler shared by ``posture-watch`` and the control commands."""

from __future__ import annotations

import pytest

from posture_watch.errors import (
    EXIT_INTERRUPTED,
    ConfigError,
    StorageError,
    caused_by_ctrl_c,
    run_command,
)


def raising(exc: BaseException):
    def command() -> int:
        raise exc

    return command


def test_a_clean_run_returns_its_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_command(lambda: 0) == 0
    assert run_command(lambda: 3) == 3
    assert capsys.readouterr().err == ""


def test_our_errors_are_one_line_with_their_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_command(raising(ConfigError("bad value", hint="use 5"))) == 2
    assert capsys.readouterr().err == "posture-watch: bad value (use 5)\n"

    class Gone(StorageError):
        exit_code = 3

    assert run_command(raising(Gone("no monitor"))) == 3
    assert capsys.readouterr().err == "posture-watch: no monitor\n"


def test_ctrl_c_and_a_closed_pipe(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_command(raising(KeyboardInterrupt())) == EXIT_INTERRUPTED
    assert capsys.readouterr().err == "posture-watch: interrupted\n"
    assert run_command(raising(BrokenPipeError())) == 0
    assert capsys.readouterr().err == ""


def test_a_wrapped_ctrl_c_is_still_one_and_a_bug_keeps_its_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as inner:
            raise RuntimeError("Error calling __set_name__") from inner
    except RuntimeError as wrapped:
        assert caused_by_ctrl_c(wrapped)
        assert run_command(raising(wrapped)) == EXIT_INTERRUPTED
    with pytest.raises(ValueError, match="a real bug"):
        run_command(raising(ValueError("a real bug")))
    assert not caused_by_ctrl_c(ValueError("x"))
