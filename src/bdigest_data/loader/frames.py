"""The data API: each table as a typed pandas DataFrame with its metadata in ``df.attrs``,
or as a polars DataFrame (``backend="polars"``; polars is imported only then).

Reading: the package's model (``bdigest_data.metadata``) gives each table's file and
fields; the file is opened through the package reader, whose safety rules (relative paths
inside the package only, no symlinks out, size limits) hold with ``validate=False`` too.
pyarrow reads the CSV with every column as a string (the schema's ``missingValues``, and
nothing else, become nulls), each column is converted by its field's cell rule, the
validator's own (:mod:`bdigest_data.loader.convert`), strictly: a cell that does not convert, or a
blank row, raises :class:`~bdigest_data.ValidationError` naming file, row, line, field and
value. Every failure to load is a ``ValidationError``; one because a file cannot be opened
or read is its subclass ``PackageFileError``.

With ``validate=True`` (the default) the checks run first and any finding raises
``ValidationError`` before a frame is built. ``load_all`` runs every check of the package
(``validate()``). ``load(name)`` runs the checks of the validator's table selection
(``validate(tables=[name])``: the table, the tables its foreign keys reach and the seed
files; every group but ``coverage``, a property of the whole package) and then checks
the size and hash of every other file and the versions
(``validation.runner.check_integrity``): a finding there, or in another table's schema,
is a :class:`~bdigest_data.PackageFaultWarning` that names it, not an error. A passed
verdict is remembered for the process, and on disk for the next one
(``validation.verdicts``: the user's cache folder), keyed by the selection and the content
(a SHA-256 digest) of every file the checks read: the descriptor, the schemas, every
resource's file, CITATION.cff, pyproject.toml and croissant.json; an edit that keeps sizes
and modification times still changes the key. Each file is hashed at most
once a call, and not at all while its stat signature (inode, size, modification and
status-change times) is the one it had when hashed (``metadata.files``), so a warm call
reads no file twice. The same key caches each
table's model lookups, read options and per-field converters
(:class:`bdigest_data.loader.convert.Converter`). Both backends share the
reading, the checks and their errors; they differ only in the last step, Arrow columns to
frame.
"""

from __future__ import annotations

import copy
import functools
import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from bdigest_data import metadata
from bdigest_data.catalogue import (
    BLANK_ROW,
    FILE_ERROR,
    INCORRECT_LABEL,
    SCHEMA_ERROR,
    SOURCE_ERROR,
)
from bdigest_data.engine import stream
from bdigest_data.engine.arrays import true_indices
from bdigest_data.findings import (
    Finding,
    PackageFaultWarning,
    PackageFileError,
    Report,
    ValidationError,
)
from bdigest_data.loader import backends, convert
from bdigest_data.metadata import roles
from bdigest_data.metadata.citation import of_descriptor
from bdigest_data.metadata.classes import Package, Resource, TableSchema
from bdigest_data.metadata.files import PackageFiles, UnsafePathError, records
from bdigest_data.validation import verdicts

if TYPE_CHECKING:
    import pandas as pd

PathArg = str | Path | None
# the files the checks read and their content digest (``PackageFiles.digest``)
Stamp = verdicts.Checked
# roles of the sources fields that ``load(..., with_sources=True)`` joins (prefixed source_)
SOURCE_COLUMNS = (roles.TITLE, roles.PUBLISHED)


# (stamp, tables checked or None for all) -> the findings elsewhere (warned) of a passed run
_validated: dict[tuple[Stamp, tuple[str, ...] | None], list[Finding]] = {}
_tables: dict[tuple[str, Path, str, Stamp], _Table] = {}


@dataclass(frozen=True)
class _Table:
    """One table of one package: its resource, schema and CSV file, looked up once."""

    name: str
    files: PackageFiles
    package: Package
    resource: Resource
    schema: TableSchema

    @functools.cached_property
    def csv(self) -> Path:
        """The table's CSV file (``PackageFileError`` when the safety rules refuse it)."""
        try:
            return self.files.path(self.resource.path, what=f'resource "{self.name}": path')
        except UnsafePathError as exc:
            raise PackageFileError([Finding(exc.code, str(exc), table=self.name,
                                            value=str(self.resource.path))]) from None

    @functools.cached_property
    def converters(self) -> tuple[convert.Converter, ...]:
        """One converter per field."""
        return tuple(convert.Converter(field, self.schema.missingValues)
                     for field in self.schema.fields)

    @functools.cached_property
    def columns(self) -> tuple[str, ...]:
        """The frame's columns: each field followed by the columns derived from it."""
        fields = {c.name for c in self.converters}
        columns: list[str] = []
        for conv in self.converters:
            for column in (conv.name, *conv.derived):
                if column in columns or (column != conv.name and column in fields):
                    raise ValidationError([Finding(
                        SCHEMA_ERROR, f"table {self.name!r}: derived column {column!r} "
                        "clashes with a field", table=self.name, field=column)])
                columns.append(column)
        return tuple(columns)

    @functools.cached_property
    def column_types(self) -> dict[str, pa.DataType]:
        """How the CSV is read: every column as text (``engine.stream.read_all``: the
        schema's missing values as nulls, blank lines kept as blank rows, which are then
        refused, so row numbers are exact)."""
        return dict.fromkeys(self.schema.names, convert.TEXT)


