"""Do not disturb on real desktops: a full-screen window under a real window manager, a
paused dunst, GNOME's banners off, sway's IPC, and the tray holding a break back.

X11 needs a window manager for ``_NET_ACTIVE_WINDOW`` and ``_NET_WM_STATE``, and the
harness's Xvfb has none, so these tests start openbox on it (Debian package openbox;
skipped without it). The full-screen window is a Tk window that asks for full screen as
any program does (``-fullscreen``: the EWMH request to the window manager), never a
property set by hand.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from jeepney import HeaderFields, MessageType, new_error, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

from posture_watch.clock import SystemClock
from posture_watch.core.held_back import Disturb
from posture_watch.core.stream import Disturbance
from posture_watch.desktop.disturb_probes import (
    NOTIFICATIONS,
    NotificationsPaused,
    SwayFullScreen,
    desktop_probes,
)
from posture_watch.desktop.do_not_disturb import DisturbWatch
from tests.harness.fixtures import wayland_desktop as wayland_desktop
from tests.harness.processes import stop, wait_for
from tests.harness.wayland import WaylandDesktop
from tests.harness.xsession import XSession

pytest.importorskip("tkinter", reason="the full-screen window is a Tk window (python3-tk)")

FULL, PAUSED = Disturb.FULLSCREEN, Disturb.NOTIFICATIONS_PAUSED
#: A window that asks the window manager for full screen, as a film player does.
FILM = """
import tkinter as tk
root = tk.Tk(className="film")
root.title("{title}")
root.configure(background="#1d2b3a")
tk.Label(root, text="A film, full screen", fg="#e8e8e8", bg="#1d2b3a",
         font=("DejaVu Sans", 28)).pack(expand=True)
