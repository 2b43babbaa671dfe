"""Every posture state through every consumer (issue 8): one recording, all the outputs.

One landmark recording holds all the states the monitor can meet: upright and slouching
(the demo session's real webcam pictures), away (frames with nobody), unknown (the real
side-view pictures of ``../shared/samples/sideview``, their landmarks found by the real
pose model through ``posture-watch record``) and frames whose landmark values are NaN (a
damaged recording). It goes through ``analyze`` (JSON lines and table), the console
monitor as a real process, the history that process writes, ``report`` (terminal and
HTML), ``export`` (CSV and JSON) and the tray controller in-process; nothing may crash
and every state must come out where it belongs. ``tests/pipeline/test_unknown_frames.py``
covers ``analyze`` on the side-view pictures themselves (``--stills`` and video).
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

import pytest

from posture_watch import paths
from posture_watch.clock import ManualClock
from posture_watch.config import AppConfig, ReportConfig
from posture_watch.core.analyzer import PostureAnalyzer
from posture_watch.core.dates import long_date
from posture_watch.core.minutes import MinuteRow
from posture_watch.core.prompt_rules import PromptRules, PromptScheduler
from posture_watch.core.prompts import PromptChooser
from posture_watch.core.scoring import PostureState
from posture_watch.core.status import TrayState, format_minutes
from posture_watch.desktop.notify import CallbackNotifier
from posture_watch.history import open_recorder
from posture_watch.history.store import HistoryStore
from posture_watch.monitor.event_log import EventLog
from posture_watch.monitor.loop import MonitorLoop
from posture_watch.pose import RecordedLandmarks
from posture_watch.profiles import load_profile
from posture_watch.prompt_library import builtin_prompts
from posture_watch.report.charts import COLOURS
from posture_watch.sources import RecordingSource
from posture_watch.tray.controller import TrayController
from tests.harness import fakes
from tests.harness.cli import run_cli

DEMO = paths.SAMPLES_DIR / "demo-session.jsonl"
PROFILE = paths.SAMPLES_DIR / "demo-profile.json"
STATES = ("upright", "slouch", "away", "unknown")
NAN_NAME = "nan-landmarks"
#: A fixed local morning for the in-process tray: no test depends on today's date.
START = datetime(2027, 5, 12, 10, 0).timestamp()


def cli(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "posture_watch.cli", *map(str, args)]


def strict_json(line: str) -> dict:
    """One JSON line, refusing NaN and Infinity (not JSON, whatever Python accepts)."""

    def refuse(token: str) -> None:
        raise AssertionError(f"{token} in JSON output: {line[:120]}")

    return json.loads(line, parse_constant=refuse)


@dataclass(frozen=True)
class Session:
    """The spliced recording and what each of its frames is (by frame index)."""

    path: Path
    kinds: dict[int, str]  # upright | slouch | away | side | nan


@pytest.fixture(scope="module")
def user_env(tmp_path_factory) -> dict[str, str]:
    """Private config, data, state and runtime folders for every process started here."""
    home = tmp_path_factory.mktemp("user")
    env = dict(os.environ)
    for name in ("CONFIG", "DATA", "STATE", "RUNTIME"):
        folder = home / name.lower()
        folder.mkdir(mode=0o700)
        env[f"XDG_{name}_HOME" if name != "RUNTIME" else "XDG_RUNTIME_DIR"] = str(folder)
    return env


@pytest.fixture(scope="module")
def side_recording(shared_samples: Path, user_env, tmp_path_factory) -> list[dict]:
    """The side-view pictures' landmarks, found by the real model (``posture-watch record``)."""
    out = tmp_path_factory.mktemp("side") / "side.jsonl"
    folder = shared_samples / "sideview" / "images"
    proc = subprocess.run(
        cli("record", folder, "-o", out, "--fps", "0.5"),
        env=user_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    frames = [json.loads(line) for line in out.read_text().splitlines()[1:]]
    assert len(frames) == len(list(folder.iterdir())) == 27
    assert sum(f["person"] for f in frames) >= 20  # people the model sees, from the side
    return frames


def with_nan(frame: dict, rows: set[int] | None = None) -> dict:
    """``frame`` with its landmark values NaN (all rows, or only ``rows``)."""

    def damaged(table: list[list[float]]) -> list[list[float]]:
        return [[math.nan] * 5 if rows is None or i in rows else r for i, r in enumerate(table)]

    return frame | {"image": damaged(frame["image"]), "world": damaged(frame["world"])}


@pytest.fixture(scope="module")
def session(side_recording: list[dict], tmp_path_factory) -> Session:
    """upright 60 s, slouch 56 s, away 60 s, side views 54 s, upright 32 s, NaN 30 s,
    upright 60 s: each state, and unknown twice for two different reasons."""
    lines = DEMO.read_text().splitlines()
    header, demo = lines[0], [json.loads(line) for line in lines[1:]]
    upright = [f for f in demo if "/notSlouching/" in f["name"]][:15]
    slouch = [f for f in demo if "/isSlouching/" in f["name"]]
    nobody = {"name": "", "person": False}
    nan = [with_nan(f) for f in upright[:10]] + [with_nan(f, {11, 12}) for f in upright[:5]]
    plan: list[tuple[str, float, dict]] = [
        *[("upright", 4.0, f) for f in upright],
        *[("slouch", 4.0, f) for f in slouch],
        *[("away", 2.0, nobody)] * 30,
        *[("side", 2.0, f) for f in side_recording],
        *[("upright", 4.0, f) for f in upright[:8]],
        *[("nan", 2.0, f | {"name": NAN_NAME}) for f in nan],
        *[("upright", 4.0, f) for f in upright],
    ]
    out, kinds, t = [header], {}, 0.0
    for i, (kind, step, frame) in enumerate(plan):
        out.append(json.dumps(frame | {"frame": i, "t": t}))  # NaN as Python writes it
        kinds[i] = kind
        t += step
    path = tmp_path_factory.mktemp("session") / "every-state.jsonl"
    path.write_text("\n".join(out) + "\n")
    return Session(path, kinds)


# -- analyze ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def analyzed(session: Session, user_env) -> tuple[list[dict], dict]:
    """``analyze --format jsonl``: the frame records and the summary record."""
    with pytest.MonkeyPatch.context() as mp:  # in-process: the private folders here too
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME"):
            mp.setenv(name, user_env[name])
        result = run_cli("analyze", session.path, "--format", "jsonl", "--calibration", PROFILE)
    assert result.code == 0, result.err
    records = [strict_json(line) for line in result.out.splitlines() if line]
    frames = [r for r in records if "frame" in r]
    (summary,) = [r for r in records if "summary" in r]
    return frames, summary


def changes(states: list[str]) -> list[str]:
    """The states in the order they were entered (each run of equal states once)."""
    return [s for i, s in enumerate(states) if i == 0 or s != states[i - 1]]


def test_analyze_gives_every_state_where_it_belongs(session, analyzed, user_env, monkeypatch):
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(name, user_env[name])
    frames, summary = analyzed
    assert len(frames) == len(session.kinds)
    raw = {kind: Counter() for kind in ("upright", "slouch", "away", "side", "nan")}
    for r in frames:
        raw[session.kinds[r["frame"]]][r["raw_state"]] += 1
    assert set(raw["away"]) == {"away"}
    assert set(raw["side"]) <= {"unknown", "away"} and raw["side"]["unknown"] >= 20
    assert set(raw["nan"]) == {"unknown"}
    assert raw["upright"]["upright"] > 0.9 * raw["upright"].total()
    assert raw["slouch"]["slouch"] > 0.5 * raw["slouch"].total()
    assert changes([r["state"] for r in frames]) == [
        "upright", "slouch", "away", "unknown", "upright", "unknown", "upright",
    ]  # fmt: skip
    seconds = summary["summary"]
    assert all(seconds[f"seconds_{s}"] > 0 for s in STATES), seconds
    assert [a["kind"] for a in summary["alerts"]] == ["slouch"]

    table = run_cli("analyze", session.path, "--format", "table", "--calibration", PROFILE)
    assert table.code == 0, table.err
    assert "Traceback" not in table.err
    assert f"frames: {len(frames)}, person found in {len(frames) - 30}" in table.out
    for state in STATES:
        (line,) = [
            ln
            for ln in table.out.splitlines()
            if ln.strip().startswith(state + " ") and "because" not in ln
        ]
        assert "%" in line and not line.rstrip().endswith(" 0.0%"), line
    assert "unknown because: " in table.out and "turned away" in table.out  # the side views


# -- the console monitor, as a real process, and the history it writes --------------------


@dataclass(frozen=True)
class MonitorRun:
    proc: subprocess.CompletedProcess
    history: Path
    env: dict[str, str]


@pytest.fixture(scope="module")
def monitored(session: Session, user_env, tmp_path_factory) -> MonitorRun:
    history = tmp_path_factory.mktemp("history") / "history.sqlite3"
    args = ["--source", session.path, "--history", history, "--calibration", PROFILE]
    proc = subprocess.run(
        cli("monitor", "--no-tray", *args, "--speed", "50"),
        env=user_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return MonitorRun(proc, history, user_env)


def test_the_console_monitor_logs_every_state(monitored, analyzed):
    proc = monitored.proc
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    states = re.findall(r"\] state: (\w+)(?: \((?:[a-z ]+)\))?$", proc.stdout, re.M)
    assert "] state: unknown (turned away)" in proc.stdout  # unknown says why
    frames, _ = analyzed
    assert states == changes([r["state"] for r in frames])  # the same decisions as analyze
    assert set(states) == set(STATES)
    assert proc.stdout.count("ALERT slouch") == 1
    assert f"{len(frames)} frames analysed of {len(frames)} read" in proc.stdout


def history_minutes(path: Path) -> list[MinuteRow]:
    with HistoryStore.open_readonly(path) as store:
        return store.minutes()


def totals(minutes: list[MinuteRow]) -> dict[str, float]:
    return {s: sum(getattr(m, f"{s}_s") for m in minutes) for s in STATES}


def test_the_history_holds_every_state(monitored, analyzed):
    assert monitored.proc.returncode == 0, monitored.proc.stderr
    minutes = history_minutes(monitored.history)
    for state in STATES:
        assert any(getattr(m, f"{state}_s") > 0 for m in minutes), state
    assert all(0 <= m.seen_s <= 60 + 1e-6 for m in minutes)
    _, summary = analyzed
    expected = {s: summary["summary"][f"seconds_{s}"] for s in STATES}
    seen = totals(minutes)
    # frame times are exact in the replay; only the last frame's time differs: analyze
    # credits it a frame interval (4 s), the monitor until it stopped (at most 5 s)
    for state in ("slouch", "away", "unknown"):
        assert seen[state] == pytest.approx(expected[state], abs=0.5), state
    assert expected["upright"] - 4.5 <= seen["upright"] <= expected["upright"] + 1.5


def minutes_by_day(minutes: list[MinuteRow]) -> dict[date, list[MinuteRow]]:
    days: dict[date, list[MinuteRow]] = {}
    for m in minutes:
        days.setdefault(datetime.fromtimestamp(m.minute).date(), []).append(m)
    return days


def test_report_shows_the_day_in_the_terminal_and_as_html(monitored, tmp_path):
    assert monitored.proc.returncode == 0, monitored.proc.stderr
    days = minutes_by_day(history_minutes(monitored.history))
    for day, minutes in days.items():  # one day, or two if the replay ran past midnight
        seen = totals(minutes)
        monitored_s = sum(seen.values())
        sitting = seen["upright"] + seen["slouch"]
        share = f"{seen['upright'] / sitting:.0%}" if sitting else "–"
        html = tmp_path / f"{day}.html"
        args = ["--history", monitored.history, "--date", day.isoformat(), "--html", html]
        proc = subprocess.run(
            cli("report", *args),
            env=monitored.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
        assert f"monitored {format_minutes(monitored_s)}" in proc.stdout
        assert f"upright {share}" in proc.stdout
        assert f"HTML report: {html}" in proc.stdout
        page = html.read_text()
        assert f"{long_date(day)}</h1>" in page
        assert f"<b>{format_minutes(monitored_s)}</b><span>monitored" in page
        assert f"<b>{share}</b><span>upright" in page
        # the day's band (the timeline, the page's first chart: the hourly and spell charts
        # use the slouch colour too): one bar colour per state that filled a minute (minute
        # runs take the state with the most seconds, so a state may hide in its neighbours)
        timeline = page.split("<figure data-clock=", 1)[1].split("</figure>", 1)[0]
        for state in STATES:
            majority = any(max(STATES, key=lambda s, m=m: getattr(m, f"{s}_s")) == state
                           for m in minutes)  # fmt: skip
            bar = re.search(rf'clip-path="url\(#\w+\)" style="fill: {COLOURS[state]}"', timeline)
            assert bool(bar) == majority, state
    assert sum(len(m) for m in days.values()) >= 5


def test_export_writes_every_state_as_csv_and_json(monitored):
    assert monitored.proc.returncode == 0, monitored.proc.stderr
    minutes = history_minutes(monitored.history)

    def export(fmt: str) -> str:
        proc = subprocess.run(
            cli("export", "--history", monitored.history, "--format", fmt),
            env=monitored.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
        return proc.stdout

    rows = list(csv.DictReader(io.StringIO(export("csv"))))
    assert [int(r["minute"]) for r in rows] == [m.minute for m in minutes]
    for row, m in zip(rows, minutes, strict=True):
        assert {s: float(row[f"{s}_s"]) for s in STATES} == {
            s: getattr(m, f"{s}_s") for s in STATES
        }
    document = strict_json(export("json"))
    exported = document["tables"]["minutes"]
    assert [{s: r[f"{s}_s"] for s in STATES} for r in exported] == [
        {s: getattr(m, f"{s}_s") for s in STATES} for m in minutes
    ]
    assert [a["kind"] for a in document["tables"]["alerts"]] == ["slouch"]


# -- the tray controller, in-process ------------------------------------------------------


class Icon(fakes.Icon):
    """The tray icon: also records the session's posture and state with each tooltip."""

    def __init__(self) -> None:
        super().__init__()
        self.tray: TrayController | None = None
        self.shown: list[tuple[PostureState, TrayState, str]] = []

    def update(self, image: object | None, tooltip: str) -> None:
        super().update(image, tooltip)
        assert self.tray is not None
        status = self.tray.session.status  # on the controller thread, as the icon is
        self.shown.append((status.posture, status.state, tooltip))


def test_the_tray_controller_takes_every_state(session, tmp_path):
    clock = ManualClock(START)  # one clock for the worker and the controller, as in the app
    history = tmp_path / "tray-history.sqlite3"
    shown: list[tuple[str, str]] = []
    icon, actions = Icon(), fakes.Actions()
    journal = EventLog(tmp_path / "events.jsonl")
    tray: TrayController
    loop = MonitorLoop(
        lambda: RecordingSource(session.path),
        PostureAnalyzer(load_profile(PROFILE)),
        lambda event: tray.post(event),
        make_estimator=lambda source: RecordedLandmarks(),
        clock=clock,
    )
    tray = TrayController(
        loop,
        replace(AppConfig(), report=ReportConfig(daily_at=None, journal_prompt=False)),
        PromptScheduler(PromptRules(), PromptChooser(builtin_prompts())),
        CallbackNotifier(lambda body, title: shown.append((title, body))),
        journal,
        open_stretch=lambda prompt_id: fakes.UnansweredWindow(),
        actions=actions,
        clock=clock,
        open_history=lambda: open_recorder(history, loop.started),
        worker_alive=lambda: worker.is_alive(),
    )
    tray.icon, icon.tray = icon, tray
    worker = threading.Thread(target=loop.run, daemon=True)
    controller = threading.Thread(target=tray.run, daemon=True)
    controller.start()
    worker.start()
    controller.join(60)
    worker.join(5)
    journal.close()  # as commands/tray.py does after the controller's run
    assert not controller.is_alive() and not worker.is_alive()

    assert tray.finished.is_set() and tray.exit_code == 0 and tray.error is None
    assert icon.stopped and tray.quit_requested.is_set()  # the replay's end is a Quit
    assert actions.reports == [datetime.fromtimestamp(clock.wall()).date()]
    postures = {posture for posture, _, _ in icon.shown}
    assert postures == {*PostureState}
    icon_states = changes([state for _, state, _ in icon.shown])
    assert icon_states[:5] == [
        TrayState.STARTING, TrayState.UPRIGHT, TrayState.SLOUCH, TrayState.AWAY,
        TrayState.UPRIGHT,
    ]  # fmt: skip
    for posture, state, tooltip in icon.shown:
        assert tooltip.startswith("posture-watch: ")
        # a side view or damaged landmarks: not judged, shown as away, today's share kept
        if posture == PostureState.UNKNOWN and state != TrayState.STARTING:
            assert state == TrayState.AWAY and "upright today" in tooltip, tooltip
    assert tray.session.counts.slouch_alerts == 1
    assert all(tray.session.status.seconds[state] > 0 for state in PostureState)

    minutes = history_minutes(history)
    assert all(any(getattr(m, f"{s}_s") > 0 for m in minutes) for s in STATES)
    journal = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()]
    assert {"SlouchAlert", "SourceEnded"} <= {str(r["type"]) for r in journal}, journal
