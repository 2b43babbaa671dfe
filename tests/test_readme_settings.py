"""The README's settings table is the schema's, in the units settings.toml takes.

The table between the settings markers in README.md must be exactly what
:mod:`posture_watch.core.settings_doc` renders from the schema (rerun
``scripts/settings_table.py --write`` after changing a setting), and what it says must be
what the checks accept: each default, written into a settings file as the table shows it,
loads as that default; each range's ends load and a step past them is refused. This is
what caught ``sit_max`` documented as 3000 s while the file takes minutes.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from posture_watch.core.settings import AppConfig
from posture_watch.core.settings_doc import (
    END,
    PLAIN,
    START,
    default_of,
    render_table,
    replace_block,
    rows,
    unit_of,
)
from posture_watch.core.settings_schema import TABLES, NumberKey
from posture_watch.core.settings_validation import config_from_text
from posture_watch.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
#: Keys bound to another (the notes under the README's table): set the other so that each
#: end of the range can be tried alone.
COMPANIONS = {
    "sampling.stable_interval": "confirm_interval = 0.05\n",
    "sampling.confirm_interval": "stable_interval = 60.0\n",
    "sitting.absence_grace": "break_min = 240\n",
}
KEYS = [(table, key) for table, (_, _, keys) in TABLES.items() for key in keys]


def _stored(config: AppConfig, table: str, key: str) -> object:
    return getattr(getattr(config, TABLES[table][0]), key)


def test_the_readme_holds_the_rendered_table() -> None:
    text = README.read_text(encoding="utf-8")
    assert text.count(START) == 1 and text.count(END) == 1
    block = text[text.index(START) + len(START) : text.index(END)]
    assert block == "\n" + render_table(), (
        "README.md's settings table is stale: run .venv/bin/python scripts/settings_table.py "
        "--write"
    )


def test_every_schema_key_has_one_row_and_plain_words() -> None:
    names = [row[0] for row in rows()]
    assert names == [f"`[{table}] {key}`" for table, key in KEYS]
    described = {f"{table}.{key}" for table, key in KEYS}
    assert set(PLAIN) <= described, f"described but not in the schema: {set(PLAIN) - described}"


@pytest.mark.parametrize(("table", "key"), KEYS)
def test_a_default_copied_from_the_table_loads_as_the_default(table: str, key: str) -> None:
    written = default_of(table, key)
    config = config_from_text(f"[{table}]\n{key} = {written}\n", "settings.toml")
    assert _stored(config, table, key) == _stored(AppConfig.default(), table, key)


@pytest.mark.parametrize(
    ("table", "key"), [(t, k) for t, k in KEYS if isinstance(TABLES[t][2][k][0], NumberKey)]
)
def test_a_number_range_is_the_one_the_checks_accept(table: str, key: str) -> None:
    kind = TABLES[table][2][key][0]
    assert isinstance(kind, NumberKey)
    row = next(r for r in rows() if r[0] == f"`[{table}] {key}`")
    ends = re.search(r"([0-9.]+) to ([0-9.]+)", row[4])
    assert ends is not None and (float(ends[1]), float(ends[2])) == (kind.lo, kind.hi)
    assert row[2] == unit_of(kind)

    def load(value: float) -> AppConfig:
        number = str(int(value)) if kind.whole else repr(float(value))
        other = COMPANIONS.get(f"{table}.{key}", "")
        return config_from_text(f"[{table}]\n{key} = {number}\n{other}", "settings.toml")

    for end in (kind.lo, kind.hi):
        load(end)
    with pytest.raises(ConfigError):
        load(kind.hi + 1)


def test_the_thresholds_people_asked_about_read_in_minutes() -> None:
    """The README once said sit_max 3000 s; settings.toml takes minutes and refuses 3000."""
    table = {row[0]: row for row in rows()}
    assert table["`[sitting] sit_max`"][2:4] == ("minutes", "`50`")
    assert table["`[sitting] break_min`"][2:4] == ("minutes", "`2`")
    assert table["`[posture] slouch_cooldown`"][2:4] == ("minutes", "`5`")
    with pytest.raises(ConfigError, match="between 1 and 480"):
        config_from_text("[sitting]\nsit_max = 3000\n", "settings.toml")


def test_replace_block_needs_both_markers() -> None:
    with pytest.raises(ValueError, match="markers"):
        replace_block("no markers here")
    assert replace_block(f"a\n{START}\nold\n{END}\nb", "T\n") == f"a\n{START}\nT\n{END}\nb"


def test_the_script_checks_and_writes(tmp_path: Path) -> None:
    stale = tmp_path / "README.md"
    stale.write_text(f"# x\n{START}\n| old |\n{END}\n", encoding="utf-8")
    script = [sys.executable, str(ROOT / "scripts" / "settings_table.py"), "--readme", str(stale)]
    checked = subprocess.run([*script, "--check"], capture_output=True, text=True, check=False)
    assert checked.returncode == 1 and "out of date" in checked.stderr
    subprocess.run([*script, "--write"], check=True, capture_output=True)
    assert stale.read_text(encoding="utf-8") == f"# x\n{START}\n{render_table()}{END}\n"
    again = subprocess.run([*script, "--check"], capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr
