"""The guided calibration window as a real Tk process on Xvfb, running the real pose model
on real sample pictures (a folder stands in for the camera), driven with xdotool.

The window logs each phase it enters as one stderr line; the tests follow those lines and
check the profile file on disk before and after the person's click.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from Xlib import display

from posture_watch.core.calibration import ACCEPTED_LOW, MAX_POPULATION_DROP, POPULATION_DROP
from posture_watch.desktop.calibration_process import (
    CalibrationOutcome,
    CalibrationResult,
    CalibrationWindowProcess,
    needs_first_calibration,
)
from posture_watch.desktop.calibration_window import (
    INSTRUCTION,
    LOW_EXPLAINED,
    USE_LOW,
    countdown_text,
    new_profile_name,
    plain_refusal,
    result_text,
    save_label,
)
from posture_watch.paths import BUNDLED_MODELS_DIR
from tests.harness.processes import running, wait_for
from tests.harness.xsession import XSession, XSessionError

TITLE = "^posture-watch: Calibrate$"
MODULE = "posture_watch.desktop.calibration_window"
MIDDLE = "slouchingornot/images/low-isSlouching__middle-notSlouching"


def pictures(shared: Path, tmp_path: Path, kind: str) -> Path:
    """A folder of three real pictures of one kind: upright, slouch or side."""
    folder = tmp_path / kind
    folder.mkdir()
    if kind == "side":
        files = sorted((shared / "sideview" / "images").glob("bad_posture_*"))[:3]
    else:
        sub = "notSlouching" if kind == "upright" else "isSlouching"
        files = [shared / MIDDLE / sub / f"sample-1543068389411-{i}.jpg" for i in (3, 4, 5)]
    for i, file in enumerate(files):
        shutil.copy(file, folder / f"{i:03d}{file.suffix}")
    return folder


@dataclass
class Child:
    proc: subprocess.Popen[bytes]
    err: Path
    session: XSession

    def log(self) -> str:
        return self.err.read_text()

    def wait_log(self, text: str, timeout: float = 20) -> None:
        wait_for(lambda: text in self.log(), timeout, what=f"{text!r} in {self.log()!r}")

    def window(self) -> str:
        return self.session.wait_window(TITLE, timeout=20)

    def result(self) -> CalibrationResult:
        out, _ = self.proc.communicate(timeout=20)
        assert self.proc.returncode == 0, self.log()
        return CalibrationResult.from_json(out.decode().strip())


@contextmanager
def window(session: XSession, source: Path, *args: str) -> Iterator[Child]:
    err = source.parent / f"{source.name}-window.log"
    with open(err, "wb") as handle:
        proc = subprocess.Popen(
            [sys.executable, "-m", MODULE, "--source", str(source), "--countdown", "1", *args],
            stdout=subprocess.PIPE,
            stderr=handle,
            env=session.env,
        )
    try:
        yield Child(proc, err, session)
    finally:
        reap(proc)


def reap(proc: subprocess.Popen[bytes]) -> None:
    """Kill ``proc`` if it still runs, wait for it and close its stdout pipe."""
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


def save_shown_result(desktop: XSession, window_id: str, child: Child, saved: Path) -> dict:
    """Return on a shown result saves it as 'default' (nothing before): the profile read
    back, after checking the window's answer and the three frames it was made of."""
    assert not saved.exists() and child.proc.poll() is None  # shown, not saved
    desktop.press(window_id, "Return")  # the first button: Save as 'default'
    assert child.result() == CalibrationResult(CalibrationOutcome.SAVED, "default", str(saved))
    doc = json.loads(saved.read_text())
    assert doc["calibrated"] is True and doc["n_frames"] == 3
    return doc


def profile_file(home: Path, name: str = "default") -> Path:
    return home / "config" / "posture-watch" / "profiles" / f"{name}.json"


def test_upright_pictures_show_the_result_and_save_only_on_the_click(
    desktop: XSession, shared_samples: Path, tmp_path: Path, private_user_folders: Path
) -> None:
    saved = profile_file(private_user_folders)
    assert needs_first_calibration()
    with window(desktop, pictures(shared_samples, tmp_path, "upright")) as child:
        window_id = child.window()
        child.wait_log(f"starting: {INSTRUCTION}")
        child.wait_log(f"countdown: {INSTRUCTION} Starting in 1…")
        child.wait_log("sampling:")
        child.wait_log("result: Your head sits where an upright head should. Save it?")
        save_shown_result(desktop, window_id, child, saved)
    assert not needs_first_calibration()


