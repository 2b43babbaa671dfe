"""A replayed morning through the real worker loop, history and session: with breaks that
follow the posture, the break nudge comes at the measured hold time plus the margin.

The history holds last week's sitting spells, whose hold times are known (median 25 min,
so the limit is 30 min, not the fixed 50). The session starts on it as the tray does
(:class:`RecorderToday` reads the last 7 days), and tells the worker the limit; the real
:class:`MonitorLoop` takes that command from its queue and replays 32 minutes of upright
sitting (a recording of the demo's first, upright frame every 5 s) on a manual clock, so
nothing waits on real time; its events go through the session one at a time, at the
instants they were stamped.
"""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from pathlib import Path

from posture_watch.clock import ManualClock
from posture_watch.core import effects as fx
from posture_watch.core.analyzer import PostureAnalyzer
from posture_watch.core.break_limits import BreakTimingSet
from posture_watch.core.break_warning import BreakRules
from posture_watch.core.events import LongSittingAlert
from posture_watch.core.stream import Tick
from posture_watch.core.worker_events import Reconfigure, Stopped
from posture_watch.history import open_recorder
from posture_watch.history.store import HistoryStore
from posture_watch.history.today import RecorderToday
from posture_watch.monitor.loop import MonitorLoop
from posture_watch.pose import RecordedLandmarks
from posture_watch.profiles import load_profile
from posture_watch.sources import RecordingSource
from tests.core.test_posture_breaks import ON, spells
from tests.core.test_session import DEMO, PROFILE, make
from tests.report.histories import DAY, at, write_history

MINUTES = 32  # the nudge is due at 30 (the fixed timer: 50)
STEP = 5.0  # seconds between recorded frames


def upright_morning(path: Path) -> Path:
    """``MINUTES`` of the demo's first frame (upright), one every ``STEP`` seconds."""
    header, first = DEMO.read_text(encoding="utf-8").splitlines()[:2]
    frame = json.loads(first)
    lines = [header]
    for i in range(int(MINUTES * 60 / STEP)):
        lines.append(json.dumps({**frame, "frame": i, "t": i * STEP}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_break_nudge_comes_at_the_measured_hold_time(tmp_path):
    history = write_history(tmp_path / "history.sqlite3", spells(15, 20, 25, 25, 30, 35, 40))
    wall = at(9.0, DAY + timedelta(days=1))
    recorder = open_recorder(history, wall)
    run = make(wall, config=ON, breaks=BreakRules.from_config(ON), reader=RecorderToday(recorder))
    [command] = run.sent  # at the start: the limit from the last 7 days
    assert isinstance(command, Reconfigure) and command.decision.sit_max == 30 * 60.0
    for effect in run.of(fx.Record):  # the timing used, for the week report
        recorder.on_event(effect.event)

    clock = ManualClock(wall)
    events: list[object] = []
    loop = MonitorLoop(
        lambda: RecordingSource(upright_morning(tmp_path / "morning.jsonl")),
        PostureAnalyzer(load_profile(PROFILE)),  # sit_max 50 min, as the file says
        events.append,
        make_estimator=lambda source: RecordedLandmarks(),
        clock=clock,
    )
    loop.send(command)  # what the tray's controller does with the effect
    worker = threading.Thread(target=loop.run)
    worker.start()
    worker.join(60)
    assert not worker.is_alive() and isinstance(events[-1], Stopped)

    for event in events:
        for effect in run.step(event, max(run.wall, event.t)):
            if isinstance(effect, fx.Record):
                recorder.on_event(effect.event)
        run.step(Tick())
    recorder.close(run.session.time(run.now()))

    alerts = [
        a for e in events for a in getattr(e, "events", ()) if isinstance(a, LongSittingAlert)
    ]
    [alert] = alerts  # one sitting spell, one break nudge, 30 min into it
    assert alert.t - alert.sitting_since == 30 * 60.0
    nudges = [e for e in run.of(fx.Notify) if e.nudge is not None]
    [nudge] = [n for n in nudges if n.title == "Time for a break"]
    assert nudge.nudge.t == alert.t
    assert nudge.body.splitlines()[0] == (
        "Your posture usually fades after about 25 min; time for a short break."
    )
    warning = next(n for n in run.of(fx.Notify) if n.title == "Break in 1 min")
    assert warning is not None  # the warning before it follows the limit too
    with HistoryStore.open_readonly(history) as store:
        [kept] = store.read_history(wall - 60, wall + 3600).break_timings
    assert kept == BreakTimingSet(kept.t, "posture", 1800.0, 25.0, 7)
