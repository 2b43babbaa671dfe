"""Start at login as the menu sees it (tray/login_start.py): failures become words."""

from posture_watch.core.stream import AutostartState
from posture_watch.tray.login_start import autostart_enabled, change_autostart


class Switch:
    def __init__(self, fail: OSError | None = None) -> None:
        self.on, self.fail = False, fail

    def is_enabled(self) -> bool:
        return self.on

    def set_enabled(self, enabled: bool) -> None:
        if self.fail is not None:
            raise self.fail
        self.on = enabled


class Unreadable(Switch):
    def is_enabled(self) -> bool:
        raise PermissionError("no access")


def test_turning_it_on_and_off_reports_the_state_after():
    switch = Switch()
    assert change_autostart(switch, True) == AutostartState(True, None)
    assert change_autostart(switch, False) == AutostartState(False, None)


def test_a_failed_change_keeps_the_old_state_and_says_why():
    switch = Switch(fail=PermissionError("read-only folder"))
    assert change_autostart(switch, True) == AutostartState(False, "read-only folder")


def test_no_switch_and_an_unreadable_one():
    assert autostart_enabled(None) is None
    assert autostart_enabled(Unreadable()) is False
    assert change_autostart(None, True) == AutostartState(None, "this tray cannot start at login")
