"""Today's report and Open settings never fail silently (issue 11, item 2).

Real stand-in openers on PATH: an ``xdg-open`` that exits 3 (no program for the file
type), one that exits 4 (the program failed), one that keeps running (it started a
program: that is success) and none at all. They are run directly and through the real
unfiltered launcher process the tray starts before its network filter. The notifier is
the test notifier (the real D-Bus notifier and dunst are in tests/desktop/test_notify.py).
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import pytest

from posture_watch import launcher
from posture_watch.core.menu import MenuAction
from posture_watch.desktop.open_file import OpenerFailed, open_in_default_app
from posture_watch.tray.actions import OPEN_WAIT
from tests.tray.test_controller import Clock, Running, seed_history, wait_for

DAY = datetime(2026, 11, 24, 18, 0)


def standin(folder: Path, body: str) -> Path:
    """An ``xdg-open`` on PATH that notes its argument in ``opened`` and runs ``body``."""
    folder.mkdir(exist_ok=True)
    opener = folder / "xdg-open"
    opener.write_text(f'#!/bin/sh\necho "$1" >> "{folder}/opened"\n{body}\n')
    opener.chmod(0o755)
    return folder


@pytest.fixture(params=["direct", "launcher"])
def how(request):
    """Open directly, or through the launcher (started after PATH is set, as it inherits
    it); the launcher is stopped again afterwards."""
    yield request.param
    launcher.stop_launcher()


def use_path(monkeypatch, folder: Path, how: str, *, system: bool = True) -> None:
    """PATH is ``folder`` first, then the system's (``system``) for sh and sleep."""
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin" if system else str(folder))
    if how == "launcher":
        launcher.start_launcher()


@pytest.fixture
def tray_on(tmp_path: Path, monkeypatch):
    """A tray controller running on its thread, with a few minutes of history today."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    seed_history(tmp_path)
    run = Running(tmp_path, Clock(DAY))
    yield run
    run.stop()


def click(tray: Running, entry: MenuAction) -> list[tuple[str, str]]:
    tray.controller.post(entry)
    wait_for(lambda: tray.actions.opening is not None, "start opening")
    tray.actions.opening.join(OPEN_WAIT + 15)  # the opening runs off the controller thread
    assert not tray.actions.opening.is_alive()
    return tray.shown


@pytest.mark.parametrize(
    ("code", "why"), [(3, "no program to open it"), (4, "the program that opens it failed")]
)
def test_a_failing_opener_gives_a_notification_with_the_report_path(
    tmp_path, monkeypatch, how, code, why, tray_on
):
    bin_dir = standin(tmp_path / "bin", f"exit {code}")
    use_path(monkeypatch, bin_dir, how)
    ((title, body),) = click(tray_on, MenuAction.REPORT)
    report = tmp_path / "data" / "posture-watch" / "reports" / "2026-11-24.html"
    assert report.is_file()  # written, only not shown
    assert (bin_dir / "opened").read_text().strip() == str(report)  # the opener was asked
    assert title == "Today's posture report"
    assert body == f"Could not open the report: {why}. The file is at {report}"


def test_settings_with_no_opener_say_where_the_file_is(tmp_path, monkeypatch, how, tray_on):
    use_path(monkeypatch, tmp_path / "empty", how, system=False)  # no xdg-open anywhere
    ((title, body),) = click(tray_on, MenuAction.SETTINGS)
    settings = tmp_path / "settings.toml"
    assert title == "Settings"
    assert body == (
        f"Could not open the settings: xdg-open is not installed. The file is at {settings}"
    )


def test_an_opener_that_works_gives_no_notification(tmp_path, monkeypatch, how, tray_on):
    bin_dir = standin(tmp_path / "bin", "exit 0")
    use_path(monkeypatch, bin_dir, how)
    assert click(tray_on, MenuAction.SETTINGS) == []
    assert (bin_dir / "opened").read_text().strip() == str(tmp_path / "settings.toml")


def test_an_opener_still_running_after_the_wait_counts_as_opened(tmp_path, monkeypatch, how):
    """xdg-open on a plain X session can run the program in the foreground: still
    running after the wait means it started one."""
    bin_dir = standin(tmp_path / "bin", "sleep 30")
    use_path(monkeypatch, bin_dir, how)
    target = tmp_path / "some.html"
    target.write_text("<p>hi</p>")
    started = time.monotonic()
    open_in_default_app(target, wait=0.5)
    assert time.monotonic() - started < 15  # the wait, not the opener's 30 s
    assert (bin_dir / "opened").read_text().strip() == str(target)


def test_the_failure_carries_the_exit_status(tmp_path, monkeypatch, how):
    bin_dir = standin(tmp_path / "bin", "exit 3")
    use_path(monkeypatch, bin_dir, how)
    target = tmp_path / "r.html"
    target.write_text("x")
    with pytest.raises(OpenerFailed) as caught:
        open_in_default_app(target, wait=OPEN_WAIT)
    assert caught.value.returncode == 3 and caught.value.why == "no program to open it"
    open_in_default_app(target)  # without a wait: started, not waited for (as before)
