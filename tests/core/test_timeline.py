"""The decision logic over synthetic score sequences (time is an argument: no clock)."""

import numpy as np
import pytest

from posture_watch.core.events import (
    BreakEnded,
    BreakStarted,
    LongSittingAlert,
    SittingBoutEnded,
    SlouchAlert,
)
from posture_watch.core.scoring import PostureState as S
from posture_watch.core.settings import Settings
from posture_watch.core.timeline import Timeline


def run(segments, fps=2.0, settings=None):
    """Feed (seconds, state, score) segments; return the timeline and all events."""
    tl = Timeline(settings)
    events, t = [], 0.0
    for seconds, state, score in segments:
        for _ in range(round(seconds * fps)):
            events += tl.update(t, state, score).events
            t += 1.0 / fps
    events += tl.finish(t)
    return tl, events


UP = (S.UPRIGHT, 0.2)
SL = (S.SLOUCH, 1.6)
AWAY = (S.AWAY, float("nan"))


def alerts(events, kind=SlouchAlert):
    return [e for e in events if isinstance(e, kind)]


def test_a_five_second_glance_gives_no_alert():
    _, events = run([(60, *UP), (5, *SL), (60, *UP)])
    assert alerts(events) == []


def test_many_short_glances_do_not_add_up():
    _, events = run([(20, *UP)] + [(6, *SL), (8, *UP)] * 20)
    assert alerts(events) == []


def test_a_forty_second_slouch_alerts_once_at_about_thirty_seconds():
    _, events = run([(60, *UP), (40, *SL), (60, *UP)])
    (alert,) = alerts(events)
    assert alert.t - 60.0 == pytest.approx(30.0, abs=2.0)
    assert alert.episode_start == pytest.approx(60.0, abs=2.0)


def test_two_episodes_inside_the_cooldown_give_one_alert():
    _, events = run([(10, *UP), (40, *SL), (30, *UP), (40, *SL), (30, *UP)])
    assert len(alerts(events)) == 1


def test_an_episode_after_the_cooldown_alerts_again():
    _, events = run([(10, *UP), (40, *SL), (300, *UP), (40, *SL)])
    first, second = alerts(events)
    assert second.t - first.t >= Settings().slouch_cooldown


def test_a_brief_upright_moment_does_not_restart_the_episode():
    _, events = run([(10, *UP), (20, *SL), (1, *UP), (15, *SL)])
    (alert,) = alerts(events)
    assert alert.episode_start == pytest.approx(10.0, abs=2.0)


def test_smoothing_ignores_a_single_noisy_frame():
    tl = Timeline()
    states = [tl.update(i * 0.5, *(SL if i == 10 else UP)).state for i in range(20)]
    assert S.SLOUCH not in states


def test_hysteresis_keeps_slouch_until_score_falls_below_exit():
    tl = Timeline(Settings(smoothing_tau=0.0001))
    assert tl.update(0, S.SLOUCH, 1.1).state == S.SLOUCH
    assert tl.update(1, S.UPRIGHT, 0.9).state == S.SLOUCH  # between exit 0.8 and enter 1.0
    assert tl.update(2, S.UPRIGHT, 0.7).state == S.UPRIGHT


def test_a_thirty_second_absence_keeps_one_sitting_bout():
    _, events = run([(600, *UP), (30, *AWAY), (600, *UP)])
    bouts = [e for e in events if isinstance(e, SittingBoutEnded)]
    assert len(bouts) == 1
    assert bouts[0].end - bouts[0].start == pytest.approx(1230, abs=1)
    assert not [e for e in events if isinstance(e, BreakStarted)]


def test_a_three_minute_absence_is_a_break():
    _, events = run([(600, *UP), (180, *AWAY), (600, *UP)])
    bouts = [e for e in events if isinstance(e, SittingBoutEnded)]
    assert len(bouts) == 2
    (started,) = [e for e in events if isinstance(e, BreakStarted)]
    (ended,) = [e for e in events if isinstance(e, BreakEnded)]
    assert started.t - started.away_since == pytest.approx(120, abs=1)
    assert ended.t - ended.away_since == pytest.approx(180, abs=1)


