"""The tray controller's calendar: midnight, daylight-saving changes and a night's suspend.

Everything here runs on injected clocks (:class:`ManualClock`) set to fixed instants in
2027, in the Europe/Berlin zone (``TZ`` for this process only), so the tests pass on any
date, in any zone the machine is in, and take no time. Berlin changes its clocks on
Sunday 28 March 2027 (02:00 CET becomes 03:00 CEST: a 23-hour day) and on Sunday
31 October 2027 (03:00 CEST becomes 02:00 CET: a 25-hour day, 02:00-03:00 twice).

The monitor loop's own side of the 8-hour suspend is in tests/monitor/test_loop.py; here
the events of such a loop go through the controller, one at a time, each handled at the
instant it was stamped, as the controller thread does live.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from posture_watch import paths
from posture_watch.clock import ManualClock
from posture_watch.config import AppConfig, QuietHours, ReportConfig
from posture_watch.core.analyzer import PostureAnalyzer, Verdict
from posture_watch.core.landmarks import Landmarks
from posture_watch.core.prompt_rules import PromptRules, PromptScheduler
from posture_watch.core.prompts import PromptChooser
from posture_watch.core.scoring import PostureState
from posture_watch.core.worker_events import Pause, Stop, Stopped, Suspended
from posture_watch.desktop.notify import CallbackNotifier
from posture_watch.history import open_recorder
from posture_watch.history.store import HistoryStore
from posture_watch.monitor.event_log import EventLog
from posture_watch.monitor.loop import MonitorLoop
from posture_watch.pose import RecordedLandmarks
from posture_watch.profiles import load_profile
from posture_watch.prompt_library import builtin_prompts
from posture_watch.sources import RecordingSource
from posture_watch.sources.base import Frame
from posture_watch.tray.controller import TrayController
from tests.test_every_state import Actions, Window  # the tray's actions and a silent window

BERLIN = ZoneInfo("Europe/Berlin")
SPRING, AUTUMN = date(2027, 3, 28), date(2027, 10, 31)  # the change days
DEMO = paths.SAMPLES_DIR / "demo-session.jsonl"
PROFILE = paths.SAMPLES_DIR / "demo-profile.json"
HOUR = 3600.0


def at(day: date, hour: int, minute: int = 0, second: int = 0, *, fold: int = 0) -> float:
    """Epoch seconds of a Berlin wall time (``fold=1``: the second 02:xx of the autumn day)."""
    return datetime(day.year, day.month, day.day, hour, minute, second,
                    tzinfo=BERLIN, fold=fold).timestamp()  # fmt: skip


def midnight_after(day: date) -> float:
    return at(day + timedelta(days=1), 0)


@pytest.fixture(autouse=True)
def berlin(monkeypatch) -> Iterator[None]:
    """The process's local time is Berlin's for the test (the controller uses local time)."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    assert datetime.fromtimestamp(at(SPRING, 12)).hour == 12
    yield
    monkeypatch.undo()
    time.tzset()


class Worker:
    """The controller's side of the monitor loop: its command queue."""

    def __init__(self) -> None:
        self.commands: list[object] = []

    def send(self, command: object) -> None:
        self.commands.append(command)

    def stop(self) -> None:
        self.send(Stop())


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[EventLog]:
    log = EventLog(tmp_path / "events.jsonl")
    yield log
    log.close()


def make_tray(
    clock: ManualClock,
    journal: EventLog,
    *,
    daily_at: int | None = None,
    quiet: QuietHours | None = None,
) -> TrayController:
    config = replace(
        AppConfig(),
        report=ReportConfig(daily_at=daily_at, journal_prompt=False),
        quiet_hours=quiet or QuietHours(),
    )
    tray = TrayController(
        Worker(),
        config,
        PromptScheduler(PromptRules(), PromptChooser(builtin_prompts())),
        CallbackNotifier(lambda body, title: None),
        journal,
        open_stretch=lambda prompt_id: Window(),
        actions=Actions(),
        clock=clock,
    )
    tray._report_minute = tray._minute_of_day()  # what run() does first
    return tray


def count_new_days(tray: TrayController, monkeypatch) -> list[date]:
    """Spy on MonitorStatus.new_day: the local dates it was called on."""
    calls: list[date] = []
    real = tray.status.new_day

    def new_day() -> None:
        calls.append(datetime.fromtimestamp(tray.clock.wall()).date())
        real()

    monkeypatch.setattr(tray.status, "new_day", new_day)
    return calls


