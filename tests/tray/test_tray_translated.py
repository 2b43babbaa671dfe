"""The tray's and the windows' own words come out in the person's language once a
catalog is installed: the menu (context "menu"), the status line and tooltip ("tray
status"), a worker notification ("notification"), the windows' buttons ("button") and
texts. The ids and keys behind them (menu actions, body areas, prompt ids) stay as they
were. Without a catalog the English is pinned by the existing tests.

The catalog is a real GNU ``.mo`` written by Babel, read back by the standard library.
"""

from __future__ import annotations

import pytest

from posture_watch.core.menu import MenuAction, menu_entries
from posture_watch.core.scoring import PostureState
from posture_watch.core.status import MonitorStatus, TrayState, label
from posture_watch.core.status_rules import follow_worker
from posture_watch.core.worker_events import CameraRecovered
from posture_watch.desktop.calibration_window import countdown_text, plain_refusal, save_label
from posture_watch.desktop.journal_window import area_label, form_result, save_problem
from posture_watch.desktop.stretch_window import answer_buttons
from tests.harness.catalogs import installed, key, translations

#: (context or None, English) -> German.
GERMAN: dict[tuple[str | None, str], str] = {
    ("menu", "Pause for 15 min"): "15 Min. pausieren",
    ("menu", "Stretch now"): "Jetzt dehnen",
    ("menu", "Start at login"): "Bei der Anmeldung starten",
    ("menu", "Quit"): "Beenden",
    ("tray status", "upright"): "aufrecht",
    ("tray status", "paused"): "pausiert",
    ("tray status", "posture-watch: {status}"): "posture-watch: {status}",
    ("tray status", "{percent} upright today"): "{percent} heute aufrecht",
    ("notification", "Camera back"): "Kamera wieder da",
    (None, "posture-watch is watching again."): "posture-watch beobachtet wieder.",
    ("button", "Done"): "Fertig",
    ("button", "Snooze {minutes} min"): "{minutes} Min. später",
    ("button", "Save as '{name}'"): "Als „{name}“ speichern",
    (
        None,
        "Sit upright, look at your screen.",
    ): "Sitzen Sie aufrecht, schauen Sie auf den Bildschirm.",
    (None, "Starting in {seconds}…"): "Beginn in {seconds}…",
    (None, "You moved too much. Sit still and upright for the whole count."): (
        "Sie haben sich zu viel bewegt. Bleiben Sie ruhig und aufrecht sitzen."
    ),
    (None, "calibration refused: too much movement ({name} varied by {varied}%, limit {limit}%)"): (
        "Kalibrierung abgelehnt: zu viel Bewegung ({name} schwankte um {varied} %, "
        "Grenze {limit} %)"
    ),
    ("body area", "upper back"): "oberer Rücken",
    (None, "Nothing to save yet: rate the pain, tick an area or write a note (or Not today)."): (
        "Noch nichts zu speichern: Schmerz bewerten, einen Bereich ankreuzen oder eine Notiz "
        "schreiben (oder Heute nicht)."
    ),
}


@pytest.fixture
def german():
    with installed(translations({key(c, m): s for (c, m), s in GERMAN.items()})):
        yield


def test_the_menu_in_german_keeps_its_action_ids(german):
    entries = {e.id: e for e in menu_entries(paused=False, calibrating=False, autostart=True)}
    assert entries[MenuAction.PAUSE_15].label == "15 Min. pausieren"
    assert entries[MenuAction.STRETCH].label == "Jetzt dehnen"
    assert entries[MenuAction.AUTOSTART].label == "Bei der Anmeldung starten"
    assert entries[MenuAction.QUIT].label == "Beenden"
    assert entries[MenuAction.REPORT].label == "Today's report"  # not in this catalog: English


def test_the_status_line_and_tooltip_in_german(german):
    status = MonitorStatus()
    status.observe(0.0, PostureState.UPRIGHT, None)
    status.observe(2.0, PostureState.UPRIGHT, None)
    assert label(TrayState.PAUSED) == "pausiert"
    assert status.status_line(2.0) == "Aufrecht · 100% heute aufrecht"
    assert status.tooltip(2.0) == "posture-watch: aufrecht - 100% heute aufrecht"
    assert status.state is TrayState.UPRIGHT  # the stored state is a key, not a word


def test_a_worker_notification_in_german(german):
    out = follow_worker(MonitorStatus(), CameraRecovered(t=0.0), camera_down=True)
    assert [(n.title, n.body) for n in out.notify] == [
        ("Kamera wieder da", "posture-watch beobachtet wieder.")
    ]


def test_the_windows_words_in_german_keep_their_keys(german):
    assert [words for words, _answer in answer_buttons(10)][:2] == ["Fertig", "10 Min. später"]
    assert save_label("desk", exists=False) == "Als „desk“ speichern"
    assert countdown_text(2.2) == (
        "Sitzen Sie aufrecht, schauen Sie auf den Bildschirm.\nBeginn in 3…"
    )
    refusal = plain_refusal("calibration refused: too much movement")  # the core's key words
    assert refusal.startswith("Sie haben sich zu viel bewegt.")
    # the core's line already in German is recognised too (its placeholders filled in)
    german_line = "Kalibrierung abgelehnt: zu viel Bewegung (head_height schwankte um 31 %, "
    assert plain_refusal(german_line + "Grenze 10 %)") == refusal
    assert area_label("upper-back") == "oberer Rücken"
    assert area_label("neck") == "neck"  # not in this catalog: English, never the key
    empty = form_result(None, [], "", numbness=False, weakness=False)
    assert save_problem(empty) is not None and save_problem(empty).startswith("Noch nichts")
