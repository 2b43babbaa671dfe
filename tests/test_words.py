"""The visible words follow docs/words.md (issue 17: a nudge was also a tip and a
reminder, a sitting spell a bout, the event log an "event journal").

The banned words are read from the vocabulary table of docs/words.md, so the page and
the check cannot drift apart. Two kinds of check: every string literal of the package
that a person may read (not docstrings, identifiers, SQL or log messages), and what is
rendered from them: every command's help, the terminal report, the prompts, the tray
menu and its status line, and the "today so far" text.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from posture_watch import paths
from posture_watch.cli import build_parser
from posture_watch.commands import control_cli
from posture_watch.commands.did_you_mean import command_parsers
from posture_watch.core.effects import ShowIcon, ShowMenu
from posture_watch.core.prompt_rules import PromptDue, Reason, nudge_message
from posture_watch.core.prompts import PromptKind
from posture_watch.core.report_builder import day_report, week_report
from posture_watch.core.scoring import PostureState
from posture_watch.core.status import MonitorStatus
from posture_watch.core.today import Counts, Today
from posture_watch.core.tray_view import TrayView
from posture_watch.prompt_library import builtin_prompts
from posture_watch.report.terminal import render_day, render_week
from tests.report.histories import DAY, TZ, merge, working_day

ROOT = Path(__file__).resolve().parent.parent
WORDS = ROOT / "docs" / "words.md"
PACKAGE = ROOT / "posture_watch"
#: Calls whose string arguments go to the log, not to a person.
LOG_METHODS = frozenset({"debug", "info", "warning", "error", "exception", "critical", "log"})
LOGGERS = frozenset({"log", "logger", "logging", "LOG"})
#: Calls whose string arguments are words a person reads even when they are one token.
NOUN_CALLS = frozenset({"plural"})
_SQL = re.compile(r"^\s*(SELECT|INSERT|CREATE|UPDATE|DELETE|PRAGMA|ALTER|DROP|WITH)\b")
_TOKEN = re.compile(r"[^\s]+")
#: (file, text) pairs docs/words.md lists under Exceptions, with its reasons.
EXCEPTIONS = {
    ("commands/monitor.py", "ALERT slouch: "),
    ("commands/monitor.py", "ALERT long sitting: "),
}


def banned_words() -> dict[str, str]:
    """``{banned phrase: the word to use}`` from the vocabulary table of docs/words.md."""
    text = WORDS.read_text(encoding="utf-8")
    table = text.split("## The vocabulary", 1)[1].split("\n## ", 1)[0]
    banned: dict[str, str] = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("word", "") or set(cells[0]) <= {"-"}:
            continue
        for phrase in cells[2].split(","):
            if phrase.strip() not in ("", "—"):
                banned[phrase.strip().lower()] = cells[0]
    return banned


BANNED = banned_words()
_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(p) + "s?" for p in sorted(BANNED, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)


def offences(text: str) -> list[str]:
    """The banned phrases in ``text``, each with the word to use."""
    found = []
    for match in _PATTERN.finditer(text):
        phrase = match.group(1).lower()
        word = BANNED.get(phrase) or BANNED.get(phrase[:-1], "?")
        found.append(f"{match.group(1)!r} (say {word!r})")
    return found


def test_the_vocabulary_table_bans_the_words_the_issue_named() -> None:
    for phrase in ("tip", "reminder", "alert", "bout", "streak", "event journal"):
        assert phrase in BANNED, phrase
    assert BANNED["bout"] == "sitting spell" and BANNED["event journal"] == "event log"
    assert offences("1 tip shown; two Alerts; bouts") and not offences("multiple stipends")


# -- (a) string literals -----------------------------------------------------------------


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _strings_under(node: ast.AST) -> Iterator[ast.Constant]:
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str):
            yield child


def _call_name(call: ast.Call) -> tuple[str | None, str | None]:
    func = call.func
    if isinstance(func, ast.Attribute):
        owner = func.value.id if isinstance(func.value, ast.Name) else None
        return owner, func.attr
    return None, func.id if isinstance(func, ast.Name) else None


def visible_strings(source: str) -> Iterator[tuple[int, str]]:
    """(line, text) of the string literals of ``source`` a person may read."""
    tree = ast.parse(source)
    skip, nouns = _docstrings(tree), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            owner, name = _call_name(node)
            if owner in LOGGERS and name in LOG_METHODS:
                skip.update(id(c) for c in _strings_under(node))
            elif name in NOUN_CALLS:
                nouns.update(id(c) for c in _strings_under(node))
    for const in _strings_under(tree):
        text = const.value
        if id(const) in skip or _SQL.match(text):
            continue
        if id(const) not in nouns and _TOKEN.fullmatch(text.strip() or "-"):
            continue  # one token: an identifier or a stored key
        yield const.lineno, text


def test_no_visible_string_literal_uses_a_banned_word() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE).as_posix()
        for line, text in visible_strings(path.read_text(encoding="utf-8")):
            if (where, text) in EXCEPTIONS:
                continue
            found += [f"posture_watch/{where}:{line}: {o} in {text!r:.90}" for o in offences(text)]
    assert not found, "\n".join(found)


def test_the_scan_sees_visible_text_and_leaves_keys_logs_and_docstrings() -> None:
    source = '''
"""Module docstring about a bout."""
import logging
log = logging.getLogger(__name__)
def f(n):
    """A reminder in a docstring."""
    log.warning("alert %s", n)
    conn.execute("SELECT t FROM alerts")
    key = "alerts"
    word = plural(n, "tip")
    return f"{n} reminders shown"
'''
    texts = [text for _, text in visible_strings(source)]
    assert texts == ["tip", " reminders shown"]


def test_the_exceptions_are_listed_in_words_md() -> None:
    page = WORDS.read_text(encoding="utf-8")
    for where, text in EXCEPTIONS:
        assert f"`{where}`" in page and f"`{text.strip()}`" in page, (where, text)


# -- (b) rendered text ---------------------------------------------------------------------


def every_help() -> Iterator[tuple[str, str]]:
    for parser in (build_parser(), control_cli.build_parser()):
        yield "posture-watch --help", parser.format_help()
        for name, command in command_parsers(parser).items():
            yield f"posture-watch {name} --help", command.format_help()


def test_every_commands_help_uses_the_words() -> None:
    """The lists of choices (``{minutes,bouts,...}``) are stored names: left out."""
    found = [
        f"{where}: {o}"
        for where, text in every_help()
        for o in offences(re.sub(r"\{[^}]*\}", "{}", text))
    ]
    assert not found, "\n".join(found)


def test_the_terminal_report_uses_the_words() -> None:
    day = render_day(day_report(working_day(), DAY, TZ))
    quiet = render_day(day_report(replace(working_day(), prompts=()), DAY, TZ))
    days = [working_day(DAY.replace(day=d)) for d in (12, 13, 14)]
    week = render_week(week_report(merge(*days), date(2025, 5, 18), TZ))
    for text in (day, quiet, week):
        assert not offences(text), (offences(text), text)
    assert "nudges: " in day and "sitting spell" in day


def test_the_prompts_use_the_words() -> None:
    found = []
    for prompt in builtin_prompts():
        for text in (prompt.title, prompt.text, *prompt.steps):
            found += [f"{prompt.id}: {o}" for o in offences(text)]
    assert not found, "\n".join(found)
    toml = (paths.PACKAGE_DIR / "prompts" / "guide_prompts.toml").read_text(encoding="utf-8")
    comments = [line for line in toml.splitlines() if line.lstrip().startswith("#")]
    assert not offences("\n".join(comments))


def _statuses() -> Iterator[MonitorStatus]:
    t = 1_700_000_000.0
    for state in PostureState:
        status = MonitorStatus()
        status.observe(t - 600, state, t - 1500)
        status.observe(t, state, t - 1500)
        yield status
    paused = MonitorStatus()
    paused.paused, paused.paused_until = True, t + 900
    yield paused


@pytest.mark.parametrize("autostart", [None, True])
def test_the_tray_menu_and_its_tooltip_use_the_words(autostart: bool | None) -> None:
    """What :class:`TrayView` sends the tray: the tooltip and every menu entry, in every
    posture state, while calibrating and while paused."""
    t = 1_700_000_000.0
    texts = []
    for status in _statuses():
        for calibrating in (False, True):
            status.calibrating = calibrating
            for effect in TrayView().changes(status, t, autostart):
                if isinstance(effect, ShowIcon):
                    texts.append(effect.tooltip)
                elif isinstance(effect, ShowMenu):
                    texts += [entry.label for entry in effect.entries]
    assert "Pause until tomorrow" in texts and "Resume" in texts
    found = [o for text in texts for o in offences(text)]
    assert not found, (found, texts)


def test_today_so_far_uses_the_words() -> None:
    status = MonitorStatus()
    text = Today(TZ).text(status, Counts(slouch_alerts=2, long_sitting_alerts=1, prompts=3))
    assert not offences(text), text


def test_every_nudge_notification_uses_the_words() -> None:
    """The notification of every reason with every built-in prompt."""
    prompts = builtin_prompts()
    stretch = next(p for p in prompts if p.kind is PromptKind.STRETCH)
    found = []
    for prompt in prompts:
        for reason in Reason:
            due = PromptDue(0.0, reason, prompt, stretch, lasted=112.0, problem=None)
            nudge = nudge_message(due)
            found += [f"{prompt.id}/{reason}: {o}" for o in offences(nudge.title + nudge.body)]
    assert not found, "\n".join(found)
