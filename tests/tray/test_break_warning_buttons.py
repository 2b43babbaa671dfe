"""The warning before a break, shown by a real dunst, and its Postpone pressed there.

Real parts, as in ``test_notification_answers`` (whose tray and dunst this borrows): dunst
on a private bus pressing the button through its context menu as a person would, the
D-Bus notifier, the tray controller on its own thread with the settings' break rules
(sit_max 50 min, the warning 60 s before, two postponements), verdicts of real demo
landmarks and the SQLite history written by the real recorder.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import sqlite3

from posture_watch.core.break_warning import POSTPONE
from tests.core.test_session import poses  # noqa: F401
from tests.harness.fixtures import xsession_without_notifications  # noqa: F401
from tests.harness.notification_servers import AnsweringDunst
from tests.harness.processes import wait_for
from tests.tray.test_notification_answers import PATIENCE, START, Desk, desk, dunst  # noqa: F401

SIT_MAX = 3000.0  # the settings' default: 50 min


def sit(desk: Desk, since: float, until: float) -> None:  # noqa: F811
    """Upright frames every 2 s up to ``until`` in a sitting spell begun at ``since``."""
    t = until - 6
    while t <= until:
        desk.clock.set_wall(t)
        verdict = desk.analyzer.step(t, desk.poses["upright"])
        desk.tray.post(dataclasses.replace(verdict, sitting_since=since))
        t += 2
    wait_for(desk.tray.inbox.empty, PATIENCE, what="the controller to take the frames")


def test_the_warning_shows_postpone_and_skip_and_postpone_moves_the_break(
    dunst: AnsweringDunst,  # noqa: F811
    desk: Desk,  # noqa: F811
    tmp_path,
):
    since = START - SIT_MAX + 66  # the break nudge is due at START + 66
    sit(desk, since, START + 6)  # the warning's minute begins with this frame
    wait_for(lambda: dunst.displayed() == 1, PATIENCE, what="the warning on screen")
    dunst.session.screenshot().save(tmp_path / "break-warning.png")
    if os.environ.get("PW_SCREENSHOTS"):  # for a person to look at
        shutil.copy(tmp_path / "break-warning.png", os.environ["PW_SCREENSHOTS"])
    dunst.press("Postpone 5 min")
    assert sorted(line.split(" (")[0] for line in dunst.menu()) == ["#Postpone 5 min", "#Skip"]
    wait_for(lambda: dunst.displayed() == 0, PATIENCE, what="the answered bubble to close")
    wait_for(lambda: desk.tray.session.timing.plan.postpones == 1, PATIENCE, what="Postpone")

    sit(desk, since, START + 70)  # past the old time: no break nudge yet
    assert desk.tray.session.counts.prompts == 0 and dunst.displayed() == 0
    desk.stop()
    with sqlite3.connect(desk.history) as conn:
        rows = list(conn.execute("SELECT answer, due FROM break_answers"))
    assert rows == [("postponed", START + 66 + POSTPONE)]
