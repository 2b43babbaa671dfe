"""Rewrite (or check) the settings table in README.md from the settings schema.

    .venv/bin/python scripts/settings_table.py --write   # after changing the schema
    .venv/bin/python scripts/settings_table.py --check   # exit 1 when README.md is stale
    .venv/bin/python scripts/settings_table.py           # print the table

The table sits between ``<!-- settings:start -->`` and ``<!-- settings:end -->``; what it
holds is rendered by :mod:`posture_watch.core.settings_doc` (pure), this script only reads
and writes the file. ``tests/test_readme_settings.py`` runs the same check.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from posture_watch.core.settings_doc import render_table, replace_block

README = Path(__file__).resolve().parent.parent / "README.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 if README.md is out of date")
    mode.add_argument("--write", action="store_true", help="rewrite the table in README.md")
    parser.add_argument("--readme", type=Path, default=README, help="the file to rewrite")
    args = parser.parse_args(argv)
    if not (args.check or args.write):
        sys.stdout.write(render_table())
        return 0
    text = args.readme.read_text(encoding="utf-8")
    try:
        new = replace_block(text)
    except ValueError as exc:
        print(f"settings_table: {args.readme}: {exc}", file=sys.stderr)
        return 2
    if args.write:
        if new != text:
            args.readme.write_text(new, encoding="utf-8")
            print(f"settings_table: rewrote the settings table in {args.readme}")
        return 0
    if new != text:
        print(
            f"settings_table: the settings table in {args.readme} is out of date; run "
            "scripts/settings_table.py --write",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