def test_slouched_pictures_are_refused_as_slouched_and_nothing_is_written(
    desktop: XSession, shared_samples: Path, tmp_path: Path, private_user_folders: Path
) -> None:
    with window(desktop, pictures(shared_samples, tmp_path, "slouch")) as child:
        window_id = child.window()
        child.wait_log("refused: Your head sits lower than an upright head usually does.")
        desktop.press(window_id, "Escape")
        result = child.result()
    assert result.outcome is CalibrationOutcome.CANCELLED
    assert not (private_user_folders / "config" / "posture-watch" / "profiles").exists()


def buttons(session: XSession, window_id: str) -> list[tuple[int, int, int, int]]:
    """The boxes ``(x, y, width, height)`` of the window's bottom row of buttons, left to
    right, in the window's own coordinates. Every Tk widget is an X window: wrapper →
    toplevel → body frame → the button row, the body's lowest mapped child."""
    conn = display.Display(session.display)
    try:
        wrapper = conn.create_resource_object("window", int(window_id))
        [toplevel] = wrapper.query_tree().children

        def shown(parent) -> list:
            return [w for w in parent.query_tree().children if w.get_attributes().map_state]

        def box(widget) -> tuple[int, int, int, int]:
            at, size = widget.translate_coords(wrapper, 0, 0), widget.get_geometry()
            return -at.x, -at.y, size.width, size.height  # where the wrapper's 0,0 is

        [body] = shown(toplevel)
        row = max(shown(body), key=lambda w: box(w)[1])
        return sorted(box(button) for button in shown(row))
    finally:
        conn.close()


