"""Fixtures shared by all test folders, and the markers that split the suite in tiers.

Two markers (registered in pyproject.toml) make the tiers:

- ``desktop``: the test starts desktop programs (Xvfb, sway, a D-Bus daemon, dunst,
  Chromium). Every desktop test is also ``slow``.
- ``slow``: the test runs ``posture-watch`` or Python as a child process, runs the real
  pose model over many pictures, or does seconds of work.

The fast tier is ``pytest -m "not slow"`` (pure and in-process, well under a minute); the
full tier is everything (``.ci/run``). The markers are given here by rule, so a new test
lands in the right tier without thinking about it: by the fixtures a test uses (an X
session, the Wayland desktop, a run as ``nobody``), by folder (``tests/commands/`` starts
the CLI, ``tests/pipeline/`` runs the model, ``tests/soak/``) and by module for the rest.
A test may also carry ``@pytest.mark.slow`` itself, in an otherwise fast module.

``scripts/test.sh`` runs the full tier on two pytest-xdist workers with ``--dist
loadscope``: a module runs on one worker, so module fixtures (a browser, the model run over
a session) start once and the Wayland desktop, a session fixture, starts on one worker only.
"""

import os
from pathlib import Path

import pytest

from tests.harness.nobody import nobody_python
from tests.harness.read_only import sandbox
from tests.harness.settings_files import config_home

__all__ = ["config_home", "nobody_python", "sandbox"]

TESTS = Path(__file__).resolve().parent

# The tests pin English text: whatever language the developer's desktop speaks, the CLI
# run in-process and every program a test starts speak English, unless a test asks for
# another language (posture_watch/core/languages.py: LANGUAGE comes first).
os.environ["LANGUAGE"] = "en"
SHARED_SAMPLES = TESTS.parent.parent / "shared" / "samples"

DESKTOP_FIXTURES = {
    "xsession",
    "xdisplay_only",
    "xsession_without_notifications",
    "wayland_desktop",
}
DESKTOP_MODULES = {
    "commands/test_monitor_lock.py",  # private buses and stand-in services
    "monitor/test_session_watch.py",
    "report/test_chromium.py",
    "tray/test_sni.py",
    "tray/test_tray_app.py",
    "tray/test_tray_control.py",
}
DESKTOP_FOLDERS = ("tray/wayland/",)
SLOW_FIXTURES = {"nobody_python", "sandbox"}
SLOW_FOLDERS = ("commands/", "pipeline/", "soak/")
FAST_MODULES = {  # in-process exceptions in the slow folders
    "commands/test_cli_help.py",
    "commands/test_demo_texts.py",
    "commands/test_monitor_describe.py",
    "pipeline/test_pipeline.py",
    "pipeline/test_pose.py",
}
SLOW_MODULES = {
    "core/test_calibration.py",  # the real model over the sample sessions
    "desktop/test_autostart.py",  # desktop-file-validate, GLib and the CLI as processes
    "history/test_read_only.py",
    "monitor/test_loop.py",  # minutes of replay through the real model
    "monitor/test_loop_drift.py",
    "monitor/test_loop_yield.py",
    "report/test_week_agrees.py",
    "test_config_read_only.py",
    "test_every_state.py",
    "test_native_log.py",
    "test_offline.py",
    "test_wheel_install.py",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        try:
            module = item.path.resolve().relative_to(TESTS).as_posix()
        except ValueError:  # a test from outside tests/
            module = ""
        fixtures = set(getattr(item, "fixturenames", ()))
        desktop = (
            bool(fixtures & DESKTOP_FIXTURES)
            or module in DESKTOP_MODULES
            or module.startswith(DESKTOP_FOLDERS)
        )
        slow = (
            desktop
            or bool(fixtures & SLOW_FIXTURES)
            or module in SLOW_MODULES
            or (module.startswith(SLOW_FOLDERS) and module not in FAST_MODULES)
        )
        if desktop:
            item.add_marker(pytest.mark.desktop)
        if slow:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def shared_samples() -> Path:
    """The real sample pictures in ``/work/shared/samples`` (beside the repo, not in it)."""
    if not SHARED_SAMPLES.is_dir():
        pytest.skip(f"shared sample pictures not found at {SHARED_SAMPLES}")
    return SHARED_SAMPLES
