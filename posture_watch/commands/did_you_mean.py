"""The top-level parser says which command a typo meant: ``reprot`` → ``report``.

argparse answers an unknown command with the whole list of choices and no hint, which a
person has to read through; the closest command (by :func:`difflib.get_close_matches`) is
what they almost always meant. argparse's own wording is read back from its error
message rather than from its private attributes.
"""

from __future__ import annotations

import argparse
import difflib
import re
from typing import NoReturn

_INVALID = re.compile(r"argument COMMAND: invalid choice: '([^']*)' \(choose from (.*)\)$")


def unknown_command(message: str) -> str | None:
    """Our line for argparse's invalid-command ``message``; None for any other error."""
    found = _INVALID.match(message)
    if found is None:
        return None
    word, choices = found.group(1), re.findall(r"'([^']*)'", found.group(2))
    close = difflib.get_close_matches(word, choices, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"unknown command '{word}'; {hint}'posture-watch --help' lists the commands"


class CommandParser(argparse.ArgumentParser):
    """An :class:`argparse.ArgumentParser` whose unknown-command error names the closest
    command; every other error is argparse's own (usage, then the message, exit 2)."""

    def error(self, message: str) -> NoReturn:
        super().error(unknown_command(message) or message)
