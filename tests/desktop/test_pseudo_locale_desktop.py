"""The desktop under the pseudo-locale (issue 20): the tray menu, status line and tooltip
in every state, every notification the tray can send (buttons included) and every Tk
window speak only the shipped ``en@pseudo`` catalog, and its longer words fit.

The catalog is the one in the package (``posture_watch/locale/en@pseudo``): every letter
accented, about 40% longer, each message in brackets, placeholders kept. Any run of three
plain ASCII letters left in a text is English that bypassed ``core.text``, except what
the catalog keeps on purpose (the program's name ``posture-watch`` and ``--options``)
and the values a test puts into placeholders (a path, a profile name, an error's line),
which each check names.

The windows are built in one child process on one Xvfb for the module
(:mod:`tests.harness.window_sweep`: Tk ends its process when its X server goes), each in
the states that change its words; besides the words, every text widget must get the room
its text asks for, every widget must lie inside its parent and every window on the
1024x768 screen, in the pseudo-locale and in each shipped language. The pseudo-locale's
screenshots are kept in the module's temporary folder.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import features

from posture_watch import i18n, paths
from posture_watch.commands.demo import demo_notice, end_notice
from posture_watch.commands.launch import failure_notice
from posture_watch.commands.tray import calibrate_hint
from posture_watch.config import load_config
from posture_watch.core import effects as fx
from posture_watch.core.break_warning import BreakRules, WarningDue
from posture_watch.core.confidence import UnknownReason
from posture_watch.core.do_not_disturb import HoldBack
from posture_watch.core.held_back import Disturb
from posture_watch.core.languages import AUTO, KNOWN, PSEUDO
from posture_watch.core.menu import MenuAction
from posture_watch.core.nudge_answers import nudge_notify
from posture_watch.core.nudge_timing import NudgeTiming
from posture_watch.core.prompt_rules import (
    PromptDue,
    PromptRules,
    PromptScheduler,
    Reason,
    nudge_message,
)
from posture_watch.core.prompts import Problem, PromptChooser
from posture_watch.core.scoring import PostureState
from posture_watch.core.session import Session
from posture_watch.core.session_fallbacks import command_notice, no_windows, stretch_notice
from posture_watch.core.session_settings import SessionSettings
from posture_watch.core.settings import AppConfig, CameraConfig
from posture_watch.core.status import MonitorStatus
from posture_watch.core.status_rules import follow_worker
from posture_watch.core.stream import (
    CANCELLED,
    AutostartState,
    Calibrated,
    JournalSaved,
    Notice,
    Now,
    ReportWritten,
    SettingsChanged,
    WindowKind,
    WorkerLost,
)
from posture_watch.core.supervision import Supervisor
from posture_watch.core.tray_view import TrayView
from posture_watch.core.worker_events import CameraRecovered, CameraUnavailable, SetupChanged
from posture_watch.desktop.open_file import OpenerFailed
from posture_watch.errors import PostureWatchError
from posture_watch.monitor.instance import AlreadyRunningError, Holder
from posture_watch.profiles import load_profile
from posture_watch.prompt_library import builtin_prompts
from posture_watch.sources.open import open_source
from posture_watch.tray.actions import open_failure
from tests.harness.catalogs import installed
from tests.harness.xsession import XSession

#: Three plain letters in a row that no accented letter, digit or brace touches.
ENGLISH = re.compile(r"(?<![\w{])[A-Za-z]{3,}(?![\w}])")
#: What the pseudo-locale keeps as it is (scripts/catalogs.py): the program's name, options.
KEPT = re.compile(r"posture-watch|(?<![\w-])--[a-z][a-z0-9-]*")
#: A fixed moment (a Tuesday, 14 Nov 2023 22:13 UTC): the words, not the times, are checked.
WALL = 1_700_000_000.0
UTC = ZoneInfo("UTC")
LOG = "/tmp/pw/worker.log"
CRASH = "RuntimeError: frame 7"  # the exception's own line, put into a placeholder
REPORT = Path("/tmp/pw/2023-11-14.html")
#: The Language preference's choices: the codes a person types in the settings file.
CODES = {AUTO, *KNOWN}
#: The complete languages: their windows must fit as the pseudo-locale's do.
SHIPPED = ("de", "fr", "es", "pt_BR", "ja")


def english(text: str, *values: str) -> list[str]:
    """The English words left in ``text`` once the kept words and the placeholder
    ``values`` put into it are taken out."""
    for value in sorted(values, key=len, reverse=True):
        text = text.replace(value, " ")
    return ENGLISH.findall(KEPT.sub(" ", text))


@pytest.fixture
def pseudo() -> Iterator[None]:
    """The shipped pseudo catalog answers core.text's calls (English figures, as
    i18n.setup gives the pseudo-locale)."""
    with installed(i18n.load([PSEUDO, "en"])):
        yield


# -- the tray: menu, status line and tooltip --------------------------------------------


def _status(*states: PostureState, reason: str | None = None, **flags: object) -> MonitorStatus:
    """A status that saw ``states`` a second apart 25 min before :data:`WALL` (sitting
    since then while upright or slouching), then has ``flags`` set."""
    status = MonitorStatus()
    start = WALL - 1500.0
    for i, state in enumerate(states):
        sitting = start if state in (PostureState.UPRIGHT, PostureState.SLOUCH) else None
        status.observe(start + i, state, sitting, reason=reason)
    for name, value in flags.items():
        setattr(status, name, value)
    return status


def tray_states() -> dict[str, tuple[MonitorStatus, str | None]]:
    """Every state the icon shows, with do not disturb's note where nudges wait."""
    up, slouch = PostureState.UPRIGHT, PostureState.SLOUCH
    waiting = HoldBack(desktop=frozenset({Disturb.FULLSCREEN}), held_now=2)
    states: dict[str, tuple[MonitorStatus, str | None]] = {
        "starting": (MonitorStatus(), None),
        "upright": (_status(up, up), None),
        "slouching": (_status(up, slouch), None),
        "away": (_status(up, PostureState.AWAY), None),
        "paused": (_status(up, paused=True), None),
        "paused until": (_status(up, paused=True, paused_until=WALL + 900.0), None),
        "paused until tomorrow": (_status(up, paused=True, paused_until=WALL + 36_000.0), None),
        "screen locked": (_status(up, locked=True), None),
        "camera lent to a call": (_status(up, camera_busy=""), None),
        "camera lent to Ž00m": (_status(up, camera_busy="Ž00m"), None),
        "calibrating": (_status(up, calibrating=True), None),
        "camera unavailable": (_status(up, camera_problem=True), None),
        "nudges held back": (_status(up, up), waiting.note()),
    }
    for reason in UnknownReason:  # a stored key ("too dark"), its words translated when shown
        states[f"can't see: {reason}"] = (_status(PostureState.UNKNOWN, reason=reason), None)
    for why in Disturb:
        states[f"nudges wait: {why}"] = (_status(up, slouch), HoldBack(desktop={why}).note())
    lost = _session()
    _notified(lost, WorkerLost())
    states["error"] = (lost.status, None)
    crashed = _status(up)
    follow_worker(crashed, Supervisor().crashed(WALL, CRASH, LOG), camera_down=False)
    states["restarting after a crash"] = (crashed, None)
    return states


