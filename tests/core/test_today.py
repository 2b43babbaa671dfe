"""Today's figures (core/today.py): the menu's few lines, from the history or this launch."""

from __future__ import annotations

from posture_watch.core.events import BreakStarted, LongSittingAlert, SlouchAlert
from posture_watch.core.report import summarize
from posture_watch.core.scoring import PostureState
from posture_watch.core.status import MonitorStatus
from posture_watch.core.today import Counts, Today
from tests.core.test_session import Reader
from tests.report.histories import DAY, TZ, at, working_day


def test_without_a_history_the_lines_are_this_launchs_counts():
    counts = Counts()
    for event in (
        SlouchAlert(10.0, 0.0),
        SlouchAlert(20.0, 15.0),
        LongSittingAlert(30.0, 0.0),
        BreakStarted(40.0, 35.0),
    ):
        counts.count(event)
    counts.prompts = 3
    status = MonitorStatus()
    for t in range(1000, 1301):  # five minutes upright, a frame a second
        status.observe(float(t), PostureState.UPRIGHT, 1000.0)
    assert Today(TZ).text(status, counts) == (
        "Watched since posture-watch started: 5 min\n"
        "Upright: 100% of your sitting time\n"
        "Slouches noticed: 2, long sitting spells: 1\n"
        "Breaks taken: 1, nudges shown: 3"
    )


def test_with_a_history_the_lines_are_the_reports_figures():
    summary = summarize(working_day(), DAY, TZ)
    today = Today(TZ, Reader(summary))
    status = MonitorStatus()
    today.read(status, DAY, at(23))
    nudges = summary.prompts.asked + summary.prompts.notifications
    lines = today.text(status, Counts()).splitlines()
    assert lines[0].startswith("Watched today: ")
    assert lines[2:] == [
        f"Slouches noticed: {summary.slouch_alerts}, "
        f"long sitting spells: {summary.long_sitting_alerts}",
        f"Breaks taken: {summary.breaks}, nudges shown: {nudges}",
    ]
