"""``posture-watch insights`` and the posture-decay figures ``export`` writes, in process
on real history files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from posture_watch import cli
from tests.core.test_posture_decay import decay_spell, spells_history
from tests.report.histories import working_day, write_history

HOLDS = (20, 25, 30, 34, 34, 40, 45, 50, 55)


@pytest.fixture
def decaying(tmp_path: Path, isolated_dirs: Path) -> Path:
    """A real history file: nine sitting spells on Mon 12 May 2025 that hold :data:`HOLDS`."""
    history = spells_history(*(decay_spell(h, 70) for h in HOLDS))
    return write_history(tmp_path / "history.sqlite3", history)


def test_insights_prints_the_hold_and_the_curve(decaying: Path, capsys) -> None:
    args = ["insights", "--history", str(decaying), "--date", "2025-05-14"]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "posture-watch insights · 7 days to Wed 14 May 2025"
    assert (
        "After a break you stayed upright for about 34 min (median of 9 sitting spells in "
        "the 7 days to Wed 14 May)."
    ) in " ".join(out.split())
    assert "   0–10 min  ████████████████████  100%  (90 min)" in lines
    assert any(line.endswith("◀ break nudge after 50 min") for line in lines)


def test_insights_days_sets_the_basis(decaying: Path, capsys) -> None:
    args = ["insights", "--history", str(decaying), "--date", "2025-05-20", "--days", "3"]
    assert cli.main(args) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "posture-watch insights · 3 days to Tue 20 May 2025" in out
    assert "Too few sitting spells after a break to say how long your posture holds: 0 in " in out
    assert "the 3 days to Tue 20 May, 5 are needed." in out


def test_insights_with_too_few_spells_has_no_curve(tmp_path, isolated_dirs, capsys) -> None:
    path = write_history(tmp_path / "h.sqlite3", working_day())
    assert cli.main(["insights", "--history", str(path), "--date", "2025-05-12"]) == 0
    out = capsys.readouterr().out
    assert "Too few sitting spells" in out and "min)" not in out


def test_export_json_carries_the_posture_decay(decaying: Path, tmp_path: Path) -> None:
    out = tmp_path / "export.json"
    args = ["export", "--format", "json", "--history", str(decaying), "--out", str(out)]
    assert cli.main(args) == 0
    decay = json.loads(out.read_text())["posture_decay"]
    assert decay["hold_median_min"] == 34.0
    assert (decay["spells"], decay["spells_slouched"], decay["spells_held"]) == (9, 9, 0)
    assert decay["definition"]["sustained_slouch_min"] == 2
    first = decay["curve"][0]
    assert first == {
        "from_min": 0,
        "to_min": 5,
        "minutes_seen": 45,
        "upright_s": 2700.0,
        "slouch_s": 0.0,
        "upright_share": 1.0,
    }
    assert len(decay["curve"]) == 14  # 70-minute spells: 14 bins of 5 min


def test_export_of_one_table_leaves_the_figures_out(decaying: Path, tmp_path: Path) -> None:
    out = tmp_path / "minutes.json"
    args = ["export", "--format", "json", "--table", "minutes", "--history", str(decaying)]
    assert cli.main([*args, "--out", str(out)]) == 0
    assert "posture_decay" not in json.loads(out.read_text())


def test_export_csv_all_writes_the_hold_and_the_curve(decaying: Path, tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    args = ["export", "--format", "csv", "--table", "all", "--history", str(decaying)]
    assert cli.main([*args, "--out", str(folder)]) == 0
    with (folder / "posture_hold.csv").open() as f:
        (hold,) = list(csv.DictReader(f))
    assert hold["hold_median_min"] == "34.0" and hold["spells"] == "9"
    with (folder / "posture_decay.csv").open() as f:
        curve = list(csv.DictReader(f))
    assert [r["from_min"] for r in curve[:3]] == ["0", "5", "10"]
    assert curve[-1]["to_min"] == "70"
    assert (folder / "posture_decay.csv").stat().st_mode & 0o077 == 0  # private
