"""The session core: the tray's and the console's rules, stepped with inputs and instants.

No threads, no SQLite, no clock: each test builds a :class:`Session`, steps it with real
verdicts of real landmarks (the demo session's upright and slouching pictures) and the
worker's events at instants it chooses, and reads the effects that come back. The
:class:`Run` below plays the executor's part where the session needs an answer (a nudge
the desktop showed, or did not).

The calendar tests run in the Europe/Berlin zone (``TZ`` for this process only), which
changes its clocks on Sunday 28 March 2027 (02:00 CET becomes 03:00 CEST: a 23-hour day)
and on Sunday 31 October 2027 (03:00 CEST becomes 02:00 CET: a 25-hour day).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest

from posture_watch import paths
from posture_watch.config import QuietHours
from posture_watch.core import effects as fx
from posture_watch.core.analyzer import PostureAnalyzer
from posture_watch.core.control_protocol import STRETCH_NEEDS_TRAY, ControlReply, ControlRequest
from posture_watch.core.events import BreakStarted, LongSittingAlert
from posture_watch.core.journal import JournalEntry
from posture_watch.core.landmarks import Landmarks
from posture_watch.core.menu import STATUS, MenuAction, MenuEntry
from posture_watch.core.prompt_rules import (
    PromptAnswered,
    PromptRules,
    PromptScheduler,
    PromptShown,
    PromptSuppressed,
    Why,
)
from posture_watch.core.prompts import PromptChooser
from posture_watch.core.report import Summary
from posture_watch.core.scoring import PostureState
from posture_watch.core.session import Session, SessionSettings
from posture_watch.core.status import TrayState
from posture_watch.core.stream import (
    CANCELLED,
    AutostartState,
    Calibrated,
    ControlAsked,
    HistoryWritten,
    JournalSaved,
    Notice,
    Now,
    NudgeResult,
    ReportWritten,
    SessionInput,
    StopAsked,
    Tick,
    WindowClosed,
    WindowKind,
    WorkerLost,
)
from posture_watch.core.today import Counts
from posture_watch.core.worker_events import (
    CameraBusy,
    CameraFree,
    CameraRecovered,
    CameraUnavailable,
    Pause,
    Paused,
    Recalibrated,
    Resume,
    Resumed,
    ScreenLocked,
    ScreenUnlocked,
    SetupChanged,
    SourceEnded,
    Stopped,
    Suspended,
    WorkerCrashed,
    WorkerFailed,
)
from posture_watch.profiles import load_profile
from posture_watch.prompt_library import builtin_prompts
from posture_watch.sources import RecordingSource

BERLIN = ZoneInfo("Europe/Berlin")
SPRING, AUTUMN = date(2027, 3, 28), date(2027, 10, 31)  # the change days
DAY = date(2026, 11, 24)
DEMO = paths.SAMPLES_DIR / "demo-session.jsonl"
PROFILE = paths.SAMPLES_DIR / "demo-profile.json"
HOUR = 3600.0


def local(day: date, hour: int, minute: int = 0, second: int = 0) -> float:
    """Epoch seconds of a local wall time in the process's zone."""
    return datetime(day.year, day.month, day.day, hour, minute, second).timestamp()


def berlin(day: date, hour: int, minute: int = 0, second: int = 0, *, fold: int = 0) -> float:
    """Epoch seconds of a Berlin wall time (``fold=1``: the second 02:xx of the autumn day)."""
    return datetime(day.year, day.month, day.day, hour, minute, second,
                    tzinfo=BERLIN, fold=fold).timestamp()  # fmt: skip


@pytest.fixture
def in_berlin(monkeypatch) -> Iterator[None]:
    """The process's local time is Berlin's for the test (the session's ``Now.local``)."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    assert datetime.fromtimestamp(berlin(SPRING, 12)).hour == 12
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(scope="module")
def poses() -> dict[str, Landmarks]:
    """Real landmarks from the demo session: an upright and a slouching webcam picture."""
    frames = list(RecordingSource(DEMO).frames())
    upright = next(f for f in frames if "/notSlouching/" in f.name)
    slouch = next(f for f in frames if "/isSlouching/" in f.name and f.index >= 22)
    assert upright.landmarks is not None and slouch.landmarks is not None
    return {"upright": upright.landmarks, "slouch": slouch.landmarks}


class Reader:
    """Today's figures as a history would give them; counts its reads."""

    def __init__(self, summary: Summary | None = None, journal: bool = False) -> None:
        self.summary, self.journal, self.reads = summary, journal, 0

    def day_summary(self, day: date, tz: tzinfo) -> Summary | None:
        self.reads += 1
        return self.summary

    def has_journal_entry(self, day: date, tz: tzinfo) -> bool:
        return self.journal


