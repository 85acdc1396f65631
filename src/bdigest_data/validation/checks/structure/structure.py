"""Structure of one table: header, rows and cells checked batch by batch, then its keys.

``read_table`` streams the CSV file (``engine.stream``), checks each batch of rows against the
Table Schema (``engine.cells``), keeps the typed columns that later checks need, and returns the
table as a ``TableData`` with its findings. Each batch of text is dropped once checked; a
kept text column is dictionary-encoded batch by batch (a million rows quote a few hundred
passages), its rules tested once per distinct value, and at the end given one dictionary
and the narrowest codes; not the primary key and unique fields, whose values are all
different. Columns without rules are not looked at unless a row may be blank. Row
and line numbers are worked out only for the rows that have findings; ``TableData.lines``
only when some record spans lines.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bdigest_data.catalogue import (
    BLANK_ROW,
    CONSTRAINT_ERROR,
    ENCODING_ERROR,
    EXTRA_CELL,
    FORMAT_ERROR,
    MISSING_CELL,
    SCHEMA_ERROR,
    SOURCE_ERROR,
    TYPE_ERROR,
)
from bdigest_data.engine.arrays import (
    any_true,
    from_numpy,
    has_byte,
    texts,
    to_numpy,
    true_indices,
)
from bdigest_data.engine.cells import FieldRule, SchemaProblem
from bdigest_data.engine.stream import CsvStream, Ragged, read
from bdigest_data.findings import Finding
from bdigest_data.metadata.classes import TableSchema
from bdigest_data.validation.checks.structure import keys
from bdigest_data.validation.checks.structure.header import check_labels
from bdigest_data.validation.context import TableData
from bdigest_data.validation.registry import register

# the stream's own faults (``engine.stream.read``) are findings of this group
register("structure", SOURCE_ERROR, FORMAT_ERROR, ENCODING_ERROR, scope="table")(read)

TEXT_CODES = pa.dictionary(pa.int32(), pa.string())  # a kept text column, encoded
MERGE = 32  # checked batches of kept columns merged into one
T = TypeVar("T")


@dataclass
class TableResult:
    """A table as read: its data (``None`` when the file could not be parsed), the fields
    that have a column in the file, its findings and how many were left out over the limit."""

    data: TableData | None
    labelled: set[str] = field(default_factory=set)
    findings: list[Finding] = field(default_factory=list)
    omitted: int = 0


@register("structure", BLANK_ROW, MISSING_CELL, EXTRA_CELL, TYPE_ERROR,
          CONSTRAINT_ERROR, scope="table")
def read_table(name: str, path: Path, schema: TableSchema, *, keep: set[str] | None,
               limit: int | None) -> TableResult:
    """Read and check table ``name`` from ``path``. ``keep`` names the typed columns to keep
    in ``TableData.table`` (``None``: all); ``limit`` caps the findings of the table."""
    result, read_findings = read(path, lambda s: _Checker(name, schema, s, keep, limit).run())
    read_findings = [replace(f, table=name) for f in read_findings]
    if result is None:
        return TableResult(None, findings=read_findings)
    result.findings[:0] = read_findings
    return result


class _Checker:
    """One pass over a table's rows (see ``read_table``)."""

    def __init__(self, name: str, schema: TableSchema, stream: CsvStream,
                 keep: set[str] | None, limit: int | None) -> None:
        self.name, self.schema, self.stream = name, schema, stream
        self.fields = schema.fields
        self.names = schema.names
        self.keep = [n for n in self.names if keep is None or n in keep]
        self.limit = limit
        self.omitted = 0
        self.pending: list[tuple[int, bool, int, str, str | None, str | None, str]] = []
        self.findings = check_labels(name, stream.labels, self.names)
        missing = schema.missingValues
        self.rules: list[FieldRule] = []
        for f in self.fields[: len(stream.labels)]:
            try:
                self.rules.append(FieldRule(f, missing))
            except SchemaProblem as exc:
                self.findings.append(Finding(code=SCHEMA_ERROR, table=name, field=f.name,
                                             message=str(exc)))
                self.rules.append(FieldRule.text(f.name, missing))
        for pos, label in enumerate(stream.labels[len(self.fields):], len(self.fields) + 1):
            # an extra column keeps its label as name; a blank one is named by its position
            self.rules.append(FieldRule.text(label or f"(column {pos})", missing))
        self.types = {f.name: pa.string() if f.info.is_text else f.arrow_type
                      for f in self.fields}
        self.types.update((r.name, r.arrow_type) for r in self.rules[: len(self.names)])
        distinct_values = set(schema.primary_key) | {r.name for r in self.rules if r.unique}
        self.encoded = {n for n in self.keep
                        if self.types[n] == pa.string() and n not in distinct_values}
        self.types.update((n, TEXT_CODES) for n in self.encoded)
        # text columns whose value rules are tested once per distinct value: the kept ones
        # (encoded anyway) and those with a pattern (hashing a cell costs less than a regular
        # expression); an enum or a length is tested on the cells, one call instead of two
        self.by_value = {r.name for r in self.rules if r.tests_patterns
                         and r.name not in distinct_values} | self.encoded
        self.batches: list[pa.RecordBatch] = []
        self.newlines: list[tuple[int, np.ndarray]] = []  # (first position, counts)
        self.rows = 0  # rows read so far, ragged rows not counted

    # -- rows ------------------------------------------------------------------------------

    def run(self) -> TableResult:
        merged = 0  # self.batches[:merged] are merged pieces
        for batch in self.stream.batches:
            self._batch(batch.columns, self.rows, exact=None)
            self.rows += batch.num_rows
            if len(self.batches) - merged >= MERGE:
                self.batches[merged:] = [_merge(self.batches[merged:])]
                merged += 1
        ragged = sorted(self.stream.ragged, key=lambda r: r.row)
        typed_ragged = self._ragged(ragged)
        data = self._assemble(ragged, typed_ragged)
        findings = self.findings + self._resolve(data, ragged)
        labelled = set(self.names[: len(self.stream.labels)])
        findings += self._keys(data, labelled)
        return TableResult(data, labelled, findings, self.omitted)

    def _batch(self, columns: list[pa.Array], start: int, exact: list[int] | None) -> None:
        """Check one batch; its rows are positions ``start`` … or, for ragged rows, the data
        rows ``exact``."""
        n = len(columns[0]) if columns else 0
        pairs = list(zip(columns, self.rules, strict=False))
        names = [self.names[j] if j < len(self.names) else None for j in range(len(pairs))]
        kept = set(self.keep)
        first = pairs[0][1].missing_cells(pairs[0][0]) if pairs else np.zeros(0, dtype=bool)
        every = bool(first.any())  # a blank row needs every column; else only those with rules
        wanted = [j for j, (_, rule) in enumerate(pairs)
                  if every or rule.checks_cells or names[j] in kept]
        missing = {j: first if j == 0 else pairs[j][1].missing_cells(pairs[j][0]) for j in wanted}
        blank = np.logical_and.reduce(list(missing.values())) if every else None
        any_blank = blank is not None and bool(blank.any())
        typed: dict[str, pa.Array] = {}
        for j in wanted:
            (col, rule), name, absent = pairs[j], names[j], missing[j]
            present = from_numpy(~absent) if absent.any() else None
            values, issues = rule.check(col, present, typed=name in kept,
                                        encode=name in self.by_value)
            if name in kept:
                typed[name] = values
            for issue in issues:
                if not any_true(issue.mask):
                    continue
                mask = pc.and_(issue.mask, from_numpy(~blank)) if any_blank else issue.mask
                self._emit(mask, col, start, exact, j, issue.code, issue.message)
        if any_blank:
            self._emit(from_numpy(blank), None, start, exact, -1, BLANK_ROW,
                       "the row is blank: every cell is empty")
        arrays = [typed.get(nm, pa.nulls(n, self.types[nm])) for nm in self.keep]
        self.batches.append(pa.RecordBatch.from_arrays(arrays, names=self.keep))
        if exact is None and any(has_byte(col, b"\n") for col in columns):
            counts = pc.count_substring(columns[0], "\n")
            for col in columns[1:]:
                counts = pc.add(counts, pc.count_substring(col, "\n"))
            self.newlines.append((start, to_numpy(counts)))

    def _emit(self, mask: pa.Array, col: pa.Array | None, start: int, exact: list[int] | None,
              j: int, code: str, message: str) -> None:
        idx = true_indices(mask)
        if not len(idx):
            return
        room = len(idx) if self.limit is None else max(self.limit - len(self.pending), 0)
        self.omitted += max(len(idx) - room, 0)
        idx = idx[:room]
        values = pc.take(col, from_numpy(idx)).to_pylist() if col is not None \
            else [None] * len(idx)
        name = None if j < 0 else (self.names[j] if j < len(self.names) else self.stream.labels[j])
        for i, value in zip(idx.tolist(), values, strict=True):
            where = exact[i] if exact is not None else start + i
            self.pending.append((where, exact is not None, j, code, name, value, message))

    def _ragged(self, ragged: list[Ragged]) -> pa.RecordBatch | None:
        """Check the rows with too few or too many cells: missing and extra cells, then their
        cells as for any row (padded with empty cells). Returns their typed columns."""
        if not ragged:
            return None
        width = len(self.stream.labels)
        padded = [(r.cells + [""] * width)[:width] for r in ragged]
        columns = [texts([cells[j] for cells in padded]) for j in range(width)]
        start = len(self.batches)
        self._batch(columns, 0, exact=[r.row for r in ragged])
        typed = self.batches.pop(start)
        blank_rows = {p[0] for p in self.pending if p[3] == BLANK_ROW and p[1]}
        for r in ragged:
            if r.row in blank_rows:
                continue
            for j in range(len(r.cells), width):
                name = self.names[j] if j < len(self.names) else self.stream.labels[j]
                self.pending.append((r.row, True, j, MISSING_CELL, name, "",
                                     f"the row has {len(r.cells)} cells, the header {width}: "
                                     f'no cell for column {j + 1} "{name}"'))
            for j in range(width, len(r.cells)):
                self.pending.append((r.row, True, j, EXTRA_CELL, None, r.cells[j],
                                     f"the row has {len(r.cells)} cells, the header {width}: "
                                     f"cell {j + 1} has no column"))
        return typed

    # -- assembling ------------------------------------------------------------------------

    def _assemble(self, ragged: list[Ragged], typed_ragged: pa.RecordBatch | None) -> TableData:
        """The table in data-row order (ragged rows spliced in) and its line numbers. Built
        column by column: an encoded column's pieces (of several code widths) are made one
        array before the next column is."""
        columns = []
        for j, name in enumerate(self.keep):
            pieces = [b.column(j) for b in self.batches]
            encoded = name in self.encoded
            if encoded:
                pieces = [_compact(pieces)]
            if typed_ragged is not None:
                pieces = _spliced(pieces, typed_ragged.column(j), ragged)
                if encoded:
                    pieces = [_compact(pieces)]
            columns.append(pa.chunked_array(pieces, pieces[0].type if encoded
                                            else self.types[name]))
        main = pa.Table.from_arrays(columns, names=self.keep)
        lines = None
        header = self.stream.header_newlines
        if self.newlines or header or any(r.newlines for r in ragged):
            counts = np.zeros(main.num_rows, dtype=np.int64)
            for start, batch_counts in self.newlines:
                positions = np.arange(start, start + len(batch_counts))
                counts[self._rows_of(positions, ragged) - 1] = batch_counts
            for r in ragged:
                counts[r.row - 1] = r.newlines
            before = np.concatenate(([0], np.cumsum(counts)[:-1])) if len(counts) else counts
            lines = (np.arange(main.num_rows) + 2 + header + before).tolist()
        return TableData(self.name, self.schema, main, lines)

    @staticmethod
    def _rows_of(positions: np.ndarray, ragged: list[Ragged]) -> np.ndarray:
        """Data rows (1-based) of the non-ragged rows at ``positions`` (0-based)."""
        rows = positions + 1
        if ragged:
            gaps = np.array([r.row - k for k, r in enumerate(ragged)])
            rows = rows + np.searchsorted(gaps, rows, side="right")
        return rows

    def _resolve(self, data: TableData, ragged: list[Ragged]) -> list[Finding]:
        gaps = [r.row - k for k, r in enumerate(ragged)]
        out = []
        for where, exact, j, code, name, value, message in self.pending:
            row = where if exact else where + 1 + bisect.bisect_right(gaps, where + 1)
            out.append((row, j, Finding(code=code, message=message, table=self.name, row=row,
                                        line=data.line(row - 1), field=name, value=value)))
        out.sort(key=lambda t: (t[0], t[1]))
        return [f for _, _, f in out]

    def _keys(self, data: TableData, labelled: set[str]) -> list[Finding]:
        """Unique fields and the primary key (skipped when a key field has no column)."""
        pk = self.schema.primary_key
        check_pk = bool(pk) and set(pk) <= labelled and set(pk) <= set(data.table.column_names)
        repeats: dict[str, list[tuple[int, int]]] = {}
        out: list[Finding] = []
        for rule in self.rules[: len(self.names)]:
            if rule.unique and rule.name in data.table.column_names:
                repeats[rule.name] = keys.duplicates(data.table.column(rule.name))
                out += keys.unique_findings(data, rule.name, self._room(repeats[rule.name]))
        if check_pk:
            out += self._room(keys.primary_key_findings(
                data, pk, self._room(repeats[pk[0]]) if pk[0] in repeats and len(pk) == 1
                else None))
        return out

    def _room(self, found: list[T]) -> list[T]:
        """The first of ``found`` up to the limit (the runner caps the table's findings of
        every code; this keeps a million repeated keys from being made findings first)."""
        if self.limit is None or len(found) <= self.limit:
            return found
        self.omitted += len(found) - self.limit
        return found[: self.limit]


