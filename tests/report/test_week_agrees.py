"""Issue 11, item 7: the week's sentences agree with its table, on a real history file.

The history is written to SQLite through the history's own schema and read back by the
``report`` command, so the check covers the whole path a user's week takes. The numbers
in the sentences are compared with what the table itself shows, row by row, rather than
with constants: a table that marks a day one way and a sentence that counts it the other
way fails here.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest

from posture_watch import cli
from posture_watch.core.journal import JournalEntry
from posture_watch.core.report_builder import MIN_DAY_MONITORED_S, MIN_TREND_DAYS
from tests.report.histories import DAY, at, merge, short_session, working_day, write_history

DAYS = [DAY + timedelta(days=i) for i in range(7)]  # Mon 12 - Sun 18 May 2025


@pytest.fixture(scope="module")
def week_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Mon: a working day, pain 2; Tue: 10 min monitored, pain 4 (the issue's day);
    Wed: a working day; Fri: 4 min monitored, pain 3; Sat: pain 5, nothing monitored."""
    history = merge(
        working_day(DAYS[0], late_slouch=20),
        short_session(DAYS[1], states="U" * 10),
        working_day(DAYS[2], late_slouch=12),
        short_session(DAYS[4], states="UUSU"),
    )
    journal = (
        JournalEntry(at(18, DAYS[0]), pain=2),
        JournalEntry(at(18, DAYS[1]), pain=4),
        JournalEntry(at(18, DAYS[4]), pain=3),
        JournalEntry(at(18, DAYS[5]), pain=5),
    )
    path = tmp_path_factory.mktemp("week") / "history.sqlite3"
    return write_history(path, replace(history, journal=journal))


@pytest.fixture
def week_output(week_file, isolated_dirs, tmp_path, capsys) -> tuple[str, str]:
    page = tmp_path / "week.html"
    args = ["report", "--week", "--date", "2025-05-18", "--history", str(week_file)]
    assert cli.main([*args, "--html", str(page)]) == 0
    return capsys.readouterr().out, page.read_text(encoding="utf-8")


def _terminal_rows(text: str) -> list[dict[str, str]]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("day "))
    rows = []
    for line in lines[start + 1 : start + 8]:
        cells = re.split(r"\s{2,}", line.strip())
        rows.append(
            {"day": cells[0], "monitored": cells[1], "upright": cells[2], "pain": cells[-1]}
        )
    return rows


def _html_rows(page: str) -> list[dict[str, str]]:
    table = re.search(r"<table>(.*?)</table>", page, re.S).group(1)  # type: ignore[union-attr]
    rows = []
    head, *body = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    names = re.findall(r"<th>(.*?)</th>", head)
    for tr in body:
        tr = re.sub(r'<span class="k">.*?</span>', "", tr)  # a phone's name for the column
        cells = [unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td>(.*?)</td>", tr)]
        rows.append(dict(zip(names, cells, strict=True)))
    return rows


def _counts(row: dict[str, str]) -> bool:
    """What the table says: monitored, and not marked as too short."""
    return row["monitored"] not in ("–", "") and not row["monitored"].endswith("*")


def _check(rows: list[dict[str, str]], text: str) -> None:
    assert len(rows) == 7
    with_pain = [r for r in rows if r["pain"] != "–" and _counts(r)]
    n = len(with_pain)
    assert f"No clear pattern yet: {n} day{'s have' if n != 1 else ' has'} both a pain" in text
    trend_days = [r for r in rows if _counts(r) and r["upright"] != "–"]
    t = len(trend_days)
    if t < MIN_TREND_DAYS:
        assert f"Too few days for a trend: {t} of 7 days {'has' if t == 1 else 'have'}" in text
    else:
        assert "Too few days for a trend" not in text
        assert re.search(r"Upright share (rose|fell|held steady)", text)
    short = [r for r in rows if r["monitored"].endswith("*")]
    for r in short:
        if r["pain"] != "–":  # a short day with pain is named, with its minutes
            assert f"{r['day']} ({r['monitored'].rstrip('*')})" in text
    assert f"under {MIN_DAY_MONITORED_S / 60:.0f} min monitored: not counted" in text
    rule = f"Days with at least {MIN_DAY_MONITORED_S / 60:.0f} min monitored count towards"
    assert rule in text.replace("\n", " ")


def test_terminal_text_agrees_with_its_table(week_output):
    text, _ = week_output
    rows = _terminal_rows(text)
    tue = rows[1]
    assert (tue["day"], tue["monitored"], tue["pain"]) == ("Tue 13 May", "10 min", "4")
    assert rows[4]["monitored"] == "4 min*"
    _check(rows, " ".join(text.split()))
    assert "2 days have both a pain entry" in " ".join(text.split())  # Mon and the 10-min Tue


def test_html_text_agrees_with_its_table(week_output):
    _, page = week_output
    rows = _html_rows(page)
    assert [r["monitored"] for r in rows[:2]] == ["8 h 00 min", "10 min"]
    assert rows[1]["pain"] == "4" and rows[4]["monitored"] == "4 min*"
    text = unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))
    _check(rows, text)


def test_a_day_just_under_the_minimum_is_marked_and_explained(tmp_path, isolated_dirs, capsys):
    history = replace(
        short_session(DAYS[1], states="U" * 9),
        journal=(JournalEntry(at(18, DAYS[1]), pain=4),),
    )
    path = write_history(tmp_path / "h.sqlite3", history)
    assert cli.main(["report", "--week", "--date", "2025-05-18", "--history", str(path)]) == 0
    text = capsys.readouterr().out
    rows = _terminal_rows(text)
    assert rows[1]["monitored"] == "9 min*"
    flat = " ".join(text.split())
    assert "0 days have both a pain entry" in flat
    assert "Too few days for a trend: 0 of 7 days have at least 10 min monitored" in flat
    assert "Pain was logged but too little monitored on Tue 13 May (9 min)." in flat
