"""A mistyped command gets the closest one (commands/did_you_mean.py, issue 17)."""

from __future__ import annotations

import pytest

from posture_watch.cli import main
from posture_watch.commands.did_you_mean import unknown_command


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