@pytest.fixture(scope="module")
def poses() -> dict[str, Landmarks]:
    """Real landmarks from the demo session: an upright and a slouching webcam picture."""
    frames = list(RecordingSource(DEMO).frames())
    upright = next(f for f in frames if "/notSlouching/" in f.name)
    slouch = next(f for f in frames if "/isSlouching/" in f.name and f.index >= 22)
    assert upright.landmarks is not None and slouch.landmarks is not None
    return {"upright": upright.landmarks, "slouch": slouch.landmarks}


# -- midnight -----------------------------------------------------------------------------


def test_midnight_starts_todays_tallies_again_exactly_once(poses, journal, monkeypatch):
    day = date(2027, 6, 14)
    clock = ManualClock(at(day, 23, 58))
    tray = make_tray(clock, journal)
    new_days = count_new_days(tray, monkeypatch)
    analyzer = PostureAnalyzer(load_profile(PROFILE))
    t = clock.wall()
    while t <= midnight_after(day) + 60:  # 23:58 to 00:01, a frame every 2 s
        pose = "slouch" if at(day, 23, 58, 20) <= t < at(day, 23, 59, 10) else "upright"
        clock.set_wall(t)
        tray._handle(analyzer.step(t, poses[pose]))
        tray._tick()
        if t == midnight_after(day) - 2:  # the last frame of the old day
            assert tray.counts["slouch_alerts"] == 1
            assert tray.status.seconds[PostureState.SLOUCH] > 30
        t += 2.0
    for _ in range(5):
        tray._tick()
    assert new_days == [day + timedelta(days=1)]
    seconds = tray.status.seconds
    assert seconds[PostureState.UPRIGHT] == pytest.approx(60.0)  # since midnight only
    assert seconds[PostureState.SLOUCH] == 0.0
    assert tray.counts == dict.fromkeys(tray.counts, 0)
    assert "100% upright today" in tray.status.tooltip(t)
    assert tray.status.posture == PostureState.UPRIGHT  # the state itself carries on


# -- daylight-saving changes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "hours"),
    [
        pytest.param(at(SPRING, 0, 30), 22.5, id="spring-00:30-day-of-23h"),
        pytest.param(at(AUTUMN, 0, 30), 24.5, id="autumn-00:30-day-of-25h"),
        pytest.param(at(SPRING - timedelta(days=1), 22), 2.0, id="spring-eve-22:00"),
        pytest.param(at(SPRING, 22), 2.0, id="spring-22:00-summer-time"),
        pytest.param(at(AUTUMN, 22), 2.0, id="autumn-22:00-winter-time"),
        pytest.param(at(AUTUMN, 2, 30), 22.5, id="autumn-first-02:30"),
        pytest.param(at(AUTUMN, 2, 30, fold=1), 21.5, id="autumn-second-02:30"),
    ],
)
def test_pause_until_tomorrow_lasts_the_true_time_to_local_midnight(now, hours, journal):
    clock = ManualClock(now)
    tray = make_tray(clock, journal)
    tray._menu("pause-tomorrow")
    (pause,) = tray.loop.commands
    assert isinstance(pause, Pause)
    assert pause.seconds == pytest.approx(hours * HOUR, abs=1e-3)
    day = datetime.fromtimestamp(now, BERLIN).date()
    assert now + pause.seconds == pytest.approx(midnight_after(day), abs=1e-3)


def tick_through(tray: TrayController, clock: ManualClock, start: float, end: float) -> None:
    """Tick the controller every 30 s of true time from ``start`` to ``end``."""
    t = start
    while t <= end:
        clock.set_wall(t)
        tray._tick()
        t += 30.0


@pytest.mark.parametrize("day", [SPRING, AUTUMN], ids=["spring", "autumn"])
def test_the_daily_report_comes_once_on_a_clock_change_day(day, journal, monkeypatch):
    clock = ManualClock(at(day - timedelta(days=1), 23, 58))
    tray = make_tray(clock, journal, daily_at=17 * 60 + 30)
    new_days = count_new_days(tray, monkeypatch)
    tick_through(tray, clock, clock.wall(), midnight_after(day) + 120)
    assert tray.actions.reports == [day]
    assert new_days == [day, day + timedelta(days=1)]  # the repeated hour is no new day


def test_a_report_set_in_the_skipped_hour_still_comes_once(journal):
    clock = ManualClock(at(SPRING, 0, 0))
    tray = make_tray(clock, journal, daily_at=2 * 60 + 30)  # 02:30 never shows on this day
    tick_through(tray, clock, clock.wall(), midnight_after(SPRING) - 60)
    assert tray.actions.reports == [SPRING]


