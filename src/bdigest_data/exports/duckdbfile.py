"""DuckDB export: the database file OUT, one typed table per resource, with keys, ENUM
types, CHECK constraints, comments, a metadata table and views for the common joins.

Column types (``metadata.types``): string -> VARCHAR, enum and the derived precision -> ENUM
of the categories in the schema's order (DuckDB compares ENUM values by that order),
integer -> BIGINT, number -> DOUBLE, boolean -> BOOLEAN, dates and the derived EDTF dates
-> DATE. Constraints from the Table
Schema: ``required`` -> NOT NULL, ``unique`` -> UNIQUE, ``minimum``/``maximum`` -> CHECK
(col >= / <= n), ``minLength`` -> CHECK (length(col) >= n), ``pattern`` -> CHECK
(regexp_full_match(col, pattern)); ``primaryKey`` and ``foreignKeys`` become PRIMARY KEY
and FOREIGN KEY clauses, which DuckDB enforces (tables are created after the tables they
refer to; a row that refers to another row of its own table is inserted after it).

Every table, view and column has a ``COMMENT`` (``duckdb_tables()``, ``duckdb_views()``,
``duckdb_columns()``): the table's description and grain, each column's description. The
table ``_meta_package`` (key, value) holds the package's name, version, title,
description, licence and citation. Views, all derived from the schemas' keys and roles
(:func:`source_views`, :func:`lookup_views`, :func:`child_views`):

- ``<table>_with_source`` for each table that cites an article: its rows with the
  article's title and publication date (``source_title``, ``source_published`` and its
  derived columns), the columns ``bdigest_data.load(table, with_sources=True)`` gives;
- ``<table>_with_<lookup>`` for each lookup table a table refers to once (e.g.
  ``visits_with_places``: ``place_name``, ``place_latitude`` …);
- ``<parent>_<child>`` for each fact table that refers to another (e.g.
  ``visits_participants``: every visit with each of its participants);
- ``events``: every dyadic fact, as ``bdigest_data.events()`` gives it.

The file is written with 16 KiB storage blocks (about 0.2 MB instead of DuckDB's default
10 MB for this package). Needs the ``duckdb`` package (``pip install 'bdigest-data[duckdb]'``).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bdigest_data.exports import sql
from bdigest_data.exports.parquet import arrow_table
from bdigest_data.exports.sql import literal, quote
from bdigest_data.loader.columns import Column
from bdigest_data.loader.frames import SOURCE_COLUMNS
from bdigest_data.loader.package import ExportPackage, ExportTable
from bdigest_data.loader.values import column_values
from bdigest_data.metadata import roles

# bytes per storage block: DuckDB's default (256 KiB) makes a 10 MB file of this package
BLOCK_SIZE = 16384
META_TABLE = "_meta_package"
META_DDL = f"""CREATE TABLE {META_TABLE} (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)"""
META_COMMENTS = {
    "": "The package: name, version, title, description, licence and citation.",
    "key": "What the value is: name, version, title, description, license or citation.",
    "value": "The value.",
}


@dataclass(frozen=True)
class View:
    """A view over the exported tables: its name, description, query and column comments."""

    name: str
    description: str
    query: str
    columns: dict[str, str]


def column_type(col: Column) -> str:
    """The DuckDB type of a column (``metadata.Field.duckdb_type``; an ``ENUM`` of its
    categories for a field that has them)."""
    return col.field.duckdb_type or f"ENUM({', '.join(map(literal, col.categories))})"


def checks(col: Column) -> list[str]:
    """The CHECK expressions of one column (its ENUM type holds its categories)."""
    out = sql.limit_checks(col, skip=("in",))
    if col.pattern is not None:
        out.append(f"regexp_full_match({quote(col.name)}, {literal(col.pattern)})")
    return out


def create_table(table: ExportTable) -> str:
    """The ``CREATE TABLE`` statement of one table."""
    return sql.create_table(table, column_type, checks)


def _key_stem(field: str) -> str:
    """The prefix a joined table's columns take from the field that refers to it
    (``place_id`` -> ``place``, ``visitor_person`` -> ``visitor_person``)."""
    return field.removesuffix("_id")


def _on(left: str, right: str, fields: list[str], ref_fields: list[str]) -> str:
    return " AND ".join(f"{left}.{quote(a)} = {right}.{quote(b)}"
                        for a, b in zip(fields, ref_fields, strict=True))


def _join_view(name: str, description: str, base: ExportTable, other: ExportTable,
               keys: tuple[list[str], list[str]], taken: list[tuple[Column, str]]) -> View:
    """The view ``name``: every row of ``base`` (all its columns) LEFT JOINed with ``other``
    on ``keys`` (``base``'s fields, ``other``'s fields), adding the ``taken`` columns of
    ``other`` under their new names."""
    picked = ", ".join(f"o.{quote(col.name)} AS {quote(alias)}" for col, alias in taken)
    columns = {c.name: c.description for c in base.columns}
    columns.update({alias: f"From {other.name}: {col.description}" for col, alias in taken})
    query = (f"SELECT b.*, {picked} FROM {quote(base.name)} AS b LEFT JOIN {quote(other.name)} "
             f"AS o ON {_on('b', 'o', *keys)}")
    return View(name, description, query, columns)


def source_views(pkg: ExportPackage) -> list[View]:
    """``<table>_with_source`` for every table with a foreign key to the sources table
    (``"bdigest:role": "sources"``): its rows with their article's title and publication
    date (the fields with the roles ``SOURCE_COLUMNS``) and its derived columns."""
    src = next((t for t in pkg.tables if t.model.role == roles.SOURCES), None)
    if src is None:
        return []
    names = [n for role in SOURCE_COLUMNS if (n := src.model.role_name(role))]
    wanted = [c for c in src.columns if c.name in names or c.derived_from in names]
    views = []
    for t in pkg.tables:
        keys = [(f, rf) for f, ref, rf in t.foreign_keys() if ref == src.name != t.name]
        if not keys:
            continue
        views.append(_join_view(
            f"{t.name}_with_source", f"{t.title}, each row with the title and publication date "
            f"of its source article (from {src.name}).", t, src, keys[0],
            [(c, f"source_{c.name}") for c in wanted]))
    return views


def lookup_views(pkg: ExportPackage) -> list[View]:
    """``<table>_with_<lookup>`` for every table that refers exactly once to a lookup table
    (one that is neither a fact table nor the sources): its rows with the lookup row's
    columns, prefixed by the referring field (``visits.place_id`` -> ``place_name``,
    ``place_latitude`` …)."""
    by_name = {t.name: t for t in pkg.tables}
    views = []
    for t in pkg.tables:
        refs: dict[str, list[tuple[list[str], list[str]]]] = {}
        for fields, ref, ref_fields in t.foreign_keys():
            target = by_name.get(ref)
            if target is not None and ref != t.name and target.model.role not in (roles.FACTS,
                                                                                  roles.SOURCES):
                refs.setdefault(ref, []).append((fields, ref_fields))
        for ref, keys in refs.items():
            if len(keys) != 1 or len(keys[0][0]) != 1:
                continue
            (field,), ref_fields = keys[0]
            lookup = by_name[ref]
            taken = [c for c in lookup.columns if c.name not in ref_fields]
            stem = _key_stem(field)
            views.append(_join_view(
                f"{t.name}_with_{ref}", f"{t.title}, each row with the {ref} row its {field} "
                "names.", t, lookup, ([field], ref_fields),
                [(c, f"{stem}_{c.name}") for c in taken]))
    return views


def child_views(pkg: ExportPackage) -> list[View]:
    """``<parent>_<child>`` for every fact table (child) that refers to another fact table
    (parent), e.g. ``visits_participants``: one row per parent row and child row (a parent
    row without children once, with empty child columns): the parent's columns, then the
    child's own (the fields every fact table shares and the referring field left out;
    a name the parent also has prefixed ``<child>_``)."""
    facts = {t.name: t for t in pkg.tables if t.model.role == roles.FACTS}
    shared = set.intersection(*({c.name for c in t.columns} for t in facts.values())) \
        if facts else set()
    views = []
    for child in facts.values():
        for fields, ref, ref_fields in child.foreign_keys():
            parent = facts.get(ref)
            if parent is None or ref == child.name:
                continue
            names = {c.name for c in parent.columns}
            own = [c for c in child.columns if c.name not in shared and c.name not in fields]
            views.append(_join_view(
                f"{parent.name}_{child.name}", f"{parent.title}, each with its {child.name} "
                f"(one row per {child.name} row; a row without any once).", parent, child,
                (ref_fields, fields),
                [(c, f"{child.name}_{c.name}" if c.name in names else c.name) for c in own]))
    return views


def event_views(pkg: ExportPackage) -> list[View]:
    """``events``: ``bdigest_data.events()`` in SQL (:func:`sql.events_view`)."""
    from bdigest_data.loader import events

    query = sql.events_view(pkg)
    return [] if query is None else [View(events.VIEW, events.DESCRIPTION, query, events.FIELDS)]


def views(pkg: ExportPackage) -> list[View]:
    """The views of the export: sources, lookups and child fact tables joined; events."""
    return [*source_views(pkg), *lookup_views(pkg), *child_views(pkg), *event_views(pkg)]


def insert_batches(table: ExportTable) -> list[list[int]]:
    """The table's row positions in INSERT batches, in CSV order: DuckDB checks a foreign key
    against the rows already in the table, not those of the same INSERT, so a row that
    refers to a row of its own table goes in a later batch than that row. ``ValueError``
    when rows refer to each other in a cycle."""
    own = [(fields, ref_fields) for fields, ref, ref_fields in table.foreign_keys()
           if ref == table.name]
    n = len(table.frame)
    if not own:
        return [list(range(n))] if n else []
    kinds = {c.name: c.kind for c in table.columns}
    values = {name: column_values(table.frame[name], kinds[name])
              for fields, ref_fields in own for name in (*fields, *ref_fields)}

    def key(i: int, fields: list[str]) -> tuple[Any, ...] | None:
        k = tuple(values[f][i] for f in fields)
        return None if None in k else k

    row_of = [{key(i, rf): i for i in range(n)} for _, rf in own]
    parents = [{row_of[j][k] for j, (f, _) in enumerate(own)
                if (k := key(i, f)) is not None and row_of[j].get(k, i) != i}
               for i in range(n)]
    batches: list[list[int]] = []
    inserted: set[int] = set()
    pending = list(range(n))
    while pending:
        batch: list[int] = []
        later: list[int] = []
        for i in pending:
            if not parents[i] <= inserted | set(batch):
                later.append(i)
                continue
            if parents[i] & set(batch):
                batches.append(batch)
                inserted.update(batch)
                batch = []
            batch.append(i)
        if batch:
            batches.append(batch)
            inserted.update(batch)
        if len(later) == len(pending):
            raise ValueError(f"table {table.name!r}: rows {later[:5]} refer to each other in a "
                             "cycle")
        pending = later
    return batches


def _comment(con: Any, kind: str, target: str, text: str) -> None:
    con.execute(f"COMMENT ON {kind} {target} IS {literal(text)}")


def _write_table(con: Any, pkg: ExportPackage, table: ExportTable) -> None:
    con.execute(create_table(table))
    data = arrow_table(pkg, table)
    for batch in insert_batches(table):
        con.register("_bdigest_rows", data.take(batch))
        con.execute(f"INSERT INTO {quote(table.name)} SELECT * FROM _bdigest_rows")
        con.unregister("_bdigest_rows")
    description = " ".join(p for p in (table.description, f"Grain: {table.grain}" if
                                       table.grain else "") if p)
    _comment(con, "TABLE", quote(table.name), description or table.title)
    for col in table.columns:
        _comment(con, "COLUMN", f"{quote(table.name)}.{quote(col.name)}",
                 col.description or col.title)


def _write_view(con: Any, view: View) -> None:
    con.execute(f"CREATE VIEW {quote(view.name)} AS {view.query}")
    _comment(con, "VIEW", quote(view.name), view.description)
    for name, text in view.columns.items():
        _comment(con, "COLUMN", f"{quote(view.name)}.{quote(name)}", text or name)


def _duckdb() -> Any:
    try:
        return importlib.import_module("duckdb")
    except ImportError as exc:
        raise ImportError("the duckdb export needs duckdb: pip install 'bdigest-data[duckdb]'"
                          ) from exc


def outputs(out: Path, tables: list[str]) -> list[Path]:
    """The files an export to ``out`` writes: the database."""
    return [out]


def write(pkg: ExportPackage, out: Path) -> None:
    """Write the database ``out``."""
    con = _duckdb().connect()
    try:
        con.execute(f"ATTACH {literal(str(out))} AS bdigest (BLOCK_SIZE {BLOCK_SIZE})")
        con.execute("USE bdigest")
        con.execute("BEGIN TRANSACTION")
        for table in sql.creation_order(pkg.tables):
            _write_table(con, pkg, table)
        con.execute(META_DDL)
        con.executemany(f"INSERT INTO {META_TABLE} VALUES (?, ?)", list(pkg.about().items()))
        _comment(con, "TABLE", META_TABLE, META_COMMENTS[""])
        for name in ("key", "value"):
            _comment(con, "COLUMN", f"{META_TABLE}.{name}", META_COMMENTS[name])
        for view in views(pkg):
            _write_view(con, view)
        con.execute("COMMIT")
    finally:
        con.close()