class Run:
    """A session and what it asked for: the executor's part without the I/O. Nudges are
    shown (``shown``), or not, as a notification server would say."""

    def __init__(self, session: Session, wall: float, *, shown: bool = True) -> None:
        self.session, self.wall, self.shown = session, wall, shown
        self.t0 = wall  # monotonic time runs from 1000 s at the start
        #: The history's part, if the test has one: each Record as it comes.
        self.record: Callable[[object], None] | None = None
        self.effects: list[fx.Effect] = []

    def now(self, wall: float | None = None) -> Now:
        if wall is not None:
            self.wall = wall
        return Now.at(self.wall, 1000.0 + self.wall - self.t0)

    def step(self, item: SessionInput, wall: float | None = None) -> list[fx.Effect]:
        now = self.now(wall)
        return self._follow(self.session.step(item, now), now)

    def start(self, reader: Reader | None = None) -> list[fx.Effect]:
        now = self.now()
        return self._follow(self.session.start(now, reader), now)

    def _follow(self, out: list[fx.Effect], now: Now) -> list[fx.Effect]:
        done: list[fx.Effect] = []
        for effect in out:
            done.append(effect)
            self.effects.append(effect)
            answer: SessionInput | None = None
            if isinstance(effect, fx.Notify) and effect.nudge is not None:
                answer = NudgeResult(effect.nudge, self.shown)
            elif isinstance(effect, fx.ReadToday):
                answer = HistoryWritten(effect.written_to)
            elif isinstance(effect, fx.Record) and self.record is not None:
                self.record(effect.event)
            if answer is not None:
                done += self._follow(self.session.step(answer, now), now)
        return done

    def of(self, kind: type) -> list:
        return [e for e in self.effects if isinstance(e, kind)]

    @property
    def notified(self) -> list[tuple[str, str]]:
        return [(e.title, e.body) for e in self.of(fx.Notify)]

    @property
    def sent(self) -> list[object]:
        return [e.command for e in self.of(fx.Send)]

    @property
    def opened(self) -> list[WindowKind]:
        return [e.kind for e in self.of(fx.OpenWindow)]

    @property
    def logged(self) -> list[object]:
        return [e.event for e in self.of(fx.Log)]

    @property
    def icon(self) -> TrayState:
        return self.of(fx.ShowIcon)[-1].state

    @property
    def tooltip(self) -> str:
        return self.of(fx.ShowIcon)[-1].tooltip

    @property
    def status_line(self) -> MenuEntry:
        return self.of(fx.ShowMenu)[-1].entries[0]


def make(wall: float, *, shown: bool = True, reader: Reader | None = None, **settings) -> Run:
    """A tray session started at ``wall`` with the real prompt rules."""
    rules = PromptScheduler(PromptRules(), PromptChooser(builtin_prompts()))
    scheduler = settings.pop("scheduler", rules)
    now = Now.at(wall, 1000.0)
    session = Session(SessionSettings(**settings), scheduler, now, BERLIN)
    run = Run(session, wall, shown=shown)
    run.start(reader)
    return run


def upright_minutes(run: Run, poses, analyzer: PostureAnalyzer, start: float, end: float,
                    pose: str = "upright") -> None:  # fmt: skip
    t = start
    while t < end:
        run.step(analyzer.step(t, poses[pose]), t)
        t += 2.0


@pytest.fixture
def analyzer() -> PostureAnalyzer:
    return PostureAnalyzer(load_profile(PROFILE))


# -- the daily report and the day ------------------------------------------------------------


def test_the_report_is_due_once_when_the_clock_passes_daily_at():
    run = make(local(DAY, 17, 28), daily_at=17 * 60 + 30)
    run.step(Tick())
    assert run.of(fx.WriteReport) == []  # 17:28: not yet
    run.step(Tick(), local(DAY, 17, 30, 5))
    assert run.of(fx.WriteReport) == [fx.WriteReport(DAY)]
    out = run.step(ReportWritten(DAY, "/data/reports/2026-11-24.html"))
    assert fx.Notify("Today's posture report", "Written to /data/reports/2026-11-24.html") in out
    run.step(Tick(), local(DAY, 17, 45))
    assert len(run.of(fx.WriteReport)) == 1  # once a day, not on every tick after 17:30
    assert not [e for e in run.step(ReportWritten(DAY, None)) if isinstance(e, fx.Notify)]


