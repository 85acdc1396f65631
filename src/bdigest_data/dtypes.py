"""Table Schema field -> Arrow type and pandas dtype, strict cell conversion, EDTF columns.

Every dtype is derived from the field's Table Schema entry; no field is named here.

==========================  ===========================  ==============================
Table Schema field          Arrow (``records``)          pandas (``load``)
==========================  ===========================  ==============================
``integer``                 ``int64``                    ``Int64``
``number``                  ``float64``                  ``Float64``
``boolean``                 ``bool``                     ``boolean``
``date``                    ``date32``                   ``datetime64[us]``
``string``                  ``large_string``             ``string`` (``pd.StringDtype("pyarrow")``)
``string`` with an enum     ``large_string``             ``category`` with the schema's
                                                         categories, ordered when the field
                                                         has ``categoriesOrdered: true``
``string`` EDTF date        ``large_string``             ``string`` + 3 derived columns
==========================  ===========================  ==============================

Strings use ``pd.StringDtype("pyarrow")`` (dtype name ``"string"``, missing value ``pd.NA``)
rather than pandas 3's default ``str`` (missing value ``NaN``), so strings, integers, numbers
and booleans share one missing value, ``pd.NA`` (categories and dates show theirs as
``NaN`` / ``NaT``; ``isna()`` finds all of them). An empty cell (the schema's
``missingValues``) is missing in every type.

An EDTF field ``X`` (a string field whose pattern is ``bdigest_data.edtf.PATTERN``) stays a
string and gains, right after it:

- ``X_earliest`` (``datetime64[us]``): the first day the value can denote
  (``2013`` -> 2013-01-01, ``2009/2013`` -> 2009-01-01);
- ``X_latest`` (``datetime64[us]``): the last day (``2013-11`` -> 2013-11-30);
- ``X_precision`` (ordered ``category`` year < month < day): how precisely it is written
  (of the coarser end of an interval).

Conversion is strict: a cell that does not convert (only possible with ``validate=False``
on a broken file) is reported, never turned into a missing value.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bdigest_data import edtf

STRING = pd.StringDtype("pyarrow")
# Arrow strings: the CSV is read as these, the type pandas' ``STRING`` holds (no copy)
TEXT = pa.large_string()
DATETIME = "datetime64[us]"
_TIMESTAMP = pa.timestamp("us")

# Table Schema type -> (Arrow type, pandas dtype)
_TYPES: dict[str, tuple[pa.DataType, Any]] = {
    "integer": (pa.int64(), pd.Int64Dtype()),
    "number": (pa.float64(), pd.Float64Dtype()),
    "boolean": (pa.bool_(), pd.BooleanDtype()),
    "date": (pa.date32(), DATETIME),
    "string": (TEXT, STRING),
}
# Arrow type -> pandas extension dtype (timestamps and dictionaries convert by default)
_EXTENSION = {arrow: dtype for arrow, dtype in _TYPES.values() if not isinstance(dtype, str)}
# Table Schema defaults for boolean fields without trueValues / falseValues
_TRUE = ["true", "True", "TRUE", "1"]
_FALSE = ["false", "False", "FALSE", "0"]


@dataclass(frozen=True)
class BadCell:
    """A cell that does not convert: 0-based row index, field, value and the rule broken
    (``field`` and ``value`` are None for a fault of the whole row)."""

    index: int
    field: str | None
    value: str | None
    code: str
    message: str


def _type(field: dict[str, Any]) -> tuple[pa.DataType, Any]:
    kind = field.get("type", "string")
    if kind not in _TYPES or field.get("format", "default") != "default":
        raise TypeError(
            f"field {field['name']!r}: type {kind!r} with format {field.get('format', 'default')!r}"
            f" has no dtype mapping (supported types: {', '.join(_TYPES)}, default format)"
        )
    return _TYPES[kind]


def categories(field: dict[str, Any]) -> list[Any] | None:
    """The field's categories: Table Schema v2 ``categories`` or the ``enum`` constraint."""
    cats = field.get("categories", field.get("constraints", {}).get("enum"))
    if cats is None:
        return None
    return [c["value"] if isinstance(c, dict) else c for c in cats]