def test_a_ninety_second_absence_breaks_the_bout_but_is_no_break():
    _, events = run([(300, *UP), (90, *AWAY), (300, *UP)])
    assert len([e for e in events if isinstance(e, SittingBoutEnded)]) == 2
    assert not [e for e in events if isinstance(e, BreakStarted | BreakEnded)]


def test_long_sitting_alert_after_fifty_minutes_and_reset_by_a_break():
    _, events = run([(55 * 60, *UP), (3 * 60, *AWAY), (55 * 60, *UP)], fps=0.5)
    first, second = alerts(events, LongSittingAlert)
    assert first.t == pytest.approx(50 * 60, abs=2)
    assert second.t - second.sitting_since == pytest.approx(50 * 60, abs=2)
    assert second.sitting_since == pytest.approx(58 * 60, abs=2)


def test_short_absences_do_not_reset_the_long_sitting_timer():
    _, events = run([(30 * 60, *UP), (45, *AWAY), (25 * 60, *UP)], fps=0.5)
    (alert,) = alerts(events, LongSittingAlert)
    assert alert.sitting_since == 0.0


def test_away_and_unknown_frames_end_smoothing_without_alerts():
    tl, events = run([(20, *SL), (20, S.UNKNOWN, float("nan")), (20, *SL)])
    assert alerts(events) == []
    assert tl.state == S.SLOUCH


def test_time_must_not_go_backwards():
    tl = Timeline()
    tl.update(5.0, *UP)
    with pytest.raises(ValueError, match="backwards"):
        tl.update(4.0, *UP)


def test_invalid_settings_are_refused():
    with pytest.raises(ValueError, match="slouch_exit"):
        Settings(slouch_enter=0.8, slouch_exit=0.9)
    with pytest.raises(ValueError, match="sit_max"):
        Settings(sit_max=-1.0)
    with pytest.raises(ValueError, match="break_min"):
        Settings(break_min=10.0)


def test_replay_speed_does_not_change_decisions():
    segs = [(60, *UP), (45, *SL), (60, *UP)]
    slow = np.array([a.t for a in alerts(run(segs, fps=1.0)[1])])
    fast = np.array([a.t for a in alerts(run(segs, fps=10.0)[1])])
    assert len(slow) == len(fast) == 1
    assert np.abs(slow - fast).max() <= 1.0  # within one frame of the slow replay
    assert np.all(np.abs(slow - 90) <= 2.5)


def test_finish_ends_the_bout_when_the_person_was_last_seen():
    """An absence at the end of a file, still within absence_grace, is not sitting."""
    timeline = Timeline(Settings())
    for t in range(0, 100, 2):
        timeline.update(float(t), S.UPRIGHT, 0.1)
    for t in range(100, 130, 2):
        timeline.update(float(t), S.AWAY)
    (ended,) = timeline.finish(130.0)
    assert (ended.start, ended.end) == (0.0, 98.0)


def test_finish_runs_the_bout_to_the_end_of_the_last_frame_when_present():
    timeline = Timeline(Settings())
    for t in range(0, 100, 2):
        timeline.update(float(t), S.UPRIGHT, 0.1)
    (ended,) = timeline.finish(100.0)
    assert (ended.start, ended.end) == (0.0, 100.0)


# -- a locked screen (away) and a camera another program has (not monitored) ----------


