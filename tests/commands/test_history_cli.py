"""``export``, ``forget`` and ``journal`` as real processes on real history files."""

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from datetime import date, datetime, timedelta
from datetime import time as dtime

import pytest

from posture_watch.commands.history_cli import day_start
from posture_watch.core.events import SlouchAlert
from posture_watch.core.minutes import MinuteRow
from posture_watch.history import SCHEMA_VERSION, HistoryStore

CLI = [sys.executable, "-m", "posture_watch.cli"]
DAYS = [date(2024, 5, 1), date(2024, 5, 2), date(2024, 5, 3)]


@pytest.fixture
def env(tmp_path):
    return {
        **os.environ,
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }


@pytest.fixture
def history(tmp_path):
    """Three days, each with two minutes at 09:00 and one slouch alert at 09:01."""
    return three_days(tmp_path)


def three_days(home):
    """:func:`history`'s file under ``home`` (its data folder, the default location)."""
    path = home / "data" / "posture-watch" / "history.sqlite3"
    with HistoryStore.open(path) as store:
        for day in DAYS:
            nine = day_start(day) + 9 * 3600
            store.add_minute(MinuteRow(int(nine), 50.0, 10.0, 0.0, 0.0, 0.4, 0.6, 11.0, -1.0, 1.0))
            store.add_minute(
                MinuteRow(int(nine) + 60, 20.0, 40.0, 0.0, 0.0, 1.2, 0.5, 15.0, -2.0, None)
            )
            store.record(SlouchAlert(0.0, episode_start=-30.0), nine + 90)
    return path


def run(env, *args, stdin=None):
    return subprocess.run(
        [*CLI, *args], env=env, capture_output=True, text=True, timeout=30, stdin=stdin
    )


def one_line_error(proc, *words):
    assert proc.returncode == 2, proc
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    # a sentence for a person: no internal class name such as "ConfigError:"
    assert lines[0].startswith("posture-watch: ") and "Error" not in lines[0], lines[0]
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


# -- export -------------------------------------------------------------------------------


