"""The posture report: read the history, render it for the terminal or as one HTML file.

The figures themselves are computed by the pure core (:mod:`posture_watch.core.report`,
:mod:`posture_watch.core.report_builder`, :mod:`posture_watch.core.advice`); this package
holds the adapters around it. The HTML renderer is imported lazily because it pulls in
matplotlib, which a terminal report never needs.

matplotlib keeps a font cache and a config folder of its own (``~/.cache/matplotlib``,
``~/.config/matplotlib``). Unless the person set ``MPLCONFIGDIR`` themselves, ours goes
into posture-watch's cache folder instead, before any chart module imports matplotlib, so
the app leaves nothing in other programs' folders and ``uninstall`` takes it with the rest.
"""

from __future__ import annotations

import os
from typing import Any

from posture_watch import paths

os.environ.setdefault("MPLCONFIGDIR", str(paths.cache_dir() / "matplotlib"))

from posture_watch.report.load import NoHistoryError, load_day, load_range, load_week
from posture_watch.report.terminal import render_day, render_week

__all__ = [
    "NoHistoryError",
    "load_day",
    "load_range",
    "load_week",
    "render_day",
    "render_day_html",
    "render_week",
    "render_week_html",
]


def __getattr__(name: str) -> Any:
    if name in ("render_day_html", "render_week_html"):
        from posture_watch.report import html

        return getattr(html, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
