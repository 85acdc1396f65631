"""The data dictionary (``docs/data-dictionary.md``), rendered from the schemas and the data.

Everything in it comes from the Table Schemas (descriptions, types, constraints, keys, the
``bdigest:grain`` property) and the CSV files (row counts, an example value per field), so
it cannot drift from them: ``scripts/build_data_dictionary.py --check`` fails when the
committed file differs from what :func:`render` returns.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bdigest_data import metadata
from bdigest_data.exports.columns import Column, convert_field, table_columns
from bdigest_data.exports.values import column_values, iso
from bdigest_data.metadata.classes import Resource, TableSchema
from bdigest_data.metadata.files import PackageFiles

EXAMPLE_CHARS = 60
GENERATOR = "scripts/build_data_dictionary.py"
OUTPUT = "docs/data-dictionary.md"


def _cell(text: str) -> str:
    """Text made safe for one cell of a Markdown table (one line, pipes escaped)."""
    return " ".join(text.split()).replace("|", "\\|")


def _code(text: str) -> str:
    """``text`` as an inline code span (a double fence when it holds a backtick)."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _example(text: str) -> str:
    """An example value as code, shortened to ``EXAMPLE_CHARS`` characters."""
    text = " ".join(text.split())
    if len(text) > EXAMPLE_CHARS:
        text = text[: EXAMPLE_CHARS - 1].rstrip() + "…"
    return _code(text)


def _read_csv(path: Path) -> tuple[int, dict[str, str]]:
    """Number of data rows and the first non-empty cell of each column of a CSV file."""
    with path.open(encoding="utf-8", newline="") as fh:
        data = list(csv.DictReader(fh))
    examples: dict[str, str] = {}
    for row in data:
        for key, value in row.items():
            if value and key not in examples:
                examples[key] = value
    return len(data), examples


def _examples(schema: TableSchema, cells: dict[str, str], columns: list[Column]) -> dict:
    """Example of every column: the CSV cell, or the value ``load`` derives from it."""
    kinds = {c.name: c.kind for c in columns}
    out = dict(cells)
    for field in schema.fields:
        if field.name not in cells:
            continue
        for name, series in convert_field(field, [cells[field.name]]).items():
            if name != field.name:
                out[name] = str(iso(column_values(series, kinds[name])[0]))
    return out


def _foreign_keys(name: str, schema: TableSchema) -> dict[str, str]:
    """Field name -> ``table.field`` it references (a reference to ``""`` is this table)."""
    out = {}
    for fk in schema.foreignKeys:
        for here, there in zip(fk.fields, fk.reference.fields, strict=True):
            out[here] = f"{fk.target(name)}.{there}"
    return out


# Column.limits() operator -> the constraint in words
_LIMITS: dict[str, Callable[[Any], str]] = {
    "in": lambda values: "one of " + ", ".join(_code(v) for v in values),
    ">=": lambda bound: f"≥ {bound}",
    "<=": lambda bound: f"≤ {bound}",
    "min_length": lambda n: f"at least {n} characters",
}


def _constraints(col: Column, foreign: dict[str, str]) -> str:
    """The constraints of a column in words: required, unique, range, values, pattern, key."""
    parts = []
    if col.derived_from:
        parts.append(f"derived from {_code(col.derived_from)}")
    if col.required:
        parts.append("required")
    if col.unique:
        parts.append("unique")
    parts += [_LIMITS[op](value) for op, value in col.limits()]
    if col.edtf:
        parts.append("EDTF date")
    elif col.pattern:
        parts.append(f"pattern {_code(col.pattern)}")
    if col.name in foreign:
        parts.append(f"→ {_code(foreign[col.name])}")
    return "; ".join(parts)


def _table_section(name: str, res: Resource, files: PackageFiles) -> tuple[str, int, str]:
    """The Markdown section of one table, its row count and its grain."""
    schema = res.table
    assert schema is not None  # metadata.package raises for a faulty schema
    columns = table_columns(schema)
    rows, cells = _read_csv(files.path(res.path))
    examples = _examples(schema, cells, columns)
    grain = schema.grain
    foreign = _foreign_keys(name, schema)
    lines = [
        f"## {name}",
        "",
        f"**{res.title or name}.** {schema.description or res.description or ''}",
        "",
        f"- Grain: {grain}",
        f"- Rows: {rows}",
        f"- File: `{res.path}`, schema `{res.schema_}`",
        f"- Primary key: {', '.join(_code(k) for k in schema.primary_key)}",
        "",
        "| Field | Type | Constraints | Description | Example |",
        "| --- | --- | --- | --- | --- |",
    ]
    for col in columns:
        example = examples.get(col.name)
        cells_md = [
            _code(col.name),
            col.schema_type,
            _cell(_constraints(col, foreign)),
            _cell(col.description),
            _cell(_example(example)) if example else "",
        ]
        lines.append("| " + " | ".join(cells_md) + " |")
    return "\n".join(lines) + "\n", rows, grain


def render(path: str | Path | None = None) -> str:
    """The data dictionary of the package at ``path`` (default: the installed one) as Markdown."""
    files = metadata.files_of(path)
    model = metadata.package(files)
    desc = model.raw
    sections, overview = [], []
    for name in model.table_names:
        section, rows, grain = _table_section(name, model.by_name[name], files)
        sections.append(section)
        overview.append(f"| [{name}](#{name}) | {rows} | {_cell(grain)} |")
    head = [
        "# Data dictionary",
        "",
        f"{desc.get('title', desc['name'])}, version {desc['version']}.",
        "",
        f"Generated by `{GENERATOR}` from the Table Schemas in `schemas/` and the CSV"
        " files in `data/`; do not edit it by hand. Columns marked *derived from* are not in"
        " the CSV files: `bdigest_data.load()` and every export add them to each EDTF date"
        " (its first and last possible day and its precision). The example is the first"
        " non-empty value of the field in its file (for a derived column, the value derived"
        " from that example).",
        "",
        "| Table | Rows | Grain |",
        "| --- | --- | --- |",
        *overview,
        "",
    ]
    return "\n".join(head) + "\n" + "\n".join(sections)
