"""The CLI's parsers say what a typo meant, and each command answers with its own usage.

argparse answers an unknown command with the whole list of choices and no hint, which a
person has to read through; the closest command (by :func:`difflib.get_close_matches`) is
what they almost always meant: ``reprot`` → ``report``, ``model pul`` → ``pull``,
``autostart of`` → ``off``, ``settings --chek`` → ``--check``.

argparse also reports a command's unknown words from the top-level parser, with the
top-level usage (``posture-watch [-h] [--version] COMMAND ...``), which says nothing about
the command that was typed. :class:`CommandParser` makes every command's parser refuse
its own unknown words, so ``settings --chek`` and ``pause 10 minutes`` show the usage of
``settings`` and ``pause``. Every command's parser also gets a description (its help
line) when it was added without one, so ``COMMAND --help`` always says what it does.

argparse's own wording is read back from its error messages rather than from its
private attributes. The words argparse itself puts around ours (``usage:``, the section
titles, ``-h``'s help, ``error:``) are said through ``core.text`` as well, so a help page
is in one language; argparse's own error messages stay its own.
"""

from __future__ import annotations

import argparse
import difflib
import gettext
import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

from posture_watch.core.text import pgettext

#: argparse's own messages, as argparse words them (in the chosen language: argparse asks
#: gettext's global domain, which posture_watch.i18n points at our catalogs).
ARGUMENT = "argument %(argument_name)s: %(message)s"
INVALID_CHOICE = "invalid choice: %(value)r (choose from %(choices)s)"
UNRECOGNIZED = "unrecognized arguments: %s"
REQUIRED = "the following arguments are required: %s"


def argparse_says(template: str) -> str:
    """``template`` as argparse says it now: the same lookup argparse makes."""
    return gettext.gettext(template)


def _read_back(template: str, fields: dict[str, str]) -> str:
    """A regular expression for ``template`` as said now, each of ``fields`` (a printf
    field such as ``%(value)r``) replaced by its group."""
    pattern = re.escape(argparse_says(template))
    for field, group in fields.items():
        pattern = pattern.replace(re.escape(field), group, 1)
    return pattern


def _invalid_choice() -> re.Pattern[str]:
    """argparse's invalid-choice error: the argument, the word, the choices."""
    choice = _read_back(
        INVALID_CHOICE,
        {"%(value)r": "'?(?P<word>[^']*?)'?", "%(choices)s": "(?P<choices>.*)"},
    )
    whole = _read_back(ARGUMENT, {"%(argument_name)s": "(?P<argument>.+?)", "%(message)s": choice})
    return re.compile(whole + "$", re.DOTALL)


def _unrecognized(message: str) -> list[str] | None:
    """The words of argparse's unrecognized-arguments ``message``; None for another one."""
    found = re.fullmatch(_read_back(UNRECOGNIZED, {"%s": "(?P<words>.*)"}), message, re.DOTALL)
    return None if found is None else found.group("words").split()


def _closest(word: str, choices: Sequence[str]) -> str | None:
    close = difflib.get_close_matches(word, choices, n=1)
    return close[0] if close else None


def unknown_command(message: str, prog: str = "posture-watch") -> str | None:
    """Our line for argparse's invalid-choice ``message`` of the parser ``prog``; None for
    any other error. A command (``COMMAND``, ``{pull,verify}``) is named as one; any other
    choice (``autostart of``) keeps the list, which is short."""
    found = _invalid_choice().match(message)
    if found is None:
        return None
    argument, word = found.group("argument"), found.group("word")
    choices = [c.strip().strip("'") for c in found.group("choices").split(",")]
    close = _closest(word, choices)
    if argument == "COMMAND" or argument.startswith("{"):
        if close:
            return pgettext(
                "cli",
                "unknown command '{word}'; did you mean '{close}'? '{prog} --help' lists "
                "the commands",
            ).format(word=word, close=close, prog=prog)
        return pgettext(
            "cli", "unknown command '{word}'; '{prog} --help' lists the commands"
        ).format(word=word, prog=prog)
    listed = ", ".join(f"'{c}'" for c in choices)
    if close:
        return pgettext(
            "cli",
            "argument {argument}: invalid choice '{word}'; did you mean '{close}'? "
            "(choose from {choices})",
        ).format(argument=argument, word=word, close=close, choices=listed)
    return pgettext(
        "cli", "argument {argument}: invalid choice '{word}'; (choose from {choices})"
    ).format(argument=argument, word=word, choices=listed)