root.attributes("-fullscreen", {full})
root.mainloop()
"""


@pytest.fixture
def openbox(xsession: XSession) -> Iterator[XSession]:
    """The X session with openbox managing its windows."""
    if shutil.which("openbox") is None:
        pytest.skip("openbox is not installed (Debian package openbox)")
    log = open(xsession.folder / "openbox.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        ["openbox", "--sm-disable"], env=xsession.env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        xsession.wait_for(
            lambda: (
                "window id" in xsession.run("xprop", "-root", "_NET_SUPPORTING_WM_CHECK").stdout
            ),
            10,
            "openbox to manage the screen",
        )
        yield xsession
    finally:
        stop(proc)
        log.close()


def open_film(session: XSession, *, full: bool = True, title: str = "film") -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", FILM.format(title=title, full=full)], env=session.env
    )
    window = session.wait_window(f"^{title}$")
    state = lambda: session.run("xprop", "-id", window, "_NET_WM_STATE").stdout  # noqa: E731
    active = lambda: session.run("xprop", "-root", "_NET_ACTIVE_WINDOW").stdout  # noqa: E731
    session.wait_for(lambda: int(window) == int(active().split("#")[-1], 16), 5, "the focus")
    if full:
        session.wait_for(lambda: "_NET_WM_STATE_FULLSCREEN" in state(), 5, "full screen")
    return proc


def start_dconf(session: XSession) -> subprocess.Popen:
    """dconf's writer on the session's private bus (there is no activation on it)."""
    service = Path("/usr/libexec/dconf-service")
    if not service.exists() or shutil.which("gsettings") is None:
        pytest.skip("GNOME's settings need dconf-service and gsettings (dconf-gsettings-backend)")
    proc = subprocess.Popen([str(service)], env=session.env, stderr=subprocess.DEVNULL)
    session.wait_for(
        lambda: session.run("gsettings", "set", *BANNERS, "true").returncode == 0, 5, "dconf"
    )
    return proc


BANNERS = ("org.gnome.desktop.notifications", "show-banners")


def test_the_watcher_follows_a_full_screen_window_a_paused_dunst_and_gnome_banners(
    openbox: XSession,
):
    session = openbox
    session.env["XDG_CURRENT_DESKTOP"] = "ubuntu:GNOME"
    dconf = start_dconf(session)
    posted: list[Disturbance] = []
    probes = desktop_probes(session.env, say=pytest.fail)
    watch = DisturbWatch(posted.append, probes, clock=SystemClock(), every=0.05)
    assert watch.following == [
        "X11 full screen", "notification server", "GNOME notification banners"
    ]  # fmt: skip

    def reasons(*wanted: Disturb) -> None:
        session.wait_for(lambda: posted and posted[-1].reasons == set(wanted), 5, str(wanted))

    films: list[subprocess.Popen] = []
    try:
        with watch:
            films.append(open_film(session, full=False, title="notes"))
            time.sleep(0.2)
            assert posted == []  # a window with the focus, not full screen: nothing
            films.append(open_film(session))
            reasons(FULL)
            assert session.run("dunstctl", "set-paused", "true").returncode == 0
            reasons(FULL, PAUSED)
            stop(films.pop())  # the film ends: the notes have the focus again
            reasons(PAUSED)
            assert session.run("gsettings", "set", *BANNERS, "false").returncode == 0
            session.run("dunstctl", "set-paused", "false")
            time.sleep(0.2)
            assert posted[-1].reasons == {PAUSED}  # GNOME's do not disturb is still on
            session.run("gsettings", "set", *BANNERS, "true")
            reasons()
        assert [set(p.reasons) for p in posted] == [{FULL}, {FULL, PAUSED}, {PAUSED}, set()]
    finally:
        for proc in (*films, dconf):
            stop(proc)


def _journal(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def stretch_windows(session: XSession) -> list[str]:
    """The stretch window (Tk class posture-watch; the tray icon's own class differs)."""
    found = session.run("xdotool", "search", "--onlyvisible", "--classname", "^posture-watch$")
    return found.stdout.split()


def test_a_break_due_under_a_full_screen_window_waits_is_counted_and_comes_after(
    openbox: XSession, tmp_path: Path
):
    """The tray's demo has a break due while a film plays full screen: no notification,
    no stretch window, the event log and the report count it held back; when the film
    ends, the break nudge comes (dunst shows buttons: its stretch window waits for them)."""
    session = openbox
    settings = tmp_path / "settings.toml"
    settings.write_text("schema_version = 1\n[prompts]\ncheck_every = 0\n")
    events, history, run = tmp_path / "events.jsonl", tmp_path / "history.sqlite3", tmp_path / "run"
    run.mkdir(mode=0o700)
    env = session.env | {"XDG_RUNTIME_DIR": str(run)}
    film = open_film(session)
    tray = subprocess.Popen(
        [sys.executable, "-m", "posture_watch.cli", "tray", "--demo", "--config", str(settings),
         "--speed", "20", "--events", str(events), "--history", str(history)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip

    def records(kind: str, reason: str = "long_sitting") -> list[dict]:
        return [r for r in _journal(events) if r["type"] == kind and r["reason"] == reason]

    try:
        held = session.wait_for(lambda: records("PromptHeld"), 60, "a break held back")
        time.sleep(0.5)  # what would have followed it: a notification, a window
        shot = session.screenshot()
        shot.save(tmp_path / "held-back.png")
        if os.environ.get("PW_SCREENSHOTS"):  # for a person to look at
            shutil.copy(tmp_path / "held-back.png", os.environ["PW_SCREENSHOTS"])
        assert records("PromptShown") == [] and stretch_windows(session) == []
        assert "Time for a break" not in [n["summary"] for n in session.notifications()]
        stop(film)  # the film ends: the break comes, once
        shown = session.wait_for(lambda: records("PromptShown"), 15, "the break after the film")
        time.sleep(0.5)  # dunst draws it
        if os.environ.get("PW_SCREENSHOTS"):
            session.screenshot().save(os.environ["PW_SCREENSHOTS"].replace(".png", "-after.png"))
    finally:
        tray.send_signal(signal.SIGTERM)
        _out, err = tray.communicate(timeout=30)
        stop(film)
    assert tray.returncode == 0, err
    assert held[0]["why"] == "fullscreen" and len(shown) == 1
    assert "Time for a break" in [n["summary"] for n in session.notifications()]
    held = [r for r in _journal(events) if r["type"] == "PromptHeld"]  # a slouch nudge too
    report = subprocess.run(
        [sys.executable, "-m", "posture_watch.cli", "report", "--history", str(history)],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert report.returncode == 0, report.stderr
    if os.environ.get("PW_SCREENSHOTS"):  # the history, for a look at the HTML report
        shutil.copy(history, os.environ["PW_SCREENSHOTS"].replace(".png", ".sqlite3"))
    n = len(held)
    assert f"nudges held back: {n} (full-screen window {n})" in report.stdout, report.stdout


def test_sway_says_which_window_is_full_screen_through_its_ipc(
    wayland_desktop: WaylandDesktop,
):
    if shutil.which("foot") is None:
        pytest.skip("the sway test opens foot, a Wayland terminal (Debian package foot)")
    sockets = list(wayland_desktop.runtime_dir.glob("sway-ipc.*.sock"))
    assert len(sockets) == 1, sockets
    sock = str(sockets[0])

    def sway(*command: str) -> None:
        done = subprocess.run(["swaymsg", "-s", sock, *command], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr

    probe = SwayFullScreen(sock)
    assert not probe.check()  # workspaces say fullscreen_mode 1: they do not count
    sway("exec", "foot --title pw-film sleep 600")  # its shell may be nologin

    def foot_windows() -> list[dict]:
        tree = json.loads(subprocess.check_output(["swaymsg", "-s", sock, "-t", "get_tree"]))
        found, stack = [], [tree]
        while stack:
            node = stack.pop()
            found += [node] if node.get("name") == "pw-film" else []
            stack += node.get("nodes", []) + node.get("floating_nodes", [])
        return found

    try:
        wait_for(foot_windows, 10, "foot's window")
        assert not probe.check()
        sway("[title=pw-film]", "fullscreen", "enable")
        assert wait_for(probe.check, 5, "sway's full screen")
        sway("[title=pw-film]", "fullscreen", "disable")
        assert not probe.check()
    finally:
        subprocess.run(["swaymsg", "-s", sock, "[title=pw-film]", "kill"], capture_output=True)
        wait_for(lambda: not foot_windows(), 10, "foot to close")


class InhibitedServer:
    """A stand-in for Plasma's notification server: ``org.freedesktop.Notifications``
    with an ``Inhibited`` property (:attr:`inhibited`), on a thread of its own. Other
    properties get the error a real server gives (dunst's ``paused`` is not there)."""

    def __init__(self, address: str) -> None:
        self.address, self.inhibited = address, False
        self._ready, self._stop = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> InhibitedServer:
        self._thread.start()
        assert self._ready.wait(10.0), "the stand-in server did not start"
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(5.0)

    def _serve(self) -> None:
        with open_dbus_connection(self.address) as conn:
            conn.send_and_get_reply(message_bus.RequestName(NOTIFICATIONS[0]))
            self._ready.set()
            while not self._stop.is_set():
                try:
                    msg = conn.receive(timeout=0.05)
                except TimeoutError:
                    continue
                member = msg.header.fields.get(HeaderFields.member)
                if msg.header.message_type is not MessageType.method_call or member != "Get":
                    continue
                if tuple(msg.body) == (NOTIFICATIONS[0], "Inhibited"):
                    conn.send(new_method_return(msg, "v", (("b", self.inhibited),)))
                else:
                    error = "org.freedesktop.DBus.Error.UnknownProperty"
                    conn.send(new_error(msg, error, "s", ("no such property",)))


def test_the_notification_servers_inhibited_property_and_no_server_at_all(
    xsession_without_notifications: XSession,
):
    session = xsession_without_notifications
    probe = NotificationsPaused(session.env["DBUS_SESSION_BUS_ADDRESS"])
    try:
        started = time.monotonic()
        assert not probe.check()  # nobody serves: not paused, and nothing was started
        assert time.monotonic() - started < 0.5
        with InhibitedServer(session.env["DBUS_SESSION_BUS_ADDRESS"]) as server:
            assert not probe.check()
            server.inhibited = True  # Plasma's do-not-disturb mode
            assert probe.check()
    finally:
        probe.close()


class CountingProbe:
    """A stand-in question (no desktop needed): counts how often it is asked."""

    name = "counting"
    reason = Disturb.FULLSCREEN

    def __init__(self) -> None:
        self.asked = 0

    def check(self) -> bool:
        self.asked += 1
        return False

    def close(self) -> None:
        pass


def test_no_questions_while_the_tray_rests_and_at_once_after():
    """While nothing is watched (the tray's ``quiet``), the rounds are skipped; they
    start again when it ends."""
    probe, resting = CountingProbe(), threading.Event()
    resting.set()
    with DisturbWatch(lambda _d: None, [probe], clock=SystemClock(), every=0.01,
                      resting=resting.is_set):  # fmt: skip
        time.sleep(0.2)
        assert probe.asked == 0
        resting.clear()
        wait_for(lambda: probe.asked >= 3, 5, "questions again")
