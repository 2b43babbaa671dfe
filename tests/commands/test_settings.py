"""``posture-watch settings``: print, locate or check the settings file."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from posture_watch.commands import settings as settings_command
from posture_watch.config import DEFAULT_TOML, config_from_text
from posture_watch.errors import ConfigError
from tests.harness.settings_files import write


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="posture-watch")
    sub = parser.add_subparsers(dest="command", required=True)
    settings_command.add_parser(sub)
    args = parser.parse_args(["settings", *argv])
    return int(args.run(args))


def test_settings_path_creates_the_file(
    config_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("--path") == 0
    assert capsys.readouterr().out == f"{config_home}\n"
    assert config_home.read_text(encoding="utf-8") == DEFAULT_TOML


def test_settings_check(config_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("--check") == 0
    assert capsys.readouterr().out.startswith(f"ok {config_home} (no file yet")
    assert not config_home.exists()  # checking writes nothing
    write(config_home, "[sitting]\nsit_max = 40\n")
    assert run_cli("--check") == 0
    assert capsys.readouterr().out == f"ok {config_home}\n"
    write(config_home, "[sitting]\nsit_max = true\n")
    with pytest.raises(ConfigError, match=r"\[sitting\] sit_max = True"):
        run_cli("--check")


def test_settings_prints_the_effective_settings(
    config_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(config_home, "[sitting]\nsit_max = 40\n")
    assert run_cli() == 0
    out = capsys.readouterr().out
    assert out.startswith(f"# effective settings from {config_home}\n")
    assert "sit_max = 40" in out and "break_min = 2" in out
    assert config_from_text(out, "stdout").decision.sit_max == 2400.0


def test_settings_with_config_checks_shows_and_locates_that_file_and_never_creates_it(
    config_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The file other commands take with --config can be checked before they use it."""
    named = tmp_path / "desk.toml"
    with pytest.raises(ConfigError, match=rf"^{re.escape(str(named))}: no such settings file$"):
        run_cli("--check", "--config", str(named))
    with pytest.raises(ConfigError, match="no such settings file"):
        run_cli("--path", "--config", str(named))
    assert not named.exists() and not config_home.exists()
    write(named, "[sitting]\nsit_max = fifty\n")
    with pytest.raises(ConfigError) as info:
        run_cli("--check", "--config", str(named))
    assert info.value.hint == "sit_max takes a number of minutes between 1 and 480"
    write(named, "[sitting]\nsit_max = 40\n")
    assert run_cli("--check", "--config", str(named)) == 0
    assert capsys.readouterr().out == f"ok {named}\n"
    assert run_cli("--config", str(named)) == 0
    assert "sit_max = 40" in capsys.readouterr().out
    assert run_cli("--path", "--config", str(named)) == 0
    assert capsys.readouterr().out == f"{named}\n"
    assert not config_home.exists()  # the user's own file was never touched


def test_settings_options_exclude_each_other(config_home: Path) -> None:
    with pytest.raises(SystemExit):
        run_cli("--path", "--check")


def test_main_cli_reports_config_errors_in_one_line(
    config_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through the real CLI: one line, exit 2."""
    from posture_watch import cli

    write(config_home, "[sitting]\nsit_max = 0\n")
    assert cli.main(["settings", "--check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"posture-watch: {config_home}: [sitting] sit_max = 0")
    assert err.count("\n") == 1
