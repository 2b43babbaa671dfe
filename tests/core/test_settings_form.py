"""The preferences window's form, without Tk: every setting in a group, the file's checks."""

from __future__ import annotations

from dataclasses import replace

import pytest

from posture_watch.core.settings import AppConfig, CameraConfig, Settings
from posture_watch.core.settings_form import (
    RESTART_NOTE,
    all_fields,
    check_form,
    field_error,
    form_value,
    groups,
    restart_fields,
)
from posture_watch.core.settings_schema import TABLES
from posture_watch.core.settings_validation import config_from_text
from posture_watch.errors import ConfigError


def shown(config: AppConfig | None = None) -> dict:
    config = config or AppConfig.default()
    return {(f.table, f.key): form_value(f, config) for f in all_fields()}


def test_every_key_of_the_file_is_in_exactly_one_group_in_plain_words():
    keys = [(f.table, f.key) for f in all_fields()]
    assert sorted(keys) == sorted((t, k) for t, (_, _, ks) in TABLES.items() for k in ks)
    assert len(set(keys)) == len(keys)
    titles = [g.title for g in groups()]
    assert titles == ["Posture nudges", "Breaks", "Quiet hours", "Camera", "Report", "Privacy"]
    for field in all_fields():
        assert "_" not in field.label, field  # words, not the file's key
    breaks = {f.key: f for f in groups()[1].fields}
    assert breaks["sit_max"].label == "Break nudge after sitting for"
    assert breaks["sit_max"].allowed == "1 to 480 minutes"


def test_the_defaults_read_back_as_the_defaults():
    checked = check_form(shown())
    assert checked.errors == {} and checked.config == AppConfig.default()


def test_a_field_says_what_the_file_would_say():
    sit_max = ("sitting", "sit_max")
    values = shown() | {sit_max: "600"}
    with pytest.raises(ConfigError) as file_error:
        config_from_text("[sitting]\nsit_max = 600\n", "settings.toml")
    checked = check_form(values)
    assert checked.config is None
    assert checked.errors == {sit_max: "must be a number of minutes between 1 and 480"}
    assert str(file_error.value).endswith(checked.errors[sit_max])
    field = next(f for f in all_fields() if (f.table, f.key) == sit_max)
    assert field_error(field, "fifty") == checked.errors[sit_max]
    assert field_error(field, " 2 ") is None
    per_hour = next(f for f in all_fields() if f.key == "max_per_hour")
    assert field_error(per_hour, "2.5") == "must be a whole number between 1 and 60"
    start = next(f for f in all_fields() if f.key == "start")
    assert field_error(start, "25:00").startswith('must be a time of day "HH:MM"')


def test_rules_across_fields_are_shown_beside_the_field_they_name():
    quiet = shown() | {("quiet_hours", "enabled"): True, ("quiet_hours", "end"): "22:00"}
    assert check_form(quiet).errors == {("quiet_hours", "end"): "must differ from “Quiet from”"}
    grace = shown() | {("sitting", "absence_grace"): "3600"}
    assert check_form(grace).errors == {
        ("sitting", "break_min"): "must be at least “Shorter absences do not end a sitting spell”"
    }
    looks = shown() | {("sampling", "confirm_interval"): "5"}
    assert check_form(looks).errors == {
        ("sampling", "confirm_interval"): "must not exceed “Look every (steady)” (2.0)"
    }


def test_a_change_of_the_long_sitting_time_reads_as_seconds():
    checked = check_form(shown() | {("sitting", "sit_max"): "2"})
    assert checked.config is not None and checked.config.decision.sit_max == 120.0


def test_only_the_camera_waits_for_a_restart():
    old = AppConfig.default()
    new = replace(
        old,
        camera=CameraConfig(source="1", width=1280),
        decision=Settings(sit_max=600.0),
    )
    assert [f.label for f in restart_fields(old, new)] == ["Camera", "Picture width"]
    camera = next(g for g in groups() if g.title == "Camera")
    assert [f.live for f in camera.fields] == [False, False, False, True, True]
    assert RESTART_NOTE == "applies after a restart of the monitor"
