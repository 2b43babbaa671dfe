"""``prepare(request)``: the settings file and the command line reach the loop it builds.

Arguments come from the real parser and reach ``prepare`` through the commands'
``setup_request``, so a renamed option fails here too. Sources are
landmark recordings (no webcam, no model needed); every opened source is closed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from posture_watch import paths
from posture_watch.cli import build_parser
from posture_watch.commands.monitor_options import setup_request
from posture_watch.config import settings_path
from posture_watch.core.settings import Settings
from posture_watch.errors import ConfigError, SourceError
from posture_watch.monitor.loop import MonitorLoop
from posture_watch.monitor.setup import (
    DEMO_PROFILE,
    DEMO_SIT_MAX,
    MonitorSetup,
    SetupRequest,
    demo_path,
    prepare,
)

#: A recording that is not the demo: the plain settings apply to it.
RECORDING = paths.SAMPLES_DIR / "slouchingornot-high.jsonl"


def parse(*argv: str | Path) -> SetupRequest:
    args = build_parser().parse_args(["monitor", "--no-tray", *map(str, argv)])
    return setup_request(args)


@contextmanager
def prepared(*argv: str | Path) -> Iterator[MonitorSetup]:
    setup = prepare(parse(*argv))
    try:
        yield setup
    finally:
        setup.first.close()


def built_loop(*argv: str | Path) -> MonitorLoop:
    with prepared(*argv) as setup:
        return setup.build_loop(lambda event: None)


def settings_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "my-settings.toml"
    path.write_text("schema_version = 1\n" + text, encoding="utf-8")
    return path


def on_recording(*argv: str | Path) -> tuple[str | Path, ...]:
    return ("--source", RECORDING, "--uncalibrated", *argv)


# --- settings file and command line ------------------------------------------------------


def test_stable_interval_from_the_settings_file_reaches_the_sampler(tmp_path: Path) -> None:
    config = settings_file(tmp_path, "[sampling]\nstable_interval = 2.5\n")
    loop = built_loop(*on_recording("--config", config))
    assert loop.sampler.stable_interval == 2.5
    assert loop.sampler.confirm_interval == 0.25  # the default, left out of the file


def test_command_line_overrides_the_settings_file(tmp_path: Path) -> None:
    config = settings_file(tmp_path, "[sampling]\nstable_interval = 2.5\nconfirm_interval = 0.5\n")
    loop = built_loop(*on_recording("--config", config, "--stable-interval", "0.5"))
    assert loop.sampler.stable_interval == 0.5
    assert loop.sampler.confirm_interval == 0.5
    loop = built_loop(*on_recording("--config", config, "--confirm-interval", "0.1"))
    assert (loop.sampler.stable_interval, loop.sampler.confirm_interval) == (2.5, 0.1)


def test_slouch_after_from_the_settings_file_reaches_the_analyzer(tmp_path: Path) -> None:
    config = settings_file(tmp_path, "[posture]\nslouch_after = 45\n")
    loop = built_loop(*on_recording("--config", config))
    assert loop.analyzer.settings.slouch_after == 45.0
    assert loop.analyzer.timeline.settings.slouch_after == 45.0
    assert loop.analyzer.settings.sit_max == Settings().sit_max  # not the demo's


def test_without_config_the_users_settings_file_is_used(private_user_folders: Path) -> None:
    user_file = paths.config_dir() / "settings.toml"
    user_file.parent.mkdir(parents=True)
    user_file.write_text("schema_version = 1\n[posture]\nslouch_after = 20\n", encoding="utf-8")
    loop = built_loop(*on_recording())
    assert loop.analyzer.settings.slouch_after == 20.0


def test_invalid_settings_file_is_a_config_error_naming_the_file(tmp_path: Path) -> None:
    config = settings_file(tmp_path, '[posture]\nslouch_after = "soon"\n')
    with pytest.raises(ConfigError) as info:
        prepare(parse(*on_recording("--config", config)))
    assert str(config) in str(info.value)
    assert "slouch_after" in str(info.value)
    assert info.value.exit_code == 2


def test_settings_file_with_bad_syntax_is_a_config_error(tmp_path: Path) -> None:
    config = settings_file(tmp_path, "[sampling\n")
    with pytest.raises(ConfigError, match=r"my-settings\.toml: line 2"):
        prepare(parse(*on_recording("--config", config)))


@pytest.mark.parametrize("option", ["--stable-interval", "--confirm-interval"])
@pytest.mark.parametrize("value", ["0", "-1", "nan"])
def test_intervals_must_be_positive(option: str, value: str) -> None:
    with pytest.raises(ConfigError, match=f"{option} must be positive"):
        prepare(parse(*on_recording(option, value)))


@pytest.mark.parametrize(
    "argv",
    [
        ("--stable-interval", "0.1"),  # under the default confirm interval (0.25)
        ("--confirm-interval", "3"),  # over the default stable interval (2.0)
        ("--stable-interval", "1", "--confirm-interval", "1.5"),
    ],
)
def test_confirm_interval_over_stable_interval_is_a_config_error(argv: tuple[str, ...]) -> None:
    """Not a ValueError traceback from the sampler when the loop is built."""
    with pytest.raises(ConfigError, match="must not exceed"):
        built_loop(*on_recording(*argv))


@pytest.mark.parametrize("speed", ["0", "-2", "nan"])
def test_speed_must_be_positive(speed: str) -> None:
    with pytest.raises(ConfigError, match="--speed must be positive") as info:
        prepare(parse("--demo", "--speed", speed))
    assert info.value.exit_code == 2


def test_speed_and_fps_reach_the_setup() -> None:
    with prepared(*on_recording("--speed", "40", "--fps", "5")) as setup:
        assert (setup.clock.speed, setup.fps) == (40.0, 5.0)
        assert setup.build_loop(lambda event: None).clock is setup.clock


# --- sources -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["gone.jsonl", "gone.mp4", "gone.png"])
def test_missing_source_is_a_source_error(tmp_path: Path, name: str) -> None:
    with pytest.raises(SourceError, match="gone"):
        prepare(parse("--source", tmp_path / name, "--uncalibrated"))


def test_a_recording_is_not_the_demo() -> None:
    with prepared(*on_recording()) as setup:
        assert setup.spec == str(RECORDING)
        assert not setup.demo
        assert setup.note is None
        assert setup.model is None  # landmarks only: no pose model needed
        assert not setup.baseline.calibrated


# --- the demo ------------------------------------------------------------------------------


def test_demo_replays_the_demo_session_with_the_demo_profile() -> None:
    with prepared("--demo") as setup:
        assert setup.demo
        assert setup.spec == str(demo_path())
        assert demo_path() == paths.DEMO_DIR / "demo-session.jsonl"
        assert setup.first.has_pixels is False
        assert setup.model is None
        assert setup.baseline.calibrated
        profile = json.loads((paths.SAMPLES_DIR / DEMO_PROFILE).read_text(encoding="utf-8"))
        for name, stat in profile["features"].items():
            assert setup.baseline.median(name) == pytest.approx(stat["median"])
        assert setup.config.decision.sit_max == DEMO_SIT_MAX
        loop = setup.build_loop(lambda event: None)
    assert loop.analyzer.settings.sit_max == DEMO_SIT_MAX
    assert loop.analyzer.baseline is setup.baseline


def test_demo_by_path_is_the_demo_too() -> None:
    with prepared("--source", demo_path()) as setup:
        assert setup.demo
        assert setup.baseline.calibrated
        assert setup.config.decision.sit_max == DEMO_SIT_MAX


def test_demo_keeps_the_other_settings(tmp_path: Path) -> None:
    config = settings_file(tmp_path, "[posture]\nslouch_after = 45\n[sitting]\nsit_max = 90\n")
    loop = built_loop("--demo", "--config", config)
    assert loop.analyzer.settings.slouch_after == 45.0
    assert loop.analyzer.settings.sit_max == DEMO_SIT_MAX


def test_demo_uncalibrated_when_asked() -> None:
    with prepared("--demo", "--uncalibrated") as setup:
        assert setup.demo
        assert not setup.baseline.calibrated
        assert setup.config.decision.sit_max == DEMO_SIT_MAX


def test_the_demo_leaves_the_request_as_it_was() -> None:
    """The demo's profile is chosen inside ``prepare``; the caller's request is not
    written into (it used to set ``args.calibration`` on the namespace)."""
    request = parse("--demo")
    setup = prepare(request)
    setup.first.close()
    assert setup.baseline.calibrated
    assert request.calibration is None


def test_the_demo_reads_the_persons_settings_and_creates_none(private_user_folders: Path) -> None:
    """The demo (also the one a missing webcam leads to) writes nothing of the person's:
    a missing settings file stays missing; any other source creates it to be edited."""
    with prepared("--demo") as setup:
        assert setup.demo
    assert not settings_path().exists()
    with prepared("--source", RECORDING):
        pass
    assert settings_path().exists()


def test_the_demo_runs_without_quiet_hours(tmp_path: Path) -> None:
    """A demo tried at 23:00 must still show its nudges: the person's other settings
    apply, their quiet hours do not."""
    text = '[quiet_hours]\nenabled = true\nstart = "00:00"\nend = "23:59"\n'
    config = settings_file(tmp_path, text + "[posture]\nslouch_after = 45\n")
    with prepared("--demo", "--config", config) as setup:
        assert not setup.config.quiet_hours.enabled
        assert setup.config.decision.slouch_after == 45.0
    with prepared("--source", RECORDING, "--config", config) as setup:
        assert setup.config.quiet_hours.enabled
