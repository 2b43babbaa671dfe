"""The line editor of settings.toml: only the changed values change; comments, order and
other keys stay; missing keys and tables are added; what it cannot edit safely is refused."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from posture_watch.config import load_config, save_config
from posture_watch.core.settings import AppConfig
from posture_watch.core.settings_edit import EditRefused, changed_values, edit_settings_text
from posture_watch.core.settings_schema import DEFAULT_TOML
from posture_watch.core.settings_validation import config_from_text
from posture_watch.errors import ConfigError

HAND_EDITED = """\
# my settings, do not lose this line
schema_version = 1

[sitting]
# I get up every 40 minutes
sit_max = 40 # was 50
break_min=3

[report]
daily_at = "18:00"   # after work
"""


def _diff(before: str, after: str) -> list[tuple[str, str]]:
    pairs = zip(before.splitlines(), after.splitlines(), strict=True)
    return [(a, b) for a, b in pairs if a != b]


def test_default_file_changes_one_line_and_keeps_the_comment_column() -> None:
    edited = edit_settings_text(DEFAULT_TOML, {"sitting": {"sit_max": "25"}})
    [(old, new)] = _diff(DEFAULT_TOML, edited)
    assert old.startswith("sit_max = 50 ") and new.startswith("sit_max = 25 ")
    assert old.index("#") == new.index("#")
    assert config_from_text(edited, "f").decision.sit_max == 25 * 60


def test_hand_edited_file_keeps_its_comments_and_spacing() -> None:
    edited = edit_settings_text(
        HAND_EDITED,
        {"sitting": {"sit_max": "30", "break_min": "5"}, "report": {"daily_at": '"off"'}},
    )
    assert _diff(HAND_EDITED, edited) == [
        ("sit_max = 40 # was 50", "sit_max = 30  # was 50"),
        ("break_min=3", "break_min=5"),
        ('daily_at = "18:00"   # after work', 'daily_at = "off"     # after work'),
    ]


def test_missing_keys_go_to_the_end_of_their_table_and_missing_tables_to_the_end() -> None:
    edited = edit_settings_text(
        HAND_EDITED, {"sitting": {"absence_grace": "90"}, "quiet_hours": {"enabled": "true"}}
    )
    lines = edited.splitlines()
    assert lines[lines.index("break_min=3") + 1].startswith("absence_grace = 90  # seconds")
    assert lines[-2].startswith("[quiet_hours]") and lines[-1].startswith("enabled = true")
    assert HAND_EDITED.splitlines()[0] == lines[0]
    doc = tomllib.loads(edited)
    assert doc["sitting"] == {"sit_max": 40, "break_min": 3, "absence_grace": 90}


def test_crlf_and_quoted_values_with_hashes() -> None:
    text = '[camera]\r\nsource = "/videos/#1.mp4" # a "quoted" comment\r\n'
    edited = edit_settings_text(text, {"camera": {"source": '"auto"'}})
    assert edited == '[camera]\r\nsource = "auto"           # a "quoted" comment\r\n'


def test_what_a_line_edit_cannot_do_is_refused() -> None:
    with pytest.raises(EditRefused):
        edit_settings_text("sitting = { sit_max = 40 }\n", {"sitting": {"sit_max": "30"}})
    with pytest.raises(EditRefused):  # a dotted key: the added table would clash
        edit_settings_text("sitting.sit_max = 40\n", {"sitting": {"sit_max": "30"}})


def test_changed_values_names_only_what_differs() -> None:
    old = AppConfig.default()
    new = replace(old, decision=old.decision.with_overrides(sit_max=1800.0))
    assert changed_values(old, new) == {"sitting": {"sit_max": "30"}}
    assert changed_values(old, old) == {}


def test_save_config_writes_atomically_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(HAND_EDITED)
    path.chmod(0o600)
    config = load_config(path, create=False)
    new = replace(config, decision=config.decision.with_overrides(sit_max=20 * 60.0))
    assert save_config(path, new) == new
    assert _diff(HAND_EDITED, path.read_text()) == [
        ("sit_max = 40 # was 50", "sit_max = 20  # was 50")
    ]
    assert path.stat().st_mode & 0o777 == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name != "settings.toml"]  # no temp file left


def test_save_config_refuses_to_write_over_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("[sitting]\nsit_max = fifty\n")
    with pytest.raises(ConfigError, match="line 2"):
        save_config(path, AppConfig.default())
    assert path.read_text() == "[sitting]\nsit_max = fifty\n"