def test_sitting_upright_with_a_low_head_the_person_may_keep_the_refused_reference(
    desktop: XSession, shared_samples: Path, tmp_path: Path, private_user_folders: Path
) -> None:
    """Refused as slouched: Return still tries again (the safe default); the override
    button shows that reference with a warning and the Save buttons; Return saves it,
    marked in the profile."""
    saved = profile_file(private_user_folders)
    with window(desktop, pictures(shared_samples, tmp_path, "slouch")) as child:
        window_id = child.window()
        refused = "refused: Your head sits lower than an upright head usually does."
        child.wait_log(refused)
        assert LOW_EXPLAINED in child.log()
        desktop.press(window_id, "Return")  # Try again, not the override
        wait_for(lambda: child.log().count(refused) == 2, 20, what="a second refusal")
        assert child.log().count("sampling:") == 2 and not saved.exists()
        row = wait_for(lambda: len(b := buttons(desktop, window_id)) == 3 and b, 10, what="row")
        x, y, width, height = row[1]  # Try again | I'm sitting upright — use it | Cancel
        desktop.click(window_id, x + width // 2, y + height // 2)
        child.wait_log("result: Your head sits lower than most people's")
        assert "You said you sit upright" in child.log()
        wait_for(lambda: len(buttons(desktop, window_id)) == 4, 10, what="the Save buttons")
        doc = save_shown_result(desktop, window_id, child, saved)
    assert doc["meta"][ACCEPTED_LOW] == "true"
    assert float(doc["meta"][POPULATION_DROP]) > MAX_POPULATION_DROP
    assert doc["meta"]["source"] == str(tmp_path / "slouch")


def test_a_side_view_is_refused_as_not_frontal(
    desktop: XSession, shared_samples: Path, tmp_path: Path, private_user_folders: Path
) -> None:
    with window(desktop, pictures(shared_samples, tmp_path, "side")) as child:
        window_id = child.window()
        child.wait_log("refused: The camera sees you from the side.")
        assert LOW_EXPLAINED not in child.log()
        assert len(wait_for(lambda: buttons(desktop, window_id), 10, what="buttons")) == 2
        desktop.close_window(window_id)  # the window manager's close button: cancel
        assert child.result().outcome is CalibrationOutcome.CANCELLED
    assert not profile_file(private_user_folders).exists()


def test_cancel_on_the_result_writes_nothing_and_reports_cancelled(
    desktop: XSession, shared_samples: Path, tmp_path: Path, private_user_folders: Path
) -> None:
    saved = profile_file(private_user_folders)
    saved.parent.mkdir(parents=True)
    saved.write_text("the profile other commands use")
    with window(desktop, pictures(shared_samples, tmp_path, "upright")) as child:
        window_id = child.window()
        child.wait_log("result:")
        desktop.press(window_id, "Escape")
        assert child.result().outcome is CalibrationOutcome.CANCELLED
    assert saved.read_text() == "the profile other commands use"


def test_the_tray_side_reads_a_saved_profile_and_a_killed_tray_closes_the_window(
    desktop: XSession, shared_samples: Path, tmp_path: Path, private_user_folders: Path
) -> None:
    folder = pictures(shared_samples, tmp_path, "upright")
    # the tray's side, in this process: start, answer with Return, poll the answer
    with CalibrationWindowProcess(str(folder), "desk", desktop.env, countdown=1) as process:
        process.start()
        window_id = desktop.wait_window(TITLE, timeout=20)

        def answered() -> CalibrationResult | None:  # Return is a no-op before the result
            result = process.poll()
            if result is None:
                with contextlib.suppress(XSessionError):  # it may close meanwhile
                    desktop.press(window_id, "Return")
            return result

        result = desktop.wait_for(answered, 30, "the window's answer")
    assert (result.outcome, result.profile) == (CalibrationOutcome.SAVED, "desk")
    assert profile_file(private_user_folders, "desk").exists()
    # a tray killed with SIGKILL: the window goes too (the lifeline)
    tray = subprocess.Popen(
        [sys.executable, "-c", TRAY, str(folder)], stdout=subprocess.PIPE, env=desktop.env
    )
    try:
        assert tray.stdout is not None
        pid = int(tray.stdout.readline())
        desktop.wait_window(TITLE, timeout=20)
        os.kill(tray.pid, signal.SIGKILL)
        tray.wait()
        wait_for(lambda: not running(pid), 10, what="the window process to end")
        assert desktop.windows(TITLE) == []
    finally:
        reap(tray)


TRAY = """\
import sys, time
from posture_watch.desktop.calibration_process import CalibrationWindowProcess

window = CalibrationWindowProcess(sys.argv[1], countdown=30)
window.start()
print(window.pid, flush=True)
time.sleep(120)
"""


# -- pure parts ------------------------------------------------------------------------


def test_the_save_button_says_when_it_replaces_a_profile() -> None:
    assert save_label("default", exists=False) == "Save as 'default'"
    assert save_label("default", exists=True) == "Replace 'default'"


def test_the_countdown_counts_whole_seconds_and_never_shows_zero() -> None:
    assert countdown_text(3.0).endswith("Starting in 3…")
    assert countdown_text(2.01).endswith("Starting in 3…")
    assert countdown_text(0.2).endswith("Starting in 1…")
    assert countdown_text(3.0).startswith(INSTRUCTION)


def test_the_result_of_a_kept_low_reference_says_so_in_plain_words() -> None:
    from posture_watch.core.scoring import Baseline

    ordinary = Baseline.population()
    low = Baseline(ordinary.stats, True, 3, meta={ACCEPTED_LOW: "true", POPULATION_DROP: "0.2"})
    assert result_text(ordinary) == "Your head sits where an upright head should.\nSave it?"
    assert result_text(low).startswith("Your head sits lower than most people's")
    assert "sitting upright" in USE_LOW
    for text in (result_text(ordinary), result_text(low)):
        assert not jargon(text), text


def test_a_new_profile_name_is_one_not_taken() -> None:
    taken = {"setup-2", "setup-3"}
    assert new_profile_name(taken.__contains__) == "setup-4"


def test_a_result_line_must_name_the_profile_it_saved() -> None:
    with pytest.raises(ValueError, match="wrong type"):
        CalibrationResult.from_json('{"outcome": "saved", "profile": null, "path": null}')
    with pytest.raises(ValueError, match="names a profile"):
        CalibrationResult.from_json('{"outcome": "cancelled", "profile": "x", "path": null}')
    line = CalibrationResult(CalibrationOutcome.SAVED, "desk", "/p/desk.json").to_json()
    assert CalibrationResult.from_json(line).profile == "desk"


def test_an_invalid_profile_name_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", MODULE, "--source", str(tmp_path), "--profile", "../x"],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "DISPLAY": ""},
    )
    assert done.returncode == 2 and done.stdout == ""
    assert "invalid profile name" in done.stderr and "Traceback" not in done.stderr


def test_the_trays_calibrate_action_posts_cancelled_when_nothing_was_saved(
    desktop: XSession, shared_samples: Path, tmp_path: Path
) -> None:
    import queue

    from posture_watch.core.stream import CANCELLED, Calibrated
    from posture_watch.tray.actions import DesktopActions

    folder = pictures(shared_samples, tmp_path, "upright")
    actions = DesktopActions(
        str(folder), "default", tmp_path / "s.toml", tmp_path / "h.db", 3000.0, desktop.env
    )
    posted: queue.Queue[object] = queue.Queue()
    actions.calibrate(posted.put)
    desktop.press(desktop.wait_window(TITLE, timeout=20), "Escape")
    assert posted.get(timeout=20) == Calibrated(None, CANCELLED)
    actions.close()


