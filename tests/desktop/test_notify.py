"""Notifications over D-Bus against a real dunst on a private bus, with and without buttons,
and the failure paths (no bus, no server, a frozen server)."""

from __future__ import annotations

import logging
import os
import re
import signal
import threading
import time
import uuid
from collections.abc import Iterator

import numpy as np
import pytest

from posture_watch.commands.launch import tell_desktop
from posture_watch.core.stream import Notice, NotificationAnswered, NudgeAction
from posture_watch.desktop.app_icon import app_icon_png
from posture_watch.desktop.autostart import icon_paths
from posture_watch.desktop.notify import (
    ANSWER_EXPIRE_MS,
    EXPIRE_MS,
    CallbackNotifier,
    DBusNotifier,
    notifier_for_platform,
)
from tests.harness.notification_servers import AnsweringDunst, PlainServer
from tests.harness.processes import wait_for
from tests.harness.xsession import XSession

BREAK = "x-posture-watch.break"
BUTTONS = [("snooze", "Snooze 10 min"), ("stretch", "Stretch now")]


@pytest.fixture
def answering_dunst(xsession_without_notifications: XSession) -> Iterator[AnsweringDunst]:
    with AnsweringDunst(xsession_without_notifications) as dunst:
        yield dunst


def test_each_call_arrives_once_with_title_body_app_category_and_urgency(
    xsession: XSession,
) -> None:
    notifier = DBusNotifier(bus=xsession.env["DBUS_SESSION_BUS_ADDRESS"])
    focus_before = xsession.run("xdotool", "getwindowfocus").stdout

    assert notifier.notify("Sit up", "Your head has drifted forward.", category="x-a.b")
    assert notifier.notify("Time to stand", "45 minutes sitting.", urgency="critical")
    assert notifier.notify("-5 min", "--help", urgency="low")  # text, never options
    notifier.close()

    assert xsession.run("xdotool", "getwindowfocus").stdout == focus_before
    assert xsession.notifications() == [
        {"summary": s, "body": b, "appname": "posture-watch", "urgency": u}
        for s, b, u in [
            ("Sit up", "Your head has drifted forward.", "normal"),
            ("Time to stand", "45 minutes sitting.", "critical"),
            ("-5 min", "--help", "low"),
        ]
    ]


def test_the_bubble_is_drawn_in_the_top_right_corner(xsession: XSession) -> None:
    def bubble_drawn() -> bool:
        corner = np.asarray(xsession.screenshot().crop((624, 40, 1024, 200)))
        return bool((corner.sum(axis=2) > 0).mean() > 0.05)

    assert not bubble_drawn()
    notifier = DBusNotifier(bus=xsession.env["DBUS_SESSION_BUS_ADDRESS"])
    assert notifier.notify("Sit up", "Shoulders down.")
    xsession.wait_for(bubble_drawn, timeout=5, what="dunst's bubble")
    notifier.close()


def test_buttons_reach_dunst_and_a_press_comes_back_as_the_nudges_answer(
    answering_dunst: AnsweringDunst,
) -> None:
    answers: list[NotificationAnswered] = []
    bus = answering_dunst.session.env["DBUS_SESSION_BUS_ADDRESS"]
    notifier = DBusNotifier(bus=bus, on_answer=answers.append)
    assert notifier.offers_actions()

    assert notifier.notify(
        "Time for a break", "You have been sitting for 52 min.", actions=BUTTONS,
        category=BREAK, prompt_id="break-walk",
    )  # fmt: skip
    answering_dunst.press("Stretch now")
    menu = answering_dunst.menu()

    # dunst's context menu lists both buttons of our bubble, and dunst sent the press
    assert sorted(re.sub(r"\[\d+,", "[id,", line) for line in menu) == [
        "#Snooze 10 min (Time for a break) [id,snooze]",
        "#Stretch now (Time for a break) [id,stretch]",
    ]
    wait_for(lambda: answers, 5.0, what="the press")
    assert answers == [NotificationAnswered("break-walk", NudgeAction.STRETCH)]
    notifier.close()