def test_daily_at_off_writes_nothing():
    run = make(local(DAY, 17, 28), daily_at=None)
    run.step(Tick(), local(DAY, 17, 31))
    assert run.of(fx.WriteReport) == []


def tick_through(run: Run, start: float, end: float) -> None:
    """Tick every 30 s of true time from ``start`` to ``end``."""
    t = start
    while t <= end:
        run.step(Tick(), t)
        t += 30.0


def count_new_days(run: Run, monkeypatch) -> list[date]:
    """Spy on MonitorStatus.new_day: the local dates it was called on."""
    calls: list[date] = []
    real = run.session.status.new_day

    def new_day() -> None:
        calls.append(datetime.fromtimestamp(run.wall).date())
        real()

    monkeypatch.setattr(run.session.status, "new_day", new_day)
    return calls


@pytest.mark.parametrize("day", [SPRING, AUTUMN], ids=["spring", "autumn"])
def test_the_daily_report_comes_once_on_a_clock_change_day(day, in_berlin, monkeypatch):
    start = berlin(day - timedelta(days=1), 23, 58)
    run = make(start, daily_at=17 * 60 + 30)
    new_days = count_new_days(run, monkeypatch)
    tick_through(run, start, berlin(day + timedelta(days=1), 0) + 120)
    assert [e.day for e in run.of(fx.WriteReport)] == [day]
    assert new_days == [day, day + timedelta(days=1)]  # the repeated hour is no new day


def test_a_report_set_in_the_skipped_hour_still_comes_once(in_berlin):
    run = make(berlin(SPRING, 0), daily_at=2 * 60 + 30)  # 02:30 never shows on this day
    tick_through(run, run.wall, berlin(SPRING + timedelta(days=1), 0) - 60)
    assert [e.day for e in run.of(fx.WriteReport)] == [SPRING]


def test_a_report_set_in_the_repeated_hour_comes_once(in_berlin):
    run = make(berlin(AUTUMN, 0), daily_at=2 * 60 + 30)
    tick_through(run, run.wall, berlin(AUTUMN + timedelta(days=1), 0) - 60)
    assert [e.day for e in run.of(fx.WriteReport)] == [AUTUMN]


def test_midnight_starts_todays_tallies_again_exactly_once(poses, analyzer, in_berlin, monkeypatch):
    day = date(2027, 6, 14)
    run = make(berlin(day, 23, 58))
    new_days = count_new_days(run, monkeypatch)
    midnight = berlin(day + timedelta(days=1), 0)
    status = run.session.status
    t = run.wall
    while t <= midnight + 60:  # 23:58 to 00:01, a frame every 2 s
        pose = "slouch" if berlin(day, 23, 58, 20) <= t < berlin(day, 23, 59, 10) else "upright"
        run.step(analyzer.step(t, poses[pose]), t)
        run.step(Tick(), t)
        if t == midnight - 2:  # the last frame of the old day
            assert run.session.counts.slouch_alerts == 1
            assert status.seconds[PostureState.SLOUCH] > 30
        t += 2.0
    for _ in range(5):
        run.step(Tick())
    assert new_days == [day + timedelta(days=1)]
    assert status.seconds[PostureState.UPRIGHT] == pytest.approx(60.0)  # since midnight only
    assert status.seconds[PostureState.SLOUCH] == 0.0
    assert run.session.counts == Counts()
    assert "100% upright today" in status.tooltip(t)
    assert status.posture == PostureState.UPRIGHT  # the state itself carries on


# -- quiet hours and pauses -------------------------------------------------------------------


def test_quiet_hours_follow_the_wall_clock(poses, analyzer):
    run = make(local(DAY, 23, 0), quiet_hours=QuietHours(True, 22 * 60, 7 * 60))
    assert run.session.quiet(run.now())
    assert not run.session.quiet(run.now(local(DAY + timedelta(days=1), 12, 0)))
    # a slouch alert in quiet hours is held back, and says why
    run.now(local(DAY, 23, 30))
    verdict = analyzer.step(run.wall, poses["slouch"])
    verdict = dataclasses.replace(verdict, state=PostureState.SLOUCH, events=(
        LongSittingAlert(run.wall, run.wall - 3000),))  # fmt: skip
    run.step(verdict)
    assert run.notified == []
    assert PromptSuppressed(run.wall, "long_sitting", Why.QUIET) in run.logged


