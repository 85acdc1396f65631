"""Helpers for the validate tests: edit a CSV of a package copy, as text or as rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

Rows = list[list[str]]


def csv_path(pkg: Path, table: str) -> Path:
    return pkg / "data" / f"{table}.csv"


def edit_rows(pkg: Path, table: str, change: Callable[[Rows], object]) -> None:
    """Read ``table`` as rows (header first), let ``change`` edit them, write them back."""
    path = csv_path(pkg, table)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    change(rows)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def edit_bytes(pkg: Path, table: str, change: Callable[[bytes], bytes]) -> None:
    path = csv_path(pkg, table)
    path.write_bytes(change(path.read_bytes()))


def set_cell(pkg: Path, table: str, row: int, field: str, value: str) -> None:
    """Set data row ``row`` (1-based) of column ``field`` to ``value``."""

    def change(rows: Rows) -> None:
        rows[row][rows[0].index(field)] = value

    edit_rows(pkg, table, change)


def cell(pkg: Path, table: str, row: int, field: str) -> str:
    rows = list(csv.reader(io.StringIO(csv_path(pkg, table).read_text(encoding="utf-8"),
                                       newline="")))
    return rows[row][rows[0].index(field)]
