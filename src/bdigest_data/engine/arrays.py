"""Arrow arrays and scalars built from Python and numpy values without importing pandas.

``pa.array`` and ``pa.scalar`` (which pyarrow calls for every Python value handed to a
compute function) ask pandas whether the value is one of its objects, and the first
question imports pandas: 0.23 s and 40 MB, more than reading a 100 000-row package takes.
These helpers build the same arrays from raw buffers instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def texts(values: Sequence[str | None]) -> pa.Array:
    """A string array of ``values`` (``None`` is null)."""
    encoded = [b"" if v is None else v.encode("utf-8") for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    valid = np.fromiter((v is not None for v in values), dtype=bool, count=len(values))
    return pa.Array.from_buffers(pa.string(), len(values), [
        None if valid.all() else pa.py_buffer(np.packbits(valid, bitorder="little")),
        pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))])


def from_numpy(values: np.ndarray) -> pa.Array:
    """A boolean, float64, int32 or (any other dtype) int64 array of a one-dimensional
    numpy array."""
    if values.dtype == bool:
        data = np.packbits(values, bitorder="little")
        return pa.Array.from_buffers(pa.bool_(), len(values), [None, pa.py_buffer(data)])
    if values.dtype.kind == "f":
        dtype, kind = np.float64, pa.float64()
    elif values.dtype == np.int32:
        dtype, kind = np.int32, pa.int32()
    else:
        dtype, kind = np.int64, pa.int64()
    data = np.ascontiguousarray(values, dtype=dtype)
    return pa.Array.from_buffers(kind, len(values), [None, pa.py_buffer(data)])


def scalar(value: bool | int | float) -> pa.Scalar:
    """A boolean, int64 or float64 scalar."""
    return from_numpy(np.array([value]))[0]


def count_true(mask: pa.Array | pa.ChunkedArray) -> int:
    """How many cells of a boolean array are true (``BooleanArray.true_count`` crashes on
    some arrays that compute functions return in pyarrow 14 and 15)."""
    return pc.sum(mask).as_py() or 0


def any_true(mask: pa.Array) -> bool:
    """Whether a boolean array has a true cell (read from its buffers when it has no nulls:
    no compute call)."""
    return count_true(mask) > 0 if mask.null_count else bool(to_numpy(mask).any())


def all_true(mask: pa.Array) -> bool:
    """Whether every cell of a boolean array is true (a null is not)."""
    return not mask.null_count and bool(to_numpy(mask).all())


def has_byte(text: pa.Array, byte: bytes) -> bool:
    """Whether a text array's data holds ``byte`` anywhere: ``memchr`` over a copy of its
    data (copying 1 MB and searching it costs a seventh of numpy's comparison of every
    byte)."""
    data = text.buffers()[2]
    return data is not None and byte in data.to_pybytes()


def true_indices(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """The positions of the true cells of a boolean array, in order (a null is not true),
    found with numpy: ``pc.indices_nonzero`` crashes pyarrow 14 on some masks, such as an
    all-empty one (commit de87ab0)."""
    if isinstance(mask, pa.ChunkedArray):
        mask = mask.combine_chunks()
    if mask.null_count:
        mask = pc.fill_null(mask, scalar(False))
    return np.flatnonzero(to_numpy(mask))


def null(kind: pa.DataType) -> pa.Scalar:
    """The null scalar of type ``kind``."""
    return pa.nulls(1, kind)[0]


def to_numpy(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """The values of a boolean or numeric column with no nulls as a numpy array (read from
    its buffers: pyarrow's ``to_numpy`` converts through its pandas code, which imports
    pandas)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if column.null_count:
        raise ValueError("to_numpy: the column has nulls")
    data, start, n = column.buffers()[1], column.offset, len(column)
    if data is None:  # an empty column
        return np.zeros(0, dtype=bool if column.type == pa.bool_() else str(column.type))
    if column.type == pa.bool_():
        bits = np.frombuffer(data, dtype=np.uint8)
        return np.unpackbits(bits, count=start + n, bitorder="little")[start:].astype(bool)
    return np.frombuffer(data, dtype=str(column.type), count=n, offset=start *
                         np.dtype(str(column.type)).itemsize)
