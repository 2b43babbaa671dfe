"""New settings for a running monitor loop (Reconfigure, from the settings file): the
timeline's limits and the sampler's intervals change from the next frame, inside the
sitting spell already running (the demo recording on a virtual clock)."""

from __future__ import annotations

import threading

from posture_watch import paths
from posture_watch.core.analyzer import Verdict
from posture_watch.core.events import LongSittingAlert
from posture_watch.core.settings import Settings
from posture_watch.core.worker_events import Reconfigure
from posture_watch.monitor.loop import MonitorLoop
from posture_watch.profiles import load_profile
from posture_watch.sources import RecordingSource
from tests.monitor.test_loop import DEMO, flat, make_loop


def test_a_shorter_sitting_time_applies_in_the_spell_already_running():
    baseline = load_profile(paths.SAMPLES_DIR / "demo-profile.json")
    events: list[object] = []
    sent: list[float] = []
    loop: MonitorLoop

    def emit(event: object) -> None:
        events.append(event)
        if not sent and isinstance(event, Verdict) and event.t - loop.started >= 30:
            sent.append(event.t)  # 30 s into the first sitting spell, under the 50 min
            loop.send(Reconfigure(Settings(sit_max=45.0), 3.0, 0.5))

    loop = make_loop(lambda: RecordingSource(DEMO), emit, baseline=baseline)
    worker = threading.Thread(target=loop.run)
    worker.start()
    worker.join(60)
    assert not worker.is_alive()
    alerts = [e for e in flat(events) if isinstance(e, LongSittingAlert)]
    assert alerts and alerts[0].t > sent[0]
    assert 45 <= alerts[0].t - alerts[0].sitting_since < 50
    assert alerts[0].sitting_since < sent[0]  # the same spell, not a new one
    assert (loop.sampler.stable_interval, loop.sampler.confirm_interval) == (3.0, 0.5)
    assert loop.analyzer.timeline.settings.sit_max == 45.0