@pytest.mark.parametrize(
    ("now", "quiet"),
    [
        (berlin(SPRING, 1, 59), True),  # winter time, just before the change
        (berlin(SPRING, 3, 0), True),  # a minute later by the clock on the wall
        (berlin(SPRING, 6, 59), True),
        (berlin(SPRING, 7, 0), False),  # 05:00 UTC: still 06:00 by yesterday's offset
        (berlin(SPRING, 21, 59), False),
        (berlin(SPRING, 22, 0), True),
        (berlin(AUTUMN, 2, 30), True),
        (berlin(AUTUMN, 2, 30, fold=1), True),
        (berlin(AUTUMN, 6, 59), True),  # 05:59 UTC: already 07:59 by yesterday's offset
        (berlin(AUTUMN, 7, 0), False),
        (berlin(AUTUMN, 22, 0), True),
    ],
    ids=lambda v: (
        datetime.fromtimestamp(v, BERLIN).strftime("%m-%d %H:%M%z")
        if isinstance(v, float)
        else str(v)
    ),
)
def test_quiet_hours_follow_the_local_clock_across_a_change(now, quiet, in_berlin):
    run = make(now, quiet_hours=QuietHours(True, 22 * 60, 7 * 60))
    assert run.session.quiet(run.now()) is quiet


def test_pause_until_tomorrow_lasts_until_the_morning_the_settings_hold():
    run = make(local(DAY, 23, 48), morning=7 * 60 + 30)
    run.step(MenuAction.PAUSE_TOMORROW)
    assert run.sent == [Pause(pytest.approx(7 * HOUR + 42 * 60, abs=1))]
    assert ask(run, "pause", until="tomorrow").message == "paused until 07:30 tomorrow"


@pytest.mark.parametrize(
    ("now", "hours"),
    [
        pytest.param(berlin(SPRING, 0, 30), 6.5, id="spring-00:30-this-morning"),
        pytest.param(berlin(AUTUMN, 0, 30), 8.5, id="autumn-00:30-this-morning"),
        pytest.param(berlin(SPRING - timedelta(days=1), 22), 9.0, id="spring-eve-22:00"),
        pytest.param(berlin(SPRING, 22), 10.0, id="spring-22:00-summer-time"),
        pytest.param(berlin(AUTUMN - timedelta(days=1), 22), 11.0, id="autumn-eve-22:00"),
        pytest.param(berlin(AUTUMN, 2, 30), 6.5, id="autumn-first-02:30"),
        pytest.param(berlin(AUTUMN, 2, 30, fold=1), 5.5, id="autumn-second-02:30"),
    ],
)
def test_pause_until_tomorrow_lasts_the_true_time_to_the_morning(now, hours, in_berlin):
    run = make(now)
    run.step(MenuAction.PAUSE_TOMORROW)
    (pause,) = run.sent
    assert isinstance(pause, Pause)
    assert pause.seconds == pytest.approx(hours * HOUR, abs=1e-3)
    assert datetime.fromtimestamp(now + pause.seconds, BERLIN).strftime("%H:%M") == "08:00"


def test_the_paused_menu_says_when_the_pause_ends_across_midnight(in_berlin):
    day = date(2027, 6, 14)
    run = make(berlin(day, 23, 48))
    run.step(Paused(run.wall, berlin(day + timedelta(days=1), 8)))
    assert run.status_line.label == "Paused until 08:00 tomorrow"
    assert run.tooltip == "posture-watch: paused until 08:00 tomorrow"
    run.wall = berlin(day + timedelta(days=1), 0, 5)  # after midnight the same end is today
    run.step(Tick())
    assert run.status_line.label == "Paused until 08:00"
    run.step(Resumed(run.wall))
    run.step(Paused(run.wall, run.wall + 30 * 60))
    assert run.status_line.label == "Paused until 00:35"


def test_the_menu_pauses_resumes_and_opens_what_it_names():
    run = make(local(DAY, 10, 0))
    for action in (MenuAction.PAUSE_15, MenuAction.PAUSE_60, MenuAction.RESUME):
        run.step(action)
    assert run.sent == [Pause(900.0), Pause(3600.0), Resume()]
    assert run.step(MenuAction.SETTINGS)[0] == fx.OpenSettings()
    (report,) = [e for e in run.step(MenuAction.REPORT) if isinstance(e, fx.OpenReport)]
    assert report.day == DAY and report.summary.startswith("Watched since posture-watch started")


# -- the desktop's day: the icon, the tooltip and the menu's status line ----------------------


