"""Parquet export: one ``<table>.parquet`` file per table in the directory OUT.

Arrow types: string -> ``string``, enum and precision -> ``dictionary<int32, string>``
(ordered when the categories are), integer -> ``int64`` (nullable), number -> ``float64``,
derived EDTF dates -> ``date32``. Required fields are non-nullable. Each field's metadata
holds its ``title`` and ``description`` (and ``derived_from``); the schema metadata holds
the package name, version, licence and citation, the table's title, description and grain,
its Table Schema (``bdigest:table_schema``) and pandas' own metadata, so
``pq.read_table(f).to_pandas()`` restores the loaded dtypes (dates come back as
``datetime.date`` objects, or ``datetime64`` with ``date_as_object=False``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from bdigest_data.exports.columns import Column
from bdigest_data.exports.package import ExportPackage, ExportTable

ARROW_TYPES = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(),
               "date": pa.date32()}


def arrow_field(col: Column) -> pa.Field:
    """The Arrow field of a column, with its title and description as field metadata."""
    if col.kind == "category":
        typ = pa.dictionary(pa.int32(), pa.string(), ordered=col.ordered)
    else:
        typ = ARROW_TYPES[col.kind]
    meta = {"title": col.title, "description": col.description}
    if col.derived_from:
        meta["derived_from"] = col.derived_from
    return pa.field(col.name, typ, nullable=not col.required, metadata=meta)


def arrow_table(pkg: ExportPackage, table: ExportTable) -> pa.Table:
    """The table as Arrow, typed per its columns, with package and table metadata."""
    schema = pa.schema([arrow_field(c) for c in table.columns])
    data = pa.Table.from_pandas(table.frame, schema=schema, preserve_index=False)
    about = {f"bdigest:{k}": v for k, v in pkg.about().items()}
    about.update({
        "bdigest:table": table.name,
        "bdigest:table_title": table.title,
        "bdigest:table_description": table.description,
        "bdigest:grain": table.grain,
        "bdigest:table_schema": json.dumps(table.schema, ensure_ascii=False),
    })
    meta = {**(data.schema.metadata or {}), **{k.encode(): v.encode() for k, v in about.items()}}
    return data.replace_schema_metadata(meta)


def outputs(out: Path, tables: list[str]) -> list[Path]:
    """The files an export to the directory ``out`` writes: one per table."""
    return [out / f"{name}.parquet" for name in tables]


def write(pkg: ExportPackage, out: Path) -> None:
    """Write ``<table>.parquet`` for every table into the directory ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    for table in pkg.tables:
        pq.write_table(arrow_table(pkg, table), out / f"{table.name}.parquet")
