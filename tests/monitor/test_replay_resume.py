"""A replay opened again goes on where it stopped: calibrating (or pausing) during the demo
no longer plays the recording from its start again (the demo once ran 9 minutes, not 5).

Real sources (the bundled demo recording), the real loop on a manual clock."""

from __future__ import annotations

import dataclasses
import threading

from posture_watch.clock import ManualClock
from posture_watch.core.analyzer import Verdict
from posture_watch.core.worker_events import Pause, Paused, Resume, SourceEnded, Stopped
from posture_watch.monitor.replay_resume import ReplayPosition
from posture_watch.monitor.setup import SetupRequest, demo_path, prepare
from posture_watch.sources import RecordingSource

START = 1_790_000_000.0


def test_a_reopened_recording_starts_after_the_last_frame_played():
    position = ReplayPosition()
    first = position.wrap(RecordingSource(demo_path()))
    played = []
    for frame in first.frames():
        played.append(frame)
        if len(played) == 10:
            break
    first.close()
    again = position.wrap(RecordingSource(demo_path()))
    rest = list(again.frames())
    whole = list(RecordingSource(demo_path()).frames())
    assert [f.index for f in played + rest] == [f.index for f in whole]  # each frame once
    assert rest[0].t == 0  # at once: times count from the reopening, as any source's do
    assert rest[-1].t == whole[-1].t - whole[10].t


def test_the_sample_predicate_sees_the_moved_times():
    position = ReplayPosition()
    source = position.wrap(RecordingSource(demo_path()))
    next(iter(source.frames()))
    asked: list[float] = []
    again = position.wrap(RecordingSource(demo_path()))
    kept = list(again.frames(lambda t: asked.append(t) or t < 10))
    assert asked[0] == 0 and all(f.t < 10 for f in kept) and len(kept) < len(asked)


def test_pausing_the_demo_does_not_play_it_again_from_the_start():
    """The loop the tray runs, paused and resumed mid-demo (as Calibrate… does): every
    recorded frame is read once and the replay ends once."""
    setup = prepare(SetupRequest(demo=True))
    setup = dataclasses.replace(setup, clock=ManualClock(START))
    events: list[object] = []
    paused = threading.Event()

    def emit(event: object) -> None:
        events.append(event)
        if isinstance(event, Verdict) and sum(isinstance(e, Verdict) for e in events) == 5:
            loop.send(Pause(None))
        if isinstance(event, Paused):
            paused.set()

    loop = setup.build_loop(emit)
    worker = threading.Thread(target=loop.run)
    worker.start()
    assert paused.wait(30)
    loop.send(Resume())
    worker.join(60)
    assert not worker.is_alive()
    stopped = events[-1]
    assert isinstance(stopped, Stopped) and stopped.reason == "end"
    assert stopped.frames_seen == RecordingSource(demo_path()).frame_count
    assert sum(isinstance(e, SourceEnded) for e in events) == 1