@pytest.fixture
def desk(poses, analyzer):
    """A session fed real verdicts of an upright picture, one a second from 10:00."""
    t0 = local(DAY, 10, 0)
    run = make(t0)

    def upright(minutes: float) -> None:
        end = int(t0 + 60 * minutes)
        for t in range(end - 40, end + 1, 2):
            run.step(analyzer.step(float(t), poses["upright"]), float(t))

    upright(1)
    return run, t0, upright


def test_a_locked_screen_shows_a_padlock_and_says_so_first_in_the_menu(desk):
    run, t0, upright = desk
    assert run.icon is TrayState.UPRIGHT
    run.step(ScreenLocked(t0 + 65, "org.gnome.ScreenSaver"), t0 + 65)
    assert run.icon is TrayState.LOCKED
    assert run.status_line.label.startswith("Screen locked")
    assert run.status_line.id == STATUS and not run.status_line.enabled
    assert "screen locked" in run.tooltip
    run.step(ScreenUnlocked(t0 + 600, "org.gnome.ScreenSaver"), t0 + 600)
    upright(11)
    assert run.icon is TrayState.UPRIGHT
    assert run.notified == []  # a lock is no news to the person who locked


def test_a_video_call_gets_a_neutral_camera_state_and_no_notification(desk):
    run, t0, upright = desk
    run.step(CameraBusy(t0 + 65, "zoom (pid 4242)", 30.0), t0 + 65)
    assert run.icon is TrayState.CAMERA_BUSY
    assert run.status_line.label.startswith("Camera in use by zoom (pid 4242)")
    assert run.notified == []  # a notification would pop up on a shared screen
    run.step(CameraFree(t0 + 600), t0 + 600)
    upright(11)
    assert run.icon is TrayState.UPRIGHT
    assert run.session.status.camera_busy is None


def test_the_status_line_follows_the_sitting_time(desk):
    run, _t0, upright = desk
    for minute in range(2, 25):
        upright(minute)
    line = run.status_line
    assert line.id == "status" and not line.enabled
    assert line.label.startswith("Upright · sitting 2")
    assert line.label.endswith("% upright today")


def test_the_status_line_says_why_it_cannot_judge(desk, poses, analyzer):
    """Real landmarks of an upright picture, measured as too dark: never slouch, and the
    menu says why the tray cannot judge."""
    run, t0, _upright = desk
    dark = dataclasses.replace(poses["upright"], luma=6.0)
    for t in range(int(t0) + 62, int(t0) + 120, 2):
        verdict = analyzer.step(float(t), dark)
        assert verdict.raw_state == "unknown" and verdict.reason == "too dark"
        run.step(verdict, float(t))
    assert run.status_line.label.startswith("Can't see you well: too dark")


def test_a_long_lock_is_a_break_the_tray_counts(desk, poses, analyzer):
    """At a lock and an unlock the loop sends the timeline's own events, outside any
    verdict: the session must count the break and show the bout as ended."""
    run, t0, _upright = desk
    for t in range(int(t0) + 62, int(t0) + 600, 2):  # nine more minutes upright
        run.step(analyzer.step(float(t), poses["upright"]), float(t))
    assert run.session.status.bout_seconds(t0 + 600) is not None
    lock, unlock = t0 + 600, t0 + 600 + 15 * 60
    run.step(ScreenLocked(lock, "org.gnome.ScreenSaver"), lock)
    for event in analyzer.away(lock):
        run.step(event, lock)
    run.step(ScreenUnlocked(unlock, "org.gnome.ScreenSaver"), unlock)
    events = analyzer.away(unlock)
    assert any(isinstance(e, BreakStarted) for e in events)
    for event in events:
        run.step(event, unlock)
    assert run.session.counts.breaks == 1
    assert run.session.status.sitting_since is None
    assert any(isinstance(e, BreakStarted) for e in run.logged)


def test_a_changed_set_up_is_told_once_with_what_to_do(desk):
    run, t0, _upright = desk
    run.step(SetupChanged(t0 + 300, None, "closer"))
    ((title, body),) = run.notified
    assert title == "Your set-up looks different"
    assert "recalibrate?" in body and "Calibrate…" in body
    run.step(Recalibrated(t0 + 900, "desk"))
    run.step(SetupChanged(t0 + 900, "desk", ""))
    assert run.notified[1:] == [
        ("Set-up recognised", "Your set-up matches profile 'desk': using it.")
    ]


