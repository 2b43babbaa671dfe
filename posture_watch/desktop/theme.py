"""One look for every posture-watch window: the Sun Valley ttk theme, large type, the
desktop's dark or light preference and HiDPI scaling.

Why Sun Valley (``sv-ttk``) and not ttkbootstrap: both install from PyPI and both look
current, but sv-ttk is one Tcl theme (~100 kB, no dependencies) that we switch on with one
call, while ttkbootstrap (~4 MB) patches tkinter's widget classes when imported and
brings a theme system we would not use. sv-ttk's fonts are given in pixels and its
paddings are fixed, so :func:`apply_theme` sets our own fonts in points (which follow Tk's
scaling) and scales the paddings it uses. Its buttons and fields are nine-sliced images
that stretch; its check boxes and radio dots are fixed 1x images in a fixed-width element,
so at 2x they stay small (zooming them clips them: the element's width is fixed).

Dark or light, in order: ``POSTURE_WATCH_COLOR_SCHEME`` (``dark`` / ``light``, for tests
and for people whose desktop says nothing), the XDG desktop portal's
``org.freedesktop.appearance`` ``color-scheme`` (read over D-Bus with jeepney), GNOME's
``gsettings`` ``color-scheme``, else light.

Scale: the larger of the X server's DPI, ``Xft.dpi`` (the resource desktops set for
their text scale) and 96 x ``GDK_SCALE``; Tk's scaling is that DPI / 72 and :meth:`Theme.px`
scales the pixel sizes we draw ourselves.

tkinter is imported only inside the functions that need a window.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import tkinter as tk

log = logging.getLogger(__name__)

#: The environment variable that overrides the desktop's preference (``dark`` / ``light``).
SCHEME_VARIABLE = "POSTURE_WATCH_COLOR_SCHEME"
PORTAL_NAME = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
PORTAL_SETTINGS = "org.freedesktop.portal.Settings"
APPEARANCE = "org.freedesktop.appearance"
#: How long the portal may take to answer, seconds (a window waits for it).
PORTAL_TIMEOUT = 1.0
#: The DPI at which :meth:`Theme.px` is 1:1.
BASE_DPI = 96.0
#: Fonts by preference; the first one installed is used.
FAMILIES = ("Cantarell", "Inter", "Noto Sans", "Ubuntu", "DejaVu Sans", "Liberation Sans")


class Scheme(StrEnum):
    """The desktop's colour preference, as far as we follow it."""

    LIGHT = "light"
    DARK = "dark"


@dataclass(frozen=True)
class Palette:
    """Colours we draw ourselves (the ring, the figure, secondary text); every text colour
    reads at 4.5:1 or more on ``background`` (tests/desktop/test_contrast.py)."""

    background: str
    text: str
    secondary: str
    accent: str
    track: str
    figure: str
    warning: str
    selected: str
    field: str


#: sv-ttk's own backgrounds (#fafafa light, #1c1c1c dark) under our text colours.
PALETTES = {
    Scheme.LIGHT: Palette(
        background="#fafafa",
        text="#1c1c1c",
        secondary="#555555",
        accent="#005fb8",
        track="#dcdcdc",
        figure="#303030",
        warning="#a30000",
        selected="#cfe3f6",
        field="#ffffff",
    ),
    Scheme.DARK: Palette(
        background="#1c1c1c",
        text="#f2f2f2",
        secondary="#b8b8b8",
        accent="#57c8ff",
        track="#3a3a3a",
        figure="#e6e6e6",
        warning="#ff8f8f",
        selected="#24507a",
        field="#2b2b2b",
    ),
}


def scheme_from_portal(value: int | None) -> Scheme | None:
    """The portal's ``color-scheme``: 1 prefers dark, 2 prefers light, 0 says nothing."""
    return {1: Scheme.DARK, 2: Scheme.LIGHT}.get(value) if value is not None else None


def scheme_from_gsettings(text: str) -> Scheme | None:
    """GNOME's ``color-scheme`` as ``gsettings get`` prints it (``'prefer-dark'``)."""
    value = text.strip().strip("'\"")
    return {"prefer-dark": Scheme.DARK, "prefer-light": Scheme.LIGHT}.get(value)