def _package(path: PathArg) -> tuple[PackageFiles, metadata.ParsedPackage, Stamp]:
    """The files of the package at ``path``, its parsed model, and what its checks read
    (``verdicts.Checked``: the content digest of every file is the stamp)."""
    files = metadata.files_of(path)
    parsed = metadata.parse(files)
    return files, parsed, verdicts.Checked.of(files, parsed)


def _model(parsed: metadata.ParsedPackage) -> Package:
    """The package's model; ``ValidationError`` when its descriptor is unusable."""
    if parsed.package is None:
        raise ValidationError(parsed.findings)
    return parsed.package


def _table(name: str, files: PackageFiles, parsed: metadata.ParsedPackage, stamp: Stamp
           ) -> _Table:
    """Table ``name``, looked up once per ``stamp``: ``KeyError`` naming the tables when
    there is none, ``ValidationError`` when its schema has faults."""
    key = (name, files.root, files.descriptor, stamp)
    if key not in _tables:
        package = _model(parsed)
        if name not in package.table_names and any(f.table == name for f in parsed.findings):
            raise ValidationError([f for f in parsed.findings if f.table == name])
        if name not in package.table_names:
            raise KeyError(f"no table {name!r}; the tables are: "
                           f"{', '.join(package.table_names)}")
        resource = package.by_name[name]
        if resource.table is None:
            raise ValidationError([f for f in parsed.findings if f.table in (name, None)]
                                  or parsed.findings)
        if len(_tables) >= 256:
            _tables.clear()
        _tables[key] = _Table(name, files, package, resource, resource.table)
    return _tables[key]


def tables(path: PathArg = None) -> list[str]:
    """Names of the tables, fact tables and lookup tables (``sources``, ``actors``)."""
    return _model(_package(path)[1]).table_names


def schema(name: str, path: PathArg = None) -> dict[str, Any]:
    """The Table Schema of table ``name``: fields with type, constraints and description,
    as written in its file."""
    return copy.deepcopy(_table(name, *_package(path)).schema.raw)


def load(
    name: str, *, validate: bool = True, with_sources: bool = False, path: PathArg = None,
    backend: str = "pandas",
) -> Any:
    """Table ``name`` as a DataFrame with dtypes derived from its Table Schema.

    ``validate`` checks the table and the tables it refers to first: structure, integrity
    of their files and the seeds, provenance, semantics and the dataset rules on them
    (``ValidationError`` with the findings if any fail; no frame is returned); every
    other file is hashed and the versions compared, and a fault elsewhere in the package is a
    ``PackageFaultWarning`` naming it (``load_all`` refuses it).
    ``with_sources`` adds the source article's title and publication date
    (``source_title``, ``source_published`` and its derived EDTF columns). ``path`` is a
    package directory or ``datapackage.json`` (default: the installed package).
    ``backend`` is ``"pandas"`` (a ``pd.DataFrame`` whose ``df.attrs`` holds table, title,
    description, fields (column -> description), version, citation and source (the CSV
    path)) or ``"polars"`` (a ``pl.DataFrame`` with the same columns and rows; polars
    frames have no ``attrs``: ``schema(name)`` and ``citation()`` give the same facts).
    """
    chosen = backends.named(backend)
    files, parsed, stamp = _package(path)
    table = _table(name, files, parsed, stamp)
    if with_sources:
        _source_key(table)
    if validate:
        _validate(files, parsed, stamp,
                  [name, *([_source_table(table)] if with_sources else [])])
    frame = _frame(table, chosen)
    if chosen.attrs:
        frame.attrs["citation"] = of_descriptor(_model(parsed).raw)
    return _join_sources(frame, table, parsed, stamp, chosen) if with_sources else frame