def test_the_window_calibrates_with_the_model_the_monitor_runs(
    desktop: XSession, shared_samples: Path, tmp_path: Path, private_user_folders: Path
) -> None:
    """The tray passes its own --model (and --allow-own-model) on: a reference measured by
    another model than the monitor's would not fit its scores. An own model file is
    refused without the opt-in, as on the command line, and used with it."""
    own = tmp_path / "own.task"
    data = bytearray((BUNDLED_MODELS_DIR / "pose_landmarker_lite.task").read_bytes())
    data[100_000:100_004] = b"own!"  # same size, another sha256: not the pinned file
    own.write_bytes(bytes(data))
    folder = pictures(shared_samples, tmp_path, "upright")
    process = CalibrationWindowProcess(str(folder), "desk", desktop.env, model=own)
    assert process.arguments()[-2:] == ["--model", str(own)]
    with window(desktop, folder, *process.arguments()[2:]) as child:
        child.window()
        child.wait_log("is not the pinned lite model")
    process = CalibrationWindowProcess(str(folder), "desk", desktop.env, model=own, allow_own=True)
    assert process.arguments()[-3:] == ["--model", str(own), "--allow-own-model"]
    with window(desktop, folder, *process.arguments()[2:]) as child:
        child.wait_log("result: Your head sits where an upright head should.")
    assert not profile_file(private_user_folders, "desk").exists()  # shown, never saved


# -- plain words, one size, the camera's minimum ------------------------------------------

#: What the window must not say: measurements, counts and limits belong to the CLI's output.
JARGON = re.compile(
    r"shoulder widths?|head height|\bframes?\b|reference|population|profile|limit|"
    r"calibration refused|\d\.\d|%",
    re.IGNORECASE,
)


def jargon(text: str) -> list[str]:
    return JARGON.findall(text)


def phase_texts(log: str) -> list[str]:
    """The messages the window showed, one per phase line it logged."""
    return [line.split(": ", 2)[2] for line in log.splitlines() if line.count(": ") >= 2]


def test_the_window_keeps_one_size_through_its_states_and_speaks_plainly(
    desktop: XSession, shared_samples: Path, tmp_path: Path, private_user_folders: Path
) -> None:
    """Starting (a grey box), countdown, sampling, the result and a refusal: one size
    from the first frame on; every text free of measurements and counts."""
    sizes: dict[str, tuple[int, int]] = {}
    texts: list[str] = []
    for kind, last in (("upright", "result:"), ("side", "refused:")):
        with window(desktop, pictures(shared_samples, tmp_path, kind)) as child:
            window_id = child.window()
            sizes[f"{kind} first"] = desktop.window_geometry(window_id)[2:]
            for phase in ("countdown:", "sampling:", last):
                child.wait_log(phase)
                desktop.run("xdotool", "sleep", "0.2")  # Tk lays out after the text
                sizes[f"{kind} {phase}"] = desktop.window_geometry(window_id)[2:]
            if kind == "upright":
                desktop.screenshot().save(tmp_path / "calibration-result.png")
            desktop.press(window_id, "Escape")
            child.result()
            texts += phase_texts(child.log())
    assert len(set(sizes.values())) == 1, sizes
    width, height = next(iter(sizes.values()))
    assert width >= 500 and height >= 350, sizes  # the result's four buttons fit
    assert texts and not [t for t in texts if jargon(t)], texts


def test_plain_refusals_name_what_to_do_without_measurements() -> None:
    reasons = [
        "calibration refused: no person found in 3 frame(s)",
        "calibration refused: view is not frontal (2 of 3 frames show a side or turned view)",
        "calibration refused: too few usable frames (2 of 2, need 10)",
        "calibration refused: too much movement (head_height varied by 9%, limit 6%)",
        "calibration refused: you look slouched (head 20% lower than people sitting upright, "
        "limit 14%)",
    ]
    for reason in reasons:
        text = plain_refusal(reason)
        assert text and not jargon(text), text
    assert plain_refusal("cannot open camera 0") == "Cannot open camera 0"


def test_the_window_needs_as_many_frames_as_the_cli_asks_of_a_camera() -> None:
    """Two frames of the demo's recording are refused (the window took them once); the
    window's sampler reads the recording on until it has the camera's minimum."""
    from posture_watch import paths
    from posture_watch.calibration_session import CalibrationSession
    from posture_watch.core.calibration import MIN_LIVE_FRAMES
    from posture_watch.errors import CalibrationError

    recording = str(paths.SAMPLES_DIR / "demo-session.jsonl")
    with CalibrationSession.open(recording, profile="default") as session:
        two = session.sample(5.0)
        assert two is not None and len(two) == 2
        with pytest.raises(CalibrationError, match=f"need {MIN_LIVE_FRAMES}"):
            session.reference(two, guided=True)
    with CalibrationSession.open(recording, profile="default") as session:
        enough = session.sample(5.0, min_frames=MIN_LIVE_FRAMES)
        assert enough is not None and len(enough) >= MIN_LIVE_FRAMES
        baseline = session.reference(enough, guided=True)
    assert baseline.n_frames >= MIN_LIVE_FRAMES