def read_portal_scheme(timeout: float = PORTAL_TIMEOUT) -> int | None:
    """The portal's ``color-scheme`` number, or None when no portal answers.

    Tries ``ReadOne`` (portal version 2) and then the older ``Read``, whose answer is a
    variant inside a variant.
    """
    try:
        from jeepney import DBusAddress, MessageType, new_method_call
        from jeepney.io.blocking import open_dbus_connection
    except ImportError:
        return None
    address = DBusAddress(PORTAL_PATH, bus_name=PORTAL_NAME, interface=PORTAL_SETTINGS)
    try:
        with open_dbus_connection(bus="SESSION") as conn:
            for method in ("ReadOne", "Read"):
                message = new_method_call(address, method, "ss", (APPEARANCE, "color-scheme"))
                reply = conn.send_and_get_reply(message, timeout=timeout)
                if reply.header.message_type is not MessageType.error:
                    return _unwrap_number(reply.body[0])
    except (OSError, ValueError, KeyError, TimeoutError) as exc:
        log.debug("no colour scheme from the portal: %s", exc)
    return None


def _unwrap_number(value: object) -> int | None:
    """A number from jeepney's ``(signature, value)`` variants, nested or not."""
    while isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
        value = value[1]
    return value if isinstance(value, int) else None


