"""Support for the polars tests: a polars frame against the pandas frame ``load`` gives."""

from __future__ import annotations

import pandas as pd
import polars as pl

from bdigest_data.loader.values import column_values

# the polars type of each family of pandas dtype that ``load`` gives: the test's own
# expectation, written independently of the model's mapping (``metadata.types``)
POLARS = {"integer": pl.Int64, "number": pl.Float64, "string": pl.String, "date": pl.Date}


def kind_of(dtype: object) -> str:
    """The family of a loaded frame's pandas dtype (``Field.kind``'s names)."""
    if isinstance(dtype, pd.CategoricalDtype):
        return "category"
    if isinstance(dtype, pd.Int64Dtype):
        return "integer"
    if isinstance(dtype, pd.Float64Dtype):
        return "number"
    if isinstance(dtype, pd.StringDtype):
        return "string"
    if pd.api.types.is_datetime64_dtype(dtype):
        return "date"
    raise TypeError(f"no family for dtype {dtype}")


def expected_type(dtype: object) -> pl.DataType:
    """The polars type of a column whose pandas dtype in a loaded frame is ``dtype``."""
    if isinstance(dtype, pd.CategoricalDtype):
        return pl.Enum(list(dtype.categories))
    return POLARS[kind_of(dtype)]


def assert_same_as_pandas(frame: pl.DataFrame, expected: pd.DataFrame) -> None:
    """``frame`` has ``expected``'s columns in order, their types, and the same values."""
    assert isinstance(frame, pl.DataFrame)
    assert frame.columns == list(expected.columns)
    for name, dtype in expected.dtypes.items():
        assert frame.schema[name] == expected_type(dtype), name
        values = column_values(expected[name], kind_of(dtype))
        assert frame[name].to_list() == values, name
