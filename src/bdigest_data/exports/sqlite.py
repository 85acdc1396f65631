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
file ``datasette <name>.db --metadata <name>.metadata.json`` reads. The view ``events`` is
``bdigest_data.events()`` in SQL (:func:`bdigest_data.exports.sql.events_view`).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from bdigest_data.exports import sql
from bdigest_data.exports.sql import limit_checks, quote
from bdigest_data.loader.columns import Column
from bdigest_data.loader.events import VIEW
from bdigest_data.loader.package import ExportPackage, ExportTable
from bdigest_data.loader.values import iso, rows

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


def checks(col: Column) -> list[str]:
    """The CHECK expressions of one column, from its Table Schema constraints."""
    out = limit_checks(col)
    if col.kind == "date":
        c = quote(col.name)
        out.append(f"{c} = date({c}, '+0 days')")  # the modifier normalises 02-30 to 03-02
    return out


def create_table(table: ExportTable) -> str:
    """The ``CREATE TABLE`` statement of one table."""
    return sql.create_table(table, lambda col: col.sql_type, checks)


def _insert(con: sqlite3.Connection, table: ExportTable) -> None:
    marks = ", ".join("?" for _ in table.columns)
    con.executemany(
        f"INSERT INTO {quote(table.name)} VALUES ({marks})",
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
            [(t.name, c.name, i, c.schema_type, c.sql_type, c.title, c.description,
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
            query = sql.events_view(pkg)
            if query is not None:
                con.execute(f"CREATE VIEW {quote(VIEW)} AS {query}")
        broken = con.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise ValueError(f"foreign keys that do not resolve in the export: {broken[:5]}")
    finally:
        con.close()
    metadata_path(out).write_text(
        json.dumps(datasette_metadata(pkg, out.stem), indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