def test_camera_trouble_is_told_once_until_it_recovers_and_a_crash_says_where_to_look():
    run = make(local(DAY, 10, 0))
    run.step(CameraUnavailable(run.wall, "no camera at /dev/video0", 2.0))
    run.step(CameraUnavailable(run.wall + 2, "no camera at /dev/video0", 2.0))
    assert run.notified == [("Camera unavailable",
        "no camera at /dev/video0. posture-watch keeps trying and resumes by itself.")]  # fmt: skip
    assert run.icon is TrayState.CAMERA_PROBLEM
    run.step(CameraRecovered(run.wall + 10))
    assert run.notified[-1] == ("Camera back", "posture-watch is watching again.")
    run.step(WorkerCrashed(run.wall + 20, "RuntimeError: boom", 5.0, "/tmp/pw.log"))
    (crash,) = [e for e in run.of(fx.Notify) if e.urgency == "critical"]
    assert crash.body == "RuntimeError: boom\nRestarting in 5 s. Details: /tmp/pw.log"
    assert run.icon is TrayState.ERROR and "RuntimeError: boom" in run.tooltip


def test_pause_suspend_and_the_worker_events_fold_into_the_status(desk):
    run, t0, upright = desk
    run.step(Paused(t0 + 70, None))
    assert run.icon is TrayState.PAUSED and run.session.status.paused
    assert run.status_line.label.startswith("Paused")
    assert [e.id for e in run.of(fx.ShowMenu)[-1].entries][2] == MenuAction.RESUME
    run.step(Resumed(t0 + 80))
    assert not run.session.status.paused
    run.step(Suspended(t0 + 3000, t0 + 90))
    upright(51)
    assert run.session.status.seconds[PostureState.UPRIGHT] < 5 * 60  # the sleep is away
    assert {type(e) for e in run.logged} >= {Paused, Resumed, Suspended}


# -- prompts ------------------------------------------------------------------------------------


def long_sitting(analyzer, poses, t: float):
    verdict = analyzer.step(t, poses["upright"])
    return dataclasses.replace(verdict, events=(LongSittingAlert(t, t - 3000),))


def test_a_break_nudge_says_why_and_opens_its_stretch(poses, analyzer):
    run = make(local(DAY, 17, 30))
    run.step(long_sitting(analyzer, poses, run.wall))
    ((title, body),) = run.notified
    assert title == "Time for a break" and body.startswith("You have been sitting for 50 min.\n")
    (shown,) = [e for e in run.logged if isinstance(e, PromptShown)]
    assert shown.stretch_id is not None
    assert run.of(fx.OpenWindow) == [fx.OpenWindow(WindowKind.STRETCH, shown.stretch_id)]
    assert run.session.counts.prompts == 1
    run.step(WindowClosed(WindowKind.STRETCH, "done"), run.wall + 60)
    assert PromptAnswered(run.wall, shown.stretch_id, "done") in run.logged


def test_a_nudge_nobody_saw_is_not_recorded_as_shown(poses, analyzer):
    run = make(local(DAY, 17, 30), shown=False)
    run.step(long_sitting(analyzer, poses, run.wall))
    assert [e for e in run.logged if isinstance(e, PromptShown)] == []
    assert PromptSuppressed(run.wall, "long_sitting", Why.NOT_SHOWN) in run.logged
    assert run.opened == []  # no stretch window for a break nobody was told about


# -- one window at a time -------------------------------------------------------------------


def test_the_journal_waits_for_the_stretch_window_and_opens_when_it_closes():
    run = make(local(DAY, 17, 29))
    run.step(MenuAction.STRETCH)
    run.step(MenuAction.JOURNAL)
    assert run.opened == [WindowKind.STRETCH]  # the journal waits, not on top of the stretch
    run.step(Tick())
    assert run.opened == [WindowKind.STRETCH]
    run.step(WindowClosed(WindowKind.STRETCH, "done"))
    assert run.opened == [WindowKind.STRETCH, WindowKind.JOURNAL]
    run.step(MenuAction.STRETCH)  # now the stretch waits for the journal
    assert run.opened == [WindowKind.STRETCH, WindowKind.JOURNAL]
    run.step(WindowClosed(WindowKind.JOURNAL, "dismissed"))
    assert run.opened == [WindowKind.STRETCH, WindowKind.JOURNAL, WindowKind.STRETCH]