def test_export_csv_writes_the_minutes_of_the_chosen_days(env, history):
    proc = run(env, "export", "--from", "2024-05-02", "--to", "2024-05-03", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert list(rows[0]) == [
        "local_time", "minute", "upright_s", "slouch_s", "away_s", "unknown_s",
        "score", "head_height", "neck_angle", "shoulder_tilt", "lean", "unknown_reason",
    ]  # fmt: skip
    assert len(rows) == 4
    assert [r["local_time"][:16] for r in rows[:2]] == ["2024-05-02T09:00", "2024-05-02T09:01"]
    assert float(rows[1]["slouch_s"]) == 40.0 and rows[1]["lean"] == ""


def test_export_csv_of_one_other_table_and_of_all_tables_into_a_folder(env, history, tmp_path):
    proc = run(env, "export", "--format", "csv", "--table", "alerts", "--from", "2024-05-03")
    assert proc.returncode == 0, proc.stderr
    (alert,) = csv.DictReader(io.StringIO(proc.stdout))
    assert alert["kind"] == "slouch" and alert["local_time"].startswith("2024-05-03T09:01:30")
    out = tmp_path / "export"
    proc = run(env, "export", "--format", "csv", "--table", "all", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "6 minutes" in proc.stderr and "3 nudges due" in proc.stderr
    assert len((out / "minutes.csv").read_text().splitlines()) == 7
    assert (out / "journal.csv").read_text().startswith("local_time,id,t,pain,areas")
    proc = run(env, "export", "--format", "csv", "--table", "all")
    one_line_error(proc, "--out DIR")


def test_export_json_holds_every_table(env, history, tmp_path):
    out = tmp_path / "h.json"
    proc = run(env, "export", "--format", "json", "--to", "2024-05-01", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text())
    assert doc["format"] == "posture-watch-history" and doc["schema_version"] == SCHEMA_VERSION
    assert (doc["from"], doc["to"]) == (None, "2024-05-01")
    assert set(doc["tables"]) >= {"minutes", "alerts", "journal", "prompts", "breaks"}
    assert [m["minute"] for m in doc["tables"]["minutes"]] == [
        day_start(DAYS[0]) + 9 * 3600,
        day_start(DAYS[0]) + 9 * 3600 + 60,
    ]
    assert doc["tables"]["alerts"][0]["since"] == day_start(DAYS[0]) + 9 * 3600 + 60


def test_export_errors_are_one_line(env, history, tmp_path):
    one_line_error(run(env, "export", "--format", "csv", "--from", "May 1"), "--from", "YYYY-MM-DD")
    one_line_error(
        run(env, "export", "--format", "csv", "--from", "2024-05-03", "--to", "2024-05-01"),
        "comes before",
    )
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"\x13\x37" * 3000)
    line = one_line_error(run(env, "export", "--format", "json", "--history", str(garbage)))
    assert line.startswith(f"posture-watch: {garbage}: ") and "not a database" in line
    one_line_error(
        run(env, "export", "--format", "json", "--history", str(tmp_path / "none.sqlite3")),
        "no history yet",
    )


# -- forget -------------------------------------------------------------------------------


def test_forget_before_a_day_and_then_all(env, history):
    proc = run(env, "forget", "--before", "2024-05-03", "--yes")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "deleted history before 2024-05-03: 4 minutes, 2 nudges due"
    with HistoryStore.open(history) as store:
        assert [m.minute for m in store.minutes()] == [
            day_start(DAYS[2]) + 9 * 3600,
            day_start(DAYS[2]) + 9 * 3600 + 60,
        ]
    proc = run(env, "forget", "--all", "--yes")
    assert proc.stdout.strip() == "deleted all history: 2 minutes, 1 nudge due"
    assert run(env, "forget", "--all", "--yes").stdout.startswith("nothing to forget")
    with HistoryStore.open(history) as store:
        assert store.count() == dict.fromkeys(store.count(), 0)


def test_forget_asks_on_a_terminal_and_refuses_without_one(env, history):
    proc = run(env, "forget", "--all", stdin=subprocess.DEVNULL)
    one_line_error(proc, "needs a confirmation", "--yes")
    for answer, left in (("n\n", 6), ("y\n", 0)):
        primary, secondary = os.openpty()
        try:
            os.write(primary, answer.encode())
            proc = run(env, "forget", "--all", stdin=secondary)
        finally:
            os.close(primary)
            os.close(secondary)
        assert proc.returncode == 0, proc.stderr
        assert (
            "delete all history from" in proc.stdout and "6 minutes, 3 nudges due?" in proc.stdout
        )
        with HistoryStore.open(history) as store:
            assert len(store.minutes()) == left


WEEKS = (("2024-05-03", ("--week",)), ("2024-05-09", ("--week",)))


@pytest.fixture(scope="module")
def written_reports(tmp_path_factory):
    """The four reports, written once for the module by the real ``report`` command on
    the three days of :func:`history` (each run draws its charts: seconds apiece)."""
    home = tmp_path_factory.mktemp("reports-home")
    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
    }
    made = three_days(home)
    reports = made.parent / "reports"
    for day, week in (("2024-05-01", ()), ("2024-05-03", ()), *WEEKS):
        name = f"{day}{'-week' if week else ''}.html"
        proc = run(env, "report", "--date", day, *week, "--html", str(reports / name))
        assert proc.returncode == 0, proc.stderr
    return reports


def reports_and_event_log(written_reports, history):
    """Reports written by the real ``report`` command, copied into the reports folder:
    the days 2024-05-01 and 2024-05-03, the weeks ending 2024-05-03 (from 04-27) and
    2024-05-09 (from 05-03); an event log with two lines per day, near both ends of the
    day."""
    from posture_watch.monitor.event_log import EventLog

    reports = history.parent / "reports"
    shutil.copytree(written_reports, reports)
    log = EventLog(history.parent / "events.jsonl")
    for day in DAYS:
        for hour in (0, 23):  # both ends of the local day
            wall = datetime.combine(day, dtime(hour, 30)).astimezone()
            log.write(SlouchAlert(1.0, episode_start=-30.0), wall)
    log.close()
    return reports, history.parent / "events.jsonl"