def _merge(batches: list[pa.RecordBatch]) -> pa.RecordBatch:
    """One batch of the kept columns of ``batches``: a few large buffers instead of many
    small ones among the freed batches of text (which kept the allocator from handing pages
    back), an encoded column with one dictionary and the narrowest codes (its schema is
    then not that of the batches merged)."""
    columns = []
    for j in range(batches[0].num_columns):
        chunks = [b.column(j) for b in batches]
        encoded = pa.types.is_dictionary(chunks[0].type)
        columns.append(_compact(chunks) if encoded else pa.concat_arrays(chunks))
    return pa.RecordBatch.from_arrays(columns, names=batches[0].schema.names)


def _spliced(pieces: list[pa.Array], extra: pa.Array, ragged: list[Ragged]) -> list[pa.Array]:
    """``pieces`` (the rows that are not ragged, in order) with the ragged rows' ``extra``
    cells put back in their places."""
    out: list[pa.Array] = []
    rows = pa.chunked_array(pieces, pieces[0].type) if pieces else None
    prev = 0
    for k, r in enumerate(ragged):
        cut = r.row - 1 - k
        if rows is not None and cut > prev:
            out += rows.slice(prev, cut - prev).chunks
        out.append(extra.slice(k, 1))
        prev = cut
    if rows is not None:
        out += rows.slice(prev).chunks
    return out


