"""SQL that the SQLite and DuckDB exports share: identifiers, literals, the CHECK expressions
of a column's limits, ``CREATE TABLE`` from a table's columns and keys, and the ``events``
view (``bdigest_data.events()`` in SQL, from the ``event_types`` table)."""

from __future__ import annotations

import graphlib
from collections.abc import Callable
from typing import Any

from bdigest_data.loader.columns import Column
from bdigest_data.loader.package import ExportPackage, ExportTable


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


def events_view(pkg: ExportPackage) -> str | None:
    """The query of the ``events`` view, ``bdigest_data.events()`` in SQL: one ``SELECT``
    per row of the ``event_types`` table (its fact table's rows of that kind and status
    that name both actors), joined by ``UNION ALL``; ``None`` for a package without that
    table."""
    import pandas as pd

    from bdigest_data.loader import events

    by_name = {t.name: t for t in pkg.tables}
    if events.LOOKUP not in by_name:
        return None
    parts = []
    for et in by_name[events.LOOKUP].frame.itertuples(index=False):
        table = by_name[et.fact_table]
        key, date = table.primary_key[0], next(f.name for f in table.model.fields if f.edtf)
        place = table.model.field("place_id") is not None

        def f(name: str) -> str:
            return f"f.{quote(name)}"

        select = {"event_id": f"{literal(et.fact_table + ':')} || {f(key)}",
                  "fact_table": literal(et.fact_table), "row_id": f(key),
                  "event_type_id": "t.event_type_id"}
        for side, field in (("actor1", et.actor1_field), ("actor2", et.actor2_field)):
            select[side] = f(field)
            select |= {f"{side}_{c}": f"{side}.{quote(c)}" for c in events.CODES}
        select |= {c: f"t.{quote(c)}" for c in ("cameo_code", "cameo_name", "plover_event",
                                                 "plover_mode", "fit")}
        select |= {"date": f(date), "date_earliest": f(f"{date}_earliest"),
                   "date_latest": f(f"{date}_latest"), "date_precision": f(f"{date}_precision")}
        select |= {"place_id": f("place_id"), "place_name": "p.name", "latitude": "p.latitude",
                   "longitude": "p.longitude", "place_precision": f("place_precision")} \
            if place else dict.fromkeys(("place_id", "place_name", "latitude", "longitude",
                                         "place_precision"), "NULL")
        select |= {c: f(c) for c in ("certainty", "source_id", "quote")}
        assert tuple(select) == events.COLUMNS, "the view's columns are events.COLUMNS"
        status = (f"{f(et.status_field)} IS NULL" if pd.isna(et.status)
                  else f"{f(et.status_field)} = {literal(et.status)}")
        joins = [f"JOIN {quote(events.LOOKUP)} AS t ON t.event_type_id = "
                 f"{literal(et.event_type_id)}"]
        joins += [f"LEFT JOIN {quote(events.ACTORS)} AS {side} ON {side}.actor_id = {f(field)}"
                  for side, field in (("actor1", et.actor1_field), ("actor2", et.actor2_field))]
        if place:
            joins.append(f"LEFT JOIN {quote(events.PLACES)} AS p ON p.place_id = "
                         f"{f('place_id')}")
        parts.append(
            "SELECT " + ", ".join(f"{expr} AS {quote(name)}" for name, expr in select.items())
            + f" FROM {quote(et.fact_table)} AS f " + " ".join(joins)
            + f" WHERE {f(et.kind_field)} = {literal(et.kind)} AND {status}"
            + f" AND {f(et.actor1_field)} IS NOT NULL AND {f(et.actor2_field)} IS NOT NULL")
    return "\nUNION ALL\n".join(parts)
