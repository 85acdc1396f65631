"""Evaluate a rule once per distinct combination of cells instead of once per row.

The checks run on tables of a million rows with only hundreds of distinct quotes, dates
and values: ``distinct`` hashes the columns with pyarrow, the rule runs in Python once per
distinct key, and ``Groups.flagged`` maps the verdicts back to row indices with numpy.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bdigest_data.engine.arrays import from_numpy, to_numpy

Column = pa.Array | pa.ChunkedArray
_WIDE = 1 << 31  # codes from here on need 64 bits


@dataclass(frozen=True)
class Groups:
    """Distinct key tuples (``None`` for a null cell) and each row's index into them."""

    keys: list[tuple[Any, ...]]
    inverse: np.ndarray

    def flagged(self, verdicts: Sequence[Any], where: np.ndarray | None = None
                ) -> Iterator[tuple[int, Any]]:
        """``(row, verdict)`` for every row whose group's verdict is truthy (and, given
        ``where``, whose entry in that boolean row mask is true), in row order."""
        verdicts = list(verdicts)
        bad = np.fromiter((bool(v) for v in verdicts), dtype=bool, count=len(verdicts))
        if not bad.any():
            return
        rows = bad[self.inverse] if where is None else bad[self.inverse] & where
        for row in np.flatnonzero(rows):
            yield int(row), verdicts[self.inverse[row]]

    def broadcast(self, values: Sequence[bool]) -> np.ndarray:
        """A per-row boolean array from one boolean per group."""
        return np.fromiter(values, dtype=bool, count=len(self.keys))[self.inverse]


def decoded_type(kind: pa.DataType) -> pa.DataType:
    """The type of the values of a column of ``kind`` (dictionary-encoded or not)."""
    return kind.value_type if pa.types.is_dictionary(kind) else kind


def decoded(column: Column) -> Column:
    """``column`` with its values written out if it is dictionary-encoded."""
    if pa.types.is_dictionary(column.type):
        return pc.cast(column, column.type.value_type)
    return column


def _codes(column: Column) -> tuple[np.ndarray, int]:
    """Each row's code (int32) among the distinct values of ``column`` (null is a value
    too) and how many codes there are; a dictionary-encoded column is coded by its
    dictionary."""
    if pa.types.is_dictionary(column.type):
        chunked = column if isinstance(column, pa.ChunkedArray) else pa.chunked_array([column])
        chunks = chunked.unify_dictionaries().chunks
        size = len(chunks[0].dictionary) if chunks else 0
        index = pa.chunked_array([c.indices for c in chunks], column.type.index_type)
        missing = from_numpy(np.array([size], dtype=np.int32))[0]
        return to_numpy(pc.fill_null(index.cast(pa.int32()), missing)), size + 1
    uniq = pc.unique(column)
    return to_numpy(pc.index_in(column, value_set=uniq)), len(uniq)


def distinct(*columns: Column) -> Groups:
    """Group the rows of equally long ``columns`` by their combined values. Codes are kept
    in 32 bits (4 bytes a row for each array alive), the combination so far recoded to its
    distinct values whenever the next column would take it past 2**31 codes."""
    n = len(columns[0])
    code, bound = np.zeros(n, dtype=np.int32), 1  # codes are below bound
    for column in columns:
        idx, size = _codes(column)
        if bound * size >= _WIDE:
            code, bound = _codes(from_numpy(code))
        wide = code.astype(np.int64) if bound * size >= _WIDE else code
        code, bound = wide * size + idx, bound * size
    code, size = _codes(from_numpy(code))
    representative = np.zeros(size, dtype=np.int64)
    representative[code] = np.arange(n, dtype=np.int32 if n < _WIDE else np.int64)
    taken = [pc.take(c, from_numpy(representative)).to_pylist() for c in columns]
    return Groups(list(zip(*taken, strict=True)), code)