def test_a_nudge_replaces_the_bubble_of_its_kind_instead_of_stacking(
    answering_dunst: AnsweringDunst,
) -> None:
    answers: list[NotificationAnswered] = []
    bus = answering_dunst.session.env["DBUS_SESSION_BUS_ADDRESS"]
    notifier = DBusNotifier(bus=bus, on_answer=answers.append)
    fine = [("fine", "I'm fine")]
    posture = "x-posture-watch.posture"
    for prompt_id in ("chin-tuck", "screen-height"):
        assert notifier.notify("Time to sit up", prompt_id, actions=fine, category=posture,
                               prompt_id=prompt_id)  # fmt: skip
    assert notifier.notify("Break in 1 min", "w", category="x-posture-watch.warning")
    assert notifier.notify("Time for a break", "b", actions=BUTTONS, category=BREAK,
                           prompt_id="walk")  # fmt: skip
    assert answering_dunst.displayed() == 2  # one posture nudge, one break (the warning's place)

    # dunst's top bubble is the older one, the posture nudge: one button, pressed at once
    answering_dunst.press("I'm fine")
    wait_for(lambda: answers, 5.0, what="the press")
    # answered, the bubble is closed (dunst 1.9 would leave it up with its buttons)
    wait_for(lambda: answering_dunst.displayed() == 1, 5.0, what="the bubble to close")
    answering_dunst.press("Snooze 10 min")
    assert len(answering_dunst.menu()) == 2  # the break's two buttons: from its menu
    wait_for(lambda: len(answers) == 2, 5.0, what="the second press")
    assert answers == [
        NotificationAnswered("screen-height", NudgeAction.FINE),  # the newer posture nudge
        NotificationAnswered("walk", NudgeAction.SNOOZE),
    ]
    assert answering_dunst.displayed() == 0
    notifier.close()


def test_a_server_without_buttons_gets_none_and_the_icon_as_pixels(
    xsession_without_notifications: XSession,
) -> None:
    bus = xsession_without_notifications.env["DBUS_SESSION_BUS_ADDRESS"]
    with PlainServer(bus) as server:
        notifier = DBusNotifier(bus=bus)
        assert not notifier.offers_actions()
        assert notifier.notify("Time for a break", "Stand up and walk.", category=BREAK)
        notifier.close()
    [(app, replaces, icon, title, body, actions, hints, expire)] = server.received
    assert (app, replaces, title, body, actions) == (
        "posture-watch", 0, "Time for a break", "Stand up and walk.", []
    )  # fmt: skip
    assert hints["urgency"] == ("y", 1) and hints["category"] == ("s", BREAK)
    assert hints["desktop-entry"] == ("s", "posture-watch")
    assert expire == EXPIRE_MS and EXPIRE_MS < ANSWER_EXPIRE_MS
    # the icon is not installed in this private home: its pixels go with the bubble
    assert icon == ""
    width, height, stride, alpha, bits, channels, data = hints["image-data"][1]
    assert (width, height, stride, alpha, bits, channels) == (48, 48, 192, True, 8, 4)
    pixels = np.frombuffer(bytes(data), np.uint8).reshape(48, 48, 4)
    assert pixels[24, 24, 3] == 255 and pixels[0, 0, 3] == 0  # a disc: opaque inside only


def test_no_notification_server_gives_false_and_one_log_line(
    xsession_without_notifications: XSession, caplog: pytest.LogCaptureFixture
) -> None:
    # a timeout far beyond the test's patience: the answer comes from the bus, not from it
    bus = xsession_without_notifications.env["DBUS_SESSION_BUS_ADDRESS"]
    notifier = DBusNotifier(bus=bus, timeout=60.0)

    with caplog.at_level(logging.WARNING, logger="posture_watch.desktop.notify"):
        started = time.monotonic()
        assert not notifier.offers_actions()  # as the tray asks first
        assert notifier.notify("Sit up", "nobody is listening") is False
    assert time.monotonic() - started < 10.0

    [record] = caplog.records
    assert "notification not shown" in record.getMessage()
    assert "ServiceUnknown" in record.getMessage()
    assert "\n" not in record.getMessage()
    notifier.close()


