"""The stretch window as a real Tk process on Xvfb, driven with xdotool; and its pure parts."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from posture_watch.desktop.stretch_process import (
    StretchAnswer,
    StretchResult,
    StretchWindowProcess,
)
from posture_watch.desktop.stretch_window import (
    MARGIN_BOTTOM,
    MARGIN_RIGHT,
    PAD,
    answer_buttons,
)
from tests.harness.processes import wait_for
from tests.harness.xsession import SCREEN, XSession

TITLE = "^posture-watch: Chin tucks$"
MODULE = "posture_watch.desktop.stretch_window"
USER_PROMPT = """\
schema_version = 1
[[prompt]]
id = "wall-angel"
kind = "stretch"
title = "Wall angels"
text = "Slide your arms up and down a wall."
source = "My physio › Week 2"
steps = ["Stand with your back to a wall.", "Slide your arms up, then down."]
hold_seconds = 5
repetitions = 2
"""


@dataclass(frozen=True)
class OpenWindow:
    process: StretchWindowProcess
    window_id: str
    geometry: tuple[int, int, int, int]  # x, y, width, height

    def click_answer(self, session: XSession, column: int) -> None:
        """Click one of the bottom row's three equal columns (0 Done, 1 Snooze, 2 Skip)."""
        _, _, width, height = self.geometry
        column_width = (width - 2 * PAD) / 3
        session.click(self.window_id, int(PAD + (column + 0.5) * column_width), height - PAD - 12)

    def result(self, session: XSession) -> StretchResult:
        return session.wait_for(self.process.poll, timeout=10, what="the window's answer")


@contextmanager
def stretch_window(session: XSession, **options: float) -> Iterator[OpenWindow]:
    with StretchWindowProcess("chin-tuck", env=session.env, **options) as process:
        process.start()
        window_id = session.wait_window(TITLE)
        yield OpenWindow(process, window_id, session.window_geometry(window_id))


# -- the window on a real X server -------------------------------------------------------


def test_the_window_shows_near_the_bottom_right_without_taking_focus(
    desktop: XSession,
) -> None:
    focus_before = desktop.input_focus()
    with stretch_window(desktop) as window:
        x, y, width, height = window.geometry
        assert (x + width, y + height) == (SCREEN[0] - MARGIN_RIGHT, SCREEN[1] - MARGIN_BOTTOM)
        # large type and a drawing: well under two thirds of a small 1024x768 screen's width
        assert width < SCREEN[0] * 0.6 and y > 0
        assert desktop.input_focus() == focus_before

        def drawn() -> bool:
            screen = np.asarray(desktop.screenshot())
            inside = screen[y : y + height, x : x + width].mean()
            return bool(inside > 150 and screen[:y, :x].max() == 0)  # light theme on black

        desktop.wait_for(drawn, timeout=5, what="the window to be drawn")
        assert window.process.poll() is None


def test_clicking_done_answers_done(desktop: XSession) -> None:
    with stretch_window(desktop) as window:
        window.click_answer(desktop, 0)
        result = window.result(desktop)
    assert (result.prompt_id, result.answer, result.repetitions_done) == ("chin-tuck", "done", 0)
    assert 0 < result.seconds_open < 10


def test_return_answers_done(desktop: XSession) -> None:
    with stretch_window(desktop) as window:
        desktop.press(window.window_id, "Return")
        assert window.result(desktop).answer is StretchAnswer.DONE


def test_clicking_snooze_answers_snoozed(desktop: XSession) -> None:
    with stretch_window(desktop, snooze_minutes=5) as window:
        window.click_answer(desktop, 1)
        assert window.result(desktop).answer is StretchAnswer.SNOOZED


def test_clicking_skip_answers_skipped(desktop: XSession) -> None:
    with stretch_window(desktop) as window:
        window.click_answer(desktop, 2)
        assert window.result(desktop).answer is StretchAnswer.SKIPPED


def test_escape_answers_snoozed(desktop: XSession) -> None:
    with stretch_window(desktop) as window:
        desktop.press(window.window_id, "Escape")
        assert window.result(desktop).answer is StretchAnswer.SNOOZED


