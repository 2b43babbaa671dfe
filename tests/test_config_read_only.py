"""A read-only config folder without a settings file: the defaults apply and one line
says so, for ``settings`` and for the monitor itself (real processes that cannot write
the folder, also when the tests run as root)."""

from __future__ import annotations

import os
import shutil

from posture_watch.config import DEFAULT_TOML, AppConfig, config_from_text
from posture_watch.paths import SAMPLES_DIR
from tests.harness.read_only import ReadOnlySandbox, posture_watch


def read_only_config(sandbox: ReadOnlySandbox) -> dict[str, str]:
    config_home = sandbox.folder("config")
    sandbox.freeze(config_home)
    sandbox.check(config_home)
    return sandbox.env(
        XDG_CONFIG_HOME=config_home,
        XDG_DATA_HOME=sandbox.folder("data", writable=True),
        XDG_RUNTIME_DIR=sandbox.folder("run", writable=True),
    )


def warning(sandbox: ReadOnlySandbox) -> str:
    path = sandbox.base / "config" / "posture-watch" / "settings.toml"
    return f"posture-watch: settings: cannot create {path} (Permission denied); using the defaults"


def test_settings_shows_the_defaults_with_one_warning(sandbox: ReadOnlySandbox) -> None:
    env = read_only_config(sandbox)
    proc = sandbox.run(posture_watch("settings"), env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [warning(sandbox)]
    assert config_from_text(proc.stdout, "stdout") == AppConfig.default()
    assert proc.stdout.endswith(DEFAULT_TOML.split("schema_version", 1)[1])
    assert list((sandbox.base / "config").iterdir()) == []


def test_the_monitor_runs_on_the_defaults_with_one_warning(sandbox: ReadOnlySandbox) -> None:
    """A recording, not the demo: the demo never creates the settings file, so it has
    nothing to warn about. The recording is copied where the sandbox's user can read it
    (a checkout in a private folder is not)."""
    env = read_only_config(sandbox)
    session = str(sandbox.folder("source") / "session.jsonl")
    shutil.copyfile(SAMPLES_DIR / "demo-session.jsonl", session)
    os.chmod(session, 0o644)
    args = ("monitor", "--no-tray", "--source", session, "--speed", "40", "--seconds", "10")
    proc = sandbox.run(posture_watch(*args), env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [warning(sandbox)]
    assert "monitoring" in proc.stdout and "stopped:" in proc.stdout
    assert list((sandbox.base / "config").iterdir()) == []
