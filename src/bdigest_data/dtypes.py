"""Table Schema field -> Arrow, pandas and polars types; strict cell conversion; EDTF columns.

Every dtype is derived from the field's Table Schema entry; no field is named here.

=======================  ===================  ============================  ================
Table Schema field       Arrow (``records``)  pandas (``load``)             polars
=======================  ===================  ============================  ================
``integer``              ``int64``            ``Int64``                     ``Int64``
``number``               ``float64``          ``Float64``                   ``Float64``
``boolean``              ``bool``             ``boolean``                   ``Boolean``
``date``                 ``date32``           ``datetime64[us]``            ``Date``
``string``               ``large_string``     ``string``                    ``String``
                                              (``StringDtype("pyarrow")``)
``string`` with an enum  ``large_string``     ``category`` with the         ``Enum`` of the
                                              schema's categories, ordered  categories
                                              when the field has
                                              ``categoriesOrdered: true``
``string`` EDTF date     ``large_string``     ``string`` + 3 derived        ``String`` + 3
                                              columns                       derived columns
=======================  ===================  ============================  ================

polars (``load(..., backend="polars")``) is imported only when asked for. Its ``Enum`` is
always ordered by the categories' order (pandas orders only ``categoriesOrdered`` fields).

Strings use ``pd.StringDtype("pyarrow")`` (dtype name ``"string"``, missing value ``pd.NA``)
rather than pandas 3's default ``str`` (missing value ``NaN``), so strings, integers, numbers
and booleans share one missing value, ``pd.NA`` (categories and dates show theirs as
``NaN`` / ``NaT``; ``isna()`` finds all of them). An empty cell (the schema's
``missingValues``) is missing in every type.

An EDTF field ``X`` (a string field marked ``"bdigest:edtf": true``) stays a
string and gains, right after it:

- ``X_earliest`` (``datetime64[us]``; polars ``Date``): the first day the value can denote
  (``2013`` -> 2013-01-01, ``2009/2013`` -> 2009-01-01);
- ``X_latest`` (``datetime64[us]``; polars ``Date``): the last day (``2013-11`` -> 2013-11-30);
- ``X_precision`` (ordered ``category`` year < month < day; polars ``Enum``): how
  precisely it is written (of the coarser end of an interval).

Conversion is strict: a cell that does not convert (only possible with ``validate=False``
on a broken file) is reported, never turned into a missing value.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
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


def polars_dtype(field: dict[str, Any]) -> Any:
    """The polars dtype of the field's column in a frame of ``load(..., backend="polars")``
    (``metadata.Field.polars_dtype``; imports polars)."""
    from bdigest_data.metadata.classes import Field

    _type(field)
    return Field.model_validate(field).polars_dtype


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


class Converter:
    """The conversions of one field, derived from its Table Schema entry once (a table's
    loader keeps one per field, so repeated loads skip the schema lookups).

    ``TypeError`` when the field's type has no mapping.
    """

    __slots__ = ("_polars", "allowed", "derived", "dictionary", "dtype", "field", "name", "target")

    def __init__(self, field: dict[str, Any]) -> None:
        self.field = field
        self.name: str = field["name"]
        self.target = arrow_type(field)
        self.dtype = pandas_dtype(field)
        cats = categories(field)
        # the categories as the strings a CSV cell holds, and as values of ``target``
        self.allowed: pa.Array | None = None
        self.dictionary: pa.Array | None = None
        if cats is not None:
            self.allowed = _constant(tuple(str(c) for c in cats), pa.string())
            self.dictionary = _constant(tuple(cats), self.target)
        self.derived = tuple(derived_columns(field))
        self._polars: Any = None  # the polars dtype, looked up on the first polars frame

    def to_arrow(self, array: pa.Array) -> tuple[pa.Array, list[BadCell]]:
        """:func:`to_arrow` of a column of this field."""
        bad: list[BadCell] = []
        if self.allowed is not None:
            bad = _bad(array, pc.is_in(array, value_set=self.allowed), self.name,
                       "constraint-error", f"is not one of the categories {categories(self.field)}")
        elif self.derived:
            dates, parsed = _edtf_values(array)
            if not all(parsed):
                valid = pa.array([d for d, p in zip(dates.to_pylist(), parsed, strict=True) if p],
                                 pa.string())
                bad = _bad(array, pc.is_in(array, value_set=valid), self.name,
                           "constraint-error", "is not an EDTF date")
        if pa.types.is_boolean(self.target):
            return _to_bool(self.field, array, bad)
        if array.type == self.target:
            return array, bad
        try:
            return pc.cast(array, self.target), bad
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            ok = pa.array([v is not None and _castable(v, self.target) for v in array.to_pylist()])
            bad += _bad(array, ok, self.name, "type-error",
                        f"is not of type {self.field.get('type', 'string')}")
            return array, bad

    def to_pandas(self, array: pa.Array) -> dict[str, Any]:
        """The pandas arrays (documented dtypes) of the field's column, converted by
        :meth:`to_arrow` without bad cells, and of its derived columns."""
        if self.dictionary is not None:
            column = pd.Categorical.from_codes(_positions(array, self.dictionary),
                                               dtype=self.dtype, validate=False)
        elif pa.types.is_date32(array.type):
            column = pc.cast(array, _TIMESTAMP).to_numpy(zero_copy_only=False)
        else:
            column = self.dtype.__from_arrow__(array)
        out = {self.name: column}
        if self.derived:
            out.update(_edtf_columns(self.derived, array))
        return out


    def to_polars(self, array: pa.Array) -> dict[str, Any]:
        """The polars Series (documented dtypes) of the field's column, converted by
        :meth:`to_arrow` without bad cells, and of its derived columns."""
        import polars as pl

        if self._polars is None:
            self._polars = polars_dtype(self.field)
        column = pl.Series(self.name, array)
        if self.dictionary is not None:  # polars' Enum holds strings
            column = column.cast(pl.String).cast(self._polars)
        out = {self.name: column}
        if self.derived:
            earliest, latest, precision = self.derived
            dates = _distinct(array)
            first, last, level = _edtf_days(tuple(dates.to_pylist()))
            row_of = _positions(array, dates)  # -1 (missing) takes the last, missing entry
            out[earliest] = pl.Series(earliest, pa.array(first[row_of]))
            out[latest] = pl.Series(latest, pa.array(last[row_of]))
            out[precision] = pl.Series(precision, pa.array(level[row_of], TEXT)).cast(
                _enum(edtf.PRECISIONS))
        return out


def to_arrow(field: dict[str, Any], array: pa.Array) -> tuple[pa.Array, list[BadCell]]:
    """Convert a column of strings (nulls for missing cells) to the field's Arrow type.

    Returns the converted column and the cells that do not convert (or break the enum or
    EDTF syntax, which the pandas dtype relies on); when there are any, the column is
    meaningless and the caller must not use it.
    """
    return Converter(field).to_arrow(array)


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


def to_pandas(field: dict[str, Any], array: pa.Array) -> dict[str, pd.Series]:
    """The field's column (converted by :func:`to_arrow`) and its derived columns."""
    return {name: pd.Series(column, name=name, copy=False)
            for name, column in Converter(field).to_pandas(array).items()}