def test_the_tray_menu_status_line_and_tooltip_in_every_state(pseudo: None) -> None:
    leaks: dict[str, list[str]] = {}
    for name, (status, note) in tray_states().items():
        effects = TrayView().changes(status, WALL, autostart=True, note=note)
        (icon,) = [e for e in effects if isinstance(e, fx.ShowIcon)]
        (menu,) = [e for e in effects if isinstance(e, fx.ShowMenu)]
        shown = [icon.tooltip, *(entry.label for entry in menu.entries)]
        assert menu.entries[0].label.startswith("["), name  # the status line comes first
        found = [w for text in shown for w in english(text, CRASH, LOG)]
        if found:
            leaks[name] = found
    assert leaks == {}


# -- notifications ---------------------------------------------------------------------


def _session(**settings: object) -> Session:
    scheduler = PromptScheduler(PromptRules(), PromptChooser(builtin_prompts()))
    session = Session(SessionSettings(**settings), scheduler, Now.at(WALL, 1000.0), UTC)
    session.start(Now.at(WALL, 1000.0))
    return session


def _notified(session: Session, *inputs: object) -> list[fx.Notify]:
    out: list[fx.Notify] = []
    for i, item in enumerate(inputs, 1):
        effects = session.step(item, Now.at(WALL + i, 1000.0 + i))
        out += [e for e in effects if isinstance(e, fx.Notify)]
    return out


def nudges() -> list[fx.Notify]:
    """Every prompt's posture nudge, each problem's, the check-in, the break nudge with
    its stretch, and the stretch asked for: with the buttons the tray offers."""
    session = _session()
    prompts = list(builtin_prompts())
    stretch = next(p for p in prompts if p.steps)
    dues = [PromptDue(WALL, Reason.SLOUCH, p, lasted=40.0) for p in prompts]
    dues += [PromptDue(WALL, Reason.SLOUCH, stretch, lasted=95.0, problem=p) for p in Problem]
    dues += [
        PromptDue(WALL, Reason.CHECK, stretch, lasted=1800.0),
        PromptDue(WALL, Reason.LONG_SITTING, prompts[0], stretch=stretch, lasted=3000.0),
        PromptDue(WALL, Reason.MANUAL, stretch),
    ]
    out = []
    for due in dues:
        nudge = nudge_message(due)
        out.append(nudge_notify(session, due, nudge.title, nudge.body))
    return out


