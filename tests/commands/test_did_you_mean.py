"""A mistyped command gets the closest one (commands/did_you_mean.py, issue 17)."""

from __future__ import annotations

import pytest

from posture_watch.cli import main
from posture_watch.commands.did_you_mean import unknown_command, unknown_options


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("reprot", "report"), ("calbrate", "calibrate"), ("stauts", "status"), ("journl", "journal")],
)
def test_a_typo_names_the_command_it_was_close_to(typed, meant, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([typed])
    assert exit_.value.code == 2
    last = capsys.readouterr().err.splitlines()[-1]
    assert f"unknown command '{typed}'; did you mean '{meant}'?" in last
    assert "choose from" not in last  # not the whole list to read through


def test_nothing_close_suggests_nothing_and_other_errors_stay_argparses():
    line = unknown_command("argument COMMAND: invalid choice: 'zzz' (choose from 'a', 'report')")
    assert line == "unknown command 'zzz'; 'posture-watch --help' lists the commands"
    assert unknown_command("unrecognized arguments: --bogus") is None


def error_of(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    return capsys.readouterr().err.splitlines()


@pytest.mark.parametrize(
    ("argv", "usage", "last"),
    [
        (
            ["model", "pul"],
            "usage: posture-watch model ",
            "posture-watch model: error: unknown command 'pul'; did you mean 'pull'?",
        ),
        (
            ["autostart", "of"],
            "usage: posture-watch autostart ",
            "posture-watch autostart: error: argument action: invalid choice 'of'; "
            "did you mean 'off'?",
        ),
        (
            ["settings", "--chek"],
            "usage: posture-watch settings ",
            "posture-watch settings: error: unrecognized arguments: --chek; "
            "did you mean '--check'?",
        ),
        (
            ["pause", "10", "minutes"],
            "usage: posture-watch pause ",
            "posture-watch pause: error: unrecognized arguments: minutes",
        ),
        (
            ["model", "verify", "--modle", "x"],
            "usage: posture-watch model verify ",
            "posture-watch model verify: error: unrecognized arguments: --modle x; "
            "did you mean '--model'?",
        ),
    ],
)
def test_a_commands_error_shows_that_commands_usage_and_the_closest_word(argv, usage, last, capsys):
    """Issue 17: `settings --chek` and `pause 10 minutes` printed the top-level usage."""
    lines = error_of(argv, capsys)
    assert lines[0].startswith(usage), lines
    assert lines[-1].startswith(last), lines
    assert "COMMAND ..." not in "\n".join(lines)


def test_the_top_level_still_says_its_own_errors(capsys):
    lines = error_of(["--chek"], capsys)
    assert lines[0].startswith("usage: posture-watch [-h]")
    assert (
        lines[-1]
        == "posture-watch: error: no command given; 'posture-watch --help' lists the commands"
    )


def test_an_option_close_to_nothing_gets_no_guess():
    assert unknown_options(["--zzzzzz"], ["--check", "--path"]) == (
        "unrecognized arguments: --zzzzzz"
    )
    assert unknown_options(["extra", "--chek"], ["--check"]) == (
        "unrecognized arguments: extra --chek; did you mean '--check'?"
    )
