"""Event links (``"bdigest:role": "event-links"``): typed, pointing at rows that exist.

- ``link-target``: the from or to row does not exist in its table.
- ``link-kind``: the rows' tables or kinds do not fit the relation: ``same_event`` joins
  two rows of one table; ``within_visit`` a visits row of kind ``meeting`` to one of kind
  ``visit`` with the same visitor_actor; ``postponed_then_held`` a visit with status
  ``postponed`` to one with status ``held`` and the same visitor_person; ``during_visit`` a
  row of another table to a visits row of kind ``visit``.
- ``link-duplicate``: a row linked to itself, or a pair linked twice (in either direction);
  ``link-parent``: a meeting within more than one visit.
- ``link-cycle``: the directed relations (all but ``same_event``) form a cycle.
- ``link-date``: the linked rows' dates (a row's span runs from the earliest day of its
  first date field, ``"bdigest:evidence": "date"``, to the latest day of its last) do not
  fit: ``same_event`` rows more than a year apart; a meeting ``within_visit`` that starts
  before its visit or ends after it (a visit without an end date lasts at most
  ``OPEN_VISIT_DAYS`` after its start).
- ``link-place``: a meeting ``within_visit`` whose place (``"bdigest:evidence": "place"``)
  is in another state than its visit's place (a visit may take in several cities of
  the state it visits).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bdigest_data import edtf
from bdigest_data.catalogue import (
    LINK_CYCLE,
    LINK_DATE,
    LINK_DUPLICATE,
    LINK_KIND,
    LINK_PARENT,
    LINK_PLACE,
    LINK_TARGET,
    Code,
)
from bdigest_data.findings import Finding
from bdigest_data.metadata import roles
from bdigest_data.metadata.classes import TableSchema
from bdigest_data.validation.checks.dataset.dataset import (
    Model,
    finding,
    model_of,
    reference_field,
    referenced,
)
from bdigest_data.validation.context import PackageData
from bdigest_data.validation.registry import register

SAME_EVENT_GAP = timedelta(days=366)  # same_event rows at most a year apart
OPEN_VISIT_DAYS = timedelta(days=31)  # a visit with a start date only: how long it may last
# the cells of a link the rules read: one that did not parse is its own finding alone
LINK_FIELDS = frozenset({"from_table", "from_id", "to_table", "to_id", "relation"})


def needs(schema: TableSchema) -> set[str]:
    names = {f.name for f in schema.fields}
    return names & {"kind", "status", "visitor_actor", "visitor_person", *schema.primary_key,
                    *(f.name for f in schema.fields if f.evidence in (roles.DATE, roles.PLACE))}


@register("dataset", LINK_TARGET, LINK_KIND, LINK_DUPLICATE, LINK_PARENT, LINK_CYCLE, LINK_DATE,
          LINK_PLACE)
def check_links(pkg: PackageData) -> list[Finding]:
    """The links rules (see the module docstring)."""
    return _check(model_of(pkg))


def _check(model: Model) -> list[Finding]:
    td = model.pkg.role_table(roles.EVENT_LINKS)
    if td is None or not model.complete():
        return []
    links = model.rows(td.name)
    assert links is not None
    out: list[Finding] = []
    pairs: dict[frozenset[tuple[Any, Any]], int] = {}
    parents: dict[tuple[Any, Any], int] = {}
    edges: dict[tuple[Any, Any], list[tuple[tuple[Any, Any], int]]] = {}
    for i, link in enumerate(links.rows):
        a = (link.get("from_table"), link.get("from_id"))
        b = (link.get("to_table"), link.get("to_id"))
        rel = link.get("relation")
        if model.unknowable(a[0]) or model.unknowable(b[0]) \
                or model.pkg.failed_in(td.name, i, LINK_FIELDS):
            continue  # a cell that did not parse, or a table that cannot be looked up
        rows = [model.rows(t) if t else None for t, _ in (a, b)]
        found = [r.get(k) if r else None for r, (_, k) in zip(rows, (a, b), strict=True)]
        missing = [(t, k) for (t, k), row in zip((a, b), found, strict=True) if row is None]
        if missing:
            out.append(finding(td, LINK_TARGET, i,
                               f"no row {', '.join(f'{t} {k}' for t, k in missing)}",
                               "to_id" if found[0] is not None else "from_id", missing[0][1]))
            continue
        pair = frozenset((a, b))
        if a == b or pair in pairs:
            why = "links a row to itself" if a == b else f"repeats link row {pairs[pair] + 1}"
            out.append(finding(td, LINK_DUPLICATE, i, why, "to_id", b[1]))
            continue
        pairs[pair] = i
        if rel != "same_event":  # a cycle is reported even where the kinds are wrong too
            edges.setdefault(a, []).append((b, i))
        problem = _kind(rel, a, b, *found)
        if problem:
            out.append(finding(td, LINK_KIND, i, f"{rel}: {problem}", "relation", rel))
            continue
        out += [finding(td, code, i, f"{rel}: {msg}", "to_id", b[1])
                for code, msg in _agreement(model, rel, a, b, *found)]
        if rel == "within_visit":
            if a in parents:
                out.append(finding(td, LINK_PARENT, i, f"{a[1]} is already within a visit "
                                   f"(link row {parents[a] + 1})", "from_id", a[1]))
            parents.setdefault(a, i)
    return out + _cycles(td, edges)


def _kind(rel: str | None, a: tuple[Any, Any], b: tuple[Any, Any], x: dict[str, Any],
          y: dict[str, Any]) -> str | None:
    if rel == "same_event":
        return None if a[0] == b[0] else f"joins rows of {a[0]} and {b[0]}; use one table"
    if rel == "during_visit":
        if b[0] != roles.VISITS or a[0] == roles.VISITS:
            return "must link a row of another table to a visits row"
        return None if y.get("kind") == "visit" else f"{b[1]} is not of kind 'visit'"
    if a[0] != roles.VISITS or b[0] != roles.VISITS:
        return "links visits rows only"
    if rel == "within_visit":
        if (x.get("kind"), y.get("kind")) != ("meeting", "visit"):
            return (f"needs a meeting within a visit, not {x.get('kind')!r} within "
                    f"{y.get('kind')!r}")
        if x.get("visitor_actor") != y.get("visitor_actor"):
            return (f"the meeting's visitor_actor {x.get('visitor_actor')!r} is not the visit's "
                    f"{y.get('visitor_actor')!r}")
        return None
    if rel == "postponed_then_held":
        if (x.get("status"), y.get("status")) != ("postponed", "held"):
            return f"needs status postponed then held, not {x.get('status')!r} then " \
                   f"{y.get('status')!r}"
        if x.get("visitor_person") != y.get("visitor_person"):
            return "the two visits have different visitors"
        return None
    return f"unknown relation {rel!r}"


def _span(model: Model, table: str, row: dict[str, Any]) -> tuple[date, date, bool] | None:
    """The days a row may cover (from its date fields) and whether it has an end field with
    a value; ``None`` for an undated row or a date that does not parse (its own finding)."""
    fields = [f.name for f in model.pkg.tables[table].schema.fields if f.evidence == roles.DATE]
    values = [row.get(f) for f in fields]
    if not values or values[0] is None:
        return None
    try:
        first = edtf.parse(values[0])
        last = edtf.parse(values[-1]) if len(values) > 1 and values[-1] else None
    except ValueError:
        return None
    return first.earliest, (last or first).latest, last is not None


def _country(model: Model, table: str, row: dict[str, Any]) -> tuple[Any, Any] | None:
    """A row's place and the state it is in (the place table's reference to the actors)."""
    field = next((f.name for f in model.pkg.tables[table].schema.fields
                  if f.evidence == roles.PLACE), None)
    places = referenced(model.pkg, table, field) if field else None
    actors = model.pkg.model.table_with_role(roles.ACTORS)
    state = reference_field(model.pkg, places, actors) if places and actors else None
    place = model.rows(places).get(row.get(field)) if places and state else None  # type: ignore[union-attr]
    return (row.get(field), place.get(state)) if place and state else None


def _agreement(model: Model, rel: str | None, a: tuple[Any, Any], b: tuple[Any, Any],
               x: dict[str, Any], y: dict[str, Any]) -> list[tuple[Code, str]]:
    """``link-date`` and ``link-place`` problems of a link whose kinds fit."""
    if rel not in ("same_event", "within_visit"):
        return []
    out = []
    one, two = _span(model, a[0], x), _span(model, b[0], y)
    if one and two:
        if rel == "same_event" and (one[0] - two[1] > SAME_EVENT_GAP
                                    or two[0] - one[1] > SAME_EVENT_GAP):
            out.append((LINK_DATE, f"{a[1]} ({one[0]} to {one[1]}) and {b[1]} ({two[0]} to "
                        f"{two[1]}) are more than a year apart: not one event"))
        end = two[1] if two[2] else two[0] + OPEN_VISIT_DAYS
        if rel == "within_visit" and (one[0] < two[0] or one[1] > end):
            out.append((LINK_DATE, f"the meeting {a[1]} ({one[0]} to {one[1]}) is not within "
                        f"the days of its visit {b[1]} ({two[0]} to {end})"))
    if rel == "within_visit":
        here, there = _country(model, a[0], x), _country(model, b[0], y)
        if here and there and here[1] != there[1]:
            out.append((LINK_PLACE, f"the meeting {a[1]} is in {here[1]} (place {here[0]}) "
                        f"but its visit {b[1]} in {there[1]} (place {there[0]})"))
    return out


def _cycles(td: Any, edges: dict[tuple[Any, Any], list[tuple[tuple[Any, Any], int]]]
            ) -> list[Finding]:
    """``link-cycle`` at the link that closes each cycle (depth-first search)."""
    out: list[Finding] = []
    state: dict[tuple[Any, Any], int] = {}  # 1 on the path, 2 done

    def visit(node: tuple[Any, Any], path: list[tuple[Any, Any]]) -> None:
        state[node] = 1
        for nxt, i in edges.get(node, []):
            if state.get(nxt) == 1:
                loop = [*path[path.index(nxt):], node, nxt] if nxt in path else [node, nxt]
                out.append(finding(td, LINK_CYCLE, i, "the links form a cycle: "
                                   + " -> ".join(f"{t} {k}" for t, k in loop), "to_id", nxt[1]))
            elif state.get(nxt) is None:
                visit(nxt, [*path, node])
        state[node] = 2

    for node in list(edges):
        if node not in state:
            visit(node, [])
    return out
