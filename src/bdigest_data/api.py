"""The data API: each table as a typed pandas DataFrame with its metadata in ``df.attrs``,
or as a polars DataFrame (``backend="polars"``; polars is imported only then).

Reading: pyarrow reads the CSV with every column as a string (the schema's
``missingValues`` become nulls), each column is converted to the type its Table Schema
field gives (:mod:`bdigest_data.dtypes`), strictly: a cell that does not convert, or a
blank row, raises :class:`~bdigest_data.ValidationError` naming file, row, line, field and
value. With ``validate=True`` (the default) the package's checks run first and any finding
raises ``ValidationError`` before a frame is built; a validated package is remembered for
the process (keyed by its files' sizes and modification times), so ``load_all()``
validates once. The same key caches each table's descriptor lookups, read options and
per-field converters (:class:`bdigest_data.dtypes.Converter`) and the citation, so an
edited file is read afresh. Both backends share the reading, the checks and their errors;
they differ only in the last step, Arrow columns to frame.
"""

from __future__ import annotations

import copy
import csv
import functools
import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from bdigest_data import dtypes
from bdigest_data._paths import descriptor_path
from bdigest_data.descriptor import check_name, descriptor, table_names, table_schema
from bdigest_data.findings import Finding, ValidationError
from bdigest_data.release.citation import cite

PathArg = str | Path | None
# a package's files: path, size and modification time of each
Stamp = tuple[tuple[str, int, int], ...]
SOURCES = "sources"
# columns of the sources table that ``load(..., with_sources=True)`` joins (prefixed source_)
SOURCE_COLUMNS = ("title", "published")

# the frame libraries ``load`` returns; the first is the default
BACKENDS = ("pandas", "polars")

_validated: set[tuple[Stamp, tuple[str, ...] | None]] = set()


@dataclass(frozen=True)
class _Table:
    """One table of one package: its resource, schema and CSV file, looked up once."""

    name: str
    package: Path  # the resolved datapackage.json
    descriptor: dict[str, Any]
    resource: dict[str, Any]
    schema: dict[str, Any]

    @functools.cached_property
    def csv(self) -> Path:
        """The table's CSV file."""
        return self.package.parent / self.resource["path"]

    @functools.cached_property
    def converters(self) -> tuple[dtypes.Converter, ...]:
        """One converter per field (``TypeError`` for a type without a mapping)."""
        return tuple(dtypes.Converter(field) for field in self.schema["fields"])

    @functools.cached_property
    def columns(self) -> tuple[str, ...]:
        """The frame's columns: each field followed by the columns derived from it."""
        fields = {c.name for c in self.converters}
        columns: list[str] = []
        for conv in self.converters:
            for column in (conv.name, *conv.derived):
                if column in columns or (column != conv.name and column in fields):
                    raise ValueError(f"table {self.name!r}: derived column {column!r} clashes "
                                     "with a field")
                columns.append(column)
        return tuple(columns)

    @functools.cached_property
    def options(self) -> tuple[pacsv.ParseOptions, pacsv.ConvertOptions]:
        """How the CSV is read: every column as strings, missing values (per the schema)
        as nulls, blank lines kept (as blank rows, which are then refused) so row numbers
        are exact."""
        names = [f["name"] for f in self.schema["fields"]]
        convert = pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, dtypes.TEXT),
            null_values=self.schema.get("missingValues", [""]),
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        )
        return pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False), convert


def _package(path: PathArg) -> tuple[Path, Stamp]:
    """The resolved ``datapackage.json`` of ``path`` and the fingerprint of its files."""
    package = descriptor_path(path).resolve()
    return package, _fingerprint(package)


@functools.lru_cache(maxsize=256)
def _table(name: str, package: Path, stamp: Stamp) -> _Table:
    """Table ``name`` of ``package`` (resolved), looked up once per ``stamp`` of its files."""
    return _Table(name, package, descriptor(package), check_name(name, package),
                  table_schema(name, package))


def tables(path: PathArg = None) -> list[str]:
    """Names of the tables, fact tables and lookup tables (``sources``, ``actors``)."""
    return table_names(path)


def schema(name: str, path: PathArg = None) -> dict[str, Any]:
    """The Table Schema of table ``name``: fields with type, constraints and description."""
    return copy.deepcopy(table_schema(name, path))


def load(
    name: str, *, validate: bool = True, with_sources: bool = False, path: PathArg = None,
    backend: str = "pandas",
) -> Any:
    """Table ``name`` as a DataFrame with dtypes derived from its Table Schema.

    ``validate`` runs the package's checks on the table first (``ValidationError`` with the
    findings if any fail; no frame is returned). ``with_sources`` adds the source
    article's title and publication date (``source_title``, ``source_published`` and its
    derived EDTF columns). ``path`` is a package directory or ``datapackage.json``
    (default: the installed package). ``backend`` is ``"pandas"`` (a ``pd.DataFrame``
    whose ``df.attrs`` holds table, title, description, fields (column -> description),
    version, citation and source (the CSV path)) or ``"polars"`` (a ``pl.DataFrame`` with
    the same columns and rows; polars frames have no ``attrs``: ``schema(name)`` and
    ``citation()`` give the same facts).
    """
    _check_backend(backend)
    package, stamp = _package(path)
    table = _table(name, package, stamp)
    if with_sources:
        _source_key(table)
    if validate:
        _validate(path, stamp, (name, SOURCES) if with_sources else (name,))
    if backend == "polars":
        frame = _polars_frame(table)
        return _join_sources_polars(frame, table, stamp) if with_sources else frame
    frame = _frame(table)
    frame.attrs["citation"] = _citation(package, stamp)
    return _join_sources(frame, table, stamp) if with_sources else frame


