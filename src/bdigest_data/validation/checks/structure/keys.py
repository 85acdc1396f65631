"""Keys: ``unique`` fields, primary keys and foreign keys, on whole typed columns.

Rows are numbered as in findings (index + 1); a duplicate is reported at each later
occurrence, naming the occurrence before it, as frictionless does. Null cells take part in
no key: a foreign key whose cells are all empty is not checked, a primary key whose cells
are all empty is an error.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bdigest_data.catalogue import FOREIGN_KEY, PRIMARY_KEY, UNIQUE_ERROR
from bdigest_data.engine.arrays import from_numpy, scalar, texts, to_numpy, true_indices
from bdigest_data.engine.grouping import decoded, decoded_type
from bdigest_data.findings import Finding
from bdigest_data.validation.context import TableData
from bdigest_data.validation.registry import register

_SEP = "\x1f"


def key(table: pa.Table, fields: list[str]) -> tuple[pa.ChunkedArray, pa.ChunkedArray]:
    """The key values of ``fields`` (joined as text when there are several) and the mask of
    rows whose key cells are all null."""
    if len(fields) == 1:
        values = table.column(fields[0])
        return values, values.is_null()
    parts = [pc.cast(table.column(f), pa.string()) for f in fields]
    joined = pc.binary_join_element_wise(*parts, texts([_SEP])[0], null_handling="replace",
                                         null_replacement="\x00")
    all_null = parts[0].is_null()
    for part in parts[1:]:
        all_null = pc.and_(all_null, part.is_null())
    return joined, all_null


def duplicates(values: pa.ChunkedArray) -> list[tuple[int, int]]:
    """(index, index of the previous equal value) for every value seen before; nulls skipped."""
    n = len(values)
    if n < 2 or _ascending(values) or \
            pc.count_distinct(values, mode="only_valid").as_py() == n - values.null_count:
        return []
    order = pc.sort_indices(values)  # stable: equal values keep their order, nulls last
    ordered = values.take(order)
    same = pc.fill_null(pc.equal(ordered.slice(1), ordered.slice(0, n - 1)), scalar(False))
    at = true_indices(same)
    later = order.take(from_numpy(at + 1)).to_pylist()
    earlier = order.take(from_numpy(at)).to_pylist()
    return sorted(zip(later, earlier, strict=True))


def _ascending(values: pa.ChunkedArray) -> bool:
    """Whether the values other than nulls strictly increase (ids written in order cannot
    repeat: one comparison a row instead of a hash table)."""
    chunks = [c.drop_null() if c.null_count else c for c in values.chunks]
    chunks = [c for c in chunks if len(c)]
    pairs = [(c.slice(1), c.slice(0, len(c) - 1)) for c in chunks]
    if len(chunks) > 1:  # each chunk's first value against the previous chunk's last
        pairs.append((pa.concat_arrays([c.slice(0, 1) for c in chunks[1:]]),
                      pa.concat_arrays([c.slice(len(c) - 1) for c in chunks[:-1]])))
    return all(not len(later) or pc.all(pc.greater(later, earlier)).as_py()
               for later, earlier in pairs)


def _absent(wanted: pa.Array, targets: pa.ChunkedArray) -> pa.Array:
    """The values of ``wanted`` (distinct) that ``targets`` lacks: a hash table of the
    wanted values, which a foreign key has few of, probed by every target."""
    if not len(wanted):
        return wanted
    found = pc.unique(pc.index_in(targets, value_set=wanted).drop_null())
    seen = np.zeros(len(wanted), dtype=bool)
    seen[to_numpy(found)] = True
    return wanted.filter(from_numpy(~seen))


def _text(value: Any) -> str:
    return value.replace(_SEP, ", ") if isinstance(value, str) else str(value)


@register("structure", UNIQUE_ERROR, scope="table")
def unique_findings(td: TableData, field: str, repeats: list[tuple[int, int]]
                    ) -> list[Finding]:
    """``unique-error`` for each repeated value of ``field`` (``repeats``: its
    ``duplicates``)."""
    values = td.table.column(field)
    return [Finding(code=UNIQUE_ERROR, table=td.name, row=i + 1, line=td.line(i), field=field,
                    value=_text(values[i].as_py()),
                    message=f'constraint "unique" is "True": the value is already in row {j + 1}')
            for i, j in repeats]


@register("structure", PRIMARY_KEY, scope="table")
def primary_key_findings(td: TableData, fields: list[str],
                         repeats: list[tuple[int, int]] | None = None) -> list[Finding]:
    """``primary-key`` for each row whose key is empty or repeats an earlier row's key
    (``repeats``: the key's ``duplicates`` when already known)."""
    values, all_null = key(td.table, fields)
    if repeats is None:
        repeats = duplicates(values)
    name = ", ".join(fields)
    out = [Finding(code=PRIMARY_KEY, table=td.name, row=i + 1, line=td.line(i), field=name,
                   value="", message=f'primary key "{name}": the key cells are all empty')
           for i in true_indices(all_null).tolist()]
    out += [Finding(code=PRIMARY_KEY, table=td.name, row=i + 1, line=td.line(i), field=name,
                    value=_text(values[i].as_py()),
                    message=f'primary key "{name}": the key is already in row {j + 1}')
            for i, j in repeats]
    return out


@register("structure", FOREIGN_KEY, scope="table")
def foreign_key_findings(td: TableData, fields: list[str], ref: TableData,
                         ref_fields: list[str]) -> list[Finding]:
    """``foreign-key`` for each row whose key is not a key of the referenced table."""
    values, all_null = key(td.table, fields)
    targets, _ = key(ref.table, ref_fields)
    if decoded_type(values.type) != decoded_type(targets.type):
        values, targets = pc.cast(values, pa.string()), pc.cast(targets, pa.string())
    missing = _absent(decoded(pc.unique(values)).drop_null(), targets)
    if not len(missing):
        return []
    bad = pc.and_(pc.invert(all_null), pc.is_in(values, value_set=missing))
    name, target = ", ".join(fields), ", ".join(ref_fields)
    return [Finding(code=FOREIGN_KEY, table=td.name, row=i + 1, line=td.line(i), field=name,
                    value=_text(values[i].as_py()),
                    message=f'foreign key "{name}": the value is not a {target} in table '
                            f'"{ref.name}"')
            for i in true_indices(bad).tolist()]