def _compact(pieces: list[pa.Array]) -> pa.DictionaryArray:
    """Dictionary-encoded ``pieces`` (with any code widths) as one array with one dictionary
    (their values in order of first appearance, as ``unify_dictionaries`` gives) and the
    narrowest codes that can point into it (a byte a row up to 128 distinct values). Each
    piece's codes are mapped straight to the narrow ones, never through 32-bit codes. The
    pieces' dictionaries are looked up in one call, so the one hash table of the dictionary
    is built once, not once a piece (which grew as pieces x distinct values)."""
    every = pa.concat_arrays([p.dictionary for p in pieces]) if pieces else texts([])
    dictionary = pc.unique(every)
    width = next(t for t in (pa.int8(), pa.int16(), pa.int32())
                 if len(dictionary) <= 1 << (t.bit_width - 1))
    narrow = pc.index_in(every, value_set=dictionary).cast(width)
    del every
    starts = itertools.accumulate((len(p.dictionary) for p in pieces), initial=0)
    codes = [pc.take(narrow.slice(start, len(p.dictionary)), p.indices)
             for start, p in zip(starts, pieces, strict=False)]
    return pa.DictionaryArray.from_arrays(pa.concat_arrays(codes) if codes else
                                          pa.nulls(0, width), dictionary)