def load_all(
    *, validate: bool = True, path: PathArg = None, backend: str = "pandas"
) -> dict[str, Any]:
    """Every table by name, as :func:`load` gives it with the same ``backend``; with
    ``validate``, the whole package is checked once first."""
    _check_backend(backend)
    package, stamp = _package(path)
    if validate:
        _validate(path, stamp, None)
    names = table_names(package)
    if backend == "polars":
        return {name: _polars_frame(_table(name, package, stamp)) for name in names}
    frames = {name: _frame(_table(name, package, stamp)) for name in names}
    cited = _citation(package, stamp)
    for frame in frames.values():
        frame.attrs["citation"] = cited
    return frames


def _check_backend(backend: str) -> None:
    """Refuse an unknown backend; a known one whose library is missing says how to add it."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; the backends are: {', '.join(BACKENDS)}")
    if backend != BACKENDS[0]:
        try:
            importlib.import_module(backend)
        except ImportError as exc:
            raise ImportError(f"backend={backend!r} needs {backend}: "
                              f"pip install 'bdigest-data[{backend}]'") from exc


def sources(*, validate: bool = True, path: PathArg = None) -> pd.DataFrame:
    """The source articles: title, publisher, inferred publication date, seed offsets."""
    return load(SOURCES, validate=validate, path=path)


def arrow_table(name: str, *, validate: bool = True, path: PathArg = None) -> pa.Table:
    """Table ``name`` as an Arrow table typed per its schema (no derived columns, no attrs)."""
    package, stamp = _package(path)
    table = _table(name, package, stamp)
    if validate:
        _validate(path, stamp, (name,))
    return pa.table(_read(table))


def citation(path: PathArg = None) -> str:
    """The dataset's one-line citation (``cite("apa")``) that ``df.attrs["citation"]`` holds."""
    return _citation(*_package(path))


@functools.lru_cache(maxsize=32)
def _citation(package: Path, stamp: Stamp) -> str:
    """:func:`citation` of ``package`` (resolved), built once per ``stamp`` of its files."""
    return cite("apa", package).strip()


def _validate(path: PathArg, stamp: Stamp, names: tuple[str, ...] | None) -> None:
    """Run the package's checks on ``names`` (all tables if None) unless already passed
    for this ``stamp`` of the package's files."""
    if (stamp, None) in _validated or (stamp, names) in _validated:
        return
    from bdigest_data.validation import validate

    report = validate(path, tables=list(names) if names else None)
    if report.findings:
        raise ValidationError(report.findings)
    _validated.add((stamp, names))


def _fingerprint(package: Path) -> Stamp:
    """Identity of the package's files: path, size and modification time of each."""
    files = [package]
    for res in descriptor(package)["resources"]:
        files.append(package.parent / res["path"])
        if isinstance(res.get("schema"), str):
            files.append(package.parent / res["schema"])
    stamp = []
    for f in files:
        try:
            st = f.stat()
        except (FileNotFoundError, NotADirectoryError):  # a missing file: refused on reading
            continue
        stamp.append((str(f), st.st_size, st.st_mtime_ns))
    return tuple(stamp)


def _read(table: _Table) -> dict[str, pa.Array]:
    """The table's columns converted to their fields' Arrow types; faults raise."""
    strings = _read_strings(table)
    bad = [dtypes.BadCell(i, None, None, "blank-row", "the row is blank")
           for i in _blank_rows(strings)]
    columns: dict[str, pa.Array] = {}
    for conv, chunked in zip(table.converters, strings.columns, strict=True):
        columns[conv.name], errors = conv.to_arrow(_array(chunked))
        bad += errors
    if bad:
        lines = _lines(table.csv)
        raise ValidationError([_finding(table, lines[b.index], b) for b in bad])
    return columns


def _blank_rows(strings: pa.Table) -> list[int]:
    """The rows whose every cell is missing (none when a column has no missing cell)."""
    if not all(column.null_count for column in strings.columns):
        return []
    blank = functools.reduce(pc.and_, [pc.is_null(c) for c in strings.columns])
    return pc.indices_nonzero(blank).to_pylist()


def _array(column: pa.ChunkedArray) -> pa.Array:
    """The column as one array (a small file is read as one chunk: taken as it is)."""
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def _finding(table: _Table, line: int, bad: dtypes.BadCell) -> Finding:
    where = f"{table.csv}, row {bad.index + 1}, line {line}"
    if bad.field is not None:
        where += f", field {bad.field!r}"
    return Finding(bad.code, f"{where}: {bad.message}", table=table.name, row=bad.index + 1,
                   line=line, field=bad.field, value=bad.value)


