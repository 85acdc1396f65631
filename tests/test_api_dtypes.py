"""Field -> dtype conversion for the types the current schemas do not use yet."""

from __future__ import annotations

import datetime

import pandas as pd
import pyarrow as pa
import pytest

from bdigest_data import edtf
from bdigest_data.loader import convert


def _convert(field: dict, cells: list[str | None]):
    array, bad = convert.to_arrow(field, pa.array(cells, pa.string()))
    return array, [(b.index, b.value, b.code) for b in bad]


def test_boolean_uses_the_schemas_true_and_false_values():
    field = {"name": "flag", "type": "boolean"}
    array, bad = _convert(field, ["true", "0", None, "FALSE", "1"])
    assert bad == []
    series = convert.to_pandas(field, array)["flag"]
    assert str(series.dtype) == "boolean"
    assert series.tolist() == [True, False, pd.NA, False, True]
    custom = {"name": "flag", "type": "boolean", "trueValues": ["yes"], "falseValues": ["no"]}
    assert _convert(custom, ["yes", "true"])[1] == [(1, "true", "type-error")]


def test_date_becomes_datetime64_and_a_bad_date_is_named():
    field = {"name": "day", "type": "date"}
    array, bad = _convert(field, ["2013-11-21", None])
    assert bad == []
    series = convert.to_pandas(field, array)["day"]
    assert str(series.dtype) == "datetime64[us]"
    assert series.iloc[0].date() == datetime.date(2013, 11, 21)
    assert pd.isna(series.iloc[1])
    assert _convert(field, ["2013-11-21", "21.11.2013", "2013-02-30"])[1] == [
        (1, "21.11.2013", "type-error"), (2, "2013-02-30", "type-error")]


def test_categories_are_ordered_when_the_schema_says_so():
    field = {"name": "scale", "type": "string", "categoriesOrdered": True,
             "constraints": {"enum": ["one", "thousand", "million"]}}
    dtype = convert.pandas_dtype(field)
    assert dtype.ordered and list(dtype.categories) == ["one", "thousand", "million"]
    v2 = {"name": "s", "type": "string", "categories": [{"value": "a", "label": "A"}, "b"]}
    assert list(convert.pandas_dtype(v2).categories) == ["a", "b"]
    assert not convert.pandas_dtype(v2).ordered


def test_integer_overflow_and_decimals_are_type_errors():
    field = {"name": "n", "type": "integer"}
    assert _convert(field, ["1", "2.0", str(2**70)])[1] == [(1, "2.0", "type-error"),
                                                           (2, str(2**70), "type-error")]


@pytest.mark.parametrize("field", [{"name": "t", "type": "datetime"},
                                   {"name": "d", "type": "date", "format": "%d/%m/%Y"}])
def test_a_type_without_a_mapping_is_an_error_not_a_guess(field):
    with pytest.raises(TypeError, match="no dtype mapping"):
        convert.pandas_dtype(field)


def test_edtf_columns_span_the_interval_and_keep_the_coarser_precision():
    field = {"name": "period", "type": "string", "bdigest:edtf": True,
             "constraints": {"pattern": edtf.PATTERN}}
    array, bad = _convert(field, ["2009/2013-06", "2013-11~", None])
    assert bad == []
    cols = convert.to_pandas(field, array)
    assert list(cols) == ["period", "period_earliest", "period_latest", "period_precision"]
    assert cols["period_earliest"].dt.date.tolist()[:2] == [datetime.date(2009, 1, 1),
                                                           datetime.date(2013, 11, 1)]
    assert cols["period_latest"].dt.date.tolist()[:2] == [datetime.date(2013, 6, 30),
                                                         datetime.date(2013, 11, 30)]
    assert cols["period_precision"].tolist()[:2] == ["year", "month"]
    assert cols["period_latest"].isna().tolist() == [False, False, True]