def load_all(
    *, validate: bool = True, path: PathArg = None, backend: str = "pandas"
) -> dict[str, Any]:
    """Every table by name, as :func:`load` gives it with the same ``backend``; with
    ``validate``, the whole package is checked once first."""
    chosen = backends.named(backend)
    files, parsed, stamp = _package(path)
    if validate:
        _validate(files, parsed, stamp)
    names = _model(parsed).table_names
    frames = {name: _frame(_table(name, files, parsed, stamp), chosen) for name in names}
    if chosen.attrs:
        cited = of_descriptor(_model(parsed).raw)
        for frame in frames.values():
            frame.attrs["citation"] = cited
    return frames


def sources(*, validate: bool = True, path: PathArg = None) -> pd.DataFrame:
    """The source articles: title, publisher, inferred publication date, seed offsets."""
    name = _model(_package(path)[1]).table_with_role(roles.SOURCES) or roles.SOURCES
    return load(name, validate=validate, path=path)


def arrow_table(name: str, *, validate: bool = True, path: PathArg = None) -> pa.Table:
    """Table ``name`` as an Arrow table typed per its schema (no derived columns, no attrs)."""
    files, parsed, stamp = _package(path)
    table = _table(name, files, parsed, stamp)
    if validate:
        _validate(files, parsed, stamp, [name])
    return pa.table(_read(table))


def citation(path: PathArg = None) -> str:
    """The dataset's one-line citation (``cite("apa")``) that ``df.attrs["citation"]`` holds,
    built from the model (``metadata.citation``)."""
    return of_descriptor(_model(_package(path)[1]).raw)


def _validate(files: PackageFiles, parsed: metadata.ParsedPackage, stamp: Stamp,
              tables: list[str] | None = None) -> None:
    """Check the package (``tables``: those and what they refer to, see the module
    docstring) unless it passed for this ``stamp`` of its files, in this process or in
    another one (the verdict cached on disk: ``validation.verdicts``); ``ValidationError``
    with the findings that concern them, a ``PackageFaultWarning`` with those elsewhere."""
    key = (stamp, None if tables is None else tuple(sorted(set(tables))))
    if key not in _validated:
        _validated[key] = _verdict(files, parsed, stamp, tables)
    if _validated[key]:
        asked = f"{' and '.join(key[1] or ())} and the tables referred to"
        warnings.warn(PackageFaultWarning(asked, _validated[key]), stacklevel=3)


def _verdict(files: PackageFiles, parsed: metadata.ParsedPackage, stamp: Stamp,
             tables: list[str] | None) -> list[Finding]:
    """The findings elsewhere than ``tables`` (none for the whole package); raises
    ``ValidationError`` with those that concern them. A clean verdict of the selection
    and the integrity of the other files is the one entry of the disk cache."""
    from bdigest_data.validation import validate

    if tables is None:  # the files themselves: no archive to sniff
        report = verdicts.remembered(validate, files, known=stamp)
        if report.findings:
            raise ValidationError(report.findings)
        return []
    model = _model(parsed)
    scoped: list[Finding] = []

    def run(files: PackageFiles, *, tables: list[str], checks: None) -> Report:
        from bdigest_data.validation.runner import check_integrity, selection

        report = validate(files, tables=tables, checks=checks)
        scoped[:] = report.findings
        checked = set(selection(model, tables))
        report.extend(check_integrity(files, model, [r.name for r in model.resources
                                                      if r.name not in checked]))
        return report

    report = verdicts.remembered(run, files, tables=tables, known=stamp)
    if not report.findings:
        return []
    from bdigest_data.validation.runner import selection

    # only a clean report is remembered: this one was made by ``run`` just now
    checked = set(selection(model, tables))  # the tables, what they refer to, the seeds
    mine = [f for f in scoped if f.table is None or f.table in checked]
    if mine:
        raise ValidationError(mine)
    return list(report.findings)  # other tables' schemas, other files, the versions


def _read(table: _Table) -> dict[str, pa.Array]:
    """The table's columns converted to their fields' Arrow types; faults raise."""
    strings = _read_strings(table)
    bad = [convert.BadCell(i, None, None, BLANK_ROW, "the row is blank")
           for i in _blank_rows(strings)]
    columns: dict[str, pa.Array] = {}
    for conv, chunked in zip(table.converters, strings.columns, strict=True):
        columns[conv.name], errors = conv.to_arrow(_array(chunked))
        bad += errors
    if bad:
        lines = _lines(table)
        raise ValidationError([_finding(table, lines[b.index], b) for b in bad])
    return columns


def _blank_rows(strings: pa.Table) -> list[int]:
    """The rows whose every cell is missing (none when a column has no missing cell)."""
    if not all(column.null_count for column in strings.columns):
        return []
    blank = functools.reduce(pc.and_, [pc.is_null(c) for c in strings.columns])
    return true_indices(blank).tolist()


