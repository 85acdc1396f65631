"""The columns of an exported table, read once from its Table Schema.

Every export (SQLite, Parquet, xlsx, JSON) and the data dictionary describe a table by
these ``Column`` s: the columns of the frame ``bdigest_data.load`` returns, in its order
(each schema field, followed by the columns derived from an EDTF date). Their pandas dtype
comes from :mod:`bdigest_data.dtypes`, the one place that maps the Table Schema to types;
``kind`` names the dtype's family, which each export maps to its own type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa

from bdigest_data import dtypes
from bdigest_data.dtypes import FieldArg
from bdigest_data.metadata.classes import Field, TableSchema
from bdigest_data.metadata.types import SQL_BY_KIND


@dataclass(frozen=True)
class Column:
    """One column of an exported table, with the schema facts every target needs."""

    name: str
    dtype: Any  # the pandas dtype of the column in a loaded frame
    schema_type: str  # the field's Table Schema type; the kind for a derived column
    title: str
    description: str
    required: bool = False
    unique: bool = False
    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = None
    pattern: str | None = None
    edtf: bool = False
    derived_from: str | None = None

    @property
    def kind(self) -> str:
        """``category``, ``date``, ``integer``, ``number`` or ``string``."""
        return kind_of(self.dtype)

    @property
    def categories(self) -> list[str]:
        """The allowed values of a ``category`` column (empty for other kinds)."""
        return list(self.dtype.categories) if self.kind == "category" else []

    def limits(self) -> list[tuple[str, Any]]:
        """The value constraints the column has, as ``(operator, operand)`` pairs:
        ``("in", categories)``, ``(">=", minimum)``, ``("<=", maximum)``,
        ``("min_length", n)``. Each export renders them in its own language."""
        pairs = [("in", self.categories or None), (">=", self.minimum), ("<=", self.maximum),
                 ("min_length", self.min_length)]
        return [(op, value) for op, value in pairs if value is not None]

    @property
    def sql_type(self) -> str:
        """The column's SQL type (``metadata.types.SQL_BY_KIND``)."""
        return SQL_BY_KIND[self.kind]

    @property
    def ordered(self) -> bool:
        """Whether a ``category`` column's categories are ordered."""
        return bool(getattr(self.dtype, "ordered", False))


def kind_of(dtype: Any) -> str:
    """The family of a loaded frame's dtype, which every export maps to its own type."""
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
    raise TypeError(f"columns of dtype {dtype} cannot be exported")


def convert_field(field: FieldArg, cells: list[str | None]) -> dict[str, pd.Series]:
    """The columns ``load`` makes of a field whose CSV cells are ``cells`` (None: empty).

    The field's own column and those derived from it, converted by :mod:`bdigest_data.dtypes`;
    ``ValueError`` when a cell does not convert.
    """
    model = dtypes.as_field(field)
    array, bad = dtypes.to_arrow(model, pa.array(cells, pa.string()))
    if bad:
        raise ValueError(f"field {model.name!r}: {bad[0].message}")
    return dtypes.to_pandas(model, array)


def _field_columns(field: Field) -> list[Column]:
    c = field.constraints
    name = field.name
    found = {col: series.dtype for col, series in convert_field(field, [None]).items()}
    derived = dtypes.derived_columns(field)
    main = Column(
        name=name,
        dtype=found.pop(name),
        schema_type=field.type,
        title=field.title or name,
        description=field.description or "",
        required=c.required,
        unique=c.unique,
        minimum=c.minimum,  # type: ignore[arg-type]
        maximum=c.maximum,  # type: ignore[arg-type]
        min_length=c.minLength,
        pattern=c.pattern,
        edtf=field.edtf,
    )
    extra = [
        Column(name=col, dtype=dtype, schema_type=kind_of(dtype), title=col,
               description=derived[col], derived_from=name)
        for col, dtype in found.items()
    ]
    return [main, *extra]


def table_columns(schema: TableSchema | dict[str, Any]) -> list[Column]:
    """The columns of a table in the order of a loaded frame."""
    model = schema if isinstance(schema, TableSchema) else TableSchema.parse(schema)
    return [col for field in model.fields for col in _field_columns(field)]
