"""The README's "The tables" section names every table of the package with its real row
count: a data release that adds rows must update it, or this fails."""

from __future__ import annotations

import re
from pathlib import Path

import bdigest_data as bd

README = Path(__file__).resolve().parents[1] / "README.md"
ROW = re.compile(r"^\| `(?P<table>[a-z_]+)` \| (?P<rows>\d+) \|", re.MULTILINE)


def test_the_tables_section_gives_each_table_and_its_row_count() -> None:
    text = README.read_text(encoding="utf-8")
    start = text.find("\n## The tables\n")
    assert start >= 0, "README.md has no '## The tables' heading: did it move or change?"
    section = text[start:text.find("\n## ", start + 1)]
    stated = {m["table"]: int(m["rows"]) for m in ROW.finditer(section)}
    actual = {name: len(frame) for name, frame in bd.load_all().items()}
    assert stated == actual
