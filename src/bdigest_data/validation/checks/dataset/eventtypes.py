"""Event types: every dyadic fact has exactly one, through the ``event_types`` lookup table.

A row of ``event_types`` types the rows of its ``fact_table`` whose ``kind_field`` holds its
``kind`` and whose ``status_field`` holds its ``status`` (an empty status: the rows whose
status is empty). A fact is dyadic when both actor fields of its kind are filled (the
``actor1_field`` and ``actor2_field`` of the kind's event types; of every event type of the
table for a kind that has none), as the events view (``bdigest_data.events()``) reads it.

- ``event-type``: a dyadic fact that no event type names (a kind or status the table has no
  row for), or that two or more name; the finding is on the fact's kind cell.

Rows whose kind, status or actor cells did not parse are left to the structure group, and so
is every fact while a row of ``event_types`` is broken (a cell that did not parse, or an
empty one the rule reads): one mistake, one finding.
"""

from __future__ import annotations

from typing import Any

from bdigest_data.catalogue import EVENT_TYPE
from bdigest_data.findings import Finding
from bdigest_data.metadata import roles
from bdigest_data.metadata.classes import TableSchema
from bdigest_data.validation.checks.dataset.dataset import Model, finding, model_of
from bdigest_data.validation.context import PackageData, TableData
from bdigest_data.validation.registry import register

LOOKUP = roles.EVENT_TYPES  # the lookup table, by name (as bdigest_data.events reads it)


# the cells of an event_types row the rule reads (``status`` may be empty: no status)
NEEDED = ("event_type_id", "fact_table", "kind_field", "kind", "status_field", "actor1_field",
          "actor2_field")


def needs(schema: TableSchema) -> set[str]:
    """Any field: the event types name the kind, status and actor fields in their rows."""
    return set(schema.names)


@register("dataset", EVENT_TYPE)
def check_event_types(pkg: PackageData) -> list[Finding]:
    """The event-type rule (see the module docstring)."""
    return _check(model_of(pkg))


def _check(model: Model) -> list[Finding]:
    types = model.rows(LOOKUP)
    if types is None or not model.complete() or model.unknowable(LOOKUP):
        return []
    if any(model.pkg.failed_in(types.td.name, i) or not all(et.get(k) for k in NEEDED)
           for i, et in enumerate(types.rows)):
        return []  # a row of the mapping is broken (its own finding): no fact can be judged
    by_table: dict[str, list[dict[str, Any]]] = {}
    for et in types.rows:
        by_table.setdefault(et["fact_table"], []).append(et)
    out: list[Finding] = []
    for table, typed in by_table.items():
        facts = model.rows(table)
        if facts is None or model.unknowable(table):
            continue
        out += _table(model, facts.td, facts.rows, typed)
    return out


def _table(model: Model, td: TableData, rows: list[dict[str, Any]], typed: list[dict[str, Any]]
           ) -> list[Finding]:
    kind_fields = sorted({et["kind_field"] for et in typed})
    all_pairs = {(et["actor1_field"], et["actor2_field"]) for et in typed}
    read = set(td.table.column_names)
    out = []
    for i, row in enumerate(rows):
        for kind_field in kind_fields:
            kind = row.get(kind_field)
            of_kind = [et for et in typed if et["kind_field"] == kind_field]
            same_kind = [et for et in of_kind if et["kind"] == kind]
            pairs = {(et["actor1_field"], et["actor2_field"]) for et in same_kind} or all_pairs
            fields = {kind_field, *(et["status_field"] for et in of_kind),
                      *(f for pair in pairs for f in pair)}
            if kind is None or not fields <= read or model.pkg.failed_in(td.name, i, fields):
                continue
            if not any(row.get(a) is not None and row.get(b) is not None for a, b in pairs):
                continue  # monadic: a ranking, a total, a transfer with no recipient named
            named = [et["event_type_id"] for et in same_kind
                     if row.get(et["status_field"]) == et.get("status")]
            if len(named) != 1:
                status = sorted({et["status_field"] for et in of_kind})
                where = ", ".join(f"{f} {row.get(f)!r}" if row.get(f) is not None
                                  else f"{f} empty" for f in status)
                why = ("no event type" if not named
                       else f"{len(named)} event types ({', '.join(named)})")
                out.append(finding(td, EVENT_TYPE, i,
                                   f"a dyadic fact of {kind_field} {kind!r}, {where}, has "
                                   f"{why} in {LOOKUP}; it needs exactly one", kind_field,
                                   kind))
    return out