def _read_strings(table: _Table) -> pa.Table:
    """The CSV with every column as strings; missing values (per the schema) as nulls."""
    names = [f["name"] for f in table.schema["fields"]]
    parse, options = table.options
    try:
        strings = pacsv.read_csv(table.csv, parse_options=parse, convert_options=options)
    except (OSError, pa.ArrowInvalid) as exc:
        raise ValidationError([Finding("source-error", f"{table.csv}: cannot read the CSV "
                                       f"file: {exc}", table=table.name)]) from None
    if strings.column_names != names:
        raise ValidationError([
            Finding("incorrect-label", f"{table.csv}, line 1: the header is "
                    f"{strings.column_names}; the schema's fields are {names}",
                    table=table.name, line=1, value=",".join(strings.column_names))
        ])
    return strings


def _lines(csv_path: Path) -> list[int]:
    """The 1-based physical line on which each data row (0-based) starts."""
    starts: list[int] = []
    with csv_path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        end = reader.line_num
        for _ in reader:
            starts.append(end + 1)
            end = reader.line_num
    return starts


def _frame(table: _Table) -> pd.DataFrame:
    """The typed frame of ``table`` (fields and derived columns) with its ``attrs``, except
    the citation (set by the caller once the tables are read)."""
    fields = table.schema["fields"]
    arrays = _read(table)
    columns: dict[str, Any] = dict.fromkeys(table.columns)
    for conv in table.converters:
        columns.update(conv.to_pandas(arrays[conv.name]))
    frame = pd.DataFrame(columns, copy=False)
    frame.attrs = {
        "table": table.name,
        "title": table.resource.get("title", table.name),
        "description": table.resource.get("description", table.schema.get("description", "")),
        "fields": _descriptions(fields),
        "version": table.descriptor["version"],
        "source": str(table.csv),
    }
    return frame


def _polars_frame(table: _Table) -> Any:
    """The typed polars frame of ``table`` (fields and derived columns)."""
    import polars as pl

    arrays = _read(table)
    columns: dict[str, Any] = dict.fromkeys(table.columns)
    for conv in table.converters:
        columns.update(conv.to_polars(arrays[conv.name]))
    return pl.DataFrame(list(columns.values()))


def _descriptions(fields: list[dict[str, Any]]) -> dict[str, str]:
    """Column -> description, for the fields and the columns derived from them."""
    out: dict[str, str] = {}
    for field in fields:
        out[field["name"]] = field.get("description", "")
        out.update(dtypes.derived_columns(field))
    return out


def _source_key(table: _Table) -> tuple[str, str]:
    """The (local field, sources field) pair of the table's foreign key to ``sources``."""
    for fk in table.schema.get("foreignKeys", []):
        if fk["reference"]["resource"] == SOURCES:
            local, remote = fk["fields"], fk["reference"]["fields"]
            return (local if isinstance(local, str) else local[0],
                    remote if isinstance(remote, str) else remote[0])
    linked = [t for t in table_names(table.package) if any(
        fk["reference"]["resource"] == SOURCES
        for fk in table_schema(t, table.package).get("foreignKeys", []))]
    raise ValueError(f"table {table.name!r} has no foreign key to {SOURCES}; "
                     f"with_sources works for: {', '.join(linked)}")


def _source_columns(table: _Table, stamp: Stamp) -> tuple[_Table, str, dict[str, str]]:
    """What a join of ``table`` with its source articles takes: the sources table, the
    join key (``table``'s field) and the sources columns it takes with their new names
    (the key renamed to ``table``'s; ``SOURCE_COLUMNS`` and their derived columns
    prefixed ``source_``)."""
    local, remote = _source_key(table)
    src_table = _table(SOURCES, table.package, stamp)
    src_fields = {f["name"]: f for f in src_table.schema["fields"]}
    wanted = [col for c in SOURCE_COLUMNS for col in (c, *dtypes.derived_columns(src_fields[c]))]
    return src_table, local, {remote: local, **{c: f"source_{c}" for c in wanted}}


def _join_sources(frame: pd.DataFrame, table: _Table, stamp: Stamp) -> pd.DataFrame:
    """``frame`` with each row's article title and date (columns prefixed ``source_``)."""
    src_table, local, renamed = _source_columns(table, stamp)
    src = _frame(src_table)
    right = src[list(renamed)].rename(columns=renamed)
    joined = frame.merge(right, on=local, how="left", validate="many_to_one")
    joined.attrs = copy.deepcopy(frame.attrs)
    joined.attrs["fields"].update({new: f"From {SOURCES}: {src.attrs['fields'][old]}"
                                   for old, new in renamed.items() if new != local})
    return joined


def _join_sources_polars(frame: Any, table: _Table, stamp: Stamp) -> Any:
    """:func:`_join_sources` of a polars frame."""
    src_table, local, renamed = _source_columns(table, stamp)
    right = _polars_frame(src_table).select(list(renamed)).rename(renamed)
    return frame.join(right, on=local, how="left", validate="m:1", maintain_order="left")