def arrow_type(field: dict[str, Any]) -> pa.DataType:
    """The Arrow type a field's cells are converted to."""
    return _type(field)[0]


def pandas_dtype(field: dict[str, Any]) -> Any:
    """The pandas dtype of the field's column in a loaded frame."""
    cats = categories(field)
    if cats is not None:
        return _categorical(tuple(cats), bool(field.get("categoriesOrdered", False)))
    return _type(field)[1]


def derived_columns(field: dict[str, Any]) -> dict[str, str]:
    """Names and descriptions of the columns derived from ``field`` (none unless EDTF)."""
    if not edtf.is_edtf(field):
        return {}
    name = field["name"]
    return {
        f"{name}_earliest": f"First day the EDTF date in `{name}` can denote.",
        f"{name}_latest": f"Last day the EDTF date in `{name}` can denote.",
        f"{name}_precision": f"How precisely `{name}` is written: year, month or day.",
    }


def to_arrow(field: dict[str, Any], array: pa.Array) -> tuple[pa.Array, list[BadCell]]:
    """Convert a column of strings (nulls for missing cells) to the field's Arrow type.

    Returns the converted column and the cells that do not convert (or break the enum or
    EDTF syntax, which the pandas dtype relies on); when there are any, the column is
    meaningless and the caller must not use it.
    """
    name, target = field["name"], arrow_type(field)
    bad: list[BadCell] = []
    cats = categories(field)
    if cats is not None:
        allowed = _constant(tuple(str(c) for c in cats), pa.string())
        bad = _bad(array, pc.is_in(array, value_set=allowed), name, "constraint-error",
                   f"is not one of the categories {cats}")
    elif edtf.is_edtf(field):
        dates, parsed = _edtf_values(array)
        valid = pa.array([d for d, p in zip(dates.to_pylist(), parsed, strict=True) if p],
                         pa.string())
        bad = _bad(array, pc.is_in(array, value_set=valid), name, "constraint-error",
                   "is not an EDTF date")
    if pa.types.is_boolean(target):
        return _to_bool(field, array, bad)
    if array.type == target:
        return array, bad
    try:
        return pc.cast(array, target), bad
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        ok = pa.array([v is not None and _castable(v, target) for v in array.to_pylist()])
        bad += _bad(array, ok, name, "type-error", f"is not of type {field.get('type', 'string')}")
        return array, bad


def _bad(array: pa.Array, ok: pa.Array, field: str, code: str, rule: str) -> list[BadCell]:
    """The cells of ``array`` that are neither missing nor ``ok`` (never true where missing)."""
    if ok.true_count == len(array) - array.null_count:
        return []
    wrong = pc.and_not(pc.is_valid(array), pc.fill_null(ok, False))
    return [BadCell(i, field, array[i].as_py(), code, f"{array[i].as_py()!r} {rule}")
            for i in pc.indices_nonzero(wrong).to_pylist()]


def _castable(value: str, to: pa.DataType) -> bool:
    try:
        pc.cast(pa.array([value]), to)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return True


def _to_bool(
    field: dict[str, Any], array: pa.Array, bad: list[BadCell]
) -> tuple[pa.Array, list[BadCell]]:
    true = pa.array(field.get("trueValues", _TRUE), pa.string())
    false = pa.array(field.get("falseValues", _FALSE), pa.string())
    ok = pc.or_(pc.is_in(array, value_set=true), pc.is_in(array, value_set=false))
    rule = f"is not a boolean (one of {true.to_pylist() + false.to_pylist()})"
    bad += _bad(array, ok, field["name"], "type-error", rule)
    values = pc.is_in(array, value_set=true)
    return pc.if_else(pc.is_null(array), pa.scalar(None, pa.bool_()), values), bad


