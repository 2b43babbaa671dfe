"""The HTML report opened in headless Chromium: charts drawn, no errors, fits a phone."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from posture_watch.report import charts
from tests.report import chromium
from tests.report.histories import DAY, TZ, short_session
from tests.report.test_html import day_page, week_page

pytestmark = pytest.mark.skipif(
    not chromium.available(),
    reason=f"{chromium.CHROMIUM} not found (Debian: apt-get install chromium)",
)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def pixels_of(image: Image.Image, hex_colour: str, tolerance: int = 12) -> int:
    """How many pixels are within ``tolerance`` (per channel) of a colour."""
    rgb = np.asarray(image.convert("RGB"), dtype=np.int16)
    near = np.abs(rgb - np.array(_rgb(hex_colour), dtype=np.int16)) <= tolerance
    return int(np.count_nonzero(near.all(axis=2)))


def _short_page() -> str:
    from posture_watch.core.report_builder import day_report
    from posture_watch.report.html import render_day_html

    history = short_session()
    return render_day_html(day_report(history, DAY, TZ), history)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pages")
    out = {
        "day": day_page(),
        "advice": day_page(pain=8, numbness=True),
        "week": week_page(),
        "short": _short_page(),
    }
    paths = {}
    for name, text in out.items():
        paths[name] = folder / f"{name}.html"
        paths[name].write_text(text, encoding="utf-8")
    return paths


@pytest.fixture(scope="module")
def browser():
    with chromium.DevToolsPage() as page:
        yield page


def test_day_screenshot_shows_the_charts_in_the_state_colours(pages, tmp_path):
    png = tmp_path / "day.png"
    stderr = chromium.screenshot(pages["day"], png, 1000, 2000)
    assert chromium.console_lines(stderr) == []
    image = Image.open(png)
    assert image.size == (1000, 2000)
    for state in ("upright", "slouch", "away"):
        assert pixels_of(image, charts.COLOURS[state]) > 500, state
    # the prompts that were declined are marked in red, the followed one in dark green
    assert pixels_of(image, charts.ANSWER_COLOURS["declined"], 8) > 30
    assert pixels_of(image, charts.ANSWER_COLOURS["done"], 8) > 10


def test_week_screenshot_shows_the_pain_chart(pages, tmp_path):
    png = tmp_path / "week.png"
    stderr = chromium.screenshot(pages["week"], png, 1000, 2600)
    assert chromium.console_lines(stderr) == []
    image = Image.open(png)
    assert pixels_of(image, charts.PAIN_COLOUR) > 200
    assert pixels_of(image, charts.COLOURS["slouch"]) > 2000
    assert pixels_of(image, charts.COLOURS["unknown"], 4) > 2000  # sitting hours bars


@pytest.mark.parametrize("name", ["day", "advice", "week"])
def test_no_console_errors_and_nothing_fetched(browser, pages, name):
    report = browser.load(pages[name], width=1000)
    assert report.errors == []
    assert report.requests == [pages[name].resolve().as_uri()]


@pytest.mark.parametrize("name", ["day", "advice", "week"])
def test_phone_width_has_no_horizontal_overflow(browser, pages, name):
    report = browser.load(pages[name], width=400, height=850, mobile=True)
    # A page wider than the phone makes mobile Chromium zoom out, widening the viewport.
    assert report.viewport_width == 400
    assert report.scroll_width <= 400
    image = Image.open(io.BytesIO(report.png))
    assert image.size[0] == 400
    assert pixels_of(image, charts.COLOURS["upright"]) > 300  # the charts shrank, not vanished


def test_the_error_check_catches_errors(browser, tmp_path):
    """A broken page does report errors, so an empty list above means something."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><body><img src='missing.png'>"
        "<script>console.error('boom'); undefined_function();</script></body></html>"
    )
    report = browser.load(bad, width=1000)
    text = "\n".join(report.errors)
    assert "boom" in text
    assert "undefined_function" in text
    assert "missing.png" in text or "ERR_FILE_NOT_FOUND" in text
    png = tmp_path / "bad.png"
    assert any("boom" in line for line in chromium.console_lines(chromium.screenshot(bad, png)))


def test_a_wide_page_is_caught_as_overflow(browser, tmp_path):
    wide = tmp_path / "wide.html"
    wide.write_text(
        '<!DOCTYPE html><html><head><meta name="viewport" content="width=device-width">'
        '</head><body><div style="width:900px">x</div></body></html>'
    )
    report = browser.load(wide, width=400, mobile=True)
    assert report.scroll_width > 400


#: Per figure: the shown chart's width over the column's, the smallest and largest chart
#: text as rendered (its font size in SVG units times the drawing's scale), the smallest
#: legend text, and how many of the chart's sizes are shown.
_MEASURE = """
(() => {
  const body = getComputedStyle(document.body);
  const column = document.body.clientWidth - parseFloat(body.paddingLeft)
    - parseFloat(body.paddingRight);
  const charts = [...document.querySelectorAll('figure')].filter(f => f.querySelector('svg'));
  return charts.map(fig => {
    const shown = [...fig.querySelectorAll('svg')].filter(
      svg => svg.getBoundingClientRect().width > 0);
    const svg = shown[0];
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const text = [...svg.querySelectorAll('text')].map(
      t => parseFloat(getComputedStyle(t).fontSize) * scale);
    const legend = [...fig.querySelectorAll('.legend li')].map(
      li => parseFloat(getComputedStyle(li).fontSize));
    return {shown: shown.length, ratio: svg.getBoundingClientRect().width / column,
            min_text: Math.min(...text), max_text: Math.max(...text),
            legend: legend.length ? Math.min(...legend) : null};
  });
})()
"""


@pytest.mark.parametrize("name", ["day", "short", "week"])
def test_charts_fill_the_column_on_a_desktop(browser, pages, name):
    browser.load(pages[name], width=1366, height=900)
    figures = browser.evaluate(_MEASURE)
    assert len(figures) == (4 if name == "week" else 3)  # the week adds the posture hold
    for fig in figures:
        assert fig["shown"] == 1  # one size of each chart, the desktop one
        assert fig["ratio"] >= 0.9, fig


@pytest.mark.parametrize(
    ("width", "mobile"), [(390, True), (360, True), (800, False), (1366, False), (1920, False)]
)
def test_chart_and_legend_text_stays_readable(browser, pages, width, mobile):
    for name in ("day", "week"):
        browser.load(pages[name], width=width, height=900, mobile=mobile, scale=2 if mobile else 1)
        for fig in browser.evaluate(_MEASURE):
            assert fig["shown"] == 1
            assert fig["ratio"] >= 0.9, (name, width, fig)
            assert fig["min_text"] >= (10.5 if width < 390 else 11.0), (name, width, fig)
            assert fig["max_text"] <= 22.0, (name, width, fig)
            assert fig["legend"] is None or fig["legend"] >= 12.0, (name, width, fig)