def _positions(array: pa.Array, values: pa.Array) -> np.ndarray:
    """Each cell's position in ``values`` (-1 where missing), as numpy codes."""
    found = pc.index_in(array, value_set=values)
    return (pc.fill_null(found, -1) if found.null_count else found).to_numpy()


@functools.lru_cache(maxsize=256)
def _constant(values: tuple[Any, ...], kind: pa.DataType) -> pa.Array:
    """An Arrow array of schema constants (categories, precision levels), built once."""
    return pa.array(values, kind)


@functools.lru_cache(maxsize=256)
def _enum(cats: tuple[str, ...]) -> Any:
    """The polars ``Enum`` of ``cats``, built once."""
    import polars as pl

    return pl.Enum(list(cats))


@functools.lru_cache(maxsize=256)
def _categorical(cats: tuple[Any, ...], ordered: bool) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(list(cats), ordered=ordered)


def _edtf_values(array: pa.Array) -> tuple[pa.Array, list[edtf.Edtf | None]]:
    """The distinct values of an EDTF column and each one parsed (None: not a date)."""
    dates = _distinct(array)
    return dates, [_edtf(v) for v in dates.to_pylist()]


def _distinct(array: pa.Array) -> pa.Array:
    """The distinct values of ``array`` (missing cells left out), in order of appearance."""
    return pc.unique(array.drop_null())


def _edtf_columns(names: tuple[str, ...], array: pa.Array) -> dict[str, Any]:
    """The derived columns (earliest, latest, precision) of an EDTF column, taken for each
    row from those of the column's distinct values."""
    earliest, latest, precision = names
    dates = _distinct(array)
    first, last, codes = _edtf_spans(tuple(dates.to_pylist()))
    row_of = _positions(array, dates)  # -1 (missing) takes the spans' last, missing entry
    return {
        earliest: first[row_of],
        latest: last[row_of],
        precision: pd.Categorical.from_codes(codes[row_of], validate=False,
                                             dtype=_categorical(edtf.PRECISIONS, True)),
    }


@functools.lru_cache(maxsize=256)
def _edtf_spans(dates: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The earliest day, latest day and precision code of each of ``dates`` (EDTF values),
    followed by those of a missing value (NaT, NaT, -1)."""
    parsed = [edtf.parse(d) for d in dates]
    return (np.array([p.earliest for p in parsed] + [None], DATETIME),
            np.array([p.latest for p in parsed] + [None], DATETIME),
            np.array([edtf.PRECISIONS.index(p.precision) for p in parsed] + [-1], np.int8))


@functools.lru_cache(maxsize=256)
def _edtf_days(dates: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_edtf_spans` as days (``datetime64[D]``, which Arrow reads as ``date32``) and
    precision names (None for the missing entry)."""
    first, last, codes = _edtf_spans(dates)
    levels = np.array([*edtf.PRECISIONS, None], object)  # code -1 picks None
    return first.astype("datetime64[D]"), last.astype("datetime64[D]"), levels[codes]