def real_errors(folder: Path) -> dict[str, PostureWatchError]:
    """Errors as the code raises them (their lines go into placeholders): a video that
    is not there, a settings file with a wrong value, a profile that is not one."""
    settings, profile = folder / "settings.toml", folder / "desk.json"
    settings.write_text("[sitting]\nbreak_min = -4\n", encoding="utf-8")
    profile.write_text("{", encoding="utf-8")
    found: dict[str, PostureWatchError] = {}
    for name, fails in (
        ("source", lambda: open_source(folder / "no-such-video.mp4")),
        ("settings", lambda: load_config(settings, create=False)),
        ("profile", lambda: load_profile(profile)),
    ):
        try:
            fails()
        except PostureWatchError as exc:
            found[name] = exc
    assert set(found) == {"source", "settings", "profile"}
    return found


def worker_notices(errors: dict[str, PostureWatchError]) -> list[fx.Notify]:
    """What the worker's events are told as: a crash and a restart, a crash loop, a
    camera that is gone and back, a set-up that changed or is recognised."""
    supervisor = Supervisor()
    events = [supervisor.crashed(WALL + i, CRASH, LOG) for i in range(3)]  # the 3rd ends it
    events += [Supervisor(limit=1).crashed(WALL, CRASH, LOG)]
    events += [
        CameraUnavailable(WALL, str(errors["source"]), 5.0),  # as the worker loop says it
        CameraRecovered(WALL),
        SetupChanged(WALL, None),
        SetupChanged(WALL, "desk"),
    ]
    return [n for e in events for n in follow_worker(MonitorStatus(), e, False).notify]


def session_notices(errors: dict[str, PostureWatchError]) -> list[fx.Notify]:
    """The session's own: the report written, Start at login failing, the worker lost,
    the journal saved or not, calibrations, settings that changed or are wrong, what
    comes instead of a window where none can open, today so far, the break warning."""
    reference = load_profile(paths.SAMPLES_DIR / "demo-profile.json")
    out = _notified(
        _session(first_run_hint=calibrate_hint().body, autostart=False),
        ReportWritten(date(2023, 11, 14), str(REPORT)),
        AutostartState(False, error="permission denied"),
        JournalSaved(True),
        JournalSaved(False),
        Calibrated(reference, profile="desk"),
        Calibrated(None, errors["profile"].one_line(), profile="desk"),
        Calibrated(None, CANCELLED),
        WorkerLost(),
    )
    camera = replace(AppConfig(), camera=CameraConfig(source="1"))
    out += _notified(
        _session(config=AppConfig()),
        SettingsChanged(None, errors["settings"].one_line()),
        SettingsChanged(camera),
    )
    out += _notified(_session(windows=False), MenuAction.STRETCH)
    today = _session()  # Today's report: the summary shown when no report can be written
    (report,) = [e for e in today.step(MenuAction.REPORT, Now.at(WALL, 1001.0))
                 if isinstance(e, fx.OpenReport)]  # fmt: skip
    out.append(fx.Notify("[]", report.summary))
    out += [no_windows(), *(n for k in WindowKind if (n := command_notice(k)) is not None)]
    out += [stretch_notice(p) for p in builtin_prompts() if p.steps]
    timing = NudgeTiming()
    out += [
        timing.warning_notify(WarningDue(WALL, WALL + 60.0, postpone), BreakRules())
        for postpone in (True, False)
    ]
    return out


def tray_notices(errors: dict[str, PostureWatchError]) -> list[Notice | fx.Notify]:
    """The tray's and the launcher's own: a file that would not open, a start that
    failed, the first-run hint, the demo's start and end."""
    bodies = [
        open_failure(what, REPORT, error)
        for what in ("the report", "the settings")
        for error in (
            *(OpenerFailed("xdg-open", code) for code in (1, 2, 3, 4)),
            FileNotFoundError(2, "", "xdg-open"),
        )
    ]
    out: list[Notice | fx.Notify] = [Notice("[]", body) for body in bodies]
    out += [
        failure_notice(AlreadyRunningError(Holder("4242", "tray", started=WALL))),
        failure_notice(errors["settings"]),  # a ConfigError
        failure_notice(errors["source"]),
        calibrate_hint(),
        demo_notice(10.0, 40.0, 300.0),
        demo_notice(1.0, 40.0, 300.0, no_webcam=True),
        end_notice(None, REPORT),
    ]
    return out