def test_closing_it_like_a_window_manager_answers_dismissed(desktop: XSession) -> None:
    with stretch_window(desktop) as window:
        desktop.close_window(window.window_id)
        assert window.result(desktop).answer is StretchAnswer.DISMISSED


def test_a_finished_hold_counts_a_repetition_and_one_under_way_does_not(
    desktop: XSession,
) -> None:
    with stretch_window(desktop, hold_seconds=1) as window:
        desktop.press(window.window_id, "space")  # Start hold has the window's focus
        time.sleep(1.3)  # the hold itself: 1 s
        desktop.press(window.window_id, "space", "Return")  # second hold, then Done
        result = window.result(desktop)
    assert (result.answer, result.repetitions_done) == ("done", 1)
    assert result.seconds_open > 1


def accent_pixels(session: XSession, geometry: tuple[int, int, int, int]) -> int:
    """Pixels of the light theme's accent (#005fb8: the ring and Done) in the window."""
    x, y, width, height = geometry
    window = np.asarray(session.screenshot().convert("RGB"))[y : y + height, x : x + width]
    return int((np.abs(window.astype(int) - (0x00, 0x5F, 0xB8)).sum(axis=2) < 30).sum())


def test_from_the_keyboard_only_both_sides_held_the_ring_empties_and_return_is_done(
    desktop: XSession,
) -> None:
    env = {**desktop.env, "POSTURE_WATCH_COLOR_SCHEME": "light"}
    with StretchWindowProcess("neck-turn", env=env, hold_seconds=2) as process:
        process.start()
        window_id = desktop.wait_window("^posture-watch: Slow neck turns$")
        geometry = desktop.window_geometry(window_id)
        time.sleep(0.5)
        desktop.press(window_id, "space")  # the left side's hold
        time.sleep(0.4)
        early = accent_pixels(desktop, geometry)
        time.sleep(1.0)
        late = accent_pixels(desktop, geometry)
        time.sleep(0.9)  # the hold is over
        desktop.press(window_id, "space")  # the right side's
        time.sleep(2.3)
        desktop.press(window_id, "Return")
        result = desktop.wait_for(process.poll, 10, "the window's answer")
    assert early > late + 100  # the ring lost about half its accent arc
    assert (result.answer, result.repetitions_done) == ("done", 1)


def test_at_2x_the_window_is_drawn_twice_as_large_and_still_fits(desktop: XSession) -> None:
    """Xvfb at 192 DPI (as a desktop at 200 %): Tk's scaling, our fonts and pixel sizes
    follow, so the window is about twice as wide and tall as at 96 DPI, in its corner."""
    with stretch_window(desktop) as window:
        _, _, width, height = window.geometry
    screen = (2 * SCREEN[0], 2 * SCREEN[1])
    hidpi = XSession(dbus=False, dunst=False, trayer=False, screen=screen, dpi=192)
    with hidpi, stretch_window(hidpi) as window:
        x, y, width_2x, height_2x = window.geometry
    assert 1.8 < width_2x / width < 2.2 and 1.8 < height_2x / height < 2.2
    assert (x + width_2x, y + height_2x) == (screen[0] - MARGIN_RIGHT, screen[1] - MARGIN_BOTTOM)


def test_close_while_open_answers_ignored_and_ends_the_process(desktop: XSession) -> None:
    with stretch_window(desktop) as window:
        # the window stays open until close(): a poll that waited for it would never return
        assert window.process.poll() is None
        result = window.process.close()
        assert result.answer is StretchAnswer.IGNORED
        assert window.process.close() is result
        assert desktop.windows(TITLE) == []


def test_close_after_an_answer_keeps_the_answer(desktop: XSession) -> None:
    with stretch_window(desktop) as window:
        desktop.press(window.window_id, "Escape")
        desktop.wait_for(lambda: not desktop.windows(TITLE), 10, "the window to go")
        assert window.process.close().answer is StretchAnswer.SNOOZED


