"""Text contrast of at least 4.5:1 (WCAG AA) in the tray's popup menu and in every window,
read from rendered pixels on Xvfb.

Each text widget's box comes from Tk (``winfo_rootx``/``winfo_width``, inset by its
border); in a screenshot of that box the background is its most common colour and the
ink the pixel whose luminance lies farthest from it. The popup menu runs as the tray runs
it, a child process; its rows are equal-height buttons inside a 1-pixel border, so each
row's box follows from the window's geometry. The status line the issue measured was
#A3A3A3 on #D9D9D9, 1.8:1.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageGrab

from posture_watch.core.menu import STATUS, menu_entries
from posture_watch.prompt_library import builtin_prompts
from tests.harness.xsession import XSession

AA = 4.5
TEXT_WIDGETS = {"Label", "Button", "Checkbutton", "Radiobutton", "Message"}
#: The themed (ttk) ones: no border options; their text sits inside a few pixels of frame.
TTK_TEXT_WIDGETS = {"TLabel", "TButton", "TCheckbutton", "TRadiobutton"}


def luminance(rgb: tuple[int, ...]) -> float:
    """WCAG relative luminance of an sRGB colour (0 to 1)."""
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in
           (v / 255 for v in rgb[:3])]  # fmt: skip
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def ratio(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def box_contrast(shot: Image.Image, box: tuple[int, int, int, int]) -> float:
    """Contrast between a box's background (most common colour) and its ink."""
    pixels = [tuple(p) for p in np.asarray(shot.crop(box).convert("RGB")).reshape(-1, 3)]
    background = Counter(pixels).most_common(1)[0][0]
    ground = luminance(background)
    ink = max(set(pixels), key=lambda p: abs(luminance(p) - ground))
    return ratio(background, ink)


def text_boxes(root) -> Iterator[tuple[str, tuple[int, int, int, int]]]:
    """``(text, box)`` of every mapped widget of ``root`` that shows text."""
    stack = [root]
    while stack:
        widget = stack.pop()
        stack += widget.winfo_children()
        kind = widget.winfo_class()
        if kind not in TEXT_WIDGETS | TTK_TEXT_WIDGETS or not widget.winfo_ismapped():
            continue
        text = str(widget.cget("text")).strip()
        if not text:
            continue
        if kind in TTK_TEXT_WIDGETS:
            inset = 3
        else:
            inset = (
                int(str(widget.cget("borderwidth")))
                + int(str(widget.cget("highlightthickness")))
                + 1
            )
        x, y = widget.winfo_rootx(), widget.winfo_rooty()
        w, h = widget.winfo_width(), widget.winfo_height()
        yield text, (x + inset, y + inset, x + w - inset, y + h - inset)


def shown(root, display: str, name: str) -> Image.Image:
    """``root`` drawn on the screen; its screenshot (also saved under /tmp to look at)."""
    root.deiconify()
    deadline = time.monotonic() + 10
    while not root.winfo_ismapped() and time.monotonic() < deadline:
        root.update()
    for _ in range(5):
        root.update()
        time.sleep(0.05)
    shot = ImageGrab.grab(xdisplay=display).convert("RGB")
    shot.save(Path("/tmp") / f"posture-watch-contrast-{name}.png")
    return shot


def low_contrast(root, display: str, name: str) -> list[tuple[str, float]]:
    shot = shown(root, display, name)
    found = [(text, box_contrast(shot, box)) for text, box in text_boxes(root)]
    assert found, f"no text found in the {name} window"
    return [(text, round(c, 2)) for text, c in found if c < AA]


def open_window(kind: str, folder: str):
    """The window ``kind`` as the tray opens it (its root is returned); ``stretch-dark`` is
    the stretch window in the dark theme."""
    if kind == "stretch-dark":
        import os

        os.environ["POSTURE_WATCH_COLOR_SCHEME"] = "dark"
        kind = "stretch"
    if kind == "stretch":
        from posture_watch.desktop.stretch_window import StretchWindow

        return StretchWindow(next(p for p in builtin_prompts() if p.steps)).root
    if kind == "journal":
        from posture_watch.desktop.journal_window import JournalWindow

        window = JournalWindow()
        window._hint.configure(text="Choose a pain score first.")  # the warning line
        return window.root
    from posture_watch.desktop.calibration_window import CalibrationWindow

    return CalibrationWindow(folder, countdown=30).root


def measure(kind: str, folder: str) -> None:
    """In a child process (Tk ends its process when its X server goes, so each window
    gets its own): open the window, print the texts under 4.5:1 as one JSON line."""
    import os

    root = open_window(kind, folder)
    print(json.dumps(low_contrast(root, os.environ["DISPLAY"], kind)), flush=True)
    os._exit(0)  # the calibration's sampler thread need not finish


CHILD = "import sys; from tests.desktop.test_contrast import measure; measure(*sys.argv[1:])"


@pytest.mark.parametrize("kind", ["stretch", "stretch-dark", "journal", "calibration"])
def test_every_window_has_readable_text(
    kind: str, desktop: XSession, shared_samples: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "pictures"
    folder.mkdir()
    picture = next((shared_samples / "slouchingornot").rglob("*.jpg"))
    (folder / "a.jpg").write_bytes(picture.read_bytes())
    done = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(folder)],
        env=desktop.env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [], done.stdout


def test_the_popup_menu_status_line_and_greyed_entries_are_readable(desktop: XSession) -> None:
    entries = menu_entries(
        paused=True, calibrating=True, status="Paused until 08:00 tomorrow", autostart=True
    )
    argv = [sys.executable, "-m", "posture_watch.tray.popup_menu",
            json.dumps([e.__dict__ for e in entries])]  # fmt: skip
    menu = subprocess.Popen(argv, env=desktop.env, stdout=subprocess.PIPE, text=True)
    try:
        window = desktop.wait_window("^posture-watch menu$", timeout=20)
        time.sleep(0.5)
        x, y, width, height = desktop.window_geometry(window)
        shot = desktop.screenshot()
        shot.save("/tmp/posture-watch-contrast-menu.png")
    finally:
        menu.terminate()
        menu.communicate(timeout=10)
    separators = sum(e.id == "-" for e in entries)
    row = (height - 2 - 5 * separators) / (len(entries) - separators)
    top, found = y + 1.0, {}
    for entry in entries:
        if entry.id == "-":
            top += 5
            continue
        box = (x + 4, int(top) + 2, x + width - 4, int(top + row) - 2)
        found[entry.label] = round(box_contrast(shot, box), 2)
        top += row
    assert entries[0].id == STATUS and not entries[0].enabled
    assert not next(e for e in entries if e.id == "calibrate").enabled
    assert all(c >= AA for c in found.values()), found
