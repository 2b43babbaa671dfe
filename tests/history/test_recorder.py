"""HistoryRecorder: the demo session replayed in-process into a real file, events once,
a locked file waited for without losing anything, and the fall back to memory when the
file cannot be used. Times are epoch seconds, as the monitor stamps them."""

import os
import sqlite3
from contextlib import closing

import pytest

from posture_watch import paths
from posture_watch.core.analyzer import PostureAnalyzer
from posture_watch.core.events import SlouchAlert
from posture_watch.core.minutes import MinuteRow
from posture_watch.core.settings import Settings
from posture_watch.core.worker_events import Paused, Resumed
from posture_watch.history import HistoryStore, open_recorder
from posture_watch.profiles import load_profile
from posture_watch.sources import open_source

ORIGIN = 1_700_000_040.0  # a minute start


@pytest.fixture(scope="module")
def demo_verdicts():
    """The bundled demo session through the real analyzer, sit_max shortened as in --demo."""
    baseline = load_profile(paths.SAMPLES_DIR / "demo-profile.json")
    analyzer = PostureAnalyzer(baseline, Settings().with_overrides(sit_max=105.0))
    with open_source(paths.SAMPLES_DIR / "demo-session.jsonl") as source:
        verdicts = [analyzer.step(ORIGIN + frame.t, frame.landmarks) for frame in source]
    return verdicts, analyzer.finish(verdicts[-1].t + 2.0)


def replay(recorder, verdicts):
    """As the monitor loop emits: each verdict, its timeline events inside it."""
    for verdict in verdicts:
        recorder.on_event(verdict)


def table(path, name):
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(f"SELECT * FROM {name} ORDER BY rowid").fetchall()


def test_the_demo_session_becomes_minutes_and_events_in_wall_time(tmp_path, demo_verdicts):
    verdicts, finish = demo_verdicts
    path = tmp_path / "history.sqlite3"
    lines = []
    recorder = open_recorder(path, ORIGIN, report=lines.append)
    replay(recorder, verdicts)
    written_before_close = len(table(path, "minutes"))
    for event in finish:
        recorder.on_event(event)
    t_end = verdicts[-1].t + 2.0
    recorder.close(t_end)
    assert lines == [] and not recorder.fell_back
    minutes = table(path, "minutes")
    assert written_before_close == len(minutes) - 1  # only the open minute waited for close
    assert [m[0] for m in minutes] == [int(ORIGIN) + 60 * i for i in range(len(minutes))]
    seconds = [sum(m[1:5]) for m in minutes]
    assert all(0 < s <= 60 + 1e-6 for s in seconds)
    assert sum(seconds) == pytest.approx(t_end - verdicts[0].t, abs=0.5)
    upright, slouch, away = (sum(m[i] for m in minutes) for i in (1, 2, 3))
    assert upright > 60 and slouch > 20 and away > 120  # the demo's story
    assert all(m[6] is not None for m in minutes if m[1] + m[2] > 0)  # a head height
    alerts = table(path, "alerts")
    assert [a[1] for a in alerts] == ["slouch", "long_sitting"]  # once each, not twice
    assert all(ORIGIN < a[0] < t_end for a in alerts)
    (brk,) = table(path, "breaks")
    assert brk[1] is not None and brk[1] - brk[0] >= 120
    assert len(table(path, "bouts")) == 2  # the one the break ended, and the open one


def test_a_damaged_file_falls_back_to_memory_with_one_line(tmp_path, demo_verdicts):
    path = tmp_path / "history.sqlite3"
    garbage = os.urandom(8192)
    path.write_bytes(garbage)
    lines = []
    recorder = open_recorder(path, ORIGIN, report=lines.append)
    replay(recorder, demo_verdicts[0][:40])
    assert recorder.fell_back and recorder.store.path is None
    assert len(recorder.store.export()["minutes"]) >= 1  # today's history, in memory
    recorder.close(demo_verdicts[0][39].t)
    assert lines == [
        f"history: cannot use {path}: file is not a database; keeping today's history in memory"
    ]
    assert path.read_bytes() == garbage  # never overwritten


