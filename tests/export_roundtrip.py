"""Support for the export round-trip tests: expected frames and the documented conversions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import bdigest_data
from bdigest_data.exports import export
from bdigest_data.loader.columns import Column, table_columns
from bdigest_data.metadata.descriptor import table_schema

TABLES = bdigest_data.tables()


def exported(format: str, tmp: Path, name: str, path: Path | None = None) -> Path:
    """Export the package (the real one unless ``path``) as ``format`` to ``tmp / name``."""
    return export(format, tmp / name, path=path)[0]


def columns(table: str) -> list[Column]:
    return table_columns(table_schema(table))


def with_loaded_dtypes(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """The documented conversion for formats without pandas types (SQLite, xlsx): each column
    cast to the dtype ``load`` gives it (text dates parse, text becomes categories)."""
    return frame.astype({c.name: c.dtype for c in columns(table)})


def assert_same_as_loaded(frame: pd.DataFrame, table: str) -> None:
    """``frame`` equals ``bdigest_data.load(table)``: columns, values and dtypes."""
    expected = bdigest_data.load(table)
    pd.testing.assert_frame_equal(frame.reset_index(drop=True), expected, check_exact=True)
