"""The demo's words at its start and end, and the notification of a start that failed:
plain lines in the vocabulary of docs/words.md (nudges, breaks), times rounded."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from posture_watch.commands.demo import (
    demo_notice,
    end_lines,
    end_notice,
    start_line,
    what_happened,
)
from posture_watch.commands.launch import failure_notice
from posture_watch.core.report import PromptTally, Summary
from posture_watch.errors import ConfigError, TrayError
from posture_watch.monitor.instance import TRAY, AlreadyRunningError, Holder

FOLDER = Path("/home/ana/.cache/posture-watch/demo")
REPORT = FOLDER / "data" / "reports" / "2026-12-07.html"


def summary(upright: float, slouch: float, away: float, *counts: int) -> Summary:
    posture, breaks_nudges, breaks = counts
    return Summary(
        first_day=date(2026, 12, 7),
        n_days=1,
        start=0.0,
        end=86400.0,
        upright_s=upright,
        slouch_s=slouch,
        away_s=away,
        unknown_s=0.0,
        slouch_episodes=posture,
        longest_bout_s=upright + slouch,
        bouts=1,
        breaks=breaks,
        slouch_alerts=posture,
        long_sitting_alerts=breaks_nudges,
        prompts=PromptTally(),
        hours=(),
        first_seen=0.0,
        last_seen=300.0,
        problem=None,
    )


def test_the_end_says_what_happened_in_plain_lines():
    seen = summary(80.0, 40.0, 170.0, 1, 1, 1)  # 4 min 50 s watched: rounded to 5 min
    assert end_lines(seen, REPORT, FOLDER) == [
        "The demo has ended: 5 min watched, upright 67% of the sitting time.",
        "1 posture nudge, 1 break nudge, 1 break.",
        f"The demo's report: {REPORT} — open it with: xdg-open {REPORT}",
        f"Its files stay in {FOLDER} until the next demo; your own history, calibration and "
        "reports are not touched.",
    ]
    notice = end_notice(seen, REPORT)
    assert notice.title == "posture-watch demo ended"
    assert notice.body.splitlines() == [
        "The demo has ended: 5 min watched, upright 67% of the sitting time.",
        "1 posture nudge, 1 break nudge, 1 break.",
        f"The demo's report: {REPORT}",
    ]


def test_counts_take_their_plural_and_a_short_demo_says_so():
    assert what_happened(summary(100.0, 200.0, 0.0, 2, 0, 3))[1] == (
        "2 posture nudges, 0 break nudges, 3 breaks."
    )
    short = ["The demo has ended before a whole minute was watched."]
    assert what_happened(summary(20.0, 0.0, 0.0, 0, 0, 0)) == short
    assert what_happened(None) == short
    assert end_lines(None, None, FOLDER)[1] == "The demo left no report (nothing was watched)."
    assert "report" not in end_notice(None, None).body


def test_the_start_says_what_will_happen_and_that_the_persons_files_are_safe():
    assert start_line(10, FOLDER) == (
        "posture-watch demo: a recorded session of about 5 min plays 10 times faster: "
        "upright, a break nudge, a slouch and its posture nudge, and a break away from the "
        f"desk. It writes only into its throw-away folder {FOLDER} (emptied at each demo): "
        "your own history, calibration and reports are not touched."
    )
    assert demo_notice(1, 30, 105, no_webcam=True).body.startswith(
        "No webcam was found, so a recorded session of about 5 min plays. "
    )


def test_a_failed_start_has_a_notification_that_says_what_to_do():
    wrong = ConfigError("/home/ana/.config/posture-watch/settings.toml: [sitting] sit_max = 3000")
    notice = failure_notice(wrong)
    assert notice.title == "posture-watch did not start: a setting is wrong"
    assert notice.body == (
        "/home/ana/.config/posture-watch/settings.toml: [sitting] sit_max = 3000. Fix it, "
        "then start posture-watch again (`posture-watch settings --check` checks the file)."
    )
    second = failure_notice(AlreadyRunningError(Holder("123", TRAY)))
    assert second.title == "posture-watch is already running"
    assert second.body == (
        "posture-watch is already running in the tray (pid 123): use its tray icon, or stop "
        "it with `posture-watch quit`."
    )
    other = failure_notice(TrayError("no graphical display", hint="use --no-tray"))
    assert (other.title, other.body) == (
        "posture-watch did not start",
        "no graphical display (use --no-tray).",
    )
