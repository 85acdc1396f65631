"""Parquet export: one ``<table>.parquet`` file per table in the directory OUT, and
``events.parquet``, the dyadic events view (``bdigest_data.events()``).

Arrow types (``metadata.types``): string -> ``string``, enum and precision ->
``dictionary<int32, string>`` (ordered when the categories are), integer -> ``int64``
(nullable), number -> ``float64``, boolean -> ``bool``, dates and the derived EDTF dates ->
``date32``. Required fields are non-nullable. Each field's metadata
holds its ``title`` and ``description`` (and ``derived_from``); the schema metadata holds
the package name, version, licence and citation, the table's title, description and grain,
its Table Schema (``bdigest:table_schema``) and pandas' own metadata.

Reading back: :func:`read_parquet` (``bdigest_data.read_parquet``) gives the frame
``bdigest_data.load`` gives, with the same dtypes on pandas 2 and 3, or the polars frame
(``backend="polars"``): it converts the file's schema fields with the loader's own
converters, read from the Table Schema stored in the file, and refuses a category or EDTF
date its schema does not allow. Plain ``pq.read_table(f).to_pandas()`` (or
``pd.read_parquet``) does not: the derived dates come back as ``datetime.date`` objects
(``object`` dtype).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bdigest_data.findings import Finding, ValidationError
from bdigest_data.loader.columns import Column
from bdigest_data.loader.package import ExportPackage, ExportTable
from bdigest_data.metadata import roles
from bdigest_data.metadata.classes import TableSchema

SCHEMA_KEY = b"bdigest:table_schema"


def arrow_field(col: Column) -> pa.Field:
    """The Arrow field of a column (its type ``metadata.Field.parquet_type``), with its
    title and description as field metadata."""
    meta = {"title": col.title, "description": col.description}
    if col.derived_from:
        meta["derived_from"] = col.derived_from
    return pa.field(col.name, col.field.parquet_type, nullable=not col.required, metadata=meta)


def arrow_table(pkg: ExportPackage, table: ExportTable) -> pa.Table:
    """The table as Arrow, typed per its columns, with package and table metadata."""
    schema = pa.schema([arrow_field(c) for c in table.columns])
    data = pa.Table.from_pandas(table.frame, schema=schema, preserve_index=False)
    about = {f"bdigest:{k}": v for k, v in pkg.about().items()}
    about.update({
        "bdigest:table": table.name,
        "bdigest:table_title": table.title,
        "bdigest:table_description": table.description,
        roles.GRAIN: table.grain,
        SCHEMA_KEY.decode(): json.dumps(table.schema, ensure_ascii=False),
    })
    meta = {**(data.schema.metadata or {}), **{k.encode(): v.encode() for k, v in about.items()}}
    return data.replace_schema_metadata(meta)


def outputs(out: Path, tables: list[str]) -> list[Path]:
    """The files an export to the directory ``out`` writes: one per table, and
    ``events.parquet`` when the package has the ``event_types`` table."""
    from bdigest_data.loader import events

    extra = [events.VIEW] if events.LOOKUP in tables else []
    return [out / f"{name}.parquet" for name in [*tables, *extra]]


def events_table(pkg: ExportPackage) -> pa.Table:
    """``bdigest_data.events()`` as Arrow, with the package's metadata and each column's
    description."""
    from bdigest_data.loader import events

    by_name = {t.name: t for t in pkg.tables}
    frame = events.view(lambda name: by_name[name].frame,
                        lambda name: next(f.name for f in by_name[name].model.fields if f.edtf))
    data = pa.Table.from_pandas(frame, preserve_index=False)
    data = pa.table(data.columns, schema=pa.schema(
        [f.with_metadata({"description": events.FIELDS[f.name]}) for f in data.schema],
        metadata=data.schema.metadata))
    about = {f"bdigest:{k}": v for k, v in pkg.about().items()}
    about |= {"bdigest:table": events.VIEW, "bdigest:table_description": events.DESCRIPTION}
    meta = {**(data.schema.metadata or {}), **{k.encode(): v.encode() for k, v in about.items()}}
    return data.replace_schema_metadata(meta)


def write(pkg: ExportPackage, out: Path) -> None:
    """Write ``<table>.parquet`` for every table into the directory ``out``, and
    ``events.parquet`` (the dyadic events view; read it with ``pd.read_parquet`` or
    ``pl.read_parquet``)."""
    from bdigest_data.loader import events

    out.mkdir(parents=True, exist_ok=True)
    for table in pkg.tables:
        pq.write_table(arrow_table(pkg, table), out / f"{table.name}.parquet")
    if any(t.name == events.LOOKUP for t in pkg.tables):
        pq.write_table(events_table(pkg), out / f"{events.VIEW}.parquet")


def read_parquet(path: str | Path, *, backend: str = "pandas") -> Any:
    """A file of the Parquet export as the frame ``bdigest_data.load`` gives for its table
    (``backend`` ``"pandas"`` or ``"polars"``): the same columns, dtypes and values,
    whichever pandas wrote or reads it. The fields are converted as the loader converts
    them, from the Table Schema stored in the file, and their derived EDTF columns
    recomputed; ``ValidationError`` for a value outside a field's categories or a malformed
    EDTF date (naming file, row, field and value), ``ValueError`` for a column of another
    type or a file this export did not write. A pandas
    frame's ``attrs`` are those of ``load`` (``source`` is the Parquet file).
    """
    from bdigest_data.loader import backends, convert, frames

    chosen = backends.named(backend)
    path = Path(path)
    data = pq.read_table(path)
    meta = data.schema.metadata or {}
    if SCHEMA_KEY not in meta:
        raise ValueError(f"{path}: not written by the bdigest-data Parquet export (no "
                         f"{SCHEMA_KEY.decode()} in its schema metadata)")
    schema = TableSchema.parse(json.loads(meta[SCHEMA_KEY]))
    converters = [convert.Converter(field) for field in schema.fields]
    columns: dict[str, Any] = {}
    bad: list[convert.BadCell] = []
    for conv in converters:
        if conv.name not in data.column_names:
            raise ValueError(f"{path}: no column {conv.name!r}, a field of its Table Schema")
        column = data.column(conv.name).combine_chunks()
        if pa.types.is_dictionary(column.type):
            column = column.dictionary_decode()
        try:
            typed = pc.cast(column, conv.target)  # safe: refuses a lossy conversion
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise ValueError(f"{path}: column {conv.name!r} of type {column.type} is not of "
                             f"type {conv.field.type}: {exc}") from None
        if conv.rule is None:  # text: categories and EDTF dates checked as the loader does
            typed, errors = conv.to_arrow(typed)
            bad += errors
        columns[conv.name] = typed
    if bad:
        raise ValidationError([Finding(b.code, f"{path}, row {b.index + 1}, field {b.field!r}: "
                                       f"{b.message}", row=b.index + 1, field=b.field,
                                       value=b.value) for b in bad])
    about = {k.decode(): v.decode() for k, v in meta.items() if k.startswith(b"bdigest:")}
    return chosen.frame(converters, columns, (), {
        "table": about.get("bdigest:table", ""),
        "title": about.get("bdigest:table_title", ""),
        "description": about.get("bdigest:table_description", ""),
        "fields": frames.descriptions(schema),
        "version": about.get("bdigest:version", ""),
        "source": str(path),
        "citation": about.get("bdigest:citation", ""),
    })
