"""Notifications against a real dunst on a private bus, and the failure paths."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import threading
import time
import uuid
from pathlib import Path

import numpy as np
import pytest

from posture_watch.desktop.notify import (
    CallbackNotifier,
    NotifySendNotifier,
    notifier_for_platform,
)
from tests.harness.processes import processes, running, wait_for
from tests.harness.xsession import XSession


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
    # a timeout far beyond the test's patience: the answer comes from the bus, not from it
    notifier = NotifySendNotifier(env=xsession_without_notifications.env, timeout=60.0)

    with caplog.at_level(logging.WARNING, logger="posture_watch.desktop.notify"):
        assert notifier.notify("Sit up", "nobody is listening") is False

    [record] = caplog.records
    assert "notification not shown" in record.getMessage()
    assert "no answer within" not in record.getMessage()
    assert "\n" not in record.getMessage()


def test_a_bus_address_pointing_nowhere_gives_false(tmp_path, caplog, notify_send) -> None:
    env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": f"unix:path={tmp_path}/no-bus"}
    env.pop("DISPLAY", None)  # no X display: nothing to autolaunch a bus on

    with caplog.at_level(logging.WARNING, logger="posture_watch.desktop.notify"):
        assert NotifySendNotifier(env=env, timeout=2.0).notify("Sit up", "no bus") is False
    assert len(caplog.records) == 1


def test_a_dead_bus_socket_on_a_real_display_gives_false_at_once(
    xdisplay_only: XSession, caplog: pytest.LogCaptureFixture, notify_send
) -> None:
    # a display but a bus address whose socket nobody serves (the tray started from a
    # shell whose session bus has gone): no autolaunch, no waiting for the timeout
    notifier = NotifySendNotifier(env=xdisplay_only.env, timeout=60.0)

    with caplog.at_level(logging.WARNING, logger="posture_watch.desktop.notify"):
        assert notifier.notify("Sit up", "the bus has gone") is False

    [record] = caplog.records
    assert "Could not connect" in record.getMessage()  # the bus said so: no timeout


def _command_lines_with(text: str) -> list[int]:
    """Pids of the processes whose command line contains ``text``."""
    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text.encode() in cmdline.read_bytes():
                pids.append(int(cmdline.parent.name))
        except OSError:
            continue
    return pids


def test_a_frozen_server_gives_false_within_the_timeout_and_no_process_is_left(
    xsession: XSession, caplog: pytest.LogCaptureFixture, notify_send
) -> None:
    dunst = xsession.pid("dunst")
    title = f"frozen-{uuid.uuid4().hex}"  # finds this call's notify-send in /proc
    notifier = NotifySendNotifier(env=xsession.env, timeout=3.0)
    answers: list[bool] = []
    call = threading.Thread(target=lambda: answers.append(notifier.notify(title, "up")))
    os.kill(dunst, signal.SIGSTOP)  # owns the name but cannot reply
    try:
        with caplog.at_level(logging.WARNING, logger="posture_watch.desktop.notify"):
            started = time.monotonic()
            call.start()
            [child] = wait_for(lambda: _command_lines_with(title), 2.9, what="notify-send")
            assert processes()[child][2] == os.getpid()  # ours to reap
            call.join(timeout=5)
            elapsed = time.monotonic() - started
    finally:
        os.kill(dunst, signal.SIGCONT)

    assert answers == [False]
    assert elapsed >= 3.0  # it waited for its timeout (a loaded machine only adds to that)
    assert child not in processes()  # killed and reaped: not even a zombie is left
    assert _command_lines_with(title) == []
    [record] = caplog.records
    assert "no answer within 3 s" in record.getMessage()
    # dunst, running again, never shows the bubble the tray did not record as shown
    assert all(shown["summary"] != title for shown in xsession.notifications())


def _fake_notify_send(tmp_path: Path, script: str) -> str:
    """A shell script standing in for notify-send, for answers the real one cannot give."""
    path = tmp_path / "notify-send"
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)
    return str(path)


def test_exit_0_without_a_notification_id_gives_false(tmp_path, caplog) -> None:
    fake = _fake_notify_send(tmp_path, "exit 0")

    with caplog.at_level(logging.WARNING, logger="posture_watch.desktop.notify"):
        assert NotifySendNotifier(executable=fake).notify("Sit up", "now") is False
    [record] = caplog.records
    assert "returned no notification id" in record.getMessage()


def test_a_non_zero_exit_gives_false_with_its_message(tmp_path, caplog) -> None:
    fake = _fake_notify_send(tmp_path, "echo 0; echo 'GDBus.Error: no server' >&2; exit 1")

    with caplog.at_level(logging.WARNING, logger="posture_watch.desktop.notify"):
        assert NotifySendNotifier(executable=fake).notify("Sit up", "now") is False
    assert [r.getMessage() for r in caplog.records] == [
        "notification not shown: GDBus.Error: no server"
    ]


def test_a_helper_left_running_by_notify_send_does_not_hold_the_answer_up(tmp_path) -> None:
    # like a bus autolaunched by notify-send: it keeps notify-send's output open
    pid_file = tmp_path / "helper.pid"
    fake = _fake_notify_send(tmp_path, f"sleep 30 & echo $! > {pid_file}; echo 7; exit 0")
    try:
        # the answer (id 7) counts, not the timeout: a notifier that waited for the
        # helper's end would reach its timeout first and say False
        assert NotifySendNotifier(executable=fake, timeout=20.0).notify("Sit up", "now")
        assert running(int(pid_file.read_text()))  # the helper still holds the output
    finally:
        os.kill(int(pid_file.read_text()), signal.SIGKILL)


def test_on_a_timeout_what_notify_send_started_is_killed_too(tmp_path, caplog) -> None:
    pid_file = tmp_path / "helper.pid"
    fake = _fake_notify_send(tmp_path, f"trap '' TERM; sleep 30 & echo $! > {pid_file}; wait")

    with caplog.at_level(logging.WARNING, logger="posture_watch.desktop.notify"):
        assert NotifySendNotifier(executable=fake, timeout=0.5).notify("Sit up", "now") is False

    helper = int(pid_file.read_text())
    wait_for(lambda: not running(helper), 10.0, what="the helper to die")  # not its 30 s
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
