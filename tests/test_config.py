"""The settings file: creation, the template, validation messages, units, the CLI command."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from posture_watch.config import (
    DEFAULT_TOML,
    SCHEMA_VERSION,
    AppConfig,
    CameraConfig,
    PromptConfig,
    QuietHours,
    ReportConfig,
    SamplingConfig,
    config_from_text,
    config_from_toml,
    ensure_config_file,
    load_config,
    to_toml,
)
from posture_watch.core.settings import Settings
from posture_watch.errors import ConfigError, StorageError
from tests.harness.settings_files import write


def load_error(path: Path, text: str) -> ConfigError:
    write(path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return info.value


# --- first run and the template -------------------------------------------------------


def test_first_run_creates_the_commented_defaults(config_home: Path) -> None:
    assert not config_home.exists()
    assert load_config() == AppConfig.default()
    text = config_home.read_text(encoding="utf-8")
    assert text == DEFAULT_TOML
    assert text.startswith("# posture-watch settings")
    assert "sit_max = 50" in text and "# minutes" in text
    assert 'daily_at = "17:30"' in text
    assert [p.name for p in config_home.parent.iterdir()] == ["settings.toml"]  # no temp left


def test_missing_file_without_create_is_the_defaults_and_writes_nothing(config_home: Path) -> None:
    assert load_config(create=False) == AppConfig.default()
    assert not config_home.parent.exists()


def test_template_parses_to_the_defaults() -> None:
    assert config_from_text(DEFAULT_TOML, "template") == AppConfig.default()
    doc = tomllib.loads(DEFAULT_TOML)
    assert doc["schema_version"] == SCHEMA_VERSION
    assert list(doc) == [
        "schema_version",
        *(
            "camera",
            "sampling",
            "posture",
            "sitting",
            "prompts",
            "quiet_hours",
            "report",
            "pause",
            "general",
        ),
    ]
    assert doc["sitting"] == {"absence_grace": 60, "break_min": 2, "sit_max": 50}
    assert doc["sampling"] == {"stable_interval": 2.0, "confirm_interval": 0.25}


def test_defaults_in_seconds() -> None:
    config = AppConfig.default()
    assert config.decision == Settings()
    assert config.camera == CameraConfig("auto", 640, 480)
    assert config.sampling == SamplingConfig(2.0, 0.25)
    assert config.prompts == PromptConfig(check_every=2700.0, max_per_hour=4, snooze=600.0)
    assert config.quiet_hours == QuietHours(enabled=False, start=22 * 60, end=7 * 60)
    assert config.report == ReportConfig(daily_at=17 * 60 + 30, journal_prompt=True)


def test_existing_file_is_not_overwritten(config_home: Path) -> None:
    text = "schema_version = 1\n[sitting]\nsit_max = 40  # mine\n"
    write(config_home, text)
    assert ensure_config_file(config_home) is False
    assert load_config().decision.sit_max == 2400.0
    assert config_home.read_text(encoding="utf-8") == text


def test_broken_file_is_not_overwritten_either(config_home: Path) -> None:
    write(config_home, "[sitting\n")
    with pytest.raises(ConfigError):
        load_config()
    assert config_home.read_text(encoding="utf-8") == "[sitting\n"


def test_uncreatable_file_means_the_defaults_and_one_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = write(tmp_path / "not-a-folder", "")
    path = blocker / "settings.toml"
    assert load_config(path) == AppConfig.default()
    assert capsys.readouterr().err == (
        f"posture-watch: settings: cannot create {path} (Not a directory); using the defaults\n"
    )
    warnings: list[str] = []
    assert load_config(path, warn=warnings.append) == AppConfig.default()
    assert len(warnings) == 1 and "using the defaults" in warnings[0]
    with pytest.raises(StorageError, match="cannot create the settings file"):
        ensure_config_file(path)  # settings --path asked for the file: an error


def test_the_warning_shows_the_file_under_home_as_tilde(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    write(tmp_path / ".config", "a file where the config folder should be")
    warnings: list[str] = []
    path = tmp_path / ".config" / "posture-watch" / "settings.toml"
    assert load_config(path, warn=warnings.append) == AppConfig.default()
    assert warnings == [
        "settings: cannot create ~/.config/posture-watch/settings.toml (Not a directory); "
        "using the defaults"
    ]


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    folder = tmp_path / "settings.toml"
    folder.mkdir()
    with pytest.raises(ConfigError, match="cannot read the settings file"):
        load_config(folder)
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"sit_max = \xff\n")
    with pytest.raises(ConfigError, match=r"binary\.toml: not UTF-8"):
        load_config(binary)


# --- values and units -----------------------------------------------------------------


def test_minutes_become_seconds(tmp_path: Path) -> None:
    path = write(
        tmp_path / "s.toml",
        """
        [posture]
        slouch_after = 45
        glance_max = 7.5
        slouch_cooldown = 2.5
        [sitting]
        absence_grace = 90
        break_min = 3
        sit_max = 50
        [prompts]
        check_every = 0
        max_per_hour = 2
        snooze = 15
        """.replace("        ", ""),
    )
    config = load_config(path)
    d = config.decision
    assert (d.slouch_after, d.glance_max, d.slouch_cooldown) == (45.0, 7.5, 150.0)
    assert (d.absence_grace, d.break_min, d.sit_max) == (90.0, 180.0, 3000.0)
    assert all(isinstance(v, float) for v in (d.slouch_after, d.sit_max, d.break_min))
    assert d.recover_grace == Settings().recover_grace  # not in the file: unchanged
    assert config.prompts == PromptConfig(check_every=0.0, max_per_hour=2, snooze=900.0)


def test_other_tables(tmp_path: Path) -> None:
    text = """
    schema_version = 1
    [camera]
    source = "~/videos/desk.mp4"
    width = 1280
    height = 720
    [sampling]
    stable_interval = 2
    confirm_interval = 0.5
    [quiet_hours]
    enabled = true
    start = "23:15"
    end = 06:30:00
    [report]
    daily_at = "off"
    """
    config = config_from_text(text.replace("    ", ""), "s.toml")
    assert config.camera == CameraConfig("~/videos/desk.mp4", 1280, 720)
    assert config.sampling == SamplingConfig(2.0, 0.5)
    assert config.quiet_hours == QuietHours(True, 23 * 60 + 15, 6 * 60 + 30)
    assert config.report == ReportConfig(None)


def test_camera_index_as_number_or_text() -> None:
    assert config_from_toml({"camera": {"source": 1}}, "x").camera.source == "1"
    assert config_from_toml({"camera": {"source": " 0 "}}, "x").camera.source == "0"


def test_yielding_the_camera_to_calls_is_on_unless_turned_off(tmp_path: Path) -> None:
    assert AppConfig.default().camera.yield_to_calls is True
    assert "\nyield_to_calls = true  # true or false: let go of the webcam" in DEFAULT_TOML
    path = write(tmp_path / "settings.toml", "[camera]\nyield_to_calls = false\n")
    config = load_config(path)
    assert config.camera == CameraConfig(yield_to_calls=False)
    assert config_from_text(to_toml(config), "again").camera.yield_to_calls is False
    # it shares [camera] with the source, and the error for a typo points at it
    assert config_from_toml({"camera": {"yield_to_calls": True, "source": "1"}}, "x").camera == (
        CameraConfig(source="1")
    )
    error = load_error(tmp_path / "typo.toml", "[camera]\nyield_to_call = false\n")
    assert error.hint is not None and "did you mean yield_to_calls?" in error.hint
    assert "\n" not in error.one_line()


def test_round_trip_of_a_changed_config() -> None:
    config = config_from_toml(
        {
            "camera": {"source": 'C:\\videos\\"desk".mp4', "width": 800},
            "sampling": {"stable_interval": 0.5, "confirm_interval": 0.1},
            "sitting": {"break_min": 1.5, "sit_max": 33},
            "quiet_hours": {"enabled": True, "start": "00:05", "end": "23:59"},
            "report": {"daily_at": "off"},
        },
        "x",
    )
    text = to_toml(config, header="effective")
    assert text.startswith("# effective\n")
    assert "break_min = 1.5" in text and 'daily_at = "off"' in text
    assert config_from_text(text, "again") == config


def test_partial_file_keeps_other_defaults() -> None:
    config = config_from_toml({"prompts": {"snooze": 5}}, "x")
    assert config == AppConfig(prompts=PromptConfig(snooze=300.0))


# --- errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key", "allowed"),
    [
        ("[sitting]\nsit_max = 0\n", "[sitting] sit_max = 0", "minutes between 1 and 480"),
        ("[sitting]\nsit_max = 481\n", "[sitting] sit_max = 481", "between 1 and 480"),
        ("[sitting]\nsit_max = true\n", "[sitting] sit_max = True", "a number of minutes"),
        ('[sitting]\nsit_max = "50"\n', "[sitting] sit_max = '50'", "a number of minutes"),
        ("[sitting]\nsit_max = nan\n", "[sitting] sit_max = nan", "a number of minutes"),
        ("[posture]\nslouch_after = -1\n", "[posture] slouch_after = -1", "seconds between"),
        ("[posture]\nglance_max = inf\n", "[posture] glance_max = inf", "between 0 and 600"),
        ("[camera]\nwidth = 640.0\n", "[camera] width = 640.0", "a whole number of pixels"),
        ("[camera]\nheight = false\n", "[camera] height = False", "a whole number"),
        ('[camera]\nsource = ""\n', "[camera] source = ''", '"auto", a camera index'),
        ("[camera]\nsource = -1\n", "[camera] source = -1", "a camera index"),
        ("[camera]\nsource = true\n", "[camera] source = True", "a camera index"),
        ('[camera]\nyield_to_calls = "yes"\n', "[camera] yield_to_calls = 'yes'", "true or"),
        ("[camera]\nyield_to_calls = 0\n", "[camera] yield_to_calls = 0", "true or false"),
        ("[sampling]\nstable_interval = 0\n", "[sampling] stable_interval = 0", "seconds"),
        ("[prompts]\nmax_per_hour = 0\n", "[prompts] max_per_hour = 0", "between 1 and 60"),
        ("[prompts]\nmax_per_hour = 1.5\n", "[prompts] max_per_hour = 1.5", "a whole number"),
        ("[prompts]\ncheck_every = -5\n", "[prompts] check_every = -5", "(0 = off)"),
        ("[quiet_hours]\nenabled = 1\n", "[quiet_hours] enabled = 1", "true or false"),
        ('[quiet_hours]\nenabled = "yes"\n', "[quiet_hours] enabled = 'yes'", "true or false"),
        ('[quiet_hours]\nstart = "25:00"\n', "[quiet_hours] start = '25:00'", '"HH:MM"'),
        ('[quiet_hours]\nend = "7:60"\n', "[quiet_hours] end = '7:60'", '"23:59"'),
        ('[quiet_hours]\nend = "7h"\n', "[quiet_hours] end = '7h'", "a time of day"),
        ("[quiet_hours]\nend = 700\n", "[quiet_hours] end = 700", "a time of day"),
        ("[quiet_hours]\nend = 07:00:30\n", "[quiet_hours] end = datetime.time", "HH:MM"),
        ('[report]\ndaily_at = "never"\n', "[report] daily_at = 'never'", 'or "off"'),
        ('[quiet_hours]\nstart = "off"\n', "[quiet_hours] start = 'off'", '"HH:MM"'),
    ],
)
def test_wrong_values_name_file_key_and_what_is_allowed(
    tmp_path: Path, text: str, key: str, allowed: str
) -> None:
    path = tmp_path / "settings.toml"
    error = load_error(path, text)
    message = str(error)
    assert message.startswith(f"{path}: {key}")
    assert ": must be " in message and allowed in message


def test_out_of_range_message_reads_well(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    error = load_error(path, "[sitting]\nsit_max = 600\n")
    assert str(error) == (
        f"{path}: [sitting] sit_max = 600: must be a number of minutes between 1 and 480"
    )


def test_unknown_key_lists_the_allowed_keys(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    error = load_error(path, "[sitting]\nsit_maximum = 40\n")
    assert str(error) == f"{path}: unknown setting [sitting] sit_maximum"
    assert error.hint is not None
    assert "did you mean sit_max?" in error.hint
    assert "allowed keys in [sitting]: absence_grace, break_min, sit_max" in error.hint


def test_key_in_the_wrong_table_says_where_it_belongs(tmp_path: Path) -> None:
    error = load_error(tmp_path / "s.toml", "[posture]\nsit_max = 40\n")
    assert "unknown setting [posture] sit_max" in str(error)
    assert error.hint is not None and "sit_max belongs in [sitting]" in error.hint


def test_unknown_table_lists_the_tables(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    error = load_error(path, "[prompt]\nsnooze = 5\n")
    assert str(error) == f"{path}: unknown setting [prompt]"
    assert error.hint is not None and "did you mean [prompts]?" in error.hint
    assert "[camera], [sampling], [posture], [sitting], [prompts]" in error.hint


def test_unknown_top_level_key(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    error = load_error(path, "sit_max = 40\n")
    assert str(error) == f"{path}: unknown setting sit_max"
    assert error.hint is not None and "schema_version and the tables" in error.hint


def test_table_written_as_a_value(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    error = load_error(path, "camera = 0\n")
    assert str(error) == f"{path}: [camera] = 0: must be a table"


@pytest.mark.parametrize("value", ["2", "99"])
def test_newer_schema_version_is_refused(tmp_path: Path, value: str) -> None:
    path = tmp_path / "settings.toml"
    error = load_error(path, f"schema_version = {value}\n[sitting]\nbogus = 1\n")
    assert str(error).startswith(f"{path}: schema_version = {value}: written by a newer")
    assert error.hint is not None and "upgrade posture-watch" in error.hint


@pytest.mark.parametrize("value", ["0", "true", '"1"', "1.0"])
def test_bad_schema_version(tmp_path: Path, value: str) -> None:
    path = tmp_path / "settings.toml"
    error = load_error(path, f"schema_version = {value}\n")
    assert str(error).startswith(f"{path}: schema_version = ")
    assert "must be a whole number from 1 to 1" in str(error)


@pytest.mark.parametrize(
    ("text", "where", "what", "hint"),
    [
        (
            "[quiet_hours]\nstart = 22:00\n",
            "line 2, column 11",
            "Expected newline",
            'text values need quotes: start = "22:00"',
        ),
        (
            "[camera]\nsource = /dev/video2  # the external one\n",
            "line 2, column 10",
            "Invalid value",
            'text values need quotes: source = "/dev/video2"',
        ),
        ("[sitting\nsit_max = 5\n", "line 1, column 9", "table declaration", None),
        ('[report]\ndaily_at = "17:30\n', "line 2, column 18", "Illegal character", None),
        (
            "[sitting]\nsit_max = ",
            "line 2, column 11",
            "Invalid value",
            "sit_max takes a number of minutes between 1 and 480",
        ),
        (
            "[sitting]\nsit_max = fifty\n",
            "line 2, column 11",
            "Invalid value",
            "sit_max takes a number of minutes between 1 and 480",
        ),
        (
            "[quiet_hours]\nenabled = yes\n",
            "line 2, column 11",
            "Invalid value",
            "enabled takes true or false",
        ),
    ],
)
def test_toml_syntax_errors_give_line_and_column_and_a_hint_only_where_it_applies(
    tmp_path: Path, text: str, where: str, what: str, hint: str | None
) -> None:
    path = tmp_path / "settings.toml"
    error = load_error(path, text)
    assert str(error).startswith(f"{path}: {where}: ")
    assert what in str(error) and "(at " not in str(error)
    assert error.hint == hint


def test_cross_field_rule_from_settings_names_the_keys(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    error = load_error(path, "[sitting]\nabsence_grace = 600\nbreak_min = 5\n")
    assert str(error) == f"{path}: setting break_min must be at least absence_grace"


def test_confirm_interval_must_not_exceed_stable_interval(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    error = load_error(path, "[sampling]\nstable_interval = 1.0\nconfirm_interval = 2.0\n")
    assert str(error).startswith(f"{path}: [sampling] confirm_interval = 2.0: must not exceed")


def test_enabled_quiet_hours_need_a_range(tmp_path: Path) -> None:
    text = '[quiet_hours]\nenabled = {}\nstart = "08:00"\nend = "08:00"\n'
    assert config_from_text(text.format("false"), "x").quiet_hours.start == 480
    error = load_error(tmp_path / "s.toml", text.format("true"))
    assert '[quiet_hours] end = "08:00": must differ from start' in str(error)


# --- quiet hours ----------------------------------------------------------------------


def test_quiet_hours_wrap_midnight() -> None:
    night = QuietHours(enabled=True, start=22 * 60, end=7 * 60)
    inside = [22 * 60, 23 * 60 + 59, 0, 3 * 60, 7 * 60 - 1]
    outside = [7 * 60, 12 * 60, 22 * 60 - 1]
    assert all(night.contains(m) for m in inside)
    assert not any(night.contains(m) for m in outside)


def test_quiet_hours_within_a_day_and_disabled() -> None:
    lunch = QuietHours(enabled=True, start=12 * 60, end=13 * 60)
    assert lunch.contains(12 * 60) and lunch.contains(12 * 60 + 59)
    assert not lunch.contains(13 * 60) and not lunch.contains(0)
    assert not QuietHours(enabled=False, start=0, end=23 * 60).contains(60)
    with pytest.raises(ValueError):
        lunch.contains(24 * 60)
