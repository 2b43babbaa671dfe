"""The session watcher against real dbus-daemons and stand-in lock services.

A private bus stands in for the session bus (a stand-in ``org.gnome.ScreenSaver`` or
``org.freedesktop.ScreenSaver``) and a second one for the system bus (a stand-in logind),
so the watcher's real jeepney connections, match rules and start-up queries are tested,
not a mock of them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from posture_watch.desktop.session_watch import SessionWatch
from tests.harness.bus import PrivateBus
from tests.harness.standins import StandIn, need_tools

SESSION_ID = "7"


class Calls:
    """What the watcher told us: (locked, by) in order, with waits."""

    def __init__(self) -> None:
        self.seen: list[tuple[bool, str]] = []
        self.said: list[str] = []
        self._cond = threading.Condition()

    def on_locked(self, locked: bool, by: str) -> None:
        with self._cond:
            self.seen.append((locked, by))
            self._cond.notify_all()

    def say(self, line: str) -> None:
        with self._cond:
            self.said.append(line)
            self._cond.notify_all()

    def wait_until(
        self, done: Callable[[list[tuple[bool, str]]], bool], timeout: float = 10.0
    ) -> None:
        """Until ``done(seen)`` holds for the calls so far (asserts it does in time)."""
        with self._cond:
            ok = self._cond.wait_for(lambda: bool(self.seen) and done(self.seen), timeout)
        assert ok, f"only {self.seen} within {timeout}s"

    def wait(self, count: int, timeout: float = 2.0) -> list[tuple[bool, str]]:
        """The first ``count`` calls, arriving within ``timeout`` s (the issue: 2 s)."""
        with self._cond:
            ok = self._cond.wait_for(lambda: len(self.seen) >= count, timeout)
        assert ok, f"only {self.seen} within {timeout}s"
        return self.seen[:count]


@pytest.fixture
def buses(tmp_path: Path) -> Iterator[tuple[PrivateBus, PrivateBus]]:
    need_tools()
    session, system = PrivateBus(tmp_path, "session"), PrivateBus(tmp_path, "system")
    yield session, system
    session.close()
    system.close()


@pytest.fixture
def services() -> Iterator[list[StandIn]]:
    started: list[StandIn] = []
    yield started
    for service in started:
        service.close()


def watch(calls: Calls, session: PrivateBus | None, system: PrivateBus | None, **kwargs):
    watcher = SessionWatch(
        calls.on_locked,
        say=calls.say,
        session_bus=session.address if session else None,
        system_bus=system.address if system else None,
        session_id=kwargs.pop("session_id", SESSION_ID),
        **kwargs,
    ).start()
    assert watcher.wait_ready(10)
    return watcher


@pytest.mark.parametrize("name", ["org.gnome.ScreenSaver", "org.freedesktop.ScreenSaver"])
def test_a_screensaver_locking_and_unlocking_is_followed(buses, services, name):
    session, system = buses
    services.append(StandIn("screensaver.py", session.address, name))
    calls = Calls()
    with watch(calls, session, system) as watcher:
        services[0].expect("GetActive")  # the state at start was asked for
        assert calls.seen == [] and watcher.following == ["session", "system"]
        services[0].send("lock")
        assert calls.wait(1) == [(True, name)]
        services[0].send("unlock")
        assert calls.wait(2)[1] == (False, name)
        services[0].send("unlock")  # no change, no call
        services[0].send("lock")
        assert calls.wait(3)[2] == (True, name) and len(calls.seen) == 3
    assert calls.said == [
        "no logind on the system bus: sleep and logind session locks are not followed"
    ]


def test_starting_on_a_locked_screen_reports_locked_at_once(buses, services):
    session, _system = buses
    services.append(StandIn("screensaver.py", session.address, "org.gnome.ScreenSaver", "--active"))
    calls = Calls()
    with watch(calls, session, None) as watcher:
        assert calls.wait(1) == [(True, "org.gnome.ScreenSaver")] and watcher.locked
        services[0].send("unlock")
        assert calls.wait(2)[1] == (False, "org.gnome.ScreenSaver")


def test_logind_session_lock_sleep_and_locked_hint(buses, services):
    """Lock/Unlock of our session (found by XDG_SESSION_ID), LockedHint changes, and
    PrepareForSleep: waking does not unlock a screen that is still locked."""
    _session, system = buses
    services.append(StandIn("logind.py", system.address, SESSION_ID, "1"))
    logind = services[0]
    calls = Calls()
    with watch(calls, None, system):
        logind.expect("GetSession")
        logind.send("lock")
        logind.send("unlock")
        assert calls.wait(2) == [(True, "logind"), (False, "logind")]
        logind.send("sleep")
        assert calls.wait(3)[2] == (True, "sleep")
        logind.send("wake")
        assert calls.wait(4)[3] == (False, "sleep")
        logind.send("hint 1")  # the desktop's locker says it locked
        logind.send("sleep")  # then the lid closes
        logind.send("wake")
        assert calls.wait(5)[4] == (True, "logind")
        logind.send("hint 0")
        assert calls.wait(6)[5] == (False, "logind") and len(calls.seen) == 6
    assert calls.said == []


def test_locked_hint_at_start_and_the_session_found_by_pid(buses, services):
    _session, system = buses
    services.append(StandIn("logind.py", system.address, "c2", "4242", "--locked"))
    calls = Calls()
    with watch(calls, None, system, session_id="", pid=4242):
        services[0].expect("GetSessionByPID")
        assert calls.wait(1) == [(True, "logind")]


def test_screensaver_and_sleep_together(buses, services):
    """Locked by the screensaver, asleep, awake: still locked until the screensaver says."""
    session, system = buses
    services.append(StandIn("screensaver.py", session.address, "org.gnome.ScreenSaver"))
    services.append(StandIn("logind.py", system.address, SESSION_ID, "1"))
    saver, logind = services
    calls = Calls()
    with watch(calls, session, system):
        saver.expect("GetActive")
        logind.send("sleep")
        saver.send("lock")
        logind.send("wake")
        ((locked, by),) = calls.wait(1)
        assert locked and by in ("sleep", "org.gnome.ScreenSaver")
        saver.send("unlock")
        unlocked = (False, "org.gnome.ScreenSaver")
        calls.wait_until(lambda seen: seen[-1] == unlocked)
        # two buses: the order in which "sleep", "lock" and "wake" are read is up to the
        # scheduler. Either the lock is read before the wake, and the wake unlocks
        # nothing, or the wake comes first and unlocks the sleep before the lock is read.
        # Never is the screensaver's lock undone by anything but its own unlock.
        assert calls.seen in (
            [(True, by), unlocked],
            [(True, "sleep"), (False, "sleep"), (True, "org.gnome.ScreenSaver"), unlocked],
        ), calls.seen


def test_no_session_in_logind_still_follows_sleep(buses, services):
    _session, system = buses
    services.append(StandIn("logind.py", system.address, "99", "1"))
    calls = Calls()
    with watch(calls, None, system, session_id="7"):
        assert calls.said == ["logind: no session found for this process: only sleep is followed"]
        services[0].send("sleep")
        assert calls.wait(1) == [(True, "sleep")]


def test_missing_buses_are_one_line_each_and_nothing_stops(tmp_path):
    calls = Calls()
    nowhere = f"unix:path={tmp_path / 'no-such-bus'}"
    watcher = SessionWatch(calls.on_locked, say=calls.say, session_bus=nowhere, system_bus=nowhere)
    with watcher:
        assert watcher.wait_ready(5) and watcher.following == []
    assert calls.said == [
        "no session bus: screen lock is not followed",
        "no system bus: sleep and logind session locks are not followed",
    ]
    assert calls.seen == []


def test_no_session_bus_in_the_environment(monkeypatch):
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    calls = Calls()
    with SessionWatch(calls.on_locked, say=calls.say, system_bus=None) as watcher:
        assert watcher.wait_ready(5)
    assert calls.said == ["no session bus: screen lock is not followed"]


def test_a_bus_that_goes_away_is_said_once_and_the_other_carries_on(buses, services):
    session, system = buses
    services.append(StandIn("logind.py", system.address, SESSION_ID, "1"))
    calls = Calls()
    with watch(calls, session, system) as watcher:
        session.close()
        for _ in range(200):
            if calls.said:
                break
            threading.Event().wait(0.01)
        assert calls.said == ["the session bus closed: screen lock is no longer followed there"]
        assert watcher.following == ["system"]
        services[0].send("lock")
        assert calls.wait(1) == [(True, "logind")]


def test_close_ends_the_thread_at_once_and_twice_is_fine(buses):
    session, system = buses
    calls = Calls()
    watcher = watch(calls, session, system)
    watcher.close()
    assert not watcher._thread.is_alive()
    watcher.close()


def test_a_failing_subscriber_does_not_end_the_watcher(buses, services):
    session, _system = buses
    services.append(StandIn("screensaver.py", session.address, "org.gnome.ScreenSaver"))
    calls = Calls()

    def fails_first(locked: bool, by: str) -> None:
        calls.on_locked(locked, by)
        if len(calls.seen) == 1:
            raise RuntimeError("a bug in the subscriber")

    watcher = SessionWatch(fails_first, say=calls.say, session_bus=session.address, system_bus=None)
    with watcher:
        assert watcher.wait_ready(10)
        services[0].expect("GetActive")
        services[0].send("lock")
        services[0].send("unlock")
        assert calls.wait(2) == [
            (True, "org.gnome.ScreenSaver"),
            (False, "org.gnome.ScreenSaver"),
        ]
