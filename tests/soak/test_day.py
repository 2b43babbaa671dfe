"""Soak: a whole working day through the real monitor loop, tray controller and history.

The day is 8 hours of wall time, 08:00 to 16:00, replayed at full speed on a
:class:`~posture_watch.clock.ManualClock`: 6 hours of frames (one a second of source time,
landmarks from the bundled demo recording, no pixels) and a 2-hour suspend at 10:50 (the
laptop closed over lunch). The scripted mix: upright and slouched sitting (slouch alerts),
side turns and frames with NaN landmarks (state ``unknown``), short, medium and long
absences (breaks), sitting long enough for long-sitting alerts, a notifier that fails
for half an hour, the SQLite history locked by another connection for 10 s of the day,
and one ordinary exception raised inside the source (the worker restarts and carries on
where it stopped).

Everything is the real thing, wired as ``posture_watch.commands.tray._run_tray`` wires it:
the loop on a worker thread posts to the controller's inbox, the controller runs on its
own thread with its real prompt scheduler, event log and :class:`HistoryRecorder` on a
file. Stand-ins only where a desktop would be: the tray icon, the notification server and
the stretch window. The day runs once per module; each test checks one promise of issue
8 ("every minute is in the SQLite file; no thread died unnoticed; RSS is flat").

What "locked for 10 s" means here: the replay is virtual time, so real seconds say
nothing. The history is held with ``BEGIN EXCLUSIVE`` (from the test's main thread) while
the controller feeds the recorder the verdicts of 10 seconds of the day, starting in the
last 8 seconds of a minute so that a finished minute must be written while the file is
locked. The recorder's retry (30 s of event time later) then falls after the release.
"""

from __future__ import annotations

import math
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from itertools import cycle
from pathlib import Path

import numpy as np
import pytest

from posture_watch import paths
from posture_watch.clock import ManualClock
from posture_watch.config import AppConfig
from posture_watch.core.analyzer import PostureAnalyzer, Verdict
from posture_watch.core.events import LongSittingAlert, SlouchAlert, StateChanged
from posture_watch.core.landmarks import Landmark, Landmarks
from posture_watch.core.prompt_rules import PromptRules, PromptScheduler
from posture_watch.core.prompts import PromptChooser
from posture_watch.core.sampling import AdaptiveSampler
from posture_watch.core.status import TrayState
from posture_watch.core.worker_events import SourceEnded, Stopped, Suspended, WorkerCrashed
from posture_watch.desktop.icons import COLOURS
from posture_watch.history import HistoryRecorder, open_recorder
from posture_watch.monitor.event_log import EventLog, read_events
from posture_watch.monitor.loop import MonitorLoop
from posture_watch.pose import RecordedLandmarks
from posture_watch.profiles import load_profile
from posture_watch.prompt_library import builtin_prompts
from posture_watch.sources import RecordingSource
from posture_watch.sources.base import Frame
from posture_watch.tray.actions import DesktopActions
from posture_watch.tray.controller import TrayController
from tests.harness import fakes

HOUR = 3600
#: 08:00 local time on an arbitrary day: the day ends at 16:00, before the 17:30 report.
START = datetime(2026, 11, 24, 8, 0).timestamp()
DAY = 8 * HOUR
SUSPEND = 2 * HOUR
#: Seconds of frames: the day minus the time the machine slept.
MONITORED = DAY - SUSPEND
#: Source seconds (frame indices) where the machine sleeps and where the worker breaks.
SUSPEND_AT = 10_200
CRASH_AT = 15_500
CRASH_MESSAGE = "scripted bug in the soak day's source"
#: The notifier fails (the desktop shows nothing) for this stretch of event time; it lies
#: before the suspend and the crash, where event time is START + source seconds.
FAILING = (START + 7_200, START + 9_000)
#: The history is locked from the first verdict after this event time in the last 8 s
#: of a minute, for LOCK_SPAN seconds of event time (source second ~11,000, after the
#: suspend and before the crash).
LOCK_AFTER = START + SUSPEND + 11_000
LOCK_SPAN = 10.0
#: Real seconds any hand-over between threads may take before the test gives up.
WAIT = 60.0
MB = 1024 * 1024
#: Measured: +0.2 to +0.3 MB from the 2nd hour to the end (SQLite's page cache may add up
#: to 2 MB as the file grows). Keeping every verdict alive would add about 15 MB.
RSS_GROWTH_LIMIT = 5 * MB

