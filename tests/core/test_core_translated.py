"""The session's own words (nudges, buttons, pause replies, fallback notices, the guide
prompts shown) come out in the person's language once a catalog is installed, while the
keys they are stored under (prompt ids, reasons) stay as they were.

The catalog is a real GNU ``.mo`` written by Babel (the tool the project's catalogs are
compiled with), read back by the standard library's ``gettext``.
"""

from __future__ import annotations

import pytest

from posture_watch.core.break_warning import BreakAnswerTally, WarningDue, warning_words
from posture_watch.core.control_protocol import ControlRequest
from posture_watch.core.held_back import Disturb, HeldTally
from posture_watch.core.pause_rules import pause_message
from posture_watch.core.prompt_rules import PromptDue, Reason, first_sentence, nudge_message
from posture_watch.core.prompts import Problem, Prompt, PromptKind
from posture_watch.core.session_fallbacks import no_windows, stretch_notice
from posture_watch.core.settings_form import check_form
from posture_watch.core.settings_schema import BoolKey, NumberKey
from tests.harness.catalogs import installed, key, translations

STRETCH = Prompt(
    id="neck-tilt",
    kind=PromptKind.STRETCH,
    title="Neck tilt",
    text="Tilt your head to one side. Feel the stretch.",
    source="Neck › Stretches",
    steps=("Sit tall.", "Tilt your ear towards your shoulder."),
    hold_seconds=20,
    repetitions=3,
)

GERMAN = {
    "Time to sit up": "Zeit, sich aufzurichten",
    "Your head has been forward for {spell}.": "Ihr Kopf war {spell} lang vorgeneigt.",
    "Tilt your head to one side. Feel the stretch.": "Neigen Sie den Kopf. Spüren Sie es.",
    "Neck tilt": "Nackenneigung",
    "Sit tall.": "Sitzen Sie aufrecht.",
    "Tilt your ear towards your shoulder.": "Neigen Sie das Ohr zur Schulter.",
    "Stretch: {title}": "Dehnung: {title}",
    "{number}. {step}": "{number}. {step}",
    ("Hold for {seconds} s, {times} time.", "Hold for {seconds} s, {times} times."): (
        "{seconds} s halten, {times}-mal.",
        "{seconds} s halten, {times}-mal.",
    ),
    "Break in {duration}": "Pause in {duration}",
    "breaks postponed {postponed}": "Pausen verschoben: {postponed}",
    "paused until {end}": "pausiert bis {end}",
    "{time} tomorrow": "morgen {time}",
    "posture-watch cannot open windows here": "posture-watch kann hier keine Fenster öffnen",
    "full-screen window": "Vollbildfenster",
    "true or false": "true oder false",
    "a whole number of {unit} between {lo} and {hi}": "eine ganze Zahl {unit} von {lo} bis {hi}",
    "minutes": "Minuten",
    "must be {allowed}": "muss {allowed} sein",
    "must differ from {other}": "muss sich von {other} unterscheiden",
    "“{label}”": "„{label}“",
    "Quiet from": "Ruhe ab",
    "setting {key} {rule}": "Einstellung {key} {rule}",
    "must be at least {other}": "muss mindestens {other} sein",
    "Shorter absences do not end a sitting spell": "Kürzere Abwesenheiten zählen als Sitzen",
}


@pytest.fixture
def german():
    with installed(translations(GERMAN)):
        yield


def _due(prompt: Prompt, reason: Reason) -> PromptDue:
    return PromptDue(
        t=100.0, reason=reason, prompt=prompt, lasted=40.0, problem=Problem.FORWARD_HEAD
    )


def test_a_posture_nudge_in_german_keeps_its_prompt_id(german):
    due = _due(STRETCH, Reason.SLOUCH)
    nudge = nudge_message(due)
    assert nudge.title == "Zeit, sich aufzurichten"
    assert nudge.body == "Ihr Kopf war 40 s lang vorgeneigt.\nNeigen Sie den Kopf."
    assert due.prompt.id == "neck-tilt"  # the stored key is not translated