def test_a_break_during_the_journal_queues_its_stretch_and_calibration_waits(poses, analyzer):
    run = make(local(DAY, 17, 30))
    run.step(MenuAction.JOURNAL)
    run.step(long_sitting(analyzer, poses, run.wall))
    assert [title for title, _ in run.notified] == ["Time for a break"]
    assert run.notified[0][1].startswith("You have been sitting for 50 min.\n")
    run.step(MenuAction.CALIBRATE)
    assert run.opened == [WindowKind.JOURNAL] and not run.session.status.calibrating
    run.step(WindowClosed(WindowKind.JOURNAL, "dismissed"))
    assert run.opened == [WindowKind.JOURNAL, WindowKind.STRETCH]
    run.step(WindowClosed(WindowKind.STRETCH, "done"))
    assert run.opened == [WindowKind.JOURNAL, WindowKind.STRETCH, WindowKind.CALIBRATE]
    assert run.session.status.calibrating and run.sent[-1] == Pause(None)  # camera released
    assert run.icon is TrayState.CALIBRATING
    run.step(Calibrated(None, CANCELLED))
    assert not run.session.status.calibrating


@pytest.mark.parametrize("entry_today", [False, True])
def test_the_daily_journal_question_is_skipped_when_today_has_an_entry(entry_today):
    run = make(local(DAY, 17, 29), reader=Reader(journal=entry_today),
               daily_at=17 * 60 + 30, journal_prompt=True)  # fmt: skip
    run.step(Tick(), local(DAY, 17, 30, 5))
    assert run.opened == ([] if entry_today else [WindowKind.JOURNAL])


def test_a_saved_journal_entry_is_asked_once_a_day_and_said_so():
    run = make(local(DAY, 9, 0), daily_at=17 * 60 + 30, journal_prompt=True)
    run.step(MenuAction.JOURNAL)
    entry = JournalEntry(run.wall, pain=2)
    out = run.step(WindowClosed(WindowKind.JOURNAL, entry=entry))
    assert fx.SaveJournal(entry) in out
    run.step(JournalSaved(True))
    assert run.notified[-1][0] == "Pain journal" and run.notified[-1][1].startswith("Saved.")
    run.step(Tick(), local(DAY, 17, 30, 5))
    assert run.opened == [WindowKind.JOURNAL]  # not again at daily_at: today has its entry
    run.step(JournalSaved(False))
    assert run.notified[-1] == ("Pain journal", "Could not save the entry (see the log).")


def test_a_cancelled_calibration_resumes_quietly_and_a_failed_one_says_why():
    run = make(local(DAY, 10, 0))
    run.step(MenuAction.CALIBRATE)
    run.step(Calibrated(None, CANCELLED))
    assert run.notified == [] and not run.session.status.calibrating
    assert run.sent[-1] == Resume()
    run.step(Calibrated(None, "calibration refused: you look slouched"))
    assert run.notified == [("Calibration failed", "calibration refused: you look slouched")]


def test_a_skipped_first_calibration_says_how_to_calibrate_later():
    run = make(local(DAY, 9, 0), first_run_hint="Choose Calibrate… in the tray menu.")
    run.step(MenuAction.CALIBRATE)
    run.step(Calibrated(None, CANCELLED))
    assert run.notified == [("Not calibrated yet", "Choose Calibrate… in the tray menu.")]
    run.step(MenuAction.CALIBRATE)
    run.step(Calibrated(None, CANCELLED))  # said once, not after every cancel
    assert len(run.notified) == 1
    run.step(Notice("posture-watch demo", "A recorded session plays."))
    assert run.notified[-1] == ("posture-watch demo", "A recorded session plays.")


# -- today's figures ----------------------------------------------------------------------------


def test_todays_figures_are_read_once_a_minute_not_on_every_frame(poses, analyzer):
    reader = Reader()
    run = make(local(DAY, 9, 0), reader=reader)
    assert reader.reads == 1  # at the start
    upright_minutes(run, poses, analyzer, local(DAY, 9, 0), local(DAY, 9, 3, 30))
    assert reader.reads == 1 + 3  # at 9:01, 9:02 and 9:03
    run.step(MenuAction.REPORT)
    assert reader.reads == 5  # the report's summary reads the latest


# -- start at login -----------------------------------------------------------------------------


def test_start_at_login_is_a_check_item_that_says_why_it_failed():
    run = make(local(DAY, 10, 0), autostart=False)
    (item,) = [e for e in run.of(fx.ShowMenu)[-1].entries if e.id == MenuAction.AUTOSTART]
    assert item.checked is False
    assert run.step(MenuAction.AUTOSTART)[0] == fx.SetAutostart(True)
    run.step(AutostartState(True))
    (item,) = [e for e in run.of(fx.ShowMenu)[-1].entries if e.id == MenuAction.AUTOSTART]
    assert item.checked is True
    run.step(AutostartState(False, "Not a directory"))
    assert run.notified == [("Start at login", "Could not change it: Not a directory")]
    assert run.session.autostart is False
    plain = make(local(DAY, 10, 0))
    assert plain.step(MenuAction.AUTOSTART) == []  # not offered, nothing to do
    assert not [e for e in plain.of(fx.ShowMenu)[-1].entries if e.id == MenuAction.AUTOSTART]


