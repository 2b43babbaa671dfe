"""Text contrast (WCAG 2) of a rendered page: from the computed colours and from its pixels.

Two views of the same text, because each misses something the other sees:

- the **computed** colours (``getComputedStyle``: ``color``, or ``fill`` for SVG text,
  against the first opaque background up the tree, tints blended on top) catch a light
  colour before anti-aliasing blurs it;
- the **pixels** of a screenshot, inside each text's box, catch what the browser really
  drew: text in an image or drawn over a tint the style does not know about. The box's
  most common colour is its background; the text's ink is its pixel farthest from it.

WCAG asks 4.5:1 for normal text (:data:`MIN_RATIO`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

MIN_RATIO = 4.5
RGB = tuple[float, float, float]

#: Every visible piece of text in the page, with its box (CSS px, page coordinates), its
#: computed text colour and its computed background (both "rgb(...)"/"rgba(...)" lists).
TEXTS_JS = """
(() => {
  const parse = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const background = el => {
    const layers = [];
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      const alpha = c.length > 3 ? c[3] : 1;
      if (alpha > 0) layers.push([c[0], c[1], c[2], alpha]);
      if (alpha >= 1) break;
    }
    let rgb = [255, 255, 255];  // the canvas under everything
    for (const [r, g, b, a] of layers.reverse())
      rgb = [r * a + rgb[0] * (1 - a), g * a + rgb[1] * (1 - a), b * a + rgb[2] * (1 - a)];
    return rgb;
  };
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el || el.closest('style,title')) continue;
    const svgText = el.closest('text');
    let rects;
    if (svgText) {
      rects = [svgText.getBoundingClientRect()];
    } else {
      const range = document.createRange();
      range.selectNodeContents(node);
      rects = [...range.getClientRects()];
    }
    rects = rects.filter(r => r.width >= 2 && r.height >= 4);
    if (!rects.length) continue;
    const style = getComputedStyle(svgText || el);
    if (style.visibility !== 'visible' || parseFloat(style.opacity) === 0) continue;
    const ink = parse(svgText ? style.fill : style.color);
    out.push({
      text: text.slice(0, 40),
      tag: (svgText || el).tagName,
      boxes: rects.map(r => [r.left + scrollX, r.top + scrollY, r.right + scrollX,
                             r.bottom + scrollY]),
      ink: ink.slice(0, 3), ink_alpha: ink.length > 3 ? ink[3] : 1,
      background: background(svgText ? svgText.closest('svg').parentElement : el),
    });
  }
  return out;
})()
"""


def luminance(rgb: Any) -> np.ndarray:
    """WCAG relative luminance of sRGB colours (0-255), any leading shape, last axis 3."""
    c = np.asarray(rgb, dtype=np.float64) / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def ratio(a: Any, b: Any) -> np.ndarray:
    """The contrast ratio between colours ``a`` and ``b`` (1 to 21)."""
    la, lb = luminance(a), luminance(b)
    return (np.maximum(la, lb) + 0.05) / (np.minimum(la, lb) + 0.05)


def hex_rgb(colour: str) -> RGB:
    """``"#28a745"`` → ``(40, 167, 69)``."""
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


@dataclass(frozen=True)
class TextContrast:
    """One piece of text and its contrast, computed and measured in pixels."""

    text: str
    tag: str
    computed: float
    pixels: float

    @property
    def low(self) -> bool:
        return min(self.computed, self.pixels) < MIN_RATIO


def pixel_ratio(image: np.ndarray, box: list[float], scale: float) -> float:
    """The contrast between a box's background (its most common colour) and its ink (its
    pixel farthest from that), in an RGB ``image`` of shape (height, width, 3)."""
    x0, y0, x1, y1 = (round(v * scale) for v in box)
    crop = image[max(y0, 0) : y1, max(x0, 0) : x1].reshape(-1, 3)
    if crop.size == 0:
        return 21.0
    colours, counts = np.unique(crop, axis=0, return_counts=True)
    back = colours[np.argmax(counts)]
    return float(ratio(colours, back).max())


def measure(texts: list[dict[str, Any]], png: bytes, scale: float) -> list[TextContrast]:
    """:data:`TEXTS_JS`'s texts with their computed and pixel contrast."""
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    out = []
    for t in texts:
        ink = np.asarray(t["ink"], dtype=np.float64)
        back = np.asarray(t["background"], dtype=np.float64)
        ink = ink * t["ink_alpha"] + back * (1 - t["ink_alpha"])
        pixels = min(pixel_ratio(image, box, scale) for box in t["boxes"])
        out.append(TextContrast(t["text"], t["tag"], float(ratio(ink, back)), pixels))
    return out