@functools.lru_cache(maxsize=4096)
def _edtf(text: str) -> edtf.Edtf | None:
    """The parsed EDTF value, or None when ``text`` is not one."""
    try:
        return edtf.parse(text)
    except ValueError:
        return None


def to_columns(field: dict[str, Any], array: pa.Array) -> dict[str, pa.Array]:
    """The field's column (converted by :func:`to_arrow` without bad cells) and its derived
    columns, as Arrow arrays that pandas turns into the documented dtypes (categories
    become dictionary arrays, dates timestamps)."""
    cats = categories(field)
    if cats is not None:
        dictionary = _constant(tuple(cats), array.type)
        array = pa.DictionaryArray.from_arrays(
            pc.index_in(array, value_set=dictionary), dictionary,
            ordered=bool(field.get("categoriesOrdered", False)))
    elif pa.types.is_date32(array.type):
        array = pc.cast(array, _TIMESTAMP)
    out = {field["name"]: array}
    if edtf.is_edtf(field):
        out.update(_edtf_columns(field, array))
    return out


def to_pandas(field: dict[str, Any], array: pa.Array) -> dict[str, pd.Series]:
    """The field's column (converted by :func:`to_arrow`) and its derived columns."""
    return {name: pd.Series(_pandas_array(column), name=name, copy=False)
            for name, column in to_columns(field, array).items()}


def to_frame(columns: dict[str, pa.Array]) -> pd.DataFrame:
    """A frame of the columns made by :func:`to_columns`."""
    return pd.DataFrame({name: _pandas_array(c) for name, c in columns.items()}, copy=False)


def _pandas_array(array: pa.Array) -> Any:
    """One Arrow column of :func:`to_columns` as the pandas array of its documented dtype."""
    if pa.types.is_dictionary(array.type):
        dtype = _categorical(tuple(array.dictionary.to_pylist()), array.type.ordered)
        return pd.Categorical.from_codes(pc.fill_null(array.indices, -1).to_numpy(), dtype=dtype)
    if pa.types.is_timestamp(array.type):
        return array.to_numpy(zero_copy_only=False)
    return _EXTENSION[array.type].__from_arrow__(array)


@functools.lru_cache(maxsize=256)
def _constant(values: tuple[Any, ...], kind: pa.DataType) -> pa.Array:
    """An Arrow array of schema constants (categories, precision levels), built once."""
    return pa.array(values, kind)


@functools.lru_cache(maxsize=256)
def _categorical(cats: tuple[Any, ...], ordered: bool) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(list(cats), ordered=ordered)


def _edtf_values(array: pa.Array) -> tuple[pa.Array, list[edtf.Edtf | None]]:
    """The distinct values of an EDTF column and each one parsed (None: not a date)."""
    dates = pc.unique(array.drop_null())
    return dates, [_edtf(v) for v in dates.to_pylist()]


def _edtf_columns(field: dict[str, Any], array: pa.Array) -> dict[str, pa.Array]:
    earliest, latest, precision = derived_columns(field)
    dates, parsed = _edtf_values(array)
    row_of = pc.index_in(array, value_set=dates)  # each row's distinct value (null: missing)

    def spread(values: list[Any], kind: pa.DataType) -> pa.Array:
        return pc.take(pa.array(values, kind), row_of)

    def days(attr: str) -> pa.Array:
        return pc.cast(spread([getattr(p, attr) for p in parsed], pa.date32()), _TIMESTAMP)

    levels = _constant(edtf.PRECISIONS, pa.string())
    codes = spread([edtf.PRECISIONS.index(p.precision) for p in parsed], pa.int8())
    return {
        earliest: days("earliest"),
        latest: days("latest"),
        precision: pa.DictionaryArray.from_arrays(codes, levels, ordered=True),
    }
