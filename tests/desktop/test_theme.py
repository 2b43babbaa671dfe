"""The theme's choices: dark or light from a real (stand-in) portal on a private bus, from
gsettings' words and from the override; the DPI from the server, Xft.dpi and GDK_SCALE."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from posture_watch.desktop.theme import (
    PALETTES,
    SCHEME_VARIABLE,
    Scheme,
    choose_dpi,
    desktop_scheme,
    read_portal_scheme,
    scheme_from_gsettings,
    scheme_from_portal,
    xft_dpi_of,
)
from tests.desktop.test_contrast import AA, ratio
from tests.harness.bus import PrivateBus
from tests.harness.standins import StandIn, need_tools


@pytest.fixture
def bus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PrivateBus]:
    """A private session bus, this process's session bus for the test."""
    need_tools()
    with PrivateBus(tmp_path / "bus") as private:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", private.address)
        monkeypatch.delenv(SCHEME_VARIABLE, raising=False)
        yield private


@pytest.mark.parametrize(
    "value, old, scheme",
    [(1, False, Scheme.DARK), (2, False, Scheme.LIGHT), (1, True, Scheme.DARK)],
)
def test_the_portals_color_scheme_is_followed(bus: PrivateBus, value, old, scheme) -> None:
    portal = StandIn("portal.py", bus.address, str(value), *(["--old"] if old else []))
    try:
        assert read_portal_scheme() == value
        assert desktop_scheme({}) is scheme
        portal.expect("Read" if old else "ReadOne")
    finally:
        portal.close()


def test_a_portal_without_a_preference_and_no_portal_fall_back(bus: PrivateBus) -> None:
    assert read_portal_scheme(timeout=2) is None  # nobody owns the name: an error at once
    portal = StandIn("portal.py", bus.address, "0")
    try:
        assert read_portal_scheme() == 0
        assert scheme_from_portal(0) is None
    finally:
        portal.close()


def test_the_override_wins_over_the_desktop(bus: PrivateBus) -> None:
    portal = StandIn("portal.py", bus.address, "1")
    try:
        assert desktop_scheme({SCHEME_VARIABLE: "light"}) is Scheme.LIGHT
        assert desktop_scheme({SCHEME_VARIABLE: " Dark "}) is Scheme.DARK
        assert desktop_scheme({SCHEME_VARIABLE: "purple"}) is Scheme.DARK  # ignored
    finally:
        portal.close()


def test_gsettings_words() -> None:
    assert scheme_from_gsettings("'prefer-dark'\n") is Scheme.DARK
    assert scheme_from_gsettings("'prefer-light'") is Scheme.LIGHT
    assert scheme_from_gsettings("'default'") is None


@pytest.mark.parametrize(
    "server, xft, gdk, dpi",
    [
        (96.0, None, None, 96.0),
        (96.0, 192.0, None, 192.0),  # a desktop at 200 % sets Xft.dpi
        (96.0, None, "2", 192.0),  # GDK_SCALE alone
        (192.0, None, None, 192.0),  # Xvfb -dpi 192
        (96.0, 120.0, "1", 120.0),  # text scaled by 125 %
        (5000.0, None, "x", 96.0),  # a made-up screen size and a bad GDK_SCALE: ignored
    ],
)
def test_the_dpi_is_the_largest_the_desktop_asks_for(server, xft, gdk, dpi) -> None:
    assert choose_dpi(server, xft, gdk) == dpi


def test_xft_dpi_is_read_from_the_resources() -> None:
    assert xft_dpi_of("Xft.antialias:\t1\nXft.dpi:\t144\n") == 144.0
    assert xft_dpi_of("Xcursor.size: 24\n") is None


@pytest.mark.parametrize("scheme", list(Scheme))
def test_every_text_colour_reads_on_its_background(scheme: Scheme) -> None:
    palette = PALETTES[scheme]

    def rgb(colour: str) -> tuple[int, ...]:
        return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))

    for ink in (palette.text, palette.secondary, palette.warning, palette.accent):
        assert ratio(rgb(ink), rgb(palette.background)) >= AA, ink