def test_a_prompt_shown_is_translated_and_its_keys_are_not(german):
    shown = STRETCH.shown()
    assert (shown.title, shown.steps[0]) == ("Nackenneigung", "Sitzen Sie aufrecht.")
    assert (shown.id, shown.kind, shown.source) == (STRETCH.id, STRETCH.kind, STRETCH.source)
    notice = stretch_notice(STRETCH)
    assert notice.title == "Dehnung: Nackenneigung"
    assert notice.body.splitlines() == [
        "1. Sitzen Sie aufrecht.",
        "2. Neigen Sie das Ohr zur Schulter.",
        "20 s halten, 3-mal.",
    ]


def test_notices_tallies_and_setting_checks_in_german(german):
    assert warning_words(WarningDue(0.0, 60.0, True))[0] == "Pause in 1 min"
    assert BreakAnswerTally(1, 0).text() == "Pausen verschoben: once"  # "once" not in catalog
    assert HeldTally(((Disturb.FULLSCREEN, 2),)).parts == "Vollbildfenster 2"
    assert no_windows().title == "posture-watch kann hier keine Fenster öffnen"
    assert BoolKey().must == "true oder false"
    assert NumberKey(1, 480, "minutes", whole=True).must == "eine ganze Zahl Minuten von 1 bis 480"


def test_a_pause_reply_in_german(german):
    wall = 1_700_000_000.0  # any moment: the reply's words, not its time, are checked
    reply = pause_message(ControlRequest("pause", until="tomorrow"), wall)
    assert reply.startswith("pausiert bis ")


def test_without_a_catalog_the_words_are_the_english_ones():
    nudge = nudge_message(_due(STRETCH, Reason.SLOUCH))
    assert nudge.title == "Time to sit up"
    assert nudge.body == "Your head has been forward for 40 s.\nTilt your head to one side."
    assert STRETCH.shown() == STRETCH
    assert stretch_notice(STRETCH).body.endswith("Hold for 20 s, 3 times.")


def test_a_japanese_text_has_its_first_sentence_found():
    assert (
        first_sentence("背筋を伸ばしてください。肩の力を抜きます。") == "背筋を伸ばしてください。"
    )


def test_a_settings_error_in_german_is_still_placed_beside_its_field(german):
    quiet = {("quiet_hours", "enabled"): True, ("quiet_hours", "start"): "22:00"}
    same = check_form({**quiet, ("quiet_hours", "end"): "22:00"})
    assert same.errors == {("quiet_hours", "end"): "muss sich von „Ruhe ab“ unterscheiden"}
    wrong = check_form({**quiet, ("quiet_hours", "end"): "late"})
    assert wrong.errors[("quiet_hours", "end")].startswith("muss a time of day")


def test_a_broken_rule_between_two_settings_in_german_is_placed_too(german):
    checked = check_form({("sitting", "break_min"): "1", ("sitting", "absence_grace"): "300"})
    assert checked.errors == {
        ("sitting", "break_min"): "muss mindestens „Kürzere Abwesenheiten zählen als Sitzen“ sein"
    }


def test_french_yes_zero_times_and_a_label_inside_a_sentence():
    """A French "oui" answers yes; zero is never "une fois" (French counts 0 with 1);
    a French label inside a sentence starts lower-case, a German one keeps its capital."""
    from posture_watch.core.settings_form import mid_sentence
    from posture_watch.core.words import is_yes, times

    french = {
        key("answer", "y"): "o",
        key("answer", "yes"): "oui",
        key("how often", "{n} times"): "{n} fois",
        ("how often\x04once", "{n} times"): ("une fois", "{n} fois"),
        "Picture width": "Largeur de l'image",
    }
    with installed(translations(french, "fr")):
        assert is_yes("Oui ") and is_yes("o") and is_yes("y") and not is_yes("non")
        assert times(0) == "0 fois" and times(1) == "une fois" and times(3) == "3 fois"
        assert mid_sentence("Picture width") == "largeur de l'image"
    with installed(translations({"Picture width": "Bildbreite"}, "de")):
        assert mid_sentence("Picture width") == "Bildbreite"
        assert not is_yes("ja")  # no German word given: only y/yes
    assert times(0) == "0 times" and mid_sentence("Picture width") == "picture width"
