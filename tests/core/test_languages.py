"""The language comes from the setting, else LANGUAGE (a list), else LC_ALL, LC_MESSAGES,
LANG; never from LC_TIME; unknown codes are skipped and English ends every list."""

from pathlib import Path

import pytest

from posture_watch.core.languages import (
    KNOWN,
    candidates,
    choose,
    from_environment,
    is_known,
    normalize,
)

LOCALE = Path(__file__).resolve().parents[2] / "posture_watch" / "locale"


def test_language_is_a_list_taken_entry_by_entry():
    assert choose("auto", {"LANGUAGE": "fr:de", "LANG": "C"}) == ["fr", "de", "en"]


def test_lc_time_alone_never_chooses_the_language():
    assert choose("auto", {"LC_TIME": "de_DE.UTF-8"}) == ["en"]
    assert choose("auto", {"LC_TIME": "de_DE.UTF-8", "LANG": "fr_FR.UTF-8"}) == ["fr", "en"]


def test_the_setting_beats_the_environment():
    assert choose("ja", {"LANGUAGE": "fr", "LANG": "de_DE.UTF-8"}) == ["ja", "en"]
    assert choose("tlh", {"LANGUAGE": "fr"}) == ["fr", "en"]  # a setting we cannot use
    assert choose("auto", {"LANGUAGE": "fr"}) == ["fr", "en"]


def test_unknown_codes_are_skipped():
    assert choose("auto", {"LANGUAGE": "xx:tlh:es"}) == ["es", "en"]
    assert choose("auto", {"LANG": "sv_SE.UTF-8"}) == ["en"]


def test_first_non_empty_of_lc_all_lc_messages_lang():
    env = {"LC_ALL": "", "LC_MESSAGES": "de_AT.UTF-8", "LANG": "fr_FR.UTF-8"}
    assert choose("auto", env) == ["de", "en"]
    assert choose("auto", {"LC_ALL": "es_ES.UTF-8", "LC_MESSAGES": "de_DE"}) == ["es", "en"]


def test_c_and_posix_mean_english():
    assert choose("auto", {"LANG": "C.UTF-8"}) == ["en"]
    assert choose("auto", {"LC_ALL": "POSIX", "LANG": "de_DE.UTF-8"}) == ["en"]
    assert choose("auto", {}) == ["en"]


def test_a_region_falls_back_to_its_language_and_keeps_its_own_catalog():
    assert candidates("de_DE.UTF-8") == ["de_DE", "de"]
    assert choose("auto", {"LANG": "pt_BR.UTF-8"}) == ["pt_BR", "en"]
    assert choose("auto", {"LANG": "pt_PT.UTF-8"}) == ["en"]  # no Portuguese of Portugal
    assert choose("auto", {"LANGUAGE": "fr_CA:en", "LANG": "C"}) == ["fr", "en"]


def test_english_ends_the_list_and_what_follows_it_is_not_used():
    assert choose("auto", {"LANGUAGE": "en:fr"}) == ["en"]


def test_pseudo_locale_keeps_its_modifier():
    assert normalize("en@pseudo") == "en@pseudo"
    assert choose("auto", {"LANGUAGE": "en@pseudo"}) == ["en@pseudo", "en"]
    assert normalize("pt-br") == "pt_BR"


@pytest.mark.parametrize("value", ["auto", "de", "pt_BR", "pt-br", "en@pseudo", "ja"])
def test_setting_values_accepted(value):
    assert is_known(value)


@pytest.mark.parametrize("value", ["", "xx", "german", "C", "pt"])
def test_setting_values_refused(value):
    assert not is_known(value)


def test_every_catalog_in_the_package_is_known():
    shipped = {p.parent.parent.name for p in LOCALE.glob("*/LC_MESSAGES/posture_watch.mo")}
    assert shipped <= set(KNOWN), shipped - set(KNOWN)


def test_from_environment_keeps_the_order_asked():
    assert from_environment({"LANGUAGE": "ja:de_CH", "LANG": "es_ES"}) == ["ja", "de_CH", "de"]
    # a LANGUAGE without any language we have leaves the choice to the locale
    assert from_environment({"LANGUAGE": "tlh", "LANG": "es_ES"}) == ["es_ES", "es"]
