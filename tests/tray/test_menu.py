"""The tray menu as values: which entries, in which order, enabled when."""

from __future__ import annotations

import pytest

from posture_watch.tray.menu import SEPARATOR, MenuEntry, menu_entries

PAUSE_LABELS = ["Pause for 15 min", "Pause for 1 h", "Pause until tomorrow"]
#: What every menu offers after the Pause/Resume part, as the issue names them.
COMMON_LABELS = [
    "Stretch now",
    "Calibrate…",
    "Today's report",
    "Pain journal…",
    "Preferences…",
    "Open settings",
    "Quit",
]
SITUATIONS = [
    {"paused": p, "calibrating": c} for p in (False, True) for c in (False, True)
]  # fmt: skip


def labels(entries: list[MenuEntry]) -> list[str]:
    return [e.label for e in entries if e.id != SEPARATOR]


def by_id(entries: list[MenuEntry], entry_id: str) -> MenuEntry:
    (entry,) = [e for e in entries if e.id == entry_id]
    return entry


def test_running_menu_starts_with_the_three_pause_items_and_no_resume() -> None:
    entries = menu_entries(paused=False, calibrating=False)
    assert labels(entries) == PAUSE_LABELS + COMMON_LABELS
    assert [e.id for e in entries[:3]] == ["pause-15", "pause-60", "pause-tomorrow"]
    assert "resume" not in {e.id for e in entries}
    assert "Resume" not in labels(entries)


def test_paused_menu_starts_with_resume_and_has_no_pause_items() -> None:
    entries = menu_entries(paused=True, calibrating=False)
    assert entries[0] == MenuEntry("resume", "Resume")
    assert labels(entries) == ["Resume", *COMMON_LABELS]
    assert not [e for e in entries if e.id.startswith("pause") or e.label.startswith("Pause")]


def test_calibrate_is_disabled_only_while_calibrating() -> None:
    assert by_id(menu_entries(paused=False, calibrating=False), "calibrate").enabled
    assert not by_id(menu_entries(paused=False, calibrating=True), "calibrate").enabled
    assert not by_id(menu_entries(paused=True, calibrating=True), "calibrate").enabled


@pytest.mark.parametrize("situation", SITUATIONS)
def test_everything_but_calibrate_stays_enabled(situation: dict[str, bool]) -> None:
    entries = menu_entries(**situation)
    assert all(e.enabled for e in entries if e.id != "calibrate")


@pytest.mark.parametrize("situation", SITUATIONS)
def test_ids_are_unique_apart_from_separators(situation: dict[str, bool]) -> None:
    ids = [e.id for e in menu_entries(**situation) if e.id != SEPARATOR]
    assert len(ids) == len(set(ids))
    assert all(ids)


@pytest.mark.parametrize("situation", SITUATIONS)
def test_quit_is_last(situation: dict[str, bool]) -> None:
    entries = menu_entries(**situation)
    assert entries[-1] == MenuEntry("quit", "Quit")


@pytest.mark.parametrize("situation", SITUATIONS)
def test_separators_are_blank_and_between_groups(situation: dict[str, bool]) -> None:
    entries = menu_entries(**situation)
    separators = [i for i, e in enumerate(entries) if e.id == SEPARATOR]
    assert separators, "the menu has no separators"
    for i in separators:
        assert entries[i].label == ""
        assert 0 < i < len(entries) - 1, "a separator at either end"
        assert entries[i + 1].id != SEPARATOR, "two separators in a row"
    # Quit stands apart from the everyday actions.
    assert entries[-2].id == SEPARATOR


def test_the_menu_is_built_fresh_each_time() -> None:
    first = menu_entries(paused=False, calibrating=False)
    first.clear()
    assert menu_entries(paused=False, calibrating=False)


def test_status_line_comes_first_and_cannot_be_clicked() -> None:
    line = "Upright · sitting 23 min · 87% upright today"
    entries = menu_entries(paused=False, calibrating=False, status=line)
    assert entries[0] == MenuEntry("status", line, enabled=False)
    assert entries[1].id == SEPARATOR
    assert labels(entries)[1:] == PAUSE_LABELS + COMMON_LABELS


@pytest.mark.parametrize("enabled", [True, False])
def test_start_at_login_is_a_check_item_before_quit(enabled: bool) -> None:
    entries = menu_entries(paused=False, calibrating=False, autostart=enabled)
    item = by_id(entries, "autostart")
    assert item.label == "Start at login" and item.checked is enabled
    assert labels(entries)[-2:] == ["Start at login", "Quit"]
    assert "autostart" not in {e.id for e in menu_entries(paused=False, calibrating=False)}
