"""The columns of an exported table, read once from its Table Schema.

Every export (SQLite, Parquet, DuckDB, xlsx, JSON) and the data dictionary describe a table
by these ``Column`` s: the columns of the frame ``bdigest_data.load`` returns, in its order
(each schema field, followed by the columns derived from an EDTF date). Each column is a
field of the model (``metadata.Field``; a derived column's is ``Field.derived``), whose
types in every target (``kind``, ``sql_type``, ``duckdb_type``, ``parquet_type``, the
pandas dtype) come from the one mapping in :mod:`bdigest_data.metadata.types`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa

from bdigest_data.loader import convert
from bdigest_data.loader.convert import FieldArg
from bdigest_data.metadata.classes import Field, TableSchema


@dataclass(frozen=True)
class Column:
    """One column of an exported table: the model's field and the schema facts every
    target needs."""

    field: Field
    derived_from: str | None = None  # the field a derived column is computed from

    @property
    def name(self) -> str:
        return self.field.name

    @property
    def dtype(self) -> Any:
        """The pandas dtype of the column in a loaded frame."""
        return self.field.pandas_dtype

    @property
    def kind(self) -> str:
        """``category``, ``date``, ``integer``, ``number``, ``boolean`` or ``string``
        (``metadata.Field.kind``)."""
        return self.field.kind

    @property
    def schema_type(self) -> str:
        """The field's Table Schema type; the kind for a derived column."""
        return self.kind if self.derived_from else self.field.type

    @property
    def sql_type(self) -> str:
        """The column's SQL type (``metadata.Field.sql_type``)."""
        return self.field.sql_type

    @property
    def title(self) -> str:
        return self.field.title or self.name

    @property
    def description(self) -> str:
        return self.field.description or ""

    @property
    def required(self) -> bool:
        return self.field.required

    @property
    def unique(self) -> bool:
        return self.field.unique

    @property
    def minimum(self) -> Any:
        return self.field.constraints.minimum

    @property
    def maximum(self) -> Any:
        return self.field.constraints.maximum

    @property
    def min_length(self) -> int | None:
        return self.field.constraints.minLength

    @property
    def pattern(self) -> str | None:
        return self.field.constraints.pattern

    @property
    def edtf(self) -> bool:
        return self.field.edtf

    @property
    def categories(self) -> list[Any]:
        """The allowed values of a ``category`` column (empty for other kinds)."""
        return list(self.field.category_values or [])

    @property
    def ordered(self) -> bool:
        """Whether a ``category`` column's categories are ordered."""
        return self.kind == "category" and self.field.categoriesOrdered

    def limits(self) -> list[tuple[str, Any]]:
        """The value constraints the column has, as ``(operator, operand)`` pairs:
        ``("in", categories)``, ``(">=", minimum)``, ``("<=", maximum)``,
        ``("min_length", n)``. Each export renders them in its own language."""
        pairs = [("in", self.categories or None), (">=", self.minimum), ("<=", self.maximum),
                 ("min_length", self.min_length)]
        return [(op, value) for op, value in pairs if value is not None]


def convert_field(field: FieldArg, cells: list[str | None]) -> dict[str, pd.Series]:
    """The columns ``load`` makes of a field whose CSV cells are ``cells`` (None: empty).

    The field's own column and those derived from it, converted by
    :mod:`bdigest_data.loader.convert`;
    ``ValueError`` when a cell does not convert.
    """
    model = convert.as_field(field)
    array, bad = convert.to_arrow(model, pa.array(cells, pa.string()))
    if bad:
        raise ValueError(f"field {model.name!r}: {bad[0].message}")
    return convert.to_pandas(model, array)


def table_columns(schema: TableSchema | dict[str, Any]) -> list[Column]:
    """The columns of a table in the order of a loaded frame."""
    model = schema if isinstance(schema, TableSchema) else TableSchema.parse(schema)
    return [col for field in model.fields for col in (
        Column(convert.as_field(field)), *(Column(d, field.name) for d in field.derived))]
