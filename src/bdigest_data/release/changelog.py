"""Draft a Keep a Changelog section from a diff and put it into CHANGELOG.md.

The drafted part sits between two HTML comments, so running the release again for the
same version replaces it; notes written by hand under ``## [Unreleased]`` move into the
new version's section above it, and hand-written notes already in that section stay.
"""

from __future__ import annotations

import re

from bdigest_data.release.diff import PackageDiff, TableDiff
from bdigest_data.release.report import md_cell
from bdigest_data.release.schema_diff import Change

START = "<!-- data-changes: drafted by scripts/release.py from bdigest-data diff -->"
END = "<!-- /data-changes -->"
UNRELEASED = "## [Unreleased]"
CATEGORIES = ("Added", "Changed", "Removed", "Fixed")
HEADER = """# Changelog

All notable changes to bdigest-data are listed here, data changes table by table.
The format follows [Keep a Changelog](https://keepachangelog.com/en/1.1.0/) and versions
follow the Frictionless Data Package Version recipe: a breaking schema change or removed
rows -> major; rows, fields or tables added -> minor; corrected values -> patch.
`bdigest-data diff OLD NEW` shows every change row by row.

"""


def _ids(table: TableDiff, rows: list[dict[str, str]]) -> str:
    return ", ".join(f"`{md_cell(table.key(r))}`" for r in rows)


def _plural(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


def _category(change: Change) -> str:
    return {"added": "Added", "removed": "Removed"}.get(change.what, "Changed")


def draft_items(diff: PackageDiff) -> dict[str, list[str]]:
    """Changelog bullets by Keep a Changelog category (empty categories are left out)."""
    items: dict[str, list[str]] = {c: [] for c in CATEGORIES}
    for change in diff.changes:
        category = _category(change)
        text = change.where if category != "Changed" else f"{change} ({change.bump})"
        items[category].append(f"{text[0].upper()}{text[1:]}.")
    for t in diff.tables:
        name = f"`{t.name}`"
        if t.status in ("added", "removed"):
            rows = t.added or t.removed
            items[t.status.capitalize()].append(f"Table {name} ({_plural(len(rows))}).")
            continue
        for change in t.changes:
            items[_category(change)].append(f"{name} {change} ({change.bump}).")
        if t.added:
            items["Added"].append(f"{name}: {_plural(len(t.added))}: {_ids(t, t.added)}.")
        if t.removed:
            items["Removed"].append(f"{name}: {_plural(len(t.removed))}: {_ids(t, t.removed)}.")
        items["Fixed"] += [
            f"{name} `{md_cell(rc.key)}`: `{f}` \"{md_cell(b)}\" -> \"{md_cell(a)}\"."
            for rc in t.changed for f, (b, a) in rc.fields.items()
        ]
        if t.note:
            items["Changed"].append(f"{name}: {t.note}.")
    return {c: lines for c, lines in items.items() if lines}


def draft_section(diff: PackageDiff) -> str:
    """The drafted data-changes block of the new version's section (between the markers)."""
    against = diff.old_version or "nothing (first release)"
    out = [START, f"Compared with {against}; smallest version bump required: {diff.bump}."]
    for category, lines in draft_items(diff).items():
        out += ["", f"### {category}", ""] + [f"- {line}" for line in lines]
    if not diff.summary():
        out += ["", "No data changes."]
    return "\n".join([*out, END])


def _split_sections(text: str) -> tuple[str, list[str]]:
    """The text before the first ``## `` heading, and each ``## `` section in order."""
    parts = re.split(r"(?m)^(?=## )", text)
    return parts[0], [p.rstrip("\n") for p in parts[1:]]


def _notes(section: str) -> str:
    """The hand-written part of a section: its body without heading and drafted block."""
    body = section.split("\n", 1)[1] if "\n" in section else ""
    body = re.sub(re.escape(START) + r".*?" + re.escape(END), "", body, flags=re.S)
    return body.strip("\n")


def update_changelog(text: str, version: str, date: str, diff: PackageDiff) -> str:
    """CHANGELOG.md ``text`` with ``version``'s section (re)written at the top."""
    head, sections = _split_sections(text) if text.strip() else (HEADER, [])
    heading = f"## [{version}]"
    unreleased = [s for s in sections if s.startswith(UNRELEASED)]
    previous = [s for s in sections if s.startswith(heading + " ") or s == heading]
    others = [s for s in sections if s not in unreleased and s not in previous]
    notes = [n for n in map(_notes, unreleased + previous) if n]
    section = "\n\n".join([f"{heading} - {date}", *notes, draft_section(diff)])
    return head.rstrip("\n") + "\n\n" + "\n\n".join([UNRELEASED, section, *others]) + "\n"
