"""A loaded frame as plain Python values, the form the SQLite, xlsx and JSON writers take."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from bdigest_data.loader.package import ExportTable

# kind of column -> Python type of its non-missing values
_CONVERT: dict[str, Callable[[Any], Any]] = {
    "string": str,
    "category": str,
    "integer": int,
    "number": float,
    "boolean": bool,
    "date": lambda ts: ts.date(),
}


def column_values(series: pd.Series, kind: str) -> list[Any]:
    """The values of one column: ``None`` where missing, else int, float, str or ``date``."""
    convert = _CONVERT[kind]
    missing = series.isna()
    return [None if gap else convert(v) for v, gap in zip(series, missing, strict=True)]


def rows(table: ExportTable) -> list[tuple[Any, ...]]:
    """The rows of ``table`` as tuples of Python values in column order."""
    cols = [column_values(table.frame[c.name], c.kind) for c in table.columns]
    return list(zip(*cols, strict=True)) if cols else []


def iso(value: Any) -> Any:
    """A ``date`` as ``YYYY-MM-DD`` text; any other value unchanged (SQLite and JSON)."""
    return value.isoformat() if isinstance(value, date) else value
