"""Help texts a person can act on (issue 11, item 14): every option explains itself, and
nothing says it is only for tests."""

from __future__ import annotations

import argparse

from posture_watch.cli import build_parser


def subcommand(name: str) -> argparse.ArgumentParser:
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return sub.choices[name]


def option_help(command: str, option: str) -> str:
    (action,) = [a for a in subcommand(command)._actions if option in a.option_strings]
    return action.help or ""


def test_no_option_says_it_is_for_tests() -> None:
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for name, command in sub.choices.items():
        for action in command._actions:
            assert "(tests)" not in (action.help or ""), (name, action.option_strings)


def test_the_sampling_options_and_the_model_variant_are_explained() -> None:
    for command in ("monitor", "tray"):
        assert "posture stays the same" in option_help(command, "--stable-interval")
        assert "being confirmed" in option_help(command, "--confirm-interval")
        assert "faster than real time" in option_help(command, "--speed")
    for command in ("analyze", "monitor", "calibrate"):
        assert "model pull" in option_help(command, "--model-variant")


def test_export_dates_say_today_and_yesterday_work() -> None:
    for option in ("--from", "--to"):
        text = option_help("export", option)
        assert "today" in text and "yesterday" in text and "YYYY-MM-DD" in text


def test_every_command_says_what_it_does_in_its_help() -> None:
    """Issue 17: `tray --help` had no description."""
    from posture_watch.commands import control_cli
    from posture_watch.commands.did_you_mean import command_parsers

    assert {"tray", "report", "model pull", "pause"} <= set(command_parsers(build_parser()))
    for parser in (build_parser(), control_cli.build_parser()):
        commands = command_parsers(parser)
        for name, command in commands.items():
            description = command.description or ""
            assert len(description) > 10 and description[0].isupper(), name
            assert description in command.format_help(), name


def test_the_top_level_help_says_what_the_bare_command_does() -> None:
    text = " ".join(build_parser().format_help().split())
    assert "posture-watch alone prints a short status and the main commands" in text