# -- the control socket ---------------------------------------------------------------------


def ask(run: Run, command: str, **kw) -> ControlReply:
    (reply,) = [e.reply for e in run.step(ControlAsked(ControlRequest(command, **kw)))
                if isinstance(e, fx.Reply)]  # fmt: skip
    return reply


def test_control_answers_as_the_menu_does():
    run = make(local(DAY, 10, 0))
    reply = ask(run, "pause", seconds=1800)
    assert reply.ok and reply.message == "paused for 30 min (until 10:30)"
    assert run.sent == [Pause(1800.0)]
    assert ask(run, "resume") == ControlReply(True, "not paused")
    run.step(Paused(run.wall, None))
    assert ask(run, "resume") == ControlReply(True, "resumed")
    status = ask(run, "status")
    assert status.message.startswith("Paused") and status.data["state"] == "paused"
    assert ask(run, "pause", until="tomorrow").message == "paused until 08:00 tomorrow"


def test_control_stretch_opens_one_window_and_quit_writes_the_report():
    run = make(local(DAY, 10, 0))
    assert ask(run, "stretch") == ControlReply(True, "stretch window opened")
    assert ask(run, "stretch") == ControlReply(True, "a stretch window is already open")
    run.step(WindowClosed(WindowKind.STRETCH, "done"))
    run.step(MenuAction.JOURNAL)
    waiting = "the stretch window opens when the open window closes"
    assert ask(run, "stretch") == ControlReply(True, waiting)
    assert ask(run, "stretch").message == "a stretch window opens when the open window closes"
    assert ask(run, "quit") == ControlReply(True, "quitting")
    assert run.of(fx.Stop) == [fx.Stop(report=True)]


def test_the_console_session_has_no_icon_no_windows_and_quit_stops():
    console = make(local(DAY, 10, 0), tray=False, scheduler=None)
    assert ask(console, "stretch") == STRETCH_NEEDS_TRAY
    console.step(MenuAction.JOURNAL)
    assert console.opened == [] and console.of(fx.ShowIcon) == []
    assert ask(console, "status").message == "Starting"
    assert ask(console, "quit") == ControlReply(True, "stopping")
    assert console.of(fx.Stop) == [fx.Stop()]


# -- the end --------------------------------------------------------------------------------


def test_the_end_of_a_replay_is_a_quit_and_a_signal_is_not(poses, analyzer):
    run = make(local(DAY, 10, 0))
    run.step(SourceEnded(run.wall))
    assert run.of(fx.Stop) == [fx.Stop(report=True)]
    assert run.step(MenuAction.STRETCH) == []  # clicks after Quit are dropped
    verdict = analyzer.step(run.wall + 1, poses["upright"])
    assert run.step(verdict) == [fx.Record(verdict)]  # the minutes still count, no prompts
    run.step(Stopped(run.wall + 2, "end", 10, 10))
    assert run.session.worker_done
    signal = make(local(DAY, 10, 0))
    assert fx.Stop(report=False) in signal.step(StopAsked())


def test_a_failed_or_lost_worker_stops_the_session_with_its_exit_code():
    run = make(local(DAY, 10, 0))
    run.step(WorkerFailed(run.wall, "the model file is damaged", 2))
    assert run.notified == [("posture-watch stopped", "the model file is damaged")]
    assert run.of(fx.Stop) == [fx.Stop(exit_code=2)] and run.session.exit_code == 2
    lost = make(local(DAY, 10, 0))
    lost.step(WorkerLost())
    assert lost.notified == [("posture-watch stopped", "the monitor worker ended unexpectedly")]
    assert lost.of(fx.Stop) == [fx.Stop(exit_code=1)]
    assert lost.icon is TrayState.ERROR


def test_stop_after_seconds_of_monotonic_time():
    run = make(local(DAY, 10, 0), stop_after=60.0)
    run.step(Tick(), local(DAY, 10, 0, 59))
    assert run.of(fx.Stop) == []
    run.step(Tick(), local(DAY, 10, 1, 0))
    run.step(Tick(), local(DAY, 10, 1, 1))
    assert run.of(fx.Stop) == [fx.Stop()]  # once