def test_every_notification_and_its_buttons(pseudo: None, tmp_path: Path) -> None:
    errors = real_errors(tmp_path)
    sent = [*nudges(), *worker_notices(errors), *session_notices(errors), *tray_notices(errors)]
    assert len(sent) > 80
    # placeholder values: paths, a program, an OS error, a profile, setting keys
    files = [str(tmp_path / name) for name in ("settings.toml", "desk.json", "no-such-video.mp4")]
    values = (CRASH, LOG, str(REPORT), *files, "xdg-open", "permission denied", "desk",
              "[sitting] break_min")  # fmt: skip
    leaks = []
    for note in sent:
        buttons = [label for _action, label in getattr(note, "actions", ())]
        for text in (note.title, note.body, *buttons):
            if found := english(text, *values):
                leaks.append((note.title, text, found))
    assert leaks == []
    labels = {label for n in sent for _a, label in getattr(n, "actions", ())}
    assert len(labels) >= 5  # Snooze, Stretch now, I'm fine, Postpone, Skip


# -- the windows -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, list[str]]]:
    """Every window in its states under the pseudo-locale, on one Xvfb for the module:
    what each shows and what does not fit (screenshots in the returned ``folder``)."""
    pytest.importorskip("tkinter", reason="the windows need tkinter (python3-tk)")
    missing = XSession.missing_tools(dbus=False, dunst=False, trayer=False)
    if missing:
        pytest.skip(f"the window sweep needs {', '.join(missing)} (not found on PATH)")
    if not features.check("xcb"):
        pytest.skip("Pillow was built without XCB, so ImageGrab cannot read an X display")
    home = tmp_path_factory.mktemp("home")
    shots = tmp_path_factory.mktemp("windows")
    with XSession(dbus=False, dunst=False, trayer=False) as session:
        env = {**session.env, "LANGUAGE": PSEUDO, "HOME": str(home)}
        env.update({f"XDG_{n}_HOME": str(home / n.lower()) for n in ("CONFIG", "DATA", "STATE")})
        env["XDG_CACHE_HOME"] = str(home / "cache")
        done = subprocess.run(
            [sys.executable, "-m", "tests.harness.window_sweep", str(shots), *SHIPPED],
            env=env, cwd=Path(__file__).resolve().parents[2],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    views = json.loads(done.stdout.strip().splitlines()[-1])
    views["folder"] = str(shots)
    return views


def pseudo_views(sweep: dict) -> dict[str, dict[str, list[str]]]:
    return {name: view for name, view in sweep.items() if name != "folder" and ":" not in name}


def misfits(views: dict[str, dict[str, list[str]]]) -> dict[str, list[str]]:
    found = {
        name: view["cut"] + view["outside"] + view["off_screen"] for name, view in views.items()
    }
    return {name: problems for name, problems in found.items() if problems}


@pytest.mark.desktop
@pytest.mark.slow
def test_every_window_speaks_only_the_catalog(sweep: dict) -> None:
    views = pseudo_views(sweep)
    assert {"menu", "stretch", "journal", "calibration-result", "preferences-0"} <= set(views)
    # placeholder values: the settings file (under the HOME the sweep gives), profile names,
    # the language codes the Language preference lists
    values = ("~/config/posture-watch/settings.toml", "'default'", "setup-2", ", ".join(KNOWN))
    leaks = {}
    for name, view in views.items():
        shown = [text for text in view["words"] if text not in CODES]  # a Combobox's choices
        if found := sorted({word for text in shown for word in english(text, *values)}):
            leaks[name] = found
    assert leaks == {}


@pytest.mark.desktop
@pytest.mark.slow
def test_nothing_is_cut_off_and_every_window_fits_the_screen(sweep: dict) -> None:
    views = pseudo_views(sweep)
    assert misfits(views) == {}
    shots = sorted(Path(sweep["folder"]).glob("*.png"))
    assert len(shots) == len(views)


@pytest.mark.desktop
@pytest.mark.slow
def test_the_windows_fit_in_every_shipped_language_too(sweep: dict) -> None:
    """The pseudo-locale's even 40% is not each language's worst case: one long word
    sets the width of equal columns (the journal's body areas), and which of two
    variants is longer differs (the calibration's "Replace 'x'" and "Save as 'x'")."""
    views = {name: view for name, view in sweep.items() if ":" in name}
    assert {name.split(":")[0] for name in views} == set(SHIPPED)
    assert misfits(views) == {}