def test_forget_deletes_the_reports_and_event_log_lines_of_those_days(
    env, history, tmp_path, written_reports
):
    reports, events = reports_and_event_log(written_reports, history)
    sibling = tmp_path / "data" / "posture-watch" / "notes.txt"  # not ours to judge
    sibling.write_text("mine")
    proc = run(env, "forget", "--before", "2024-05-03", "--yes")
    assert proc.returncode == 0, proc.stderr
    # the week ending 05-03 began on 04-27: it holds forgotten days; the next one does not
    gone = ["2024-05-01.html", "2024-05-03-week.html"]
    assert proc.stdout.splitlines() == [
        "deleted history before 2024-05-03: 4 minutes, 2 nudges due",
        *(f"deleted the report {reports / name}" for name in gone),
        f"deleted 4 lines of the event log {events}",
    ]
    assert sorted(p.name for p in reports.iterdir()) == ["2024-05-03.html", "2024-05-09-week.html"]
    days = {json.loads(line)["wall"][:10] for line in events.read_text().splitlines()}
    assert days == {"2024-05-03"}
    assert not list(events.parent.glob(".events.jsonl*"))  # no temporary copy left
    assert events.stat().st_mode & 0o777 == 0o600

    proc = run(env, "forget", "--all", "--yes")
    assert proc.stdout.splitlines() == [
        "deleted all history: 2 minutes, 1 nudge due",
        f"deleted the report {reports / '2024-05-03.html'}",
        f"deleted the report {reports / '2024-05-09-week.html'}",
        f"deleted the event log {events}",
    ]
    assert not events.exists() and list(reports.iterdir()) == []
    assert sibling.read_text() == "mine"
    # no copy of the rows is left beside the history: its write-ahead log is truncated
    wal = history.with_name(history.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_forget_without_history_still_deletes_the_reports(env, history, written_reports):
    reports, events = reports_and_event_log(written_reports, history)
    history.unlink()
    proc = run(env, "forget", "--all", "--yes")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == f"deleted the event log {events}"
    assert list(reports.iterdir()) == [] and not events.exists()
    proc = run(env, "forget", "--all", "--yes")
    one_line_error(proc, "no history yet")


def test_forget_needs_before_or_all(env, history):
    proc = run(env, "forget")
    assert proc.returncode == 2 and "one of the arguments --before --all" in proc.stderr
    one_line_error(run(env, "forget", "--before", "2024-5-x", "--yes"), "--before", "not a date")


# -- journal ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--pain", "11"], ["posture-watch: pain must be 0 to 10, got 11"]),
        (["--pain", "-1"], ["pain must be 0 to 10"]),
        (["--where", "neck,elbow"], ["unknown body area 'elbow'", "lower-back"]),
        (["--pain", "3", "--date", "2024-02-30"], ["--date", "'2024-02-30' is not a date"]),
        (["--pain", "3", "--date", "tomorrow"], ["--date", "is not a date"]),
        ([], ["empty journal entry", "--pain"]),
        (["--list", "--pain", "3"], ["cannot be combined with --pain"]),
    ],
)
def test_journal_refuses_bad_input_in_one_line(env, tmp_path, args, words):
    one_line_error(run(env, "journal", *args), *words)
    assert not (tmp_path / "data").exists()  # nothing was created


def test_journal_future_date_is_refused(env):
    future = (date.today() + timedelta(days=2)).isoformat()
    one_line_error(run(env, "journal", "--pain", "2", "--date", future), "in the future")


def test_journal_entries_are_stored_and_listed(env, tmp_path):
    proc = run(env, "journal", "--pain", "4", "--where", "Neck, upper back", "--note", "stiff")
    assert proc.returncode == 0, proc.stderr
    assert 'pain 4/10  neck, upper back  "stiff"' in proc.stdout  # the words; the key is stored
    assert "doctor" not in proc.stdout
    proc = run(env, "journal", "--numbness", "--where", "hands", "--date", "yesterday")
    assert "numbness" in proc.stdout and "see a doctor" in proc.stdout
    assert "no diagnosis" in proc.stdout
    listing = run(env, "journal", "--list", "--days", "2").stdout.splitlines()
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    assert listing[0] == f"{yesterday} 12:00  hands  numbness"
    assert listing[1].startswith(date.today().isoformat()) and "stiff" in listing[1]
    assert run(env, "journal", "--list", "--days", "1").stdout.count("\n") == 1
    path = tmp_path / "data" / "posture-watch" / "history.sqlite3"
    with HistoryStore.open(path) as store:
        (second, first) = store.journal_entries()  # oldest first: yesterday
    assert (first.pain, first.areas, first.note) == (4, ("neck", "upper-back"), "stiff")
    assert second.numbness and not second.weakness and second.pain is None


def test_journal_list_without_history_says_so(env):
    proc = run(env, "journal", "--list")
    assert (
        proc.returncode == 0
        and proc.stdout.strip() == "no pain journal entries in the last 14 days"
    )
