"""Attack: the wall clock stepped mid-session (issue 18, item 4).

An NTP correction or a dual-boot time fix of -1 h left every later minute stamped an hour
ahead for the rest of the session; a restart then added its minutes onto the same minute
rows (the report said "monitored 1 h 30 min" for a 61-minute span); a step of +1 h while
frames flowed was taken as an hour asleep and a break.

Through the real loop, a real recording replay and a real SQLite history, on a manual
clock stepped mid-run (no real waiting, no dependence on today's date).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

import pytest

from posture_watch import paths
from posture_watch.clock import ManualClock
from posture_watch.core.analyzer import PostureAnalyzer, Verdict
from posture_watch.core.events import BreakStarted
from posture_watch.core.minutes import MINUTE
from posture_watch.core.report import summarize
from posture_watch.core.sampling import AdaptiveSampler
from posture_watch.core.worker_events import ClockSet, Stopped, Suspended
from posture_watch.history.recorder import open_recorder
from posture_watch.history.store import HistoryStore
from posture_watch.monitor.loop import MonitorLoop
from posture_watch.pose import open_estimator
from posture_watch.profiles import load_profile
from posture_watch.sources import RecordingSource
from posture_watch.sources.base import Frame

START = 1_790_000_000.0  # an arbitrary epoch second: no test depends on today's date
DEMO = paths.SAMPLES_DIR / "demo-session.jsonl"  # 322 s of recorded landmarks
STEP_AT = 60  # the frame before which the clock is set (about 160 s in)


class SteppingSource:
    """A recording whose wall clock is set by ``step`` seconds before frame ``at``, as
    NTP or a dual-boot time fix does: the monotonic and boot clocks are untouched."""

    is_sequence = True

    def __init__(self, inner: RecordingSource, clock: ManualClock, at: int, step: float):
        self.inner, self.clock, self.at, self.step = inner, clock, at, step
        self.label, self.has_pixels = inner.label, inner.has_pixels

    def frames(self, sample=None, on_bad_frame=None) -> Iterator[Frame]:
        for i, frame in enumerate(self.inner.frames(sample)):
            if i == self.at and self.step:
                self.clock.set_wall(self.clock.wall() + self.step)
            yield frame

    def close(self) -> None:
        self.inner.close()

    def __enter__(self) -> SteppingSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def monitor(clock: ManualClock, history: Path, step: float) -> list[object]:
    """One monitor session replaying the demo into ``history``; the events it posted."""
    events: list[object] = []
    loop = MonitorLoop(
        lambda: SteppingSource(RecordingSource(DEMO), clock, STEP_AT, step),
        PostureAnalyzer(load_profile(paths.SAMPLES_DIR / "demo-profile.json")),
        events.append,
        make_estimator=lambda source: open_estimator(source, None),
        clock=clock,
        sampler=AdaptiveSampler(1.0, 0.25),
    )
    recorder = open_recorder(history, loop.started)
    worker = threading.Thread(target=loop.run)
    worker.start()
    worker.join(60)
    assert not worker.is_alive()
    for event in events:  # the console's order: the stream, then close at Stopped
        recorder.on_event(event)
    (stopped,) = [e for e in events if isinstance(e, Stopped)]
    recorder.close(stopped.t)
    return events


def minutes(history: Path):
    with HistoryStore.open(history) as store:
        return store.minutes()


def test_a_clock_set_back_stamps_nothing_in_the_future_and_no_minute_twice(tmp_path):
    history = tmp_path / "history.sqlite3"
    clock = ManualClock(START)
    events = monitor(clock, history, step=-120.0)  # NTP: the clock was 2 min fast
    assert any(isinstance(e, ClockSet) for e in events)
    first = minutes(history)
    assert first[-1].minute < clock.wall(), "a minute stamped in the future"
    # a restart at once, on the corrected clock: its minutes meet the first session's
    monitor(clock, history, step=0.0)
    rows = minutes(history)
    stamps = [r.minute for r in rows]
    assert stamps == sorted(set(stamps)), "minute stamps go one way, each once"
    assert all(r.minute % MINUTE == 0 for r in rows)
    assert max(r.seen_s for r in rows) <= MINUTE + 1e-6, "a minute holds more than 60 s"
    with HistoryStore.open(history) as store:
        day = datetime.fromtimestamp(START, UTC).date()
        summary = summarize(store.read_history(START - 86400, START + 86400), day, UTC)
    # every second from the first minute to the end was watched, none twice: the
    # report's monitored time is the span (to the minute), not the two sessions' sum
    span = clock.wall() - START
    assert span - MINUTE <= summary.monitored_s <= span + MINUTE
    assert summary.monitored_s < 2 * 322 - MINUTE  # not the two replays added up


def test_an_hour_set_back_restamps_later_minutes_by_the_corrected_clock(tmp_path):
    history = tmp_path / "history.sqlite3"
    clock = ManualClock(START + 3600)  # a dual-boot machine that starts an hour fast
    events = monitor(clock, history, step=-3600.0)
    (step,) = [e for e in events if isinstance(e, ClockSet)]
    rows = minutes(history)
    # minutes written before the fix keep the stamps of the clock as it then read;
    # every later one is stamped by the corrected clock, none an hour ahead
    fast = (START + 3600) // MINUTE * MINUTE  # the first minute on the fast clock
    before = [r for r in rows if r.minute >= fast]
    after = [r for r in rows if r.minute < fast]
    assert before and after
    assert before[-1].minute <= step.t < before[-1].minute + MINUTE
    assert after[-1].minute <= clock.wall() < after[-1].minute + MINUTE
    assert sum(r.seen_s for r in after) == pytest.approx(322 - (step.t - START - 3600), abs=5)
    assert max(r.seen_s for r in rows) <= MINUTE + 1e-6


def test_an_hour_set_ahead_while_frames_flow_is_no_sleep_and_no_break(tmp_path):
    history = tmp_path / "history.sqlite3"
    clock = ManualClock(START)
    events = monitor(clock, history, step=3600.0)
    assert not [e for e in events if isinstance(e, Suspended)], "taken as a sleep"
    verdicts = [e for e in events if isinstance(e, Verdict)]
    breaks = [e for v in verdicts for e in v.events if isinstance(e, BreakStarted)]
    gaps = [b.t - a.t for a, b in pairwise(verdicts)]
    assert max(gaps) < 30, "true time jumped with the wall clock"
    assert not [b for b in breaks if b.t - b.away_since > 600], "an hour's break invented"
    (step,) = [e for e in events if isinstance(e, ClockSet)]
    assert step.step == pytest.approx(3600, abs=5)
    rows = minutes(history)
    assert rows[-1].minute <= clock.wall() < rows[-1].minute + 2 * MINUTE
