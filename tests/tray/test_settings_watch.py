"""The tray's watch of the settings file: a change (a save, a hand edit) is seen within its
interval of clock time, once; a wrong file is said once and changes nothing."""

from __future__ import annotations

import os
from pathlib import Path

from posture_watch.config import save_config
from posture_watch.core.settings import AppConfig, Settings
from posture_watch.core.stream import SettingsChanged
from posture_watch.tray.settings_watch import SettingsWatch


def test_saves_and_hand_edits_are_seen_once_and_only_every_interval(tmp_path: Path):
    path = tmp_path / "settings.toml"
    path.write_text("schema_version = 1\n[sitting]\nsit_max = 50\n")
    said: list[str] = []
    watch = SettingsWatch(path, interval=2.0, say=said.append)
    assert watch.poll(0.0) is None  # as the monitor started with it
    wanted = AppConfig(decision=Settings(sit_max=120.0))
    save_config(path, wanted)  # the preferences window's writer: a rename
    assert watch.poll(1.0) is None  # not yet: two seconds of clock time between looks
    assert watch.poll(2.0) == SettingsChanged(wanted)
    assert watch.poll(4.0) is None  # seen once
    assert "sit_max = 2" in path.read_text()

    path.write_text("schema_version = 1\n[sitting]\nsit_max = 0\n")  # a bad hand edit
    os.utime(path, ns=(1, 1))
    change = watch.poll(6.0)
    assert change is not None and change.config is None
    assert change.error is not None and "[sitting] sit_max = 0: must be" in change.error
    assert watch.poll(8.0) is None  # said once per version of the file
    assert len(said) == 2 and said[1].startswith("settings not applied, the monitor keeps")

    path.write_text("schema_version = 1\n[sitting]\nsit_max = 3\n")
    change = watch.poll(8.5, now=True)  # the window closed after a save: look at once
    assert change is not None and change.config is not None
    assert change.config.decision.sit_max == 180.0


def test_what_waits_for_a_restart_is_said_once(tmp_path: Path):
    path = tmp_path / "settings.toml"
    said: list[str] = []
    watch = SettingsWatch(path, say=said.append, running=AppConfig())
    path.write_text('schema_version = 1\n[camera]\nsource = "1"\n')
    assert watch.poll(0.0) is not None
    path.write_text('schema_version = 1\n[camera]\nsource = "1"\n[sitting]\nsit_max = 5\n')
    assert watch.poll(2.0) is not None
    assert said == [
        f"settings: {path} changed; the monitor uses it now (new camera: applies after a "
        "restart of the monitor)",
        f"settings: {path} changed; the monitor uses it now",
    ]


def test_the_runs_own_overrides_stay(tmp_path: Path):
    path = tmp_path / "settings.toml"
    watch = SettingsWatch(
        path,
        adjust=lambda c: AppConfig(decision=c.decision.with_overrides(sit_max=105.0)),
        say=lambda line: None,
    )
    path.write_text("schema_version = 1\n[sitting]\nbreak_min = 3\n")
    change = watch.poll(0.0)
    assert change is not None and change.config is not None
    assert (change.config.decision.sit_max, change.config.decision.break_min) == (105.0, 180.0)
