"""Strict cell conversion to each field's Arrow, pandas and polars types; EDTF columns.

Every dtype is the model's (``Field.arrow_type``, ``Field.pandas_dtype``, from the one
mapping in ``bdigest_data.metadata.types``); no field is named here. A field with
categories is a pandas ``category`` with the schema's categories (ordered when the field
has ``categoriesOrdered: true``) and a polars ``Enum``; an EDTF field gains 3 derived
columns (below).

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
- ``X_precision`` (ordered ``category`` year < season < month < day; polars ``Enum``): how
  precisely it is written (of the coarser end of an interval).

Conversion is strict: a cell that does not convert (only possible with ``validate=False``
on a broken file) is reported, never turned into a missing value.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bdigest_data import edtf
from bdigest_data.catalogue import CONSTRAINT_ERROR, TYPE_ERROR
from bdigest_data.engine.arrays import (  # not .true_count: pyarrow 14 crashes
    count_true,  # not .true_count: pyarrow 14 crashes
    true_indices,
)
from bdigest_data.metadata.classes import Constraints, Field
from bdigest_data.metadata.types import TYPES, categorical, polars_enum

if TYPE_CHECKING:
    import pandas as pd

# Arrow strings: the CSV is read as these, the type pandas' ``StringDtype("pyarrow")``
# holds (no copy); pandas is imported only for a pandas frame
TEXT = pa.large_string()
DATETIME = "datetime64[us]"
_TIMESTAMP = pa.timestamp("us")
FieldArg = Field | dict[str, Any]


def as_field(field: FieldArg) -> Field:
    """``field`` as the model's ``Field`` (a dict is parsed; ``TypeError`` for a type or
    format bdigest-data does not read)."""
    model = field if isinstance(field, Field) else Field.model_validate(field)
    if not model.supported:
        raise TypeError(f"field {model.name!r}: type {model.type!r} with format "
                        f"{model.format!r} has no dtype mapping (supported types: "
                        f"{', '.join(TYPES)}, default format)")
    return model


@dataclass(frozen=True)
class BadCell:
    """A cell that does not convert: 0-based row index, field, value and the rule broken
    (``field`` and ``value`` are None for a fault of the whole row)."""

    index: int
    field: str | None
    value: str | None
    code: str
    message: str


def categories(field: FieldArg) -> list[Any] | None:
    """The field's categories: Table Schema v2 ``categories`` or the ``enum`` constraint."""
    return as_field(field).category_values


def arrow_type(field: FieldArg) -> pa.DataType:
    """The Arrow type a field's cells are converted to."""
    return as_field(field).arrow_type


def pandas_dtype(field: FieldArg) -> Any:
    """The pandas dtype of the field's column in a loaded frame."""
    return as_field(field).pandas_dtype


def polars_dtype(field: FieldArg) -> Any:
    """The polars dtype of the field's column in a frame of ``load(..., backend="polars")``
    (``metadata.Field.polars_dtype``; imports polars)."""
    return as_field(field).polars_dtype


def derived_columns(field: FieldArg) -> dict[str, str]:
    """Names and descriptions of the columns derived from ``field`` (none unless EDTF;
    ``metadata.Field.derived``)."""
    return {f.name: f.description or "" for f in as_field(field).derived}