UPRIGHT, SLOUCH, TURNED, NAN, AWAY = "upright", "slouch", "turned", "nan", "away"
#: (what the camera sees, seconds of source time); adds up to MONITORED.
SCRIPT: list[tuple[str, int]] = [
    # 08:00 - 09:03: sitting, two slouches, a side turn, NaN frames, a glance away,
    # a long-sitting alert at 50 min, then a 10-minute break
    (UPRIGHT, 900), (SLOUCH, 120), (UPRIGHT, 480), (TURNED, 90), (UPRIGHT, 300),
    (NAN, 60), (UPRIGHT, 300), (AWAY, 45), (SLOUCH, 90), (UPRIGHT, 800), (AWAY, 600),
    # 09:03 - 10:00: a 90 s absence (ends the bout, no break), a slouch, another turn
    (UPRIGHT, 1200), (AWAY, 90), (SLOUCH, 150), (UPRIGHT, 1000), (TURNED, 60),
    (UPRIGHT, 915),
    # 10:00 - 10:30: the notifier fails; two slouch alerts fall in it
    (SLOUCH, 120), (UPRIGHT, 600), (NAN, 60), (UPRIGHT, 400), (SLOUCH, 100),
    (UPRIGHT, 520),
    # 10:30 - 10:50 break, sitting, suspend (10:50 - 12:50), the history locked at ~13:04
    (AWAY, 300), (UPRIGHT, 1200), (SLOUCH, 120), (UPRIGHT, 1380), (TURNED, 60),
    (UPRIGHT, 900), (AWAY, 400), (UPRIGHT, 1440),
    # the worker crashes at source second 15,500 (14:18), a 70 s absence, long sitting
    (NAN, 60), (SLOUCH, 120), (UPRIGHT, 1000), (AWAY, 70), (UPRIGHT, 1500),
    (SLOUCH, 100), (UPRIGHT, 1400),
    # the last hour: a break, a slouch, upright to the end
    (AWAY, 300), (UPRIGHT, 1000), (SLOUCH, 120), (UPRIGHT, 1130),
]  # fmt: skip
KINDS = (AWAY, UPRIGHT, SLOUCH, TURNED, NAN)
DEMO = paths.SAMPLES_DIR / "demo-session.jsonl"
DEMO_PROFILE = paths.SAMPLES_DIR / "demo-profile.json"


def rss() -> int:
    """Resident set size of this process in bytes (Linux)."""
    resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE")


# -- the camera's view: landmark pools ----------------------------------------------------


def _edited(
    landmarks: Landmarks,
    image: Callable[[np.ndarray], None] | None = None,
    world: Callable[[np.ndarray], None] | None = None,
) -> Landmarks:
    """A copy of ``landmarks`` with its (33, 5) image and world arrays edited in place."""
    im, wo = landmarks.image.copy(), landmarks.world.copy()
    if image is not None:
        image(im)
    if world is not None:
        world(wo)
    return Landmarks(im, wo, landmarks.width, landmarks.height)


def _turned(image: np.ndarray) -> None:
    """Seen from the side: the shoulders overlap (foreshortened), the nose is at an ear."""
    left, right = Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER
    image[left, 0] = image[right, 0] = (image[left, 0] + image[right, 0]) / 2
    image[Landmark.NOSE, 0] = image[Landmark.LEFT_EAR, 0]


def _nan(rows: slice | int | tuple, columns: slice = slice(None)) -> Callable[[np.ndarray], None]:
    def edit(array: np.ndarray) -> None:
        array[rows, columns] = np.nan

    return edit


