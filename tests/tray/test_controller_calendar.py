"""The session over a night's suspend, with the real worker, history and event log.

The calendar rules themselves (midnight, daylight-saving changes, the daily report, quiet
hours) are stepped in tests/core/test_session.py. Here the events of a real monitor loop,
whose machine sleeps 8 hours over midnight and the spring clock change, go through the
session one at a time, each at the instant it was stamped, as the tray controller does
live; its effects reach the real SQLite recorder and event log.

Everything runs on injected clocks (:class:`ManualClock`) set to fixed instants in 2027,
in the Europe/Berlin zone (``TZ`` for this process only), so the test passes on any date,
in any zone the machine is in, and takes no time. Berlin changes its clocks on Sunday
28 March 2027 (02:00 CET becomes 03:00 CEST: a 23-hour day).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from posture_watch.clock import ManualClock
from posture_watch.core import effects as fx
from posture_watch.core.analyzer import PostureAnalyzer, Verdict
from posture_watch.core.stream import Tick
from posture_watch.core.worker_events import Stopped, Suspended
from posture_watch.history import open_recorder
from posture_watch.history.store import HistoryStore
from posture_watch.history.today import RecorderToday
from posture_watch.monitor.event_log import EventLog
from posture_watch.monitor.loop import MonitorLoop
from posture_watch.pose import RecordedLandmarks
from posture_watch.profiles import load_profile
from posture_watch.sources import RecordingSource
from tests.core.test_session import (
    BERLIN,
    DEMO,
    HOUR,
    PROFILE,
    SPRING,
    count_new_days,
    in_berlin,  # noqa: F401 (a fixture)
    make,
)
from tests.core.test_session import berlin as at
from tests.harness.fakes import SuspendingSource

# -- an 8-hour suspend mid-bout, over midnight and the spring change ------------------------


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[EventLog]:
    log = EventLog(tmp_path / "events.jsonl")
    yield log
    log.close()


def test_an_eight_hour_suspend_over_midnight_and_the_clock_change(
    journal,
    tmp_path,
    monkeypatch,
    in_berlin,  # noqa: F811 (the fixture)
):
    """Sitting at 21:00 on the evening before the spring change, the laptop sleeps for 8
    hours mid-bout: it wakes at 06:01 summer time (8 true hours, 9 by the wall clock).
    Today's tallies start again once, at the first event of the new day; the sleep is
    neither sitting nor slouching; the sitting stretch starts again after the wake; the
    history has no minute in the gap and stamps the new minutes in summer time."""
    eve = SPRING - timedelta(days=1)
    worker_clock = ManualClock(at(eve, 21, 0))
    events: list[object] = []
    loop = MonitorLoop(
        lambda: SuspendingSource(RecordingSource(DEMO), worker_clock, 20, 8),
        PostureAnalyzer(load_profile(PROFILE)),
        events.append,
        make_estimator=lambda source: RecordedLandmarks(),
        clock=worker_clock,
    )
    worker = threading.Thread(target=loop.run)
    worker.start()
    worker.join(60)
    assert not worker.is_alive() and isinstance(events[-1], Stopped)
    (suspended,) = [e for e in events if isinstance(e, Suspended)]
    assert suspended.slept == pytest.approx(8 * HOUR, abs=5)

    history = tmp_path / "history.sqlite3"
    recorder = open_recorder(history, loop.started)  # what the controller opens first
    run = make(loop.started, reader=RecorderToday(recorder), daily_at=17 * 60 + 30)
    status = run.session.status
    new_days = count_new_days(run, monkeypatch)

    def carry_out(effects: list[fx.Effect]) -> None:  # the controller's part
        for effect in effects:
            if isinstance(effect, fx.Record):
                recorder.on_event(effect.event)
            elif isinstance(effect, fx.Log):
                journal.write(effect.event, datetime.fromtimestamp(run.wall))

    seen_before = 0.0
    woken: list[str] = []  # the tooltip at the first frame after the wake
    for event in events:
        wall = max(run.wall, event.t)  # each handled at the instant it was stamped
        if event is suspended:
            seen_before = sum(status.seconds.values())
        carry_out(run.step(event, wall))
        carry_out(run.step(Tick(), wall))
        if isinstance(event, Verdict) and event.t >= suspended.t:
            since = event.sitting_since  # None during the demo's own break
            assert since is None or since >= suspended.t, "the bout began again at the wake"
            woken = woken or [status.tooltip(event.t)]
            bout = status.bout_seconds(event.t)  # None while away
            assert bout is None or bout < 10 * 60, "the sleep is no sitting"
    recorder.close(run.session.time(run.now()))

    assert woken and " - sitting 0 s" in woken[0], woken  # the demo slouches there
    assert 60 < seen_before < 100  # 20 frames of the demo before the sleep
    assert new_days == [SPRING]
    after = sum(status.seconds.values())
    replayed = events[-1].t - suspended.t
    assert 0 < after <= replayed < 10 * 60  # today is only what came after the wake
    # the replay's end is a Quit: today's report (17:30 is not reached)
    assert run.of(fx.Stop) == [fx.Stop(report=True)] and run.of(fx.WriteReport) == []
    assert datetime.fromtimestamp(run.wall).date() == SPRING  # the day it is written for
    woke = datetime.fromtimestamp(suspended.t, BERLIN)
    assert (woke.date(), woke.hour, woke.utcoffset()) == (SPRING, 6, timedelta(hours=2))

    with HistoryStore.open_readonly(history) as store:
        minutes = store.minutes()
    gap = [m for m in minutes if suspended.since + 60 <= m.minute < suspended.t - 60]
    assert gap == []
    later = [m for m in minutes if m.minute >= suspended.t - 60]
    assert later and all(m.seen_s <= 60 for m in later)
    first = datetime.fromtimestamp(later[0].minute, BERLIN)
    assert (first.hour, first.minute) == (6, woke.minute)
    journal.close()
    kinds = [line for line in Path(journal.path).read_text().splitlines() if "Suspended" in line]
    assert len(kinds) == 1 and str(round(suspended.since, 3)) in kinds[0]