def test_a_report_set_in_the_repeated_hour_comes_once(journal):
    clock = ManualClock(at(AUTUMN, 0, 0))
    tray = make_tray(clock, journal, daily_at=2 * 60 + 30)
    tick_through(tray, clock, clock.wall(), midnight_after(AUTUMN) - 60)
    assert tray.actions.reports == [AUTUMN]  # today: [AUTUMN, AUTUMN]


@pytest.mark.parametrize(
    ("now", "quiet"),
    [
        (at(SPRING, 1, 59), True),  # winter time, just before the change
        (at(SPRING, 3, 0), True),  # a minute later by the clock on the wall
        (at(SPRING, 6, 59), True),
        (at(SPRING, 7, 0), False),  # 05:00 UTC: still 06:00 by yesterday's offset
        (at(SPRING, 21, 59), False),
        (at(SPRING, 22, 0), True),
        (at(AUTUMN, 2, 30), True),
        (at(AUTUMN, 2, 30, fold=1), True),
        (at(AUTUMN, 6, 59), True),  # 05:59 UTC: already 07:59 by yesterday's offset
        (at(AUTUMN, 7, 0), False),
        (at(AUTUMN, 22, 0), True),
    ],
    ids=lambda v: (
        datetime.fromtimestamp(v, BERLIN).strftime("%m-%d %H:%M%z")
        if isinstance(v, float)
        else str(v)
    ),
)
def test_quiet_hours_follow_the_local_clock_across_a_change(now, quiet, journal):
    clock = ManualClock(now)
    tray = make_tray(clock, journal, quiet=QuietHours(True, 22 * 60, 7 * 60))
    assert tray._quiet() is quiet


# -- an 8-hour suspend mid-bout, over midnight and the spring change ------------------------


class SuspendingSource:
    """A replay during which the machine sleeps ``hours`` after ``after`` frames: the wall
    clock jumps, the monotonic clock does not (as ``CLOCK_MONOTONIC`` on a laptop)."""

    is_sequence, has_pixels = True, False

    def __init__(self, clock: ManualClock, after: int, hours: float) -> None:
        self.inner, self.clock, self.after, self.hours = RecordingSource(DEMO), clock, after, hours
        self.label = self.inner.label

    def frames(self, sample=None, on_bad_frame=None) -> Iterator[Frame]:
        for i, frame in enumerate(self.inner.frames(sample)):
            if i == self.after:
                self.clock.suspend(self.hours * HOUR)
            yield frame

    def close(self) -> None:
        self.inner.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def test_an_eight_hour_suspend_over_midnight_and_the_clock_change(journal, tmp_path, monkeypatch):
    """Sitting at 21:00 on the evening before the spring change, the laptop sleeps for 8
    hours mid-bout: it wakes at 06:01 summer time (8 true hours, 9 by the wall clock).
    Today's tallies start again once, at the first event of the new day; the sleep is
    neither sitting nor slouching; the sitting stretch starts again after the wake; the
    history has no minute in the gap and stamps the new minutes in summer time."""
    eve = SPRING - timedelta(days=1)
    worker_clock = ManualClock(at(eve, 21, 0))
    events: list[object] = []
    loop = MonitorLoop(
        lambda: SuspendingSource(worker_clock, 20, 8),
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

    clock = ManualClock(loop.started)  # the controller's clock reads what the worker stamped
    tray = make_tray(clock, journal, daily_at=17 * 60 + 30)
    history = tmp_path / "history.sqlite3"
    tray.history = open_recorder(history, loop.started)  # what run() does first
    new_days = count_new_days(tray, monkeypatch)
    seen_before = 0.0
    woken: list[str] = []  # the tooltip at the first frame after the wake
    for event in events:
        clock.set_wall(max(clock.wall(), getattr(event, "t", clock.wall())))
        if event is suspended:
            seen_before = sum(tray.status.seconds.values())
        tray._handle(event)
        tray._tick()
        if isinstance(event, Verdict) and event.t >= suspended.t:
            since = event.sitting_since  # None during the demo's own break
            assert since is None or since >= suspended.t, "the bout began again at the wake"
            woken = woken or [tray.status.tooltip(event.t)]
            bout = tray.status.bout_seconds(event.t)  # None while away
            assert bout is None or bout < 10 * 60, "the sleep is no sitting"
    tray._shutdown()

    assert woken and " - sitting 0 s" in woken[0], woken  # the demo slouches there
    assert 60 < seen_before < 100  # 20 frames of the demo before the sleep
    assert new_days == [SPRING]
    after = sum(tray.status.seconds.values())
    replayed = events[-1].t - suspended.t
    assert 0 < after <= replayed < 10 * 60  # today is only what came after the wake
    assert tray.actions.reports == [SPRING]  # the replay's end is a Quit: today's report
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
