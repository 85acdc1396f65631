"""JSON export: one file with the package metadata and, per table, its schema and records.

Layout::

    {"name", "version", "title", "description", "license", "citation",
     "tables": {"<table>": {"title", "description", "grain", "schema", "records": [...]}}}

``schema`` is the table's Table Schema with a field added for every derived column
(``type: date`` for the EDTF bounds, an ordered ``enum`` for the precision, each with
``bdigest:derivedFrom``), so it describes every key of the records. A record maps every
column to a JSON value: integers and numbers as numbers, categories and strings as strings,
dates as ``YYYY-MM-DD``, missing values as ``null``. Applying
``bdigest_data.loader.convert.pandas_dtype`` to each schema field restores the loaded dtypes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bdigest_data.loader.columns import Column
from bdigest_data.loader.package import ExportPackage, ExportTable
from bdigest_data.loader.values import iso, rows


def derived_field(col: Column) -> dict[str, Any]:
    """A Table Schema field describing a derived column."""
    field: dict[str, Any] = {"name": col.name, "type": col.schema_type, "title": col.title,
                             "description": col.description}
    if col.kind == "category":
        field.update(type="string", constraints={"enum": col.categories},
                     categoriesOrdered=col.ordered)
    field["bdigest:derivedFrom"] = col.derived_from
    return field


def export_schema(table: ExportTable) -> dict[str, Any]:
    """The table's Table Schema with the derived columns added after their fields."""
    fields = {f.name: f.raw for f in table.model.fields}  # each as written
    schema = dict(table.schema)
    schema["fields"] = [fields.get(c.name) or derived_field(c) for c in table.columns]
    return schema


def document(pkg: ExportPackage) -> dict[str, Any]:
    """The whole export as one JSON-ready dict."""
    tables = {}
    for t in pkg.tables:
        names = [c.name for c in t.columns]
        tables[t.name] = {
            "title": t.title,
            "description": t.description,
            "grain": t.grain,
            "schema": export_schema(t),
            "records": [dict(zip(names, map(iso, row), strict=True)) for row in rows(t)],
        }
    return {**pkg.about(), "tables": tables}


def outputs(out: Path, tables: list[str]) -> list[Path]:
    """The file an export to ``out`` writes."""
    return [out]


def write(pkg: ExportPackage, out: Path) -> None:
    """Write the JSON document to ``out`` (UTF-8, indented; NaN is refused)."""
    text = json.dumps(document(pkg), indent=1, ensure_ascii=False, allow_nan=False)
    out.write_text(text + "\n", encoding="utf-8")