class Converter:
    """The conversions of one field, derived from the model's ``Field`` once (a table's
    loader keeps one per field, so repeated loads skip the schema lookups). A cell is read
    by the field's cell rule (``engine.cells.FieldRule``), the validator's own, so the
    loader accepts exactly what the validator accepts.

    ``TypeError`` when the field's type has no mapping.
    """

    __slots__ = ("_pandas", "_polars", "allowed", "derived", "dictionary", "field", "name",
                 "rule", "target")

    def __init__(self, field: FieldArg, missing_values: list[str] | None = None) -> None:
        from bdigest_data.engine.cells import FieldRule

        self.field = as_field(field)
        self.name: str = self.field.name
        self.target = self.field.arrow_type
        cats = self.field.category_values
        # the categories as the strings a CSV cell holds, and as values of ``target``
        self.allowed: pa.Array | None = None
        self.dictionary: pa.Array | None = None
        if cats is not None:
            self.allowed = _constant(tuple(str(c) for c in cats), pa.string())
            self.dictionary = _constant(tuple(cats), self.target)
        self.derived = tuple(derived_columns(self.field))
        # only the type is read here: constraints are the validator's business
        plain = self.field.model_copy(update={"constraints": Constraints()})
        self.rule = None if self.field.info.is_text else FieldRule(plain, missing_values or [""])
        self._pandas: Any = None  # the pandas dtype, looked up on the first pandas frame
        self._polars: Any = None  # the polars dtype, looked up on the first polars frame

    @property
    def dtype(self) -> Any:
        """The pandas dtype of the field's column (imports pandas)."""
        if self._pandas is None:
            self._pandas = self.field.pandas_dtype
        return self._pandas

    def to_arrow(self, array: pa.Array) -> tuple[pa.Array, list[BadCell]]:
        """:func:`to_arrow` of a column of this field."""
        bad: list[BadCell] = []
        if self.allowed is not None:
            bad = _bad(array, pc.is_in(array, value_set=self.allowed), self.name,
                       CONSTRAINT_ERROR,
                       f"is not one of the categories {self.field.category_values}")
        elif self.derived:
            dates, parsed = _edtf_values(array)
            if not all(parsed):
                valid = pa.array([d for d, p in zip(dates.to_pylist(), parsed, strict=True) if p],
                                 pa.string())
                bad = _bad(array, pc.is_in(array, value_set=valid), self.name,
                           CONSTRAINT_ERROR, "is not an EDTF date")
        if self.rule is None:
            return array, bad
        present = pc.is_valid(array) if array.null_count else None
        raw = pc.fill_null(array, "") if array.null_count else array
        typed, failed = self.rule.read(raw, present)
        if failed is not None and count_true(failed):
            bad += _bad(array, pc.invert(failed), self.name, TYPE_ERROR,
                        f'is not of type "{self.field.type}": expected {self.field.info.expected}')
        return typed, bad

    def to_pandas(self, array: pa.Array) -> dict[str, Any]:
        """The pandas arrays (documented dtypes) of the field's column, converted by
        :meth:`to_arrow` without bad cells, and of its derived columns."""
        import pandas as pd

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
                polars_enum(edtf.PRECISIONS))
        return out


def to_arrow(field: FieldArg, array: pa.Array) -> tuple[pa.Array, list[BadCell]]:
    """Convert a column of strings (nulls for missing cells) to the field's Arrow type.

    Returns the converted column and the cells that do not convert (or break the enum or
    EDTF syntax, which the pandas dtype relies on); when there are any, the column is
    meaningless and the caller must not use it.
    """
    return Converter(field).to_arrow(array)


def _bad(array: pa.Array, ok: pa.Array, field: str, code: str, rule: str) -> list[BadCell]:
    """The cells of ``array`` that are neither missing nor ``ok`` (never true where missing)."""
    if count_true(ok) == len(array) - array.null_count:
        return []
    wrong = pc.and_not(pc.is_valid(array), pc.fill_null(ok, False))
    return [BadCell(i, field, array[i].as_py(), code, f"{array[i].as_py()!r} {rule}")
            for i in true_indices(wrong).tolist()]


@functools.lru_cache(maxsize=4096)
def _edtf(text: str) -> edtf.Edtf | None:
    """The parsed EDTF value, or None when ``text`` is not one."""
    try:
        return edtf.parse(text)
    except ValueError:
        return None


def to_pandas(field: FieldArg, array: pa.Array) -> dict[str, pd.Series]:
    """The field's column (converted by :func:`to_arrow`) and its derived columns."""
    import pandas as pd

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
    import pandas as pd

    earliest, latest, precision = names
    dates = _distinct(array)
    first, last, codes = _edtf_spans(tuple(dates.to_pylist()))
    row_of = _positions(array, dates)  # -1 (missing) takes the spans' last, missing entry
    return {
        earliest: first[row_of],
        latest: last[row_of],
        precision: pd.Categorical.from_codes(codes[row_of], validate=False,
                                             dtype=categorical(edtf.PRECISIONS, True)),
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
