"""SQL that the SQLite and DuckDB exports share: identifiers, literals, the CHECK expressions
of a column's limits, and ``CREATE TABLE`` from a table's columns and keys."""

from __future__ import annotations

import graphlib
from collections.abc import Callable
from typing import Any

from bdigest_data.loader.columns import Column
from bdigest_data.loader.package import ExportTable


def quote(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: Any) -> str:
    """A SQL literal for a text, an enum value or a bound."""
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


# Column.limits() operator -> CHECK expression of a quoted column name and the operand
LIMITS: dict[str, Callable[[str, Any], str]] = {
    "in": lambda c, values: f"{c} IN ({', '.join(map(literal, values))})",
    ">=": lambda c, bound: f"{c} >= {literal(bound)}",
    "<=": lambda c, bound: f"{c} <= {literal(bound)}",
    "min_length": lambda c, n: f"length({c}) >= {n}",
}


def limit_checks(col: Column, *, skip: tuple[str, ...] = ()) -> list[str]:
    """The CHECK expressions of a column's Table Schema limits (except the ``skip`` ones)."""
    return [LIMITS[op](quote(col.name), value) for op, value in col.limits() if op not in skip]


def create_table(
    table: ExportTable, column_type: Callable[[Column], str],
    checks: Callable[[Column], list[str]],
) -> str:
    """The ``CREATE TABLE`` statement of one table: each column with its type, NOT NULL,
    UNIQUE and ``checks``; the primary key and the foreign keys."""
    lines = []
    for col in table.columns:
        parts = [quote(col.name), column_type(col)]
        if col.required:
            parts.append("NOT NULL")
        if col.unique and table.primary_key != [col.name]:
            parts.append("UNIQUE")
        parts.extend(f"CHECK ({expr})" for expr in checks(col))
        lines.append(" ".join(parts))
    if table.primary_key:
        lines.append(f"PRIMARY KEY ({', '.join(map(quote, table.primary_key))})")
    for fields, ref_table, ref_fields in table.foreign_keys():
        lines.append(
            f"FOREIGN KEY ({', '.join(map(quote, fields))}) "
            f"REFERENCES {quote(ref_table)} ({', '.join(map(quote, ref_fields))})"
        )
    body = ",\n  ".join(lines)
    return f"CREATE TABLE {quote(table.name)} (\n  {body}\n)"


def creation_order(tables: list[ExportTable]) -> list[ExportTable]:
    """``tables`` ordered so that each comes after the tables its foreign keys refer to
    (descriptor order where free); ``ValueError`` for a cycle between tables."""
    by_name = {t.name: t for t in tables}
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for t in tables:
        sorter.add(t.name, *(ref for _, ref, _ in t.foreign_keys()
                             if ref != t.name and ref in by_name))
    try:
        sorter.prepare()
    except graphlib.CycleError as exc:
        raise ValueError(f"the tables' foreign keys form a cycle: {exc.args[1]}") from None
    order: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=list(by_name).index)
        order.extend(ready)
        sorter.done(*ready)
    return [by_name[name] for name in order]