def _array(column: pa.ChunkedArray) -> pa.Array:
    """The column as one array (a small file is read as one chunk: taken as it is)."""
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def _finding(table: _Table, line: int, bad: convert.BadCell) -> Finding:
    where = f"{table.csv}, row {bad.index + 1}, line {line}"
    if bad.field is not None:
        where += f", field {bad.field!r}"
    return Finding(bad.code, f"{where}: {bad.message}", table=table.name, row=bad.index + 1,
                   line=line, field=bad.field, value=bad.value)


def _read_strings(table: _Table) -> pa.Table:
    """The CSV with every column as strings; missing values (per the schema) as nulls."""
    names = table.schema.names
    try:
        strings = stream.read_all(table.csv, table.column_types, table.schema.missingValues)
    except pa.ArrowInvalid as exc:
        raise ValidationError([Finding(SOURCE_ERROR, f"{table.csv}: cannot read the CSV "
                                       f"file: {exc}", table=table.name)]) from None
    except OSError as exc:
        raise PackageFileError([Finding(FILE_ERROR, f"{table.csv}: cannot read the file: "
                                        f"{exc}", table=table.name)]) from None
    if strings.column_names != names:
        raise ValidationError([
            Finding(INCORRECT_LABEL, f"{table.csv}, line 1: the header is "
                    f"{strings.column_names}; the schema's fields are {names}",
                    table=table.name, line=1, value=",".join(strings.column_names))
        ])
    return strings


def _lines(table: _Table) -> list[int]:
    """The 1-based physical line on which each data row (0-based) starts."""
    starts: list[int] = []
    with table.files.open(table.resource.path, what=f'resource "{table.name}": path') as fh:
        reader = records(io.TextIOWrapper(fh, encoding="utf-8", newline=""))
        next(reader, None)
        end = reader.line_num
        for _ in reader:
            starts.append(end + 1)
            end = reader.line_num
    return starts


def _frame(table: _Table, backend: backends.Backend) -> Any:
    """The typed frame of ``table`` (fields and derived columns) in ``backend``, with the
    table's metadata where the backend keeps it, except the citation (set by the caller
    once the tables are read)."""
    arrays = _read(table)
    return backend.frame(table.converters, arrays, table.columns, {
        "table": table.name,
        "title": table.resource.title or table.name,
        "description": table.resource.description or table.schema.description or "",
        "fields": descriptions(table.schema),
        "version": table.package.version,
        "source": str(table.csv),
    })


def descriptions(schema: TableSchema) -> dict[str, str]:
    """Column -> description, for the fields and the columns derived from them."""
    out: dict[str, str] = {}
    for field in schema.fields:
        out[field.name] = field.description or ""
        out.update(convert.derived_columns(field))
    return out


def _source_key(table: _Table) -> tuple[str, str]:
    """The (local field, sources field) pair of the table's foreign key to the sources
    table (``"bdigest:role": "sources"``)."""
    sources = table.package.table_with_role(roles.SOURCES)
    for fk in table.schema.references(sources) if sources else []:
        return fk.fields[0], fk.reference.fields[0]
    linked = [n for n, s in table.package.tables.items() if sources and s.references(sources)]
    raise ValueError(f"table {table.name!r} has no foreign key to {sources or roles.SOURCES}; "
                     f"with_sources works for: {', '.join(linked)}")


def _source_table(table: _Table) -> str:
    """The name of the sources table a join of ``table`` reads."""
    return table.package.table_with_role(roles.SOURCES) or roles.SOURCES


def _source_columns(table: _Table, parsed: metadata.ParsedPackage, stamp: Stamp
                    ) -> tuple[_Table, str, dict[str, str]]:
    """What a join of ``table`` with its source articles takes: the sources table, the
    join key (``table``'s field) and the sources columns it takes with their new names
    (the key renamed to ``table``'s; the ``SOURCE_COLUMNS`` roles' fields and their
    derived columns prefixed ``source_``)."""
    local, remote = _source_key(table)
    src_table = _table(_source_table(table), table.files, parsed, stamp)
    fields = [src_table.schema.by_name[n] for role in SOURCE_COLUMNS
              if (n := src_table.schema.role_name(role))]
    wanted = [col for f in fields for col in (f.name, *convert.derived_columns(f))]
    return src_table, local, {remote: local, **{c: f"source_{c}" for c in wanted}}


def _join_sources(frame: Any, table: _Table, parsed: metadata.ParsedPackage, stamp: Stamp,
                  backend: backends.Backend) -> Any:
    """``frame`` with each row's article title and date (columns prefixed ``source_``)."""
    src_table, local, renamed = _source_columns(table, parsed, stamp)
    return backend.join(frame, _frame(src_table, backend), local, renamed, src_table.name)
