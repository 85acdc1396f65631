"""Render a ``PackageDiff`` as text (terminal), Markdown (review, changelog) or JSON."""

from __future__ import annotations

import json
from collections.abc import Callable

from bdigest_data.release.diff import PackageDiff, TableDiff

FORMATS = ("text", "markdown", "json")


def version_span(diff: PackageDiff) -> str:
    """``0.1.0 -> 0.2.0``, or ``(no previous release) -> 0.1.0``."""
    return f"{diff.old_version or '(no previous release)'} -> {diff.new_version}"


def counts(table: TableDiff) -> str:
    """``2 rows added, 1 removed, 3 changed`` (only the non-zero parts)."""
    parts = [f"{len(items)} {verb}" for items, verb in (
        (table.added, "added"), (table.removed, "removed"), (table.changed, "changed")) if items]
    if table.changes:
        parts.append(f"{len(table.changes)} schema change(s)")
    return ", ".join(parts) or "no changes"


def md_cell(value: str) -> str:
    """A value safe inside a Markdown table cell or inline text."""
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ") or "(empty)"


def _unchanged(diff: PackageDiff) -> list[str]:
    return [t.name for t in diff.tables if t.status == "unchanged"]


def render_text(diff: PackageDiff) -> str:
    """A plain-text report: the required bump, then every change, table by table."""
    out = [f"bdigest-data {version_span(diff)}",
           f"smallest version bump required: {diff.bump}"]
    out += [f"  because {c}" for c in diff.reasons()]
    if problem := diff.version_problem:
        out.append(f"VERSION TOO LOW: {problem}")
    out += [f"[{c.bump}] {c}" for c in diff.changes]
    for t in diff.tables:
        if t.status == "unchanged":
            continue
        out.append(f"table {t.name} ({t.status}; key {', '.join(t.key_fields)}): {counts(t)}")
        out += [f"  [{c.bump}] {c}" for c in t.changes]
        out += [f"  + {t.key(r)}" for r in t.added]
        out += [f"  - {t.key(r)}" for r in t.removed]
        for rc in t.changed:
            out.append(f"  ~ {rc.key}")
            out += [f"      {f}: {b!r} -> {a!r}" for f, (b, a) in rc.fields.items()]
        if t.note:
            out.append(f"  note: {t.note}")
    if unchanged := _unchanged(diff):
        out.append(f"unchanged tables: {', '.join(unchanged)}")
    return "\n".join(out) + "\n"


def render_markdown(diff: PackageDiff) -> str:
    """A Markdown report with one section per changed table and a before/after table."""
    out = [f"# bdigest-data {version_span(diff)}", "",
           f"**Smallest version bump required: {diff.bump}**", ""]
    out += [f"- because {c}" for c in diff.reasons()]
    if problem := diff.version_problem:
        out += ["", f"**Version too low:** {problem}."]
    if diff.changes:
        out += ["", "## Package", ""] + [f"- *({c.bump})* {c}" for c in diff.changes]
    for t in diff.tables:
        if t.status == "unchanged":
            continue
        key = ", ".join(f"`{f}`" for f in t.key_fields)
        out += ["", f"## `{t.name}` ({t.status})", "", f"Primary key {key}: {counts(t)}."]
        if t.changes:
            out += ["", "### Schema", ""] + [f"- *({c.bump})* {c}" for c in t.changes]
        for rows, title in ((t.added, "Rows added"), (t.removed, "Rows removed")):
            if rows:
                out += ["", f"### {title}", ""] + [f"- `{md_cell(t.key(r))}`" for r in rows]
        if t.changed:
            out += ["", "### Rows changed", "", "| key | field | before | after |",
                    "| --- | --- | --- | --- |"]
            out += [f"| `{md_cell(rc.key)}` | `{f}` | {md_cell(b)} | {md_cell(a)} |"
                    for rc in t.changed for f, (b, a) in rc.fields.items()]
        if t.note:
            out += ["", f"Note: {t.note}"]
    if unchanged := _unchanged(diff):
        out += ["", "Unchanged tables: " + ", ".join(f"`{n}`" for n in unchanged) + "."]
    return "\n".join(out) + "\n"


def render_json(diff: PackageDiff) -> str:
    """The whole diff as JSON (rows added/removed in full, field-level before/after)."""
    return json.dumps(diff.to_dict(), indent=2, ensure_ascii=False) + "\n"


RENDERERS: dict[str, Callable[[PackageDiff], str]] = {
    "text": render_text, "markdown": render_markdown, "json": render_json,
}


def render(diff: PackageDiff, fmt: str = "text") -> str:
    """The diff in ``fmt`` (one of ``FORMATS``)."""
    return RENDERERS[fmt](diff)
