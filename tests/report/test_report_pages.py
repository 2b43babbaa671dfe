"""Issue 17, item 11 and the contrast item: every report page in Chromium at 1366 and 390 px.

Each page (a full day, a 14-minute day, an empty day, a day ending past midnight, a
daylight-saving day, a mixed week and a week of a few minutes a day) is loaded once per
width; the tests then check what a person would: nothing wider than the screen, every
chart with a legend a phone can read, a day's charts on one time axis, and every piece of
text at 4.5:1 or more, in the computed colours and in the screenshot's pixels.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from posture_watch.core.report import summarize
from posture_watch.report import charts
from tests.report import chromium, contrast
from tests.report.histories import TZ
from tests.report.pages import DAYS, all_pages

pytestmark = pytest.mark.skipif(
    not chromium.available(),
    reason=f"{chromium.CHROMIUM} not found (Debian: apt-get install chromium)",
)

#: (width, mobile, device scale): a laptop, and a phone at its real pixel density.
WIDTHS = {1366: (False, 1.0), 390: (True, 2.0)}
PAGES = all_pages()

#: Per figure: its legend (entries, smallest font, rightmost edge), its time axis and the
#: clock labels of the chart size shown.
_FIGURES_JS = """
[...document.querySelectorAll('figure')].map(fig => {
  const items = [...fig.querySelectorAll('.legend li')];
  const svg = [...fig.querySelectorAll('svg')].find(s => s.getBoundingClientRect().width > 0);
  const labels = svg ? [...svg.querySelectorAll('text')].map(t => t.textContent.trim())
    .filter(t => /^\\d\\d:\\d\\d$/.test(t)) : [];
  return {
    chart: !!svg,
    legend: items.length,
    legend_px: Math.min(...items.map(li => parseFloat(getComputedStyle(li).fontSize))),
    legend_right: Math.max(0, ...items.map(li => li.getBoundingClientRect().right)),
    clock: fig.dataset.clock || null,
    labels,
  };
})
"""


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], dict[str, Any]]:
    """Each page at each width: its sizes, figures and text contrast."""
    folder = tmp_path_factory.mktemp("report-pages")
    out = {}
    with chromium.DevToolsPage() as browser:
        for name, text in PAGES.items():
            path = folder / f"{name}.html"
            path.write_text(text, encoding="utf-8")
            for width, (mobile, scale) in WIDTHS.items():
                report = browser.load(path, width=width, height=900, mobile=mobile, scale=scale)
                figures = browser.evaluate(_FIGURES_JS)
                texts = browser.evaluate(contrast.TEXTS_JS)
                png = browser.full_page()
                out[name, width] = {
                    "report": report,
                    "figures": figures,
                    "texts": texts,
                    "contrast": contrast.measure(texts, png, scale),
                }
    return out


CASES = [(name, width) for name in PAGES for width in WIDTHS]


@pytest.mark.parametrize(("name", "width"), CASES)
def test_nothing_is_cut_off(rendered, name, width):
    page = rendered[name, width]
    report = page["report"]
    assert report.errors == []
    assert report.viewport_width == width  # a wider page would make a phone zoom out
    assert report.scroll_width <= width
    outside = [
        t["text"] for t in page["texts"] if any(b[2] > width + 0.5 or b[0] < 0 for b in t["boxes"])
    ]
    assert outside == [], outside


@pytest.mark.parametrize(("name", "width"), CASES)
def test_every_chart_has_a_legend_a_phone_can_read(rendered, name, width):
    figures = rendered[name, width]["figures"]
    if name != "empty":  # the week adds how long posture held after a break
        assert sum(f["chart"] for f in figures) == (4 if name == "week" else 3)
    for fig in figures:
        assert fig["legend"] >= 1, fig
        assert fig["legend_px"] >= 12.0, fig
        assert fig["legend_right"] <= width, fig


@pytest.mark.parametrize(("name", "width"), [c for c in CASES if c[0] in DAYS and c[0] != "empty"])
def test_a_days_charts_share_the_timelines_time_axis(rendered, name, width):
    figures = [f for f in rendered[name, width]["figures"] if f["chart"]]
    clocks = {f["clock"] for f in figures}
    assert len(clocks) == 1 and None not in clocks, clocks  # timeline, per hour, spells
    lo, hi = (float(x) for x in clocks.pop().split("-"))
    history, day = DAYS[name]
    s = summarize(history, day, TZ)
    first, last = charts.day_clock_range(s, TZ)
    assert (lo, hi) == (first, last)
    for fig in figures:
        hours = [int(x[:2]) + int(x[3:]) / 60 for x in fig["labels"]]
        hours = [h + 24 if h < lo else h for h in hours]  # 00:00 at the end of the day
        assert hours, fig
        assert lo <= min(hours) and max(hours) <= hi, (fig["labels"], lo, hi)


def test_a_day_ending_at_midnight_gets_no_earlier_hours():
    """The bug: a day of 23:15-00:00 had a timeline of 23:00-00:00 and an hour chart of
    21:00-00:00."""
    history, day = DAYS["midnight"]
    assert charts.day_clock_range(summarize(history, day, TZ), TZ) == (23.0, 24.0)


@pytest.mark.parametrize(("name", "width"), CASES)
def test_all_text_has_contrast(rendered, name, width):
    results = rendered[name, width]["contrast"]
    assert len(results) >= (3 if name == "empty" else 60)
    low = [r for r in results if r.low]
    assert low == [], low


def test_the_contrast_check_catches_light_text(tmp_path):
    """Light grey captions and chart labels are caught, in the computed colours and in the
    pixels; text over a grey background image is caught by the pixels alone (its computed
    background is the page's white)."""
    page = PAGES["full"].replace(
        "</style>",
        "figcaption{color:#aaa}svg text{fill:#b0b0b0 !important}"
        "footer{background-image:linear-gradient(#888,#888)}</style>",
    )
    path = tmp_path / "light.html"
    path.write_text(page, encoding="utf-8")
    with chromium.DevToolsPage() as browser:
        browser.load(path, width=1366, height=900)
        texts = browser.evaluate(contrast.TEXTS_JS)
        results = contrast.measure(texts, browser.full_page(), 1.0)
    low = [r for r in results if r.low]
    assert {r.tag for r in low} >= {"FIGCAPTION", "text", "FOOTER"}
    assert all(
        r.computed < contrast.MIN_RATIO and r.pixels < contrast.MIN_RATIO
        for r in low
        if r.tag in ("FIGCAPTION", "text")
    )
    footer = [r for r in low if r.tag == "FOOTER"]
    assert footer and all(r.computed >= contrast.MIN_RATIO > r.pixels for r in footer)


def save_screenshots(folder: Path) -> None:
    """Write every page at both widths as PNGs to look at (not a test)."""
    folder.mkdir(parents=True, exist_ok=True)
    with chromium.DevToolsPage() as browser:
        for name, text in PAGES.items():
            path = folder / f"{name}.html"
            path.write_text(text, encoding="utf-8")
            for width, (mobile, _) in WIDTHS.items():
                browser.load(path, width=width, height=900, mobile=mobile)
                (folder / f"{name}-{width}.png").write_bytes(browser.full_page())