def unknown_options(words: Sequence[str], options: Sequence[str]) -> str:
    """``unrecognized arguments: --chek; did you mean '--check'?``: the words a command did
    not take, with the closest of its ``options`` to the first one that looks like one."""
    given = " ".join(words)
    for word in words:
        if word.startswith("-"):
            close = _closest(word.split("=", 1)[0], options)
            if close is not None:
                return pgettext(
                    "cli", "unrecognized arguments: {words}; did you mean '{close}'?"
                ).format(words=given, close=close)
            break
    return pgettext("cli", "unrecognized arguments: {words}").format(words=given)


class TranslatedHelp(argparse.HelpFormatter):
    """argparse's help layout, with ``usage:`` in the person's language."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        if prefix is None:
            prefix = pgettext("cli", "usage: ")
        super().add_usage(usage, actions, groups, prefix)


class CommandParser(argparse.ArgumentParser):
    """An :class:`argparse.ArgumentParser` whose errors name the closest command or option.

    Its commands' parsers are CommandParsers too (:class:`Commands`); those refuse the
    words they do not take themselves, with their own usage, instead of handing them up
    to the top-level parser. Every other error is argparse's own (usage, message, exit 2).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", TranslatedHelp)
        super().__init__(*args, **kwargs)
        # argparse's own words around ours, made when the parser is (after the language
        # was chosen): the section titles and -h's line
        self._positionals.title = pgettext("cli", "positional arguments")
        self._optionals.title = pgettext("cli", "options")
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = pgettext("cli", "show this help message and exit")
        self.register("action", "parsers", Commands)
        #: True for a command's parser (set by :class:`Commands`); the top-level parser
        #: keeps argparse's own handling of unknown words.
        self.is_command = False

    def option_strings(self) -> list[str]:
        """Every option this parser takes (``--check``, ``-h``...)."""
        return [s for action in self._actions for s in action.option_strings]

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        if extras and self.is_command:
            self.error(argparse_says(UNRECOGNIZED) % " ".join(extras))
        return parsed, extras

    def error(self, message: str) -> NoReturn:
        if message == argparse_says(REQUIRED) % "COMMAND":  # only with options (`--chek`)
            message = pgettext(
                "cli", "no command given; '{prog} --help' lists the commands"
            ).format(prog=self.prog)
        unrecognized = _unrecognized(message)
        if unrecognized is not None:
            message = unknown_options(unrecognized, self.option_strings())
        self.print_usage(sys.stderr)
        line = pgettext("cli", "{prog}: error: {message}").format(
            prog=self.prog, message=unknown_command(message, self.prog) or message
        )
        self.exit(2, line + "\n")


class Commands(argparse._SubParsersAction):  # argparse's registered "parsers" action
    """The ``add_subparsers`` action of a :class:`CommandParser`: its commands' parsers
    are CommandParsers that refuse their own unknown words, and a command added without a
    description gets its help line as one (``tray --help`` says what ``tray`` does)."""

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        help_line = kwargs.get("help")
        if kwargs.get("description") is None and help_line:
            kwargs["description"] = pgettext("cli", "{help_line}.").format(
                help_line=help_line[0].upper() + help_line[1:]
            )
        parser = super().add_parser(name, **kwargs)
        if isinstance(parser, CommandParser):
            parser.is_command = True
        return parser


def command_parsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Every command's parser below ``parser``, by its words (``"model pull"``)."""
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found[name] = sub
                found.update({f"{name} {k}": v for k, v in command_parsers(sub).items()})
    return found


__all__ = ["CommandParser", "Commands", "command_parsers", "unknown_command", "unknown_options"]