def read_gsettings_scheme() -> Scheme | None:
    """GNOME's ``color-scheme`` through ``gsettings``, when it is installed."""
    gsettings = shutil.which("gsettings")
    if gsettings is None:
        return None
    try:
        done = subprocess.run(
            [gsettings, "get", "org.gnome.desktop.interface", "color-scheme"],
            capture_output=True,
            text=True,
            timeout=2,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return scheme_from_gsettings(done.stdout) if done.returncode == 0 else None


def desktop_scheme(env: Mapping[str, str] | None = None) -> Scheme:
    """Dark or light, as the module docstring orders the sources."""
    env = os.environ if env is None else env
    override = env.get(SCHEME_VARIABLE, "").strip().lower()
    if override in {"dark", "light"}:
        return Scheme(override)
    return scheme_from_portal(read_portal_scheme()) or read_gsettings_scheme() or Scheme.LIGHT


def choose_dpi(server_dpi: float, xft_dpi: float | None, gdk_scale: str | None) -> float:
    """The DPI to draw at: the largest of the server's, ``Xft.dpi`` and 96 x ``GDK_SCALE``.

    Values outside 48-480 DPI (a server that reports a made-up screen size) are ignored.
    """
    candidates = [d for d in (server_dpi, xft_dpi) if d is not None and 48 <= d <= 480]
    try:
        scale = int(gdk_scale) if gdk_scale else 0
    except ValueError:
        scale = 0
    if 1 <= scale <= 5:
        candidates.append(BASE_DPI * scale)
    return max(candidates, default=BASE_DPI)


def xft_dpi_of(resources: str) -> float | None:
    """``Xft.dpi`` from the X resources' text (``xrdb -query``), or None."""
    for line in resources.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == "Xft.dpi":
            try:
                return float(value.strip())
            except ValueError:
                return None
    return None


def _xrdb_resources(env: Mapping[str, str]) -> str:
    xrdb = shutil.which("xrdb")
    if xrdb is None:
        return ""
    try:
        done = subprocess.run(
            [xrdb, "-query"], capture_output=True, text=True, timeout=2, check=False, env=env
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout if done.returncode == 0 else ""


@dataclass(frozen=True)
class Theme:
    """What a window needs after :func:`apply_theme`: its colours and its scale."""

    scheme: Scheme
    palette: Palette
    dpi: float
    #: Our named fonts; held here because Tk deletes a font when its Font object goes.
    fonts: tuple[object, ...] = field(default=(), compare=False, repr=False)

    @property
    def scale(self) -> float:
        """How much larger than at 96 DPI everything is drawn."""
        return self.dpi / BASE_DPI

    def px(self, pixels: float) -> int:
        """``pixels`` (as designed at 96 DPI) at this theme's scale."""
        return round(pixels * self.scale)


#: Our named fonts: (name, size in points, bold); points follow Tk's scaling.
FONTS = (
    ("PWBody", 12, False),
    ("PWSmall", 10, False),
    ("PWStrong", 12, True),
    ("PWHeading", 15, True),
    ("PWTitle", 18, True),
    ("PWCountdown", 26, True),
)


def apply_theme(
    root: tk.Tk, scheme: Scheme | None = None, env: Mapping[str, str] | None = None
) -> Theme:
    """Scale ``root`` for the screen, switch on Sun Valley in ``scheme`` (the desktop's
    when None) and make our fonts and styles; returns the :class:`Theme`."""
    import sv_ttk

    env = os.environ if env is None else env
    server_dpi = float(root.winfo_fpixels("1i"))
    dpi = choose_dpi(server_dpi, xft_dpi_of(_xrdb_resources(env)), env.get("GDK_SCALE"))
    root.tk.call("tk", "scaling", dpi / 72.0)
    scheme = desktop_scheme(env) if scheme is None else scheme
    sv_ttk.set_theme(scheme.value, root)
    _settle_palette(root)
    theme = Theme(scheme, PALETTES[scheme], dpi, _make_fonts(root))
    _make_styles(root, theme)
    _classic_options(root, theme)
    root.configure(background=theme.palette.background)
    return theme


#: The classic Tk widget classes the option database themes (ttk ones have styles: a
#: pattern such as ``*Font`` would reach them too and override their styles' fonts).
CLASSIC = ("Frame", "Toplevel", "Label", "Message", "Button", "Checkbutton", "Radiobutton",
           "Entry", "Canvas")  # fmt: skip


def _settle_palette(root: tk.Tk) -> None:
    """Run sv-ttk's colour set-up now, while the window has no widgets, and not again.

    sv-ttk answers the <<ThemeChanged>> that follows a theme switch with
    ``tk_setPalette``, which gives every widget existing at that moment (ours are all made
    by then) its palette colours explicitly: a ttk label would then ignore its style's
    colour (a red error, a grey note drawn in the text colour).
    """
    root.tk.call("configure_colors")
    root.tk.call("bind", root.winfo_class(), "<<ThemeChanged>>", "")


def _classic_options(root: tk.Tk, theme: Theme) -> None:
    """Colours and fonts for the classic Tk widgets the journal and calibration windows
    still use (labels, entries, frames), through the option database, so they sit in the
    same theme as the ttk ones; only widgets made after this get them."""
    c = theme.palette
    for name, value in (
        ("background", c.background),
        ("foreground", c.text),
        ("font", "PWBody"),
        ("activeBackground", c.track),
        ("activeForeground", c.text),
        ("highlightBackground", c.background),
        ("highlightColor", c.accent),
        ("selectColor", c.selected),
        ("disabledForeground", c.secondary),
        ("insertBackground", c.text),
    ):
        for widget_class in CLASSIC:
            root.option_add(f"*{widget_class}.{name}", value)
    root.option_add("*Entry.background", c.field)
    root.option_add("*Entry.relief", "solid")
    # tk_setPalette also put *foreground and *background in the option database (at
    # widgetDefault): a ttk label made later would carry that colour itself and ignore its
    # style's. Empty values at our higher priority leave the style in charge.
    for ttk_class in ("TLabel", "TEntry", "TSpinbox", "TCombobox"):
        root.option_add(f"*{ttk_class}.foreground", "")
        root.option_add(f"*{ttk_class}.background", "")


def _make_fonts(root: tk.Tk) -> tuple[object, ...]:
    from tkinter import font

    installed = set(font.families(root))
    family = next((f for f in FAMILIES if f in installed), "TkDefaultFont")
    made = []
    for name, size, bold in FONTS:
        weight: Literal["bold", "normal"] = "bold" if bold else "normal"
        made.append(font.Font(root, name=name, family=family, size=size, weight=weight))
    # sv-ttk's own fonts are in pixels; ours follow the scaling
    for sv_name in ("SunValleyBodyFont", "SunValleyCaptionFont"):
        if sv_name in font.names(root):
            font.nametofont(sv_name, root).configure(family=family, size=11)
    for tk_name in ("TkDefaultFont", "TkTextFont", "TkMenuFont", "TkHeadingFont"):
        font.nametofont(tk_name, root).configure(family=family, size=11)
    return tuple(made)


def _make_styles(root: tk.Tk, theme: Theme) -> None:
    from tkinter import ttk

    style = ttk.Style(root)
    colours = theme.palette
    pad_x, pad_y = theme.px(16), theme.px(7)
    style.configure(".", font="PWBody")
    style.configure("TButton", font="PWBody", padding=(pad_x, pad_y))
    style.configure("Accent.TButton", font="PWStrong", padding=(pad_x, pad_y))
    style.configure("TLabel", font="PWBody", foreground=colours.text)
    style.configure("Title.TLabel", font="PWTitle")
    style.configure("Heading.TLabel", font="PWHeading")
    style.configure("Secondary.TLabel", font="PWSmall", foreground=colours.secondary)
    style.configure("Warning.TLabel", foreground=colours.warning)
    style.configure("Countdown.TLabel", font="PWCountdown", foreground=colours.accent)
    style.configure("TCheckbutton", font="PWBody")
    style.configure("TRadiobutton", font="PWBody")


__all__ = [
    "PALETTES",
    "SCHEME_VARIABLE",
    "Palette",
    "Scheme",
    "Theme",
    "apply_theme",
    "choose_dpi",
    "desktop_scheme",
    "read_gsettings_scheme",
    "read_portal_scheme",
    "scheme_from_gsettings",
    "scheme_from_portal",
    "xft_dpi_of",
]
