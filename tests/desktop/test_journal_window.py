"""The journal window as a real Tk process on Xvfb, driven with xdotool; and its pure parts."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pytest
from Xlib import display

from posture_watch.core.journal import BODY_AREAS, JournalEntry
from posture_watch.desktop.journal_process import (
    JournalAnswer,
    JournalResult,
    JournalWindowProcess,
)
from posture_watch.desktop.journal_window import (
    EMPTY_HINT,
    MARGIN_BOTTOM,
    MARGIN_RIGHT,
    area_label,
    form_result,
    pain_choice,
    save_problem,
)
from tests.harness.processes import wait_for
from tests.harness.xsession import SCREEN, XSession

TITLE_REGEX = "^posture-watch: how do you feel today\\?$"
MODULE = "posture_watch.desktop.journal_window"
Box = tuple[int, int, int, int]  # x, y, width, height on the screen

# The window's sections, top to bottom (see the layout in journal_window's docstring).
PAIN_ROW, AREAS, NOTE_ROW, SIGNS, HINT, ANSWERS = 2, 4, 5, 6, 9, 10
SECTIONS = 11


def _sections(session: XSession, window_id: str) -> list[list[Box]]:
    """The window's sections in reading order, each as its widgets' boxes in reading order.

    Every Tk widget is an X window, so the X server's window tree is the layout as drawn:
    wrapper → toplevel → body frame → sections (a label, or a frame of widgets).
    """
    conn = display.Display(session.display)
    try:
        wrapper = conn.create_resource_object("window", int(window_id))
        [toplevel] = wrapper.query_tree().children
        [body] = toplevel.query_tree().children
        origin = wrapper.translate_coords(conn.screen().root, 0, 0)
        sections = []
        for section in body.query_tree().children:
            children = section.query_tree().children or [section]
            boxes = []
            for widget in children:
                g = widget.get_geometry()
                at = widget.translate_coords(wrapper, 0, 0)
                boxes.append((-at.x - origin.x, -at.y - origin.y, g.width, g.height))
            sections.append(sorted(boxes, key=lambda box: (box[1], box[0])))
        return sorted(sections, key=lambda boxes: (boxes[0][1], boxes[0][0]))
    finally:
        conn.close()


@dataclass(frozen=True)
class OpenWindow:
    process: JournalWindowProcess
    window_id: str
    geometry: Box
    sections: list[list[Box]]

    def click(self, session: XSession, section: int, index: int = 0) -> None:
        """Click the middle of widget ``index`` of a section (the screen is the window's
        own coordinates plus its position)."""
        x, y, width, height = self.sections[section][index]
        wx, wy, _, _ = self.geometry
        session.click(self.window_id, x - wx + width // 2, y - wy + height // 2)

    def click_pain(self, session: XSession, pain: int) -> None:
        self.click(session, PAIN_ROW, pain)

    def click_area(self, session: XSession, area: str) -> None:
        self.click(session, AREAS, BODY_AREAS.index(area))

    def type_note(self, session: XSession, text: str) -> None:
        """Click into the note field and type, as a person would (real key events: Tk
        ignores the synthetic ones ``xdotool type --window`` sends)."""
        self.click(session, NOTE_ROW, 1)
        done = session.run(
            "xdotool", "windowfocus", "--sync", self.window_id, "type", "--delay", "2", text
        )
        assert done.returncode == 0, done.stderr

    def result(self, session: XSession) -> JournalResult:
        return session.wait_for(self.process.poll, timeout=10, what="the window's answer")


@contextmanager
def journal_window(session: XSession) -> Iterator[OpenWindow]:
    with JournalWindowProcess(env=session.env) as process:
        process.start()
        window_id = session.wait_window(TITLE_REGEX)
        sections = _sections(session, window_id)
        assert len(sections) == SECTIONS, "the window's layout changed: update the tests"
        assert len(sections[PAIN_ROW]) == 11 and len(sections[AREAS]) == len(BODY_AREAS)
        yield OpenWindow(process, window_id, session.window_geometry(window_id), sections)


# -- the window on a real X server -------------------------------------------------------


def test_the_window_shows_near_the_bottom_right_without_taking_focus(
    desktop: XSession,
) -> None:
    focus_before = desktop.input_focus()
    with journal_window(desktop) as window:
        x, y, width, height = window.geometry
        assert (x + width, y + height) == (SCREEN[0] - MARGIN_RIGHT, SCREEN[1] - MARGIN_BOTTOM)
        assert width < SCREEN[0] * 0.7 and height < SCREEN[1] * 0.8  # large type
        assert desktop.input_focus() == focus_before
        assert window.process.poll() is None


def test_pain_areas_and_a_note_are_saved(desktop: XSession) -> None:
    with journal_window(desktop) as window:
        window.click_pain(desktop, 6)
        window.click_area(desktop, "neck")
        window.click_area(desktop, "lower-back")
        window.type_note(desktop, "stiff after the long meeting")
        window.click(desktop, ANSWERS, 0)  # Save
        result = window.result(desktop)
    assert json.loads(result.to_json()) == {
        "answer": "saved",
        "pain": 6,
        "areas": ["neck", "lower-back"],
        "note": "stiff after the long meeting",
        "numbness": False,
        "weakness": False,
    }


def test_return_saves_numbness_and_weakness(desktop: XSession) -> None:
    with journal_window(desktop) as window:
        window.click(desktop, SIGNS, 0)
        window.click(desktop, SIGNS, 1)
        desktop.press(window.window_id, "Return")
        result = window.result(desktop)
    assert result == JournalResult(JournalAnswer.SAVED, numbness=True, weakness=True)


def test_escape_answers_skipped_and_keeps_nothing(desktop: XSession) -> None:
    with journal_window(desktop) as window:
        window.click_pain(desktop, 3)
        desktop.press(window.window_id, "Escape")
        assert window.result(desktop) == JournalResult(JournalAnswer.SKIPPED)


def test_not_today_answers_skipped(desktop: XSession) -> None:
    with journal_window(desktop) as window:
        window.click(desktop, ANSWERS, 1)
        assert window.result(desktop).answer is JournalAnswer.SKIPPED


def test_closing_it_like_a_window_manager_answers_dismissed(desktop: XSession) -> None:
    with journal_window(desktop) as window:
        desktop.close_window(window.window_id)
        assert window.result(desktop) == JournalResult(JournalAnswer.DISMISSED)


def test_save_with_nothing_filled_in_is_refused_with_a_red_hint(desktop: XSession) -> None:
    with journal_window(desktop) as window:
        hx, hy, hw, hh = window.sections[HINT][0]

        def red_pixels() -> int:
            hint = np.asarray(desktop.screenshot())[hy : hy + hh, hx : hx + hw].astype(int)
            red, green, blue = hint[..., 0], hint[..., 1], hint[..., 2]
            return int(((red > 120) & (green < 80) & (blue < 80)).sum())

        assert red_pixels() == 0
        window.click(desktop, ANSWERS, 0)  # Save
        desktop.wait_for(red_pixels, timeout=5, what="the red hint")
        assert window.process.poll() is None  # still open: nothing was saved
        assert desktop.windows(TITLE_REGEX) == [window.window_id]
        desktop.press(window.window_id, "Escape")
        assert window.result(desktop) == JournalResult(JournalAnswer.SKIPPED)


def test_close_while_open_answers_ignored_and_ends_the_process(desktop: XSession) -> None:
    with journal_window(desktop) as window:
        result = window.process.close()
        assert result == JournalResult(JournalAnswer.IGNORED)
        assert window.process.close() is result
        assert desktop.windows(TITLE_REGEX) == []


# -- the child's command line and the parent side when the child misbehaves -----------------


def test_importing_the_window_module_does_not_load_tk() -> None:
    code = f"import sys, {MODULE}; print('tkinter' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=20, check=True
    )
    assert done.stdout.strip() == "False"


def test_a_child_that_fails_gives_ignored_and_one_log_line(desktop: XSession, caplog) -> None:
    env = {key: value for key, value in desktop.env.items() if key != "DISPLAY"}
    process = JournalWindowProcess(env=env)  # no display: the child exits 2
    process.start()
    with caplog.at_level(logging.WARNING, logger="posture_watch.desktop.journal_process"):
        result = wait_for(process.poll, 20, what="the child to end")
    assert result.answer is JournalAnswer.IGNORED
    [record] = caplog.records
    assert "exited with 2" in record.getMessage()
    assert "cannot open the journal window" in record.getMessage()


def test_a_child_that_prints_garbage_gives_ignored(caplog) -> None:
    process = JournalWindowProcess(python="echo")  # prints its arguments and exits 0
    process.start()
    with caplog.at_level(logging.WARNING, logger="posture_watch.desktop.journal_process"):
        result = wait_for(process.poll, 20, what="the child to end")
    assert result.answer is JournalAnswer.IGNORED
    assert "not JSON" in caplog.records[0].getMessage()


def test_a_child_that_cannot_start_gives_ignored(tmp_path, caplog) -> None:
    process = JournalWindowProcess(python=str(tmp_path / "no-python"))
    with caplog.at_level(logging.WARNING, logger="posture_watch.desktop.journal_process"):
        process.start()
    assert process.poll() == JournalResult(JournalAnswer.IGNORED)
    assert "could not start" in caplog.records[0].getMessage()


def test_close_before_start_answers_ignored_and_start_twice_is_refused() -> None:
    process = JournalWindowProcess(python="true")
    assert process.close() == JournalResult(JournalAnswer.IGNORED)
    with pytest.raises(RuntimeError):
        process.start()


# -- pure parts ----------------------------------------------------------------------------


def test_the_form_keeps_area_order_and_puts_the_note_on_one_line() -> None:
    result = form_result(
        4, ["lower-back", "neck"], "  sore\nafter\tlunch ", numbness=False, weakness=True
    )
    assert result == JournalResult(
        JournalAnswer.SAVED, 4, ("neck", "lower-back"), "sore after lunch", False, True
    )


def test_no_pain_button_chosen_is_not_rated() -> None:
    assert pain_choice(-1) is None
    assert [pain_choice(n) for n in (0, 6, 10)] == [0, 6, 10]
    assert pain_choice(11) is None


def test_areas_read_as_words() -> None:
    assert area_label("upper-back") == "upper back"
    assert area_label("neck") == "neck"


def test_an_empty_form_is_refused_with_the_hint_and_anything_filled_in_is_not() -> None:
    assert save_problem(form_result(None, [], "   ", numbness=False, weakness=False)) == (
        EMPTY_HINT
    )
    for filled in (
        form_result(0, [], "", numbness=False, weakness=False),
        form_result(None, ["hips"], "", numbness=False, weakness=False),
        form_result(None, [], "tired", numbness=False, weakness=False),
        form_result(None, [], "", numbness=True, weakness=False),
    ):
        assert save_problem(filled) is None


def test_what_the_history_refuses_the_window_refuses_too() -> None:
    problem = save_problem(JournalResult(JournalAnswer.SAVED, pain=11))
    assert problem is not None and "pain must be 0 to 10" in problem
    problem = save_problem(JournalResult(JournalAnswer.SAVED, areas=("tail",)))
    assert problem is not None and "unknown body area 'tail'" in problem


def test_a_saved_result_becomes_the_historys_journal_entry() -> None:
    result = JournalResult(JournalAnswer.SAVED, 7, ("neck",), "sharp", numbness=True)
    entry = result.entry(1_700_000_000.0)
    assert entry == JournalEntry(1_700_000_000.0, 7, ("neck",), "sharp", True, False)
    assert entry.warning_signs
    for answer in ("skipped", "dismissed", "ignored"):
        assert JournalResult(JournalAnswer(answer)).entry(0.0) is None


def test_the_result_line_round_trips_and_garbage_is_refused() -> None:
    result = JournalResult(JournalAnswer.SAVED, 6, ("neck", "lower-back"), "stiff", False, True)
    line = result.to_json()
    assert JournalResult.from_json(line) == result
    assert JournalResult.from_json(JournalResult(JournalAnswer.DISMISSED).to_json()) == (
        JournalResult(JournalAnswer.DISMISSED)
    )
    for garbage in (
        "hello",
        "[]",
        '{"answer": "saved"}',
        line.replace('"pain": 6', '"pain": true'),
        line.replace('"pain": 6', '"pain": 6.5'),
        line.replace('"weakness": true', '"weakness": 1'),
        line.replace('"neck"', "3"),
        line.replace('"neck"', '"tail"'),  # an area the history does not know
        line.replace('"saved"', '"maybe"'),
        JournalResult(JournalAnswer.SAVED).to_json(),  # an empty entry
    ):
        with pytest.raises(ValueError):
            JournalResult.from_json(garbage)
