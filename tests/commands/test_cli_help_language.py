"""Every word of the CLI's help pages goes through ``core.text`` (issue 20): with a
translations object installed that brackets each message it is asked for, no run of
English words is left outside the brackets on any command's help page, nor in the
overview's command list. Command names, options, metavars and the choices a person types
stay as they are; they are single words, which this check lets through."""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest

from posture_watch.cli import build_parser
from posture_watch.commands import control_cli, overview
from posture_watch.commands.did_you_mean import command_parsers, unknown_command
from tests.harness.catalogs import installed

#: Two lower-case words in a row (a phrase), once the bracketed messages are taken out;
#: ``posture-watch analyze`` and ``--out FILE`` are not phrases.
PHRASE = re.compile(r"(?<![-\w])[a-z]{3,}[:,;]? [a-z]{3,}\b")
#: One bracketed message with nothing bracketed inside (messages nest: a word in a line).
BRACKETED = re.compile(r"«[^«»]*»")


class Bracketed(gettext.NullTranslations):
    """Each message in brackets, so what did not go through core.text stands out; it
    notes the message ids it was asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()

    def gettext(self, message: str) -> str:
        self.asked.add(message)
        return f"«{message}»"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        self.asked.add(msgid1)
        return f"«{msgid1 if n == 1 else msgid2}»"

    def pgettext(self, context: str, message: str) -> str:
        self.asked.add(message)
        return f"«{message}»"

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        self.asked.add(msgid1)
        return f"«{msgid1 if n == 1 else msgid2}»"


#: The shipped template: what a real catalog can translate.
TEMPLATE = Path(__file__).resolve().parents[2] / "posture_watch" / "locale" / "posture_watch.pot"


@pytest.fixture
def bracketed() -> Iterator[None]:
    """Bracketed messages; afterwards, every message asked for is in the template (one
    pybabel cannot see is bracketed here, yet English in every real language)."""
    marking = Bracketed()
    with installed(marking):
        yield
    known = {entry.msgid for entry in polib.pofile(str(TEMPLATE))}
    unknown = sorted(m for m in marking.asked - known if m.strip())
    assert unknown == [], f"asked for but not in the template: {unknown}"


def left_in_english(page: str) -> list[str]:
    while BRACKETED.search(page):  # the innermost first
        page = BRACKETED.sub(" ", page)
    return PHRASE.findall(page)


def test_every_help_page_is_translated(bracketed: None) -> None:
    parser = build_parser()  # after the language is installed, as cli.main does
    pages = {"posture-watch": parser.format_help()}
    for name, sub in command_parsers(parser).items():  # its name, `posture-watch model pull`
        pages[name] = sub.format_help().replace(sub.prog, " ")
    pages["control"] = control_cli.build_parser().format_help()
    assert len(pages) > 20
    leaks = {name: found for name, page in pages.items() if (found := left_in_english(page))}
    assert leaks == {}


def test_typo_line_and_overview_are_translated(
    bracketed: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = unknown_command("argument COMMAND: invalid choice: 'reprot' (choose from report)")
    assert line is not None and left_in_english(line) == []
    for name in ("CONFIG", "DATA", "STATE", "CACHE", "RUNTIME"):  # nobody's real files
        monkeypatch.setenv(f"XDG_{name}_{'DIR' if name == 'RUNTIME' else 'HOME'}", str(tmp_path))
    page = overview.text(tmp_path / "history.sqlite3", now=0.0)
    assert "pain journal" in page  # the command list is there
    assert left_in_english(page.replace("posture-watch COMMAND", " ")) == []


def test_the_console_monitors_lines_are_translated(bracketed: None) -> None:
    """The lines ``monitor --no-tray`` prints for each event; the values put into them
    (a camera's name, a duration, a path) are not phrases of ours."""
    from posture_watch.commands.monitor import describe
    from posture_watch.core.events import BreakEnded, BreakStarted, StateChanged
    from posture_watch.core.scoring import PostureState
    from posture_watch.core.worker_events import (
        CameraBusy,
        CameraFree,
        CameraRecovered,
        CameraUnavailable,
        FrameSkipped,
        Paused,
        Resumed,
        ScreenLocked,
        ScreenUnlocked,
        SetupChanged,
        WorkerCrashed,
    )

    events = [
        BreakStarted(1.0, 0.0),
        BreakEnded(150.0, 0.0),
        CameraUnavailable(1.0, "x", 5.0),
        CameraRecovered(1.0),
        FrameSkipped(1.0, "x"),
        ScreenLocked(1.0, "x"),
        ScreenUnlocked(1.0, "x"),
        ScreenUnlocked(1.0, "x", still_paused=True),
        CameraBusy(1.0, "", 5.0),
        CameraFree(1.0),
        SetupChanged(1.0, None),
        SetupChanged(1.0, "desk"),
        Paused(1.0, None),
        Resumed(1.0),
        WorkerCrashed(1.0, "x", 5.0, "x"),
        *(StateChanged(1.0, state, PostureState.UPRIGHT) for state in PostureState),
    ]
    lines = {f"{type(event).__name__} {i}": describe(event) for i, event in enumerate(events)}
    assert all(lines.values())
    assert {name: line for name, line in lines.items() if left_in_english(line or "")} == {}


def test_a_typo_is_still_understood_when_argparse_speaks_another_language(
    tmp_path: Path,
) -> None:
    """argparse's own errors come translated (from our catalogs) before did_you_mean reads
    them back: it reads them in the same language, so the pseudo-locale still gets the
    closest command and option."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "LANGUAGE": "en@pseudo", "HOME": str(tmp_path)}
    env.update({f"XDG_{n}_HOME": str(tmp_path / n) for n in ("CONFIG", "DATA", "STATE")})
    for words, close in ((["reprot"], "'report'"), (["settings", "--chek"], "'--check'")):
        proc = subprocess.run(
            [sys.executable, "-m", "posture_watch.cli", *words],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.returncode == 2
        last = proc.stderr.strip().splitlines()[-1]
        assert close in last and "did you mean" not in last, last  # found, and translated


def test_forget_names_every_table_of_the_history_in_words(bracketed: None) -> None:
    """``forget`` counts what it deletes per table: every table of the schema has its
    words in the catalog, none falls back to its key ("3 break timing")."""
    from posture_watch.commands.history_cli import describe_rows
    from posture_watch.history.schema import TABLES

    parts = describe_rows(dict.fromkeys(TABLES, 2)).split("«, »")
    assert len(parts) == len(TABLES)
    assert [p for p in parts if not (p.startswith("«") or p.endswith("»"))] == []
