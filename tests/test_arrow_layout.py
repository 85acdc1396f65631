"""The Arrow layouts the validator's fast paths rely on, checked against pyarrow's public API.

``engine.arrays`` and ``engine.cells`` read and build buffers directly: string
offsets as int32, a boolean array's data reused as a validity bitmap, bitmaps unpacked with
numpy. These tests compare each fast path with the public kernel that does the same, on the
columns the CSV reader really hands out, so that a pyarrow whose layout or kernels differ
(the CI's floors step runs them at the lowest declared versions) fails here, not silently in
a report.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from bdigest_data.engine import stream as reader
from bdigest_data.engine.arrays import count_true, from_numpy, texts, to_numpy, true_indices
from bdigest_data.engine.cells import FieldRule, _with_nulls

ROOT = Path(__file__).resolve().parents[1]


def _columns(path: Path, monkeypatch: pytest.MonkeyPatch, block: int) -> list[pa.Array]:
    monkeypatch.setattr(reader, "BLOCK_SIZE", block)
    columns, _ = reader.read(path, lambda s: [c for b in s.batches for c in b.columns])
    assert columns
    return columns


@pytest.fixture(params=[1 << 20, 2048], ids=["one-batch", "small-batches"])
def raw_columns(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
                ) -> list[pa.Array]:
    """Every column of every batch of the real fact tables as the reader hands them out."""
    out: list[pa.Array] = []
    for name in ("arms_exports", "visits", "actors"):
        out += _columns(ROOT / "data" / f"{name}.csv", monkeypatch, request.param)
    return out


def test_reader_columns_are_plain_unsliced_text(raw_columns):
    for col in raw_columns:
        assert col.type == pa.string()  # int32 offsets, read by FieldRule.missing_cells
        assert col.offset == 0 and col.null_count == 0
        assert col.buffers()[0] is None


def test_missing_cells_from_offsets_agrees_with_equal(raw_columns):
    rule = FieldRule.text("x", [""])
    for col in [*raw_columns, raw_columns[0].slice(3)]:
        fast = rule.missing_cells(col)
        assert fast.tolist() == pc.equal(col, texts([""])[0]).to_pylist()


def test_with_nulls_agrees_with_if_else(raw_columns):
    rule = FieldRule.text("x", [""])
    for col in raw_columns:
        absent = rule.missing_cells(col)
        present = from_numpy(~absent)
        fast = _with_nulls(col, present)
        fast.validate(full=True)
        assert fast.to_pylist() == [None if a else v for a, v in zip(absent, col.to_pylist(),
                                                                     strict=True)]
        assert fast.null_count == int(absent.sum())
        assert pc.dictionary_encode(fast).to_pylist() == fast.to_pylist()


def test_built_arrays_are_valid_and_equal_to_pyarrows():
    values = ["a", None, "", "ünï", "x" * 300]
    built = texts(values)
    built.validate(full=True)
    assert built.equals(pa.array(values, pa.string()))
    for data in ([True, False, True] * 5, [1, -2, 3], [0.5, -1.25]):
        arr = from_numpy(np.array(data))
        arr.validate(full=True)
        assert arr.to_pylist() == data


@pytest.mark.parametrize("kind", [pa.bool_(), pa.int64(), pa.float64()])
def test_to_numpy_of_sliced_and_chunked_columns(kind):
    data = [bool(i % 3) if kind == pa.bool_() else i * 7 - 20 for i in range(37)]
    arr = pc.cast(from_numpy(np.array(data)), kind)
    for start in (0, 1, 5, 9):
        piece = arr.slice(start, 20)
        assert to_numpy(piece).tolist() == piece.to_pylist()
    chunked = pa.chunked_array([arr.slice(0, 10), arr.slice(13)])
    assert to_numpy(chunked).tolist() == chunked.to_pylist()


def test_count_true_on_kernel_results():
    text = texts(["12", "x", None, "7", ""])
    matched = pc.match_substring_regex(text, "^[0-9]+$")
    assert count_true(matched) == 2
    assert count_true(pc.invert(matched)) == 2
    assert count_true(from_numpy(np.zeros(0, dtype=bool))) == 0


def _masks() -> list[pa.Array | pa.ChunkedArray]:
    matched = pc.match_substring_regex(texts(["12", "x", None, "7", "", None, "3"]), "^[0-9]+$")
    return [
        from_numpy(np.zeros(0, dtype=bool)),                     # all-empty (pyarrow 14)
        pc.equal(texts([]), texts([])),                          # all-empty, from a kernel
        pa.nulls(5, pa.bool_()),                                 # all-null
        from_numpy(np.zeros(9, dtype=bool)),                     # no true cell
        matched,                                                 # nulls among the cells
        matched.slice(2, 4),                                     # with an offset
        pa.chunked_array([], type=pa.bool_()),                   # no chunk at all
        pa.chunked_array([matched, from_numpy(np.zeros(0, dtype=bool)), matched.slice(3)]),
        pc.fill_null(pc.equal(texts(["a", "b", "a"]), texts(["a", "c", "a"])), False),
    ]


@pytest.mark.parametrize("mask", _masks(), ids=lambda m: f"{type(m).__name__}-{len(m)}")
def test_true_indices_agree_with_pythons_reading_of_the_mask(mask):
    """true_indices, the one replacement of pc.indices_nonzero (which crashed pyarrow 14 on an
    all-empty mask), gives the positions of the true cells, a null not being true, on every
    shape of mask the checks and the loader hand it, at the floors too."""
    expected = [i for i, v in enumerate(mask.to_pylist()) if v is True]
    assert true_indices(mask).tolist() == expected