def test_a_bus_address_pointing_nowhere_gives_false(tmp_path, caplog) -> None:
    notifier = DBusNotifier(bus=f"unix:path={tmp_path}/no-bus", timeout=2.0)
    with caplog.at_level(logging.WARNING, logger="posture_watch.desktop.notify"):
        assert notifier.notify("Sit up", "no bus") is False
    [record] = caplog.records
    assert "no session bus" in record.getMessage()


def test_a_frozen_server_gives_false_within_the_timeout(
    xsession: XSession, caplog: pytest.LogCaptureFixture
) -> None:
    dunst = xsession.pid("dunst")
    title = f"frozen-{uuid.uuid4().hex}"
    notifier = DBusNotifier(bus=xsession.env["DBUS_SESSION_BUS_ADDRESS"], timeout=1.0)
    answers: list[bool] = []

    def nudge() -> None:  # as the tray shows a nudge: are there buttons? then the bubble
        answers.append(notifier.offers_actions())
        answers.append(notifier.notify(title, "up"))

    call = threading.Thread(target=nudge)
    os.kill(dunst, signal.SIGSTOP)  # owns the name but cannot reply
    try:
        with caplog.at_level(logging.WARNING, logger="posture_watch.desktop.notify"):
            started = time.monotonic()
            call.start()
            call.join(timeout=10)
            elapsed = time.monotonic() - started
    finally:
        os.kill(dunst, signal.SIGCONT)

    assert answers == [False, False]
    assert 1.0 <= elapsed < 1.9  # one timeout for both questions, not one each
    [record] = caplog.records
    assert "gave no answer within 1 s" in record.getMessage()
    # the next call opens a new connection and is shown
    assert notifier.notify("Sit up", "dunst runs again")
    notifier.close()
    summaries = [shown["summary"] for shown in xsession.notifications()]
    assert "Sit up" in summaries
    assert title not in summaries, "the bubble the tray did not record as shown appeared"


def test_an_unknown_urgency_is_a_caller_bug() -> None:
    with pytest.raises(ValueError, match="urgency must be one of"):
        DBusNotifier().notify("Sit up", "now", urgency="urgent")


def test_the_callback_gets_pystray_argument_order_and_offers_no_buttons() -> None:
    shown: list[tuple[str, str]] = []

    def show(message: str, title: str) -> None:
        shown.append((message, title))

    notifier = CallbackNotifier(show)
    assert not notifier.offers_actions()
    assert notifier.notify("Sit up", "Shoulders down.", urgency="low", category=BREAK)
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

    assert isinstance(notifier_for_platform(platform="linux"), DBusNotifier)
    chosen = notifier_for_platform(show, platform="darwin")
    assert isinstance(chosen, CallbackNotifier)
    assert chosen.show is show


def test_an_installed_icon_is_named_instead_of_sent_as_pixels(
    xsession_without_notifications: XSession,
) -> None:
    icon_file = icon_paths()["48x48"]  # where `posture-watch launcher install` puts it
    icon_file.parent.mkdir(parents=True)
    icon_file.write_bytes(app_icon_png(48))
    bus = xsession_without_notifications.env["DBUS_SESSION_BUS_ADDRESS"]
    with PlainServer(bus) as server:
        notifier = DBusNotifier(bus=bus)
        assert notifier.notify("Time to sit up", "Shoulders down.")
        notifier.close()
    [(_, _, icon, _, _, _, hints, _)] = server.received
    assert icon == "posture-watch" and "image-data" not in hints


def test_a_failed_start_is_told_to_the_desktop_once_and_quietly(
    xsession: XSession, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", xsession.env["DBUS_SESSION_BUS_ADDRESS"])
    assert tell_desktop(Notice("posture-watch could not start", "No camera found."))
    assert xsession.notifications() == [
        {
            "summary": "posture-watch could not start",
            "body": "No camera found.",
            "appname": "posture-watch",
            "urgency": "critical",
        }
    ]
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
    with caplog.at_level(logging.WARNING, logger="posture_watch.desktop.notify"):
        assert not tell_desktop(Notice("posture-watch could not start", "No bus."))
    assert caplog.records == []  # the caller prints the error line itself
