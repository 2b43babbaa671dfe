"""``posture-watch uninstall`` in a fresh home folder filled by the real commands.

Every test gets its own ``HOME`` with all ``XDG_*`` folders under ``tmp_path``, filled
the way a person fills it: ``autostart on`` (login entry, menu entry, icons), a pain
journal entry, ``report --html`` into the reports folder, ``settings`` and a history of
minutes. Then ``uninstall`` runs as a child process, as from a shell, and the folder is
compared file by file with what it said it removed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from posture_watch.commands.history_cli import day_start
from posture_watch.core.minutes import MinuteRow
from posture_watch.history import HistoryStore
from posture_watch.monitor.instance import InstanceLock

CLI = [sys.executable, "-m", "posture_watch.cli"]
TIMEOUT = 60
DAY = date(2024, 5, 3)
#: Other programs' files beside ours (relative to the home folder).
OTHERS = (
    ".config/autostart/other.desktop",
    ".local/share/icons/hicolor/48x48/apps/other.png",
    ".local/share/posture-watch-notes.txt",
    ".cache/other/cache.bin",
    ".local/state/other.log",
)


class Home:
    """A private home folder and the environment that points posture-watch at it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.config = root / ".config"
        self.data = root / ".local" / "share"
        self.state = root / ".local" / "state"
        self.cache = root / ".cache"
        run = root / "run"
        run.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if k != "POSTURE_WATCH_HOME"}
        self.env |= {
            "HOME": str(root),
            "XDG_CONFIG_HOME": str(self.config),
            "XDG_DATA_HOME": str(self.data),
            "XDG_STATE_HOME": str(self.state),
            "XDG_CACHE_HOME": str(self.cache),
            "XDG_RUNTIME_DIR": str(run),
        }

    def run(self, *args: str, stdin=subprocess.DEVNULL, check: bool = True):
        proc = subprocess.run(
            [*CLI, *args],
            env=self.env,
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        assert "Traceback" not in proc.stderr, proc.stderr
        if check:
            assert proc.returncode == 0, f"{args}: {proc.stderr}"
        return proc

    def files(self) -> set[Path]:
        """Every file, link and folder under the home (links not followed)."""
        found = set()
        for dirpath, dirnames, filenames in os.walk(self.root):
            here = Path(dirpath)
            found |= {here / n for n in dirnames + filenames}
        return found

    @property
    def ours(self) -> list[Path]:
        return [
            self.config / "posture-watch",
            self.data / "posture-watch",
            self.state / "posture-watch",
            self.cache / "posture-watch",
        ]


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home folder as a person leaves it after a few days, with files of others beside
    (made once: the commands take seconds; each test gets a copy)."""
    home = Home(tmp_path_factory.mktemp("filled") / "home")
    home.run("autostart", "on")
    home.run("journal", "--pain", "6", "--where", "neck")
    home.run("settings")
    history = home.data / "posture-watch" / "history.sqlite3"
    with HistoryStore.open(history) as store:
        nine = day_start(DAY) + 9 * 3600
        for i in range(5):
            store.add_minute(MinuteRow(int(nine) + 60 * i, 50, 10, 0, 0, 0.4, 0.6, 11, -1, 1))
    reports = home.data / "posture-watch" / "reports"
    home.run("report", "--date", "2024-05-03", "--html", str(reports / "2024-05-03.html"))
    # a calibration profile, a prompt override, a log file and the demo's folder, as the
    # calibration, the person, a crash and the demo leave them
    profiles = home.config / "posture-watch" / "profiles"
    profiles.mkdir(parents=True)
    (profiles / "default.json").write_text("{}")
    (home.config / "posture-watch" / "prompts").mkdir()
    (home.config / "posture-watch" / "prompts" / "mine.toml").write_text("")
    (home.state / "posture-watch").mkdir(parents=True)
    (home.state / "posture-watch" / "posture-watch.log").write_text("--- a crash\n")
    demo = home.cache / "posture-watch" / "demo" / "data"
    demo.mkdir(parents=True)
    (demo / "history.sqlite3").write_bytes(b"")
    # other programs' files in the same folders
    for other in OTHERS:
        (home.root / other).parent.mkdir(parents=True, exist_ok=True)
        (home.root / other).write_text("not ours")
    return home.root


@pytest.fixture
def home(filled: Path, tmp_path: Path) -> Home:
    """A copy of the filled home folder of its own for each test."""
    shutil.copytree(filled, tmp_path / "home", symlinks=True)
    return Home(tmp_path / "home")


def listed(out: str, verb: str) -> list[Path]:
    """The paths of the ``verb PATH`` lines (a folder's trailing / dropped)."""
    prefix = f"{verb} "
    return [
        Path(line[len(prefix) :].split(" (")[0].rstrip("/"))
        for line in out.splitlines()
        if line.startswith(prefix)
    ]


def test_uninstall_removes_every_listed_path_and_nothing_else(home: Home) -> None:
    before = home.files()
    dry = home.run("uninstall", "--dry-run")
    assert home.files() == before  # a dry run changes nothing
    would = listed(dry.stdout, "would remove")
    assert home.config / "autostart" / "posture-watch.desktop" in would
    assert set(home.ours) <= set(would)

    done = home.run("uninstall", "--yes")
    removed = listed(done.stdout, "removed")
    after = home.files()
    assert not any(p.exists() or p.is_symlink() for p in removed)
    assert before - after == set(removed)  # what went is exactly what it names
    assert not any(os.path.lexists(p) for p in home.ours)
    assert done.stdout.splitlines()[-1].startswith("to remove the program itself: ")
    # the other programs' files, and the folders holding them, are all still there
    for other in OTHERS:
        assert (home.root / other).read_text() == "not ours", other
    assert not (home.data / "icons" / "hicolor" / "48x48" / "apps" / "posture-watch.png").exists()

    again = home.run("uninstall", "--yes")
    assert again.stdout.splitlines()[0] == "nothing to remove: posture-watch has no files here"


def test_keep_data_keeps_the_history_settings_profiles_and_reports(home: Home) -> None:
    done = home.run("uninstall", "--yes", "--keep-data")
    kept = listed(done.stdout, "kept")
    data, config = home.data / "posture-watch", home.config / "posture-watch"
    for path in (
        data / "history.sqlite3",
        data / "reports",
        config / "settings.toml",
        config / "profiles",
        config / "prompts",
        home.state / "posture-watch" / "posture-watch.log",
    ):
        assert path in kept and path.exists(), path
    assert (data / "reports" / "2024-05-03.html").is_file()
    assert not (home.config / "autostart" / "posture-watch.desktop").exists()
    assert not (home.data / "applications" / "posture-watch.desktop").exists()
    assert not (home.cache / "posture-watch").exists()
    removed = listed(done.stdout, "removed")
    assert not any(p.is_relative_to(data) or p.is_relative_to(config) for p in removed)


def test_links_are_removed_never_followed(home: Home, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("mine")
    data = home.data / "posture-watch"
    (data / "to-outside").symlink_to(outside)
    (data / "reports" / "file-outside.html").symlink_to(outside / "keep.txt")
    done = home.run("uninstall", "--yes")
    assert data / "to-outside" in listed(done.stdout, "removed")
    assert (outside / "keep.txt").read_text() == "mine"

    # a folder of ours that is itself a link is not entered: named, kept, exit 1
    home.run("autostart", "on")
    (home.data / "posture-watch").symlink_to(outside, target_is_directory=True)
    proc = home.run("uninstall", "--yes", check=False)
    assert proc.returncode == 1
    assert f"posture-watch: kept {home.data / 'posture-watch'}: a link to {outside}" in proc.stderr
    assert (outside / "keep.txt").read_text() == "mine"
    assert not (home.config / "autostart" / "posture-watch.desktop").exists()


def test_it_asks_on_a_terminal_and_refuses_without_one(home: Home) -> None:
    before = home.files()
    proc = home.run("uninstall", check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "posture-watch: uninstall needs a confirmation (add --yes to remove without asking, "
        "or --dry-run to see the list)"
    ]
    primary, secondary = os.openpty()
    try:
        os.write(primary, b"n\n")
        proc = home.run("uninstall", stdin=secondary)
    finally:
        os.close(primary)
        os.close(secondary)
    assert "posture-watch uninstall removes:" in proc.stdout
    assert "remove all of this? [y/N]" in proc.stdout
    assert proc.stdout.splitlines()[-1].endswith("nothing removed")
    assert home.files() == before


def test_a_monitor_that_cannot_be_asked_to_quit_stops_it_with_exit_3(home: Home) -> None:
    history = home.data / "posture-watch" / "history.sqlite3"
    with InstanceLock.for_history(history):  # a monitor without a control socket
        before = home.files()
        proc = home.run("uninstall", "--yes", check=False)
    assert proc.returncode == 3
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and f"pid {os.getpid()}" in lines[0], lines
    assert "nothing was removed" in lines[0] and "posture-watch uninstall` again" in lines[0]
    assert home.files() == before


def test_a_running_monitor_is_asked_to_quit_first(home: Home) -> None:
    """The console monitor on the demo answers on its control socket: uninstall asks it
    to quit, waits for it to end, then removes everything (its own files too)."""
    monitor = subprocess.Popen(
        [*CLI, "monitor", "--no-tray", "--demo", "--seconds", "600"],
        env=home.env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline and monitor.poll() is None:
            if home.run("uninstall", "--dry-run").stdout.startswith("would ask "):
                break
            time.sleep(0.5)
        done = home.run("uninstall", "--yes")
        assert monitor.wait(TIMEOUT) == 0
    finally:
        if monitor.poll() is None:
            monitor.send_signal(signal.SIGKILL)
        _out, err = monitor.communicate()
    assert "Traceback" not in err, err
    assert done.stdout.splitlines()[0].startswith("asked ")
    assert "to quit" in done.stdout.splitlines()[0]
    assert not any(os.path.lexists(p) for p in home.ours)
