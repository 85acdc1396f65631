"""SQLite export: one typed table per resource with keys and CHECK constraints.

Column types: string and enum -> TEXT, integer -> INTEGER, number -> REAL, the derived
EDTF dates -> DATE holding ``YYYY-MM-DD`` text. Constraints from the Table Schema:
``required`` -> NOT NULL, ``unique`` -> UNIQUE, ``enum`` -> CHECK (col IN (...)),
``minimum``/``maximum`` -> CHECK (col >= / <= n), ``minLength`` -> CHECK (length(col) >= n),
dates -> CHECK (col = date(col, '+0 days')), a real day written YYYY-MM-DD; ``primaryKey``
and ``foreignKeys`` become PRIMARY KEY and FOREIGN KEY clauses. ``pattern`` has no SQLite
equivalent (validation enforces it before the export).

Descriptions travel in three tables in the database, ``_meta_package`` (key, value),
``_meta_tables`` and ``_meta_columns``, and in ``<name>.metadata.json`` next to it, the
file ``datasette <name>.db --metadata <name>.metadata.json`` reads.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bdigest_data.exports.columns import Column
from bdigest_data.exports.package import ExportPackage, ExportTable
from bdigest_data.exports.values import iso, rows

SQL_TYPES = {"string": "TEXT", "category": "TEXT", "integer": "INTEGER", "number": "REAL",
             "date": "DATE"}

META_DDL = """
CREATE TABLE _meta_package (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE _meta_tables (
  table_name TEXT PRIMARY KEY, title TEXT, description TEXT, grain TEXT,
  row_count INTEGER NOT NULL
);
CREATE TABLE _meta_columns (
  table_name TEXT NOT NULL REFERENCES _meta_tables (table_name),
  column_name TEXT NOT NULL, position INTEGER NOT NULL, schema_type TEXT NOT NULL,
  sql_type TEXT NOT NULL, title TEXT, description TEXT, derived_from TEXT,
  PRIMARY KEY (table_name, column_name)
);
"""


def outputs(out: Path, tables: list[str]) -> list[Path]:
    """The files an export to ``out`` writes: the database and its datasette metadata."""
    return [out, metadata_path(out)]


def metadata_path(db: Path) -> Path:
    """``data.db`` -> ``data.metadata.json``."""
    return db.with_name(db.stem + ".metadata.json")


def _q(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _literal(value: Any) -> str:
    """A SQL literal for an enum value or a bound."""
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


# Column.limits() operator -> CHECK expression of a quoted column name and the operand
_CHECKS: dict[str, Callable[[str, Any], str]] = {
    "in": lambda c, values: f"{c} IN ({', '.join(map(_literal, values))})",
    ">=": lambda c, bound: f"{c} >= {_literal(bound)}",
    "<=": lambda c, bound: f"{c} <= {_literal(bound)}",
    "min_length": lambda c, n: f"length({c}) >= {n}",
}


def checks(col: Column) -> list[str]:
    """The CHECK expressions of one column, from its Table Schema constraints."""
    c = _q(col.name)
    out = [_CHECKS[op](c, value) for op, value in col.limits()]
    if col.kind == "date":
        out.append(f"{c} = date({c}, '+0 days')")  # the modifier normalises 02-30 to 03-02
    return out


def _column_ddl(col: Column, primary_key: list[str]) -> str:
    parts = [_q(col.name), SQL_TYPES[col.kind]]
    if col.required:
        parts.append("NOT NULL")
    if col.unique and primary_key != [col.name]:
        parts.append("UNIQUE")
    parts.extend(f"CHECK ({expr})" for expr in checks(col))
    return " ".join(parts)


def create_table(table: ExportTable) -> str:
    """The ``CREATE TABLE`` statement of one table."""
    lines = [_column_ddl(col, table.primary_key) for col in table.columns]
    if table.primary_key:
        lines.append(f"PRIMARY KEY ({', '.join(map(_q, table.primary_key))})")
    for fields, ref_table, ref_fields in table.foreign_keys():
        lines.append(
            f"FOREIGN KEY ({', '.join(map(_q, fields))}) "
            f"REFERENCES {_q(ref_table)} ({', '.join(map(_q, ref_fields))})"
        )
    body = ",\n  ".join(lines)
    return f"CREATE TABLE {_q(table.name)} (\n  {body}\n)"


def _insert(con: sqlite3.Connection, table: ExportTable) -> None:
    marks = ", ".join("?" for _ in table.columns)
    con.executemany(
        f"INSERT INTO {_q(table.name)} VALUES ({marks})",
        [tuple(iso(v) for v in row) for row in rows(table)],
    )


def _write_metadata(con: sqlite3.Connection, pkg: ExportPackage) -> None:
    con.executescript(META_DDL)
    con.executemany("INSERT INTO _meta_package VALUES (?, ?)", pkg.about().items())
    for t in pkg.tables:
        con.execute("INSERT INTO _meta_tables VALUES (?, ?, ?, ?, ?)",
                    (t.name, t.title, t.description, t.grain, len(t.frame)))
        con.executemany(
            "INSERT INTO _meta_columns VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(t.name, c.name, i, c.schema_type, SQL_TYPES[c.kind], c.title, c.description,
              c.derived_from) for i, c in enumerate(t.columns, start=1)],
        )


def datasette_metadata(pkg: ExportPackage, db_name: str) -> dict[str, Any]:
    """datasette's ``metadata.json``: package, table and column descriptions."""
    return {
        "title": pkg.title,
        "description": pkg.descriptor.get("description", ""),
        "license": pkg.license.get("name", ""),
        "license_url": pkg.license.get("path", ""),
        "databases": {
            db_name: {
                "tables": {
                    t.name: {
                        "title": t.title,
                        "description": f"{t.description} Grain: {t.grain}",
                        "columns": {c.name: c.description for c in t.columns},
                    }
                    for t in pkg.tables
                }
            }
        },
    }


def write(pkg: ExportPackage, out: Path) -> None:
    """Write the database ``out`` and its ``.metadata.json``."""
    con = sqlite3.connect(out)
    try:
        with con:
            for t in pkg.tables:
                con.execute(create_table(t))
            for t in pkg.tables:
                _insert(con, t)
            _write_metadata(con, pkg)
        broken = con.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise ValueError(f"foreign keys that do not resolve in the export: {broken[:5]}")
    finally:
        con.close()
    metadata_path(out).write_text(
        json.dumps(datasette_metadata(pkg, out.stem), indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