def test_a_locked_file_holds_writes_in_memory_and_catches_up(tmp_path, demo_verdicts):
    """Another program holds the file for a while: nothing goes to memory for good,
    nothing is lost, and the next writes after it lets go reach the file in order."""
    verdicts, _ = demo_verdicts
    path = tmp_path / "history.sqlite3"
    lines = []
    recorder = open_recorder(path, ORIGIN, report=lines.append, busy_timeout=0.05)
    replay(recorder, verdicts[:40])
    on_disk = len(table(path, "minutes"))
    assert on_disk >= 1
    with closing(sqlite3.connect(path, isolation_level=None)) as holder:
        holder.execute("BEGIN EXCLUSIVE")  # another program holds the file
        replay(recorder, verdicts[40:80])
        assert recorder.pending >= 1 and len(lines) == 1
        holder.execute("ROLLBACK")
    assert "is locked by another program" in lines[0]
    replay(recorder, verdicts[80:])
    assert recorder.pending == 0 and not recorder.fell_back
    assert "free again" in lines[-1]
    recorder.close(verdicts[-1].t + 2.0)
    minutes = [m[0] for m in table(path, "minutes")]
    assert minutes == [int(ORIGIN) + 60 * i for i in range(len(minutes))]  # no gap
    assert len(minutes) > on_disk
    assert [a[1] for a in table(path, "alerts")] == ["slouch", "long_sitting"]


def test_a_file_still_locked_at_close_is_said_in_one_line(tmp_path, demo_verdicts):
    verdicts, _ = demo_verdicts
    path = tmp_path / "history.sqlite3"
    lines = []
    recorder = open_recorder(path, ORIGIN, report=lines.append, busy_timeout=0.01)
    with closing(sqlite3.connect(path, isolation_level=None)) as holder:
        holder.execute("BEGIN EXCLUSIVE")
        replay(recorder, verdicts[:40])
        recorder.close(verdicts[39].t)
        holder.execute("ROLLBACK")
    assert "stayed locked" in lines[-1] and "could not be saved" in lines[-1]


def test_pauses_interrupt_the_minute_and_are_stored(tmp_path, demo_verdicts):
    verdicts, _ = demo_verdicts
    recorder = open_recorder(tmp_path / "h.sqlite3", ORIGIN)
    recorder.on_event(verdicts[0])
    recorder.on_event(Paused(verdicts[0].t + 1, until=None))
    recorder.on_event(Resumed(verdicts[0].t + 3))
    recorder.on_event(SlouchAlert(verdicts[0].t + 3, episode_start=verdicts[0].t))
    recorder.close(verdicts[0].t + 3)
    with HistoryStore.open(tmp_path / "h.sqlite3") as store:
        out = store.export()
    assert out["pauses"] == [{"start": ORIGIN + 1, "end": ORIGIN + 3}]
    assert len(out["alerts"]) == 1
    assert sum(out["minutes"][0][k] for k in ("upright_s", "slouch_s", "away_s", "unknown_s")) == 0


def test_intervals_a_crashed_session_left_open_are_ended_at_its_last_minute(tmp_path):
    path = tmp_path / "h.sqlite3"
    with HistoryStore.open(path) as store:
        store.add_minute(MinuteRow(int(ORIGIN), 30.0, 0.0, 0.0, 0.0))
        store.record(Paused(0.0, until=None), ORIGIN + 10)
    open_recorder(path, ORIGIN + 3600).close(0.0)
    assert table(path, "pauses") == [(ORIGIN + 10, ORIGIN + 60)]


def test_a_minute_of_unknown_frames_keeps_its_time_but_no_posture_numbers(tmp_path, demo_verdicts):
    """A person turned sideways is measured, but not judged: the minute says unknown, and
    no score (which would read as upright) or side-on geometry is stored for it."""
    from dataclasses import replace

    from posture_watch.core.scoring import PostureState

    verdicts = [replace(v, state=PostureState.UNKNOWN, events=()) for v in demo_verdicts[0][:20]]
    assert verdicts[0].person and verdicts[0].feature_row()["head_height"] is not None
    recorder = open_recorder(tmp_path / "h.sqlite3", ORIGIN)
    replay(recorder, verdicts)
    recorder.close(verdicts[-1].t + 2.0)
    with HistoryStore.open(tmp_path / "h.sqlite3") as store:
        (minute, *_) = store.export()["minutes"]
    assert minute["unknown_s"] > 50 and minute["upright_s"] == 0
    assert minute["score"] is None and minute["head_height"] is None and minute["lean"] is None
