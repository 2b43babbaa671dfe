"""The console monitor's line for an unknown state names why it cannot judge."""

from __future__ import annotations

import dataclasses
import time

from posture_watch.commands.monitor import describe, line_time
from posture_watch.core.analyzer import PostureAnalyzer
from posture_watch.core.events import BreakEnded, LongSittingAlert, SlouchAlert
from posture_watch.core.prompts import Problem
from posture_watch.core.scoring import Baseline
from tests.core.helpers import frontal_pose


def test_the_state_line_for_unknown_gives_the_reason() -> None:
    analyzer = PostureAnalyzer(Baseline.population())
    upright = frontal_pose(ear_rise=124.0, nose_rise=110.0)
    assert describe(analyzer.step(0.0, upright)) == "state: upright"
    dark = analyzer.step(1.0, dataclasses.replace(upright, luma=4.0))
    assert describe(dark) == "state: unknown (too dark)"
    assert describe(analyzer.step(2.0, dataclasses.replace(upright, luma=4.0))) is None
    assert describe(analyzer.step(3.0, None)) == "state: away"


def test_alert_and_break_lines_say_how_long_in_words() -> None:
    """Durations, not session timestamps: "for 32 s", "a break of 2 min 30 s"."""
    t0 = 1_700_000_000.0
    assert describe(SlouchAlert(t0 + 92, t0 + 60), Problem.FORWARD_HEAD) == (
        "ALERT slouch: your head has been forward for 32 s — sit back, shoulders down"
    )
    assert describe(LongSittingAlert(t0 + 3120, t0)) == (
        "ALERT long sitting: you have been sitting for 52 min — time to stand and move"
    )
    assert describe(BreakEnded(t0 + 150, t0)) == "back from a break of 2 min 30 s"


def test_a_webcam_logs_clock_times_and_a_file_session_seconds(monkeypatch) -> None:
    """A console monitor left running on the webcam all day logs 10:42:13, not 38533.0s;
    a video or the demo keeps the time into the session, which is what its lines are about."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        t0 = 1_700_000_000.0  # 2023-11-14 22:13:20 UTC, 23:13:20 in Berlin
        assert line_time(t0 + 92, t0, live=True) == "23:14:52"
        assert line_time(t0 + 92, t0, live=False) == "    92.0s"
    finally:
        monkeypatch.undo()  # the original TZ, then tzset for it
        time.tzset()
