"""The one mapping of Table Schema types: what each type is in Arrow, pandas, SQL and Python.

=========  ==================  ===================  =======  ===============  =================
type       Arrow (loaded)      pandas (``load``)    SQL      Python (models)  cells read as
=========  ==================  ===================  =======  ===============  =================
string     ``large_string``    ``string`` (Arrow)   TEXT     ``str``          any text
any        ``large_string``    ``string`` (Arrow)   TEXT     ``str``          any text
integer    ``int64``           ``Int64``            INTEGER  ``int``          ``[+-]`` digits
year       ``int64``           ``Int64``            INTEGER  ``int``          four digits
number     ``float64``         ``Float64``          REAL     ``float``        decimal, exponent
boolean    ``bool``            ``boolean``          INTEGER  ``bool``         trueValues/falseValues
date       ``date32``          ``datetime64[us]``   DATE     ``datetime.date``  ``YYYY-MM-DD``
=========  ==================  ===================  =======  ===============  =================

and in the other backends (``load(..., backend="polars")``, the DuckDB and Parquet
exports), with the kind that names the loaded column's family in every export:

=========  ===========  ========  ===============  =========  ==============
type       polars       DuckDB    Parquet (Arrow)  kind       Croissant
=========  ===========  ========  ===============  =========  ==============
string     ``String``   VARCHAR   ``string``       string     ``sc:Text``
any        ``String``   VARCHAR   ``string``       string     ``sc:Text``
integer    ``Int64``    BIGINT    ``int64``        integer    ``sc:Integer``
year       ``Int64``    BIGINT    ``int64``        integer    ``sc:Integer``
number     ``Float64``  DOUBLE    ``float64``      number     ``sc:Float``
boolean    ``Boolean``  BOOLEAN   ``bool``         boolean    ``sc:Boolean``
date       ``Date``     DATE      ``date32``       date       ``sc:Date``
=========  ===========  ========  ===============  =========  ==============

"Cells read as" is each type's cell rule (``TypeInfo.cell``) and the regular expression a
cell must match (``TypeInfo.shape``), which ``engine.cells`` applies for the validator
and the loader alike: ``text`` keeps the cell as written; ``truth`` takes one of the
field's trueValues or falseValues; ``calendar`` tests the shape, then that the date exists;
``numeric`` tests the shape, then casts (a leading ``+`` dropped).

A field with categories (``categories`` or an ``enum`` constraint) loads as a pandas
``category`` and a polars ``Enum``, is a DuckDB ``ENUM`` of the categories (SQLite: TEXT)
and a Parquet ``dictionary<int32, string>`` (ordered when the field's categories are); its
kind is ``category``. Only the ``default`` format is supported; any other type or format
is a ``field-error`` when the schema is read, so no layer meets it.

Other backends add their mapping here: give ``TypeInfo`` an attribute (e.g. ``polars``,
``duckdb``) filled in ``TYPES``, and ``metadata.classes.Field`` a property reading it
(next to ``Field.arrow_type``), so the mapping stays in one table.

pandas, pyarrow and polars are imported only when a dtype is asked for.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Literal

# Table Schema defaults for boolean fields without trueValues / falseValues
TRUE_VALUES = ("true", "True", "TRUE", "1")
FALSE_VALUES = ("false", "False", "FALSE", "0")
CellRule = Literal["text", "truth", "calendar", "numeric"]  # see the module docstring
_INTEGER = r"^[+-]?[0-9]{1,18}$"
_NUMBER = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?$"
_YEAR = r"^[0-9]{4}$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_ORDERED = ("required", "unique", "minimum", "maximum", "exclusiveMinimum",
            "exclusiveMaximum", "enum")


@dataclass(frozen=True)
class TypeInfo:
    """What one Table Schema type is in each layer (see the module docstring)."""

    name: str
    arrow: str  # pyarrow type factory name (``pa.<arrow>()``)
    pandas: str  # pandas dtype name
    sql: str  # SQLite
    polars: str  # polars dtype name (``pl.<polars>``)
    duckdb: str
    parquet: str  # pyarrow type factory name of the column the Parquet export writes
    kind: str  # the family of the loaded column, as every export names it
    python: type
    expected: str  # what a valid cell looks like, for messages
    cell: CellRule  # how ``engine.cells`` reads a cell of the type
    shape: str | None  # the regular expression a cell's text must match (None: any text)
    constraints: tuple[str, ...]  # the constraints the type supports
    schema_org: str = "sc:Text"  # the Croissant / schema.org data type of a field

    @property
    def is_text(self) -> bool:
        """Whether cells are kept as text (no conversion)."""
        return self.cell == "text"


TYPES: dict[str, TypeInfo] = {t.name: t for t in (
    TypeInfo("string", "large_string", "string", "TEXT", "String", "VARCHAR", "string",
             "string", str, "text", "text", None,
             ("required", "unique", "minLength", "maxLength", "pattern", "enum")),
    TypeInfo("any", "large_string", "string", "TEXT", "String", "VARCHAR", "string", "string",
             str, "anything", "text", None, ("required", "unique", "enum")),
    TypeInfo("integer", "int64", "Int64", "INTEGER", "Int64", "BIGINT", "int64", "integer", int,
             "a whole number such as 12 or -3 (digits only)", "numeric", _INTEGER, _ORDERED,
             schema_org="sc:Integer"),
    TypeInfo("year", "int64", "Int64", "INTEGER", "Int64", "BIGINT", "int64", "integer", int,
             "a four-digit year such as 2013", "numeric", _YEAR, _ORDERED, schema_org="sc:Integer"),
    TypeInfo("number", "float64", "Float64", "REAL", "Float64", "DOUBLE", "float64", "number",
             float, "a decimal number such as 97, 84.7 or -0.6667", "numeric", _NUMBER,
             _ORDERED, schema_org="sc:Float"),
    TypeInfo("boolean", "bool_", "boolean", "INTEGER", "Boolean", "BOOLEAN", "bool_", "boolean",
             bool, "one of " + ", ".join(TRUE_VALUES + FALSE_VALUES), "truth", None,
             ("required", "unique", "enum"), schema_org="sc:Boolean"),
    TypeInfo("date", "date32", "datetime64[us]", "DATE", "Date", "DATE", "date32", "date",
             datetime.date, "a date written YYYY-MM-DD that exists in the calendar", "calendar",
             _DATE, _ORDERED, schema_org="sc:Date"),
)}


@cache
def arrow_type(name: str) -> Any:
    """The Arrow type of Table Schema type ``name`` as loaded."""
    import pyarrow as pa

    return getattr(pa, TYPES[name].arrow)()


@cache
def parquet_type(name: str) -> Any:
    """The Arrow type of the Parquet export's column of Table Schema type ``name``."""
    import pyarrow as pa

    return getattr(pa, TYPES[name].parquet)()


@cache
def polars_dtype(name: str) -> Any:
    """The polars dtype of Table Schema type ``name`` (without categories); imports polars."""
    import polars as pl

    return getattr(pl, TYPES[name].polars)


@cache
def pandas_dtype(name: str) -> Any:
    """The pandas dtype of Table Schema type ``name`` (without categories)."""
    import pandas as pd

    pandas = TYPES[name].pandas
    if pandas == "string":
        return pd.StringDtype("pyarrow")
    if pandas.startswith("datetime64"):
        return pandas
    return pd.api.types.pandas_dtype(pandas)


@lru_cache(maxsize=256)
def categorical(cats: tuple[Any, ...], ordered: bool) -> Any:
    """The pandas ``category`` dtype of ``cats``, built once; imports pandas."""
    import pandas as pd

    return pd.CategoricalDtype(list(cats), ordered=ordered)


@lru_cache(maxsize=256)
def polars_enum(cats: tuple[str, ...]) -> Any:
    """The polars ``Enum`` of ``cats``, built once; imports polars."""
    import polars as pl

    return pl.Enum(list(cats))