def test_a_users_own_stretch_opens_too(desktop: XSession, private_user_folders: Path) -> None:
    prompts = private_user_folders / "config" / "posture-watch" / "prompts"
    prompts.mkdir(parents=True)
    (prompts / "mine.toml").write_text(USER_PROMPT)
    with StretchWindowProcess("wall-angel", env=desktop.env) as process:
        process.start()
        desktop.press(desktop.wait_window("^posture-watch: Wall angels$"), "Escape")
        result = desktop.wait_for(process.poll, 10, "the window's answer")
    assert (result.prompt_id, result.answer) == ("wall-angel", "snoozed")


# -- the child's command line ------------------------------------------------------------


def run_child(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", MODULE, *args],
        capture_output=True,
        text=True,
        timeout=20,
        env=env,
        check=False,
    )


def test_an_unknown_prompt_id_is_one_line_and_exit_2() -> None:
    done = run_child("--prompt-id", "no-such-prompt")
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1
    assert "unknown prompt id 'no-such-prompt'" in done.stderr


def test_a_prompt_without_steps_is_one_line_and_exit_2() -> None:
    done = run_child("--prompt-id", "break-walk")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "posture-watch stretch window: prompt 'break-walk' has no steps to show"
        " (pick a stretch prompt)"
    ]


def test_importing_the_window_module_does_not_load_tk() -> None:
    code = f"import sys, {MODULE}; print('tkinter' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=20, check=True
    )
    assert done.stdout.strip() == "False"


# -- the parent side when the child misbehaves ---------------------------------------------


def test_a_child_that_fails_gives_ignored_and_one_log_line(desktop: XSession, caplog) -> None:
    env = {key: value for key, value in desktop.env.items() if key != "DISPLAY"}
    process = StretchWindowProcess("chin-tuck", env=env)  # no display: the child exits 2
    process.start()
    with caplog.at_level(logging.WARNING, logger="posture_watch.desktop.stretch_process"):
        result = wait_for(process.poll, 20, what="the child to end")
    assert result.answer is StretchAnswer.IGNORED
    [record] = caplog.records
    assert "exited with 2" in record.getMessage()
    assert "cannot open the stretch window" in record.getMessage()


def test_a_child_that_prints_garbage_gives_ignored(caplog) -> None:
    # echo prints its arguments and exits 0: a real process with a useless answer
    process = StretchWindowProcess("chin-tuck", python="echo")
    process.start()
    with caplog.at_level(logging.WARNING, logger="posture_watch.desktop.stretch_process"):
        result = wait_for(process.poll, 20, what="the child to end")
    assert result.answer is StretchAnswer.IGNORED
    assert "not JSON" in caplog.records[0].getMessage()


def test_a_child_that_cannot_start_gives_ignored(tmp_path, caplog) -> None:
    process = StretchWindowProcess("chin-tuck", python=str(tmp_path / "no-python"))
    with caplog.at_level(logging.WARNING, logger="posture_watch.desktop.stretch_process"):
        process.start()
    result = process.poll()
    assert result is not None
    assert (result.prompt_id, result.answer, result.repetitions_done) == ("chin-tuck", "ignored", 0)
    assert "could not start" in caplog.records[0].getMessage()


# -- pure parts ----------------------------------------------------------------------------


def test_the_snooze_button_names_its_minutes() -> None:
    assert [label for label, _ in answer_buttons(7.5)] == ["Done", "Snooze 7.5 min", "Skip"]
    assert answer_buttons(10.0)[1] == ("Snooze 10 min", StretchAnswer.SNOOZED)


def test_the_result_line_round_trips_and_garbage_is_refused() -> None:
    result = StretchResult("chin-tuck", StretchAnswer.SNOOZED, 2, 41.5)
    line = result.to_json()
    assert json.loads(line) == {
        "prompt_id": "chin-tuck",
        "answer": "snoozed",
        "repetitions_done": 2,
        "seconds_open": 41.5,
    }
    assert StretchResult.from_json(line) == result
    for garbage in ("hello", "[]", '{"prompt_id": "x"}', line.replace("2,", "true,")):
        with pytest.raises(ValueError):
            StretchResult.from_json(garbage)