def run_with_gaps(segments, fps=2.0, settings=None):
    """Like :func:`run`, with ``("lock", seconds)`` (the screen locked: away) and
    ``("busy", seconds)`` (a video call has the camera: not monitored) segments."""
    tl = Timeline(settings)
    events, t = [], 0.0
    for segment in segments:
        if segment[0] in ("lock", "busy"):
            kind, seconds = segment
            if kind == "lock":
                events += tl.away(t)
                t += seconds
                events += tl.away(t)
            else:
                tl.unmonitored(t, t + seconds)
                t += seconds
            continue
        seconds, state, score = segment
        for _ in range(round(seconds * fps)):
            events += tl.update(t, state, score).events
            t += 1.0 / fps
    events += tl.finish(t)
    return tl, events


def of(events, kind):
    return [e for e in events if isinstance(e, kind)]


def test_a_ten_minute_lock_is_a_break_that_ends_the_bout_at_the_lock():
    tl, events = run_with_gaps([(300, *UP), ("lock", 600), (60, *UP)])
    first_bout = of(events, SittingBoutEnded)[0]
    assert first_bout.end == pytest.approx(299.5)  # the last frame before the lock
    (started,) = of(events, BreakStarted)
    assert started.away_since == pytest.approx(299.5)
    assert started.t == pytest.approx(900.0)  # at the unlock, before any new frame
    (ended,) = of(events, BreakEnded)
    assert ended.t == pytest.approx(900.0) and ended.away_since == pytest.approx(299.5)
    assert tl.sitting_since == pytest.approx(900.0)  # the long-sitting timer restarted


def test_a_short_lock_is_a_short_absence_not_a_break():
    _, events = run_with_gaps([(300, *UP), ("lock", 30), (300, *UP)])
    assert len(of(events, SittingBoutEnded)) == 1  # only the one finish() closes
    assert not of(events, BreakStarted)


def test_a_slouch_before_a_lock_does_not_alert_just_after_it():
    """25 s of slouching, a 20 s lock, 10 s more: without the lock ending the episode, the
    alert would come after 30 s of 'sustained' slouching."""
    _, events = run_with_gaps([(60, *UP), (25, *SL), ("lock", 20), (10, *SL)])
    assert alerts(events) == []
    _, events = run_with_gaps([(60, *UP), (25, *SL), (20, *SL), (10, *SL)])
    assert len(alerts(events)) == 1  # the same minute without a lock does alert


def test_a_video_call_is_neither_away_nor_a_break_and_the_bout_carries_on():
    tl, events = run_with_gaps([(300, *UP), ("busy", 1800), (60, *UP)])
    assert not of(events, BreakStarted) and not of(events, BreakEnded)
    (bout,) = of(events, SittingBoutEnded)
    assert (bout.start, bout.end) == (0.0, pytest.approx(2160.0))
    assert tl.sitting_since == 0.0


def test_call_time_counts_toward_the_long_sitting_reminder():
    _, events = run_with_gaps([(40 * 60, *UP), ("busy", 20 * 60), (60, *UP)], fps=0.5)
    (alert,) = alerts(events, LongSittingAlert)
    assert alert.sitting_since == 0.0 and alert.t == pytest.approx(60 * 60, abs=2)


def test_an_absence_running_when_the_camera_is_taken_is_frozen_not_extended():
    """50 s away, a 10-minute call, 30 s away: 80 s of absence ends the bout (over the
    60 s grace) but is no break (under 120 s); 50 s more away makes it one."""
    _, events = run_with_gaps([(300, *UP), (50, *AWAY), ("busy", 600), (30, *AWAY), (60, *UP)])
    assert len(of(events, SittingBoutEnded)) == 2 and not of(events, BreakStarted)
    _, events = run_with_gaps([(300, *UP), (50, *AWAY), ("busy", 600), (80, *AWAY), (60, *UP)])
    (started,) = of(events, BreakStarted)
    # the absence clock stood still through the call: it is stamped as if it began later
    assert started.away_since == pytest.approx(299.5 + 600)


def test_a_slouch_episode_does_not_carry_across_a_call():
    _, events = run_with_gaps([(60, *UP), (25, *SL), ("busy", 300), (10, *SL)])
    assert alerts(events) == []
