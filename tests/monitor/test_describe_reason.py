"""The console monitor's line for an unknown state names why it cannot judge."""

from __future__ import annotations

import dataclasses

from posture_watch.commands.monitor import describe
from posture_watch.core.analyzer import PostureAnalyzer
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