#: NaN where a pose model can put it: some make the frame unmeasurable (unknown), some
#: touch only values the features do not need (still upright).
NAN_EDITS: list[tuple[Callable | None, Callable | None]] = [
    (_nan(slice(7, 9), slice(0, 2)), None),  # both ears' x, y
    (None, _nan(slice(None))),  # every world value
    (_nan(23), None),  # a hip, never used
    (_nan(slice(None)), _nan(slice(None))),  # everything
    (_nan(slice(0, 13), slice(3, 4)), None),  # the head's visibility
    (_nan(0, slice(0, 3)), None),  # the nose
]


def landmark_pools() -> dict[str, list[Landmarks | None]]:
    """Upright and slouched frames of the demo recording, and edits of the upright ones."""
    with RecordingSource(DEMO) as source:
        frames = [f for f in source.frames() if f.landmarks is not None]
    upright = [f.landmarks for f in frames if "/notSlouching/" in f.name]
    slouch = [f.landmarks for f in frames if "/isSlouching/" in f.name]
    assert upright and slouch
    nan = [_edited(lm, *edits) for lm, edits in zip(upright, cycle(NAN_EDITS), strict=False)]
    return {
        AWAY: [None],
        UPRIGHT: upright,
        SLOUCH: slouch,
        TURNED: [_edited(lm, _turned) for lm in upright],
        NAN: nan,
    }


# -- the source ----------------------------------------------------------------------------


