"""Every relative link and picture in README.md and docs/*.md points at something real.

The README moved its developer's part into docs/ and shows pictures from docs/images/; a
renamed heading or a picture not yet made would leave a reader at a dead link. Links to
the web are not followed (the tests run offline); a link's ``#anchor`` must name a heading
of the file it points to, slugged as GitHub does.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

_FENCE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)
_CODE = re.compile(r"`[^`\n]*`")
_MD_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HTML = re.compile(r"<(?:img|a)\b[^>]*?\b(?:src|href)=\"([^\"]+)\"", re.I)
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.M)


def _prose(text: str) -> str:
    """The text without code blocks and code spans, where brackets are not links."""
    return _CODE.sub("", _FENCE.sub("", text))


def links(text: str) -> list[str]:
    prose = _prose(text)
    return _MD_LINK.findall(prose) + _HTML.findall(prose)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, code marks and punctuation dropped,
    spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.replace("`", "").strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    return {slug(h) for h in _HEADING.findall(_FENCE.sub("", path.read_text(encoding="utf-8")))}


def _relative(target: str) -> bool:
    return not re.match(r"[a-z][a-z0-9+.-]*:", target, re.I)  # http:, https:, mailto:


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_points_to_an_existing_file_and_heading(doc: Path) -> None:
    broken = []
    for target in links(doc.read_text(encoding="utf-8")):
        if not _relative(target):
            continue
        path_part, _, anchor = target.partition("#")
        file = (doc.parent / path_part).resolve() if path_part else doc
        if not file.exists():
            broken.append(f"{target}: no such file")
        elif anchor and file.suffix == ".md" and anchor not in anchors(file):
            broken.append(f"{target}: no heading #{anchor} in {file.name}")
    assert not broken, f"{doc.name}: " + "; ".join(broken)


def test_the_readme_shows_pictures_and_links_the_developer_docs() -> None:
    found = links((ROOT / "README.md").read_text(encoding="utf-8"))
    assert any(t.startswith("docs/images/") and t.endswith(".png") for t in found)
    for doc in ("docs/ARCHITECTURE.md", "docs/CONTRIBUTING.md"):
        assert doc in found


def test_the_link_finder_sees_links_and_skips_code() -> None:
    text = (
        '[a](x.md) ![b](img/y.png) <img src="z.png" width="9"> `[no](code.md)`\n'
        '```\n[no](fenced.md)\n```\n[web](https://example.org) [c](d.md#part "title")\n'
    )
    assert links(text) == ["x.md", "img/y.png", "https://example.org", "d.md#part", "z.png"]
    assert slug("`analyze` output (public interface)") == "analyze-output-public-interface"
    assert slug("Benchmarks: how to run them, and every figure") == (
        "benchmarks-how-to-run-them-and-every-figure"
    )
