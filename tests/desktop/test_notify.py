"""Notifications against a real dunst on a private bus, and the failure paths."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import time

import numpy as np
import pytest

from posture_watch.desktop.notify import (
    CallbackNotifier,
    NotifySendNotifier,
    notifier_for_platform,
)
from tests.desktop.xsession import XSession


@pytest.fixture
def notify_send() -> str:
    """notify-send's path; tests that need the real program skip without it."""
    path = shutil.which("notify-send")
    if path is None:
        pytest.skip("notify-send not found on PATH (package libnotify-bin)")
    return path


def test_each_call_arrives_once_with_title_body_app_and_urgency(
    xsession: XSession, notify_send
) -> None:
    notifier = NotifySendNotifier(env=xsession.env)
    focus_before = xsession.run("xdotool", "getwindowfocus").stdout

    assert notifier.notify("Sit up", "Your head has drifted forward.")
    assert notifier.notify("Time to stand", "45 minutes sitting.", urgency="critical")

    assert xsession.run("xdotool", "getwindowfocus").stdout == focus_before
    assert xsession.notifications() == [
        {
            "summary": "Sit up",
            "body": "Your head has drifted forward.",
            "appname": "posture-watch",
            "urgency": "normal",
        },
        {
            "summary": "Time to stand",
            "body": "45 minutes sitting.",
            "appname": "posture-watch",
            "urgency": "critical",
        },
    ]


def test_the_bubble_is_drawn_in_the_top_right_corner(xsession: XSession, notify_send) -> None:
    def bubble_drawn() -> bool:
        corner = np.asarray(xsession.screenshot().crop((624, 40, 1024, 200)))
        return bool((corner.sum(axis=2) > 0).mean() > 0.05)

    assert not bubble_drawn()
    assert NotifySendNotifier(env=xsession.env).notify("Sit up", "Shoulders down.")
    xsession.wait_for(bubble_drawn, timeout=5, what="dunst's bubble")


def test_a_title_that_looks_like_an_option_is_shown_as_text(
    xsession: XSession, notify_send
) -> None:
    assert NotifySendNotifier(env=xsession.env).notify("-5 min", "--help")

    [shown] = xsession.notifications()
    assert (shown["summary"], shown["body"]) == ("-5 min", "--help")


def test_no_notification_server_gives_false_and_one_log_line(
    xsession_without_notifications: XSession, caplog: pytest.LogCaptureFixture, notify_send
) -> None:
    notifier = NotifySendNotifier(env=xsession_without_notifications.env, timeout=2.0)

    with caplog.at_level(logging.WARNING, logger="posture_watch.desktop.notify"):
        started = time.monotonic()
        assert notifier.notify("Sit up", "nobody is listening") is False
        assert time.monotonic() - started < 2.5

    [record] = caplog.records
    assert "notification not shown" in record.getMessage()
    assert "\n" not in record.getMessage()


def test_a_bus_address_pointing_nowhere_gives_false(tmp_path, caplog, notify_send) -> None:
    env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": f"unix:path={tmp_path}/no-bus"}
    env.pop("DISPLAY", None)  # no X display: nothing to autolaunch a bus on

    with caplog.at_level(logging.WARNING, logger="posture_watch.desktop.notify"):
        assert NotifySendNotifier(env=env, timeout=2.0).notify("Sit up", "no bus") is False
    assert len(caplog.records) == 1


def test_a_server_that_never_answers_costs_at_most_the_timeout(
    xsession: XSession, caplog: pytest.LogCaptureFixture, notify_send
) -> None:
    dunst = xsession.pid("dunst")
    os.kill(dunst, signal.SIGSTOP)  # owns the name but cannot reply
    try:
        with caplog.at_level(logging.WARNING, logger="posture_watch.desktop.notify"):
            started = time.monotonic()
            assert NotifySendNotifier(env=xsession.env, timeout=0.5).notify("Sit", "up") is False
            elapsed = time.monotonic() - started
    finally:
        os.kill(dunst, signal.SIGCONT)
    assert 0.4 < elapsed < 2.0
    [record] = caplog.records
    assert "no answer within 0.5 s" in record.getMessage()


def test_missing_notify_send_gives_false(tmp_path, caplog) -> None:
    notifier = NotifySendNotifier(executable=str(tmp_path / "notify-send"))

    with caplog.at_level(logging.WARNING, logger="posture_watch.desktop.notify"):
        assert notifier.notify("Sit up", "no program") is False
    [record] = caplog.records
    assert "is not installed" in record.getMessage()


def test_an_unknown_urgency_is_a_caller_bug() -> None:
    with pytest.raises(ValueError, match="urgency must be one of"):
        NotifySendNotifier().notify("Sit up", "now", urgency="urgent")


def test_the_callback_gets_pystray_argument_order() -> None:
    shown: list[tuple[str, str]] = []

    def show(message: str, title: str) -> None:
        shown.append((message, title))

    assert CallbackNotifier(show).notify("Sit up", "Shoulders down.", urgency="low")
    assert shown == [("Shoulders down.", "Sit up")]


def test_a_failing_or_missing_callback_gives_false(caplog) -> None:
    def broken(message: str, title: str) -> None:
        raise NotImplementedError("this backend cannot notify")

    with caplog.at_level(logging.WARNING, logger="posture_watch.desktop.notify"):
        assert CallbackNotifier(broken).notify("Sit up", "now") is False
        assert CallbackNotifier(None).notify("Sit up", "now") is False
    assert [r.getMessage() for r in caplog.records] == [
        "notification not shown: NotImplementedError: this backend cannot notify",
        "notification not shown: no way to show notifications on this system",
    ]


def test_the_platform_picks_the_notifier() -> None:
    def show(message: str, title: str) -> None:
        pass

    assert isinstance(notifier_for_platform(platform="linux"), NotifySendNotifier)
    chosen = notifier_for_platform(show, platform="darwin")
    assert isinstance(chosen, CallbackNotifier)
    assert chosen.show is show