class Day:
    """The scripted day and its cursor: each source it opens carries on where the last one
    stopped (a reopened source's frames start again at t = 0, as a reopened file's do)."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.kinds = np.concatenate(
            [np.full(seconds, KINDS.index(kind), np.int8) for kind, seconds in SCRIPT]
        )
        assert len(self.kinds) == MONITORED
        pools = landmark_pools()
        self.pools = [pools[kind] for kind in KINDS]
        self.cursor = 0
        self.opened_at: list[int] = []
        self.last_yielded = -1
        self.backwards = 0  # frames yielded again or out of order (must stay 0)
        self.suspended = self.crashed = False

    def open(self) -> DaySource:
        self.opened_at.append(self.cursor)
        return DaySource(self)

    def landmarks(self, index: int) -> Landmarks | None:
        pool = self.pools[self.kinds[index]]
        return pool[index % len(pool)]

    def frames(self, sample: Callable[[float], bool] | None) -> Iterator[Frame]:
        first = self.cursor
        for index in range(first, MONITORED):
            self.cursor = index
            if index == SUSPEND_AT and not self.suspended:
                self.suspended = True
                self.clock.suspend(SUSPEND)  # the lid closes; the monotonic clock stops
            if index == CRASH_AT and not self.crashed:
                self.crashed = True
                raise RuntimeError(CRASH_MESSAGE)  # a bug, not a camera problem
            t = float(index - first)
            if sample is None or sample(t):
                self.backwards += index <= self.last_yielded
                self.last_yielded = index
                yield Frame(index=index - first, t=t, landmarks=self.landmarks(index))
        self.cursor = MONITORED


class DaySource:
    """A landmark source without pixels over the rest of the day."""

    label = "scripted day"
    is_sequence, has_pixels = True, False

    def __init__(self, day: Day) -> None:
        self.day = day
        self.closed = False

    def frames(self, sample=None, on_bad_frame=None) -> Iterator[Frame]:
        return self.day.frames(sample)

    def __iter__(self) -> Iterator[Frame]:
        return self.frames()

    def close(self) -> None:
        self.closed = True

    def __enter__(self) -> DaySource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- what the loop emitted (worker thread) -------------------------------------------------


class Stream:
    """The loop's one event stream, kept small so it does not show in the RSS: the minute
    of every verdict, its timeline events (state changes only counted), other events whole."""

    def __init__(self) -> None:
        self.minutes: set[int] = set()
        self.verdicts = self.state_changes = 0
        self.timeline: list[object] = []
        self.events: list[object] = []

    def note(self, event: object) -> None:
        if isinstance(event, Verdict):
            self.verdicts += 1
            self.minutes.add(math.floor(event.t / 60) * 60)
            for inner in event.events:
                if isinstance(inner, StateChanged):
                    self.state_changes += 1
                else:
                    self.timeline.append(inner)
        else:
            self.events.append(event)

    def of(self, kind: type) -> list:
        return [e for e in self.events + self.timeline if isinstance(e, kind)]


# -- the controller's side (controller thread) ---------------------------------------------


class LockGate:
    """Hands the history file to the main thread for LOCK_SPAN seconds of event time."""

    def __init__(self) -> None:
        self.want_lock, self.locked = threading.Event(), threading.Event()
        self.want_release, self.released = threading.Event(), threading.Event()
        self.start: float | None = None
        self.timed_out = False

    def at(self, t: float) -> None:
        """Before the recorder sees the verdict at ``t`` (controller thread)."""
        if self.start is None:
            if t >= LOCK_AFTER and t % 60 >= 52:
                self.start = t
                self.want_lock.set()
                self.timed_out |= not self.locked.wait(WAIT)
        elif not self.want_release.is_set() and t >= self.start + LOCK_SPAN:
            self.want_release.set()
            self.timed_out |= not self.released.wait(WAIT)

    def hold(self, path: Path) -> None:
        """Another program holds the history (main thread)."""
        try:
            if not self.want_lock.wait(WAIT):
                return
            with closing(sqlite3.connect(path, isolation_level=None, timeout=5)) as holder:
                holder.execute("BEGIN EXCLUSIVE")
                self.locked.set()
                self.want_release.wait(WAIT)
                holder.execute("ROLLBACK")
        finally:
            self.locked.set()
            self.released.set()


class HistoryTap:
    """The real recorder as the controller's history sink, with the test's hands on the
    controller thread: the event time the controller has reached (the notifier and the
    icon read it there), RSS samples at the day's hours, and the lock hand-over."""

    def __init__(self, gate: LockGate, inbox_size: Callable[[], int]) -> None:
        self.gate, self._inbox_size = gate, inbox_size
        self.recorder: HistoryRecorder | None = None
        self.t = START
        self.rss: dict[str, int] = {}
        self.backlog: dict[str, int] = {}
        self._hours = list(range(1, DAY // HOUR + 1))

    def attach(self, recorder: HistoryRecorder) -> HistoryTap:
        self.recorder = recorder
        return self

    def on_event(self, event: object) -> None:
        assert self.recorder is not None
        if isinstance(event, Verdict):
            self.t = event.t
            while self._hours and event.t >= START + self._hours[0] * HOUR:
                self._sample(f"hour {self._hours.pop(0)}")
            self.gate.at(event.t)
        elif isinstance(event, Stopped):
            self._sample("end")  # the day is over; before the report loads matplotlib
        self.recorder.on_event(event)

    def close(self, t_end: float) -> None:
        assert self.recorder is not None
        self.recorder.close(t_end)

    def _sample(self, name: str) -> None:
        self.rss[name] = rss()
        self.backlog[name] = self._inbox_size()


class Notifier:
    """The notification server: shows nothing (returns False) during FAILING."""

    def __init__(self, tap: HistoryTap) -> None:
        self.tap = tap
        self.calls: list[tuple[float, str, bool]] = []

    def notify(self, title: str, body: str, *, urgency: str = "normal", **extra: object) -> bool:
        shown = not FAILING[0] <= self.tap.t < FAILING[1]
        self.calls.append((self.tap.t, title, shown))
        return shown

    def offers_actions(self) -> bool:
        return False


@dataclass(frozen=True)
class Answer:
    answer: str


class StretchWindow:
    """The stretch window: answered "done" after a while (40 controller ticks)."""

    def __init__(self, prompt_id: str) -> None:
        self.prompt_id = prompt_id
        self.polls = 0

    def poll(self) -> Answer | None:
        self.polls += 1
        return Answer("done") if self.polls >= 40 else None

    def close(self) -> Answer | None:
        return None


class Icon(fakes.Icon):
    """The tray icon: also records each new picture's state (read from its colour, as a
    screenshot would) with the event time the controller had reached."""

    def __init__(self, tap: HistoryTap) -> None:
        super().__init__()
        self.tap = tap
        self.states: list[tuple[float, TrayState]] = []
        self._by_colour = {colour: state for state, colour in COLOURS.items()}

    def update(self, image: object | None, tooltip: str) -> None:
        super().update(image, tooltip)
        if image is not None:
            pixel = image.getpixel((4, 32))  # type: ignore[attr-defined]
            self.states.append((self.tap.t, self._by_colour[tuple(pixel[:3])]))


# -- the day -------------------------------------------------------------------------------


@dataclass
class DayRun:
    tmp: Path
    history: Path
    crash_log: Path
    events_file: Path
    stream: Stream
    day: Day
    tap: HistoryTap
    icon: Icon
    notifier: Notifier
    gate: LockGate
    loop: MonitorLoop
    controller: TrayController
    recorder_lines: list[str]
    thread_errors: list[threading.ExceptHookArgs]
    alive_after: dict[str, bool]
    seconds: float
    rss_after: int

    def table(self, name: str) -> list[dict]:
        with closing(sqlite3.connect(self.history)) as conn:
            conn.row_factory = sqlite3.Row
            return [dict(row) for row in conn.execute(f"SELECT * FROM {name} ORDER BY rowid")]

    def journal(self, kind: str) -> list[dict]:
        return [r for r in read_events(self.events_file) if r["type"] == kind]


def run_day(tmp: Path) -> DayRun:
    clock = ManualClock(START)
    config = AppConfig()
    history, crash_log = tmp / "history.sqlite3", tmp / "posture-watch.log"
    journal = EventLog(tmp / "events.jsonl")
    day, stream, gate, lines = Day(clock), Stream(), LockGate(), []
    controller: TrayController
    worker: threading.Thread  # made below, read by the controller once it runs

    def emit(event: object) -> None:  # the worker thread's one callback
        stream.note(event)
        controller.post(event)

    sampling = config.sampling
    loop = MonitorLoop(
        day.open,
        PostureAnalyzer(load_profile(DEMO_PROFILE), config.decision),
        emit,
        make_estimator=lambda source: RecordedLandmarks(),
        clock=clock,
        sampler=AdaptiveSampler(sampling.stable_interval, sampling.confirm_interval),
        crash_log=crash_log,
    )
    tap = HistoryTap(gate, lambda: controller.inbox.qsize())
    notifier, icon = Notifier(tap), Icon(tap)
    controller = TrayController(
        loop,
        config,
        PromptScheduler(PromptRules.from_config(config.prompts), PromptChooser(builtin_prompts())),
        notifier,
        journal,
        open_stretch=StretchWindow,
        actions=DesktopActions(
            "scripted day", "default", tmp / "settings.toml", history, config.decision.sit_max
        ),
        clock=clock,
        stop_after=None,
        open_history=lambda: tap.attach(
            open_recorder(history, loop.started, report=lines.append, busy_timeout=0.05)
        ),
        worker_alive=lambda: worker.is_alive(),
        windows=True,  # its stand-in stretch window opens without a display
    )
    controller.icon = icon
    errors: list[threading.ExceptHookArgs] = []
    worker = threading.Thread(target=loop.run, name="posture-watch-monitor", daemon=True)
    control = threading.Thread(target=controller.run, name="posture-watch-tray", daemon=True)
    previous_hook, threading.excepthook = threading.excepthook, errors.append
    began = time.perf_counter()
    try:
        worker.start()
        control.start()
        gate.hold(history)
        control.join(WAIT)
        worker.join(WAIT)
    finally:
        gate.locked.set()
        gate.released.set()
        threading.excepthook = previous_hook
        journal.close()
    seconds = time.perf_counter() - began
    run = DayRun(
        tmp, history, crash_log, tmp / "events.jsonl", stream, day, tap, icon, notifier, gate,
        loop, controller, lines, errors,
        {"worker": worker.is_alive(), "controller": control.is_alive()}, seconds, rss(),
    )  # fmt: skip
    _print_summary(run)
    return run


def _print_summary(run: DayRun) -> None:
    base = run.tap.rss.get("hour 2", 0)
    samples = ", ".join(f"{k} {v / MB:.1f} MB" for k, v in run.tap.rss.items())
    print(
        f"\nsoak day: {run.seconds:.1f} s real for {DAY / HOUR:.0f} h; "
        f"{run.stream.verdicts} verdicts, {run.loop.frames_seen} frames read; "
        f"RSS {samples}, after shutdown {run.rss_after / MB:.1f} MB; "
        f"growth hour 2 -> end {(run.tap.rss.get('end', 0) - base) / MB:+.2f} MB; "
        f"inbox backlog {run.tap.backlog}"
    )


@pytest.fixture(scope="module")
def day(tmp_path_factory) -> DayRun:
    tmp = tmp_path_factory.mktemp("soak")
    with pytest.MonkeyPatch.context() as env:  # the report at Quit goes to a private folder
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
            env.setenv(name, str(tmp / name.lower()))
        return run_day(tmp)


def _minutes(run: DayRun) -> list[dict]:
    return run.table("minutes")


def _suspended(run: DayRun) -> Suspended:
    (suspended,) = run.stream.of(Suspended)
    return suspended


def _crashed(run: DayRun) -> WorkerCrashed:
    (crashed,) = run.stream.of(WorkerCrashed)
    return crashed


# -- the promises ----------------------------------------------------------------------------


def test_every_minute_of_the_day_is_in_the_history_once(day):
    rows = _minutes(day)
    stored = [row["minute"] for row in rows]
    assert len(stored) == len(set(stored))
    assert set(stored) == day.stream.minutes  # no gap, nothing extra
    for row in rows:  # a minute written twice would add up past 60 s
        seen = row["upright_s"] + row["slouch_s"] + row["away_s"] + row["unknown_s"]
        assert 0 <= seen <= 60 + 1e-6, row
    total = sum(r["upright_s"] + r["slouch_s"] + r["away_s"] + r["unknown_s"] for r in rows)
    # every second of the 6 monitored hours but the last analysed frame's before the
    # suspend, the crash and the end of the source (up to a sampling interval each)
    assert MONITORED - 3 * AppConfig().sampling.stable_interval <= total <= MONITORED
    assert len(stored) >= MONITORED // 60
    assert not day.tap.recorder.fell_back and day.tap.recorder.pending == 0


def test_the_suspend_is_time_away_and_no_minute_lies_inside_it(day):
    suspended = _suspended(day)
    assert suspended.slept == pytest.approx(SUSPEND, abs=2)
    assert suspended.since == pytest.approx(START + SUSPEND_AT, abs=2)
    inside = [
        row["minute"]
        for row in _minutes(day)
        if row["minute"] > suspended.since and row["minute"] + 60 <= suspended.t
    ]
    assert inside == []
    edge = next(r for r in _minutes(day) if r["minute"] <= suspended.since < r["minute"] + 60)
    seen = edge["upright_s"] + edge["slouch_s"] + edge["away_s"] + edge["unknown_s"]
    assert seen <= suspended.since - edge["minute"] + 1e-6  # nothing counted after the lid shut
    # the gap is a break, ended by the first frame after waking, and it ended the bout
    (gap,) = [b for b in day.table("breaks") if b["start"] <= suspended.since < b["end"]]
    assert gap["end"] >= suspended.t
    assert any(b["end"] == pytest.approx(gap["start"]) for b in day.table("bouts"))
    assert len(day.journal("Suspended")) == 1


def test_the_locked_history_lost_nothing(day):
    gate = day.gate
    assert gate.start is not None and not gate.timed_out
    assert gate.want_release.is_set()
    busy = [line for line in day.recorder_lines if "is locked by another program" in line]
    free = [line for line in day.recorder_lines if "is free again; caught up" in line]
    assert len(busy) == 1 and len(free) == 1 and len(day.recorder_lines) == 2
    closed_while_locked = math.floor(gate.start / 60) * 60  # its row waited for the lock
    assert closed_while_locked in {row["minute"] for row in _minutes(day)}
    assert day.tap.recorder.pending == 0 and not day.tap.recorder.fell_back


def test_no_thread_died_unnoticed(day):
    assert day.thread_errors == []
    assert day.alive_after == {"worker": False, "controller": False}
    stopped = day.stream.events[-1]
    assert isinstance(stopped, Stopped) and stopped.reason == "end"
    assert stopped.frames_analysed == day.stream.verdicts == day.loop.frames_analysed
    assert len(day.stream.of(SourceEnded)) == 1 and len(day.stream.of(Stopped)) == 1
    crashed = _crashed(day)
    assert crashed.error == f"RuntimeError: {CRASH_MESSAGE}"
    assert crashed.log_file == str(day.crash_log)
    (logged,) = day.journal("WorkerCrashed")
    assert logged["error"] == crashed.error
    log = day.crash_log.read_text()
    assert log.count("Traceback (most recent call last)") == 1 and CRASH_MESSAGE in log
    # restarted by reopening the source, which carried on from the frame it broke at
    assert day.day.opened_at == [0, CRASH_AT]
    assert day.day.backwards == 0 and day.day.cursor == MONITORED
    assert day.controller.finished.is_set() and day.controller.exit_code == 0
    assert day.controller.quit_requested.is_set()
    assert day.icon.stopped


def test_rss_is_flat(day):
    rss_mb = {name: value / MB for name, value in day.tap.rss.items()}
    assert {"hour 2", "end"} <= rss_mb.keys(), rss_mb
    growth = day.tap.rss["end"] - day.tap.rss["hour 2"]
    assert growth < RSS_GROWTH_LIMIT, rss_mb


def test_alerts_fired_and_unshown_prompts_were_not_counted_as_shown(day):
    alerts = day.table("alerts")
    slouch = [a for a in alerts if a["kind"] == "slouch"]
    sitting = [a for a in alerts if a["kind"] == "long_sitting"]
    assert len(slouch) == len(day.stream.of(SlouchAlert)) >= 8
    assert len(sitting) == len(day.stream.of(LongSittingAlert)) >= 2
    in_failing = [a for a in slouch if FAILING[0] <= a["t"] < FAILING[1]]
    assert len(in_failing) == 2
    prompts, suppressed = day.table("prompts"), day.table("suppressed")
    assert not [p for p in prompts if FAILING[0] <= p["t"] < FAILING[1]]
    not_shown = [s for s in suppressed if s["why"] == "not_shown"]
    assert len(not_shown) >= 2
    assert all(FAILING[0] <= s["t"] < FAILING[1] for s in not_shown)
    assert {"slouch"} <= {s["reason"] for s in not_shown}
    refused = [c for c in day.notifier.calls if not c[2]]
    assert len(refused) == len(not_shown)
    # outside the failing stretch prompts were shown, breaks with a stretch answered
    assert {"slouch", "long_sitting"} <= {p["reason"] for p in prompts}
    assert any(p["stretch_id"] and p["answer"] == "done" for p in prompts)
    assert len(day.table("breaks")) >= 5


def test_the_icon_showed_upright_slouch_away_and_error(day):
    seen = {state for _, state in day.icon.states}
    assert {TrayState.UPRIGHT, TrayState.SLOUCH, TrayState.AWAY, TrayState.ERROR} <= seen
    assert day.icon.states[0][1] in (TrayState.STARTING, TrayState.UPRIGHT)


def test_the_icon_leaves_the_error_state_once_the_worker_restarted(day):
    crashed_at = _crashed(day).t
    after = {state for t, state in day.icon.states if t > crashed_at}
    assert after & {TrayState.UPRIGHT, TrayState.SLOUCH, TrayState.AWAY}
