"""Rows that point at each other agree: a person and the state they act for, a participant
and its visit (codebook sections 4 to 6).

- ``person-state``: a person field (``"bdigest:evidence": "person"``: ``person_id``,
  ``visitor_person``) and its actor field (the same name with ``actor`` for ``person``:
  ``actor_id``, ``visitor_actor``) disagree: the person's state (the persons table's
  reference to the actors) is neither the actor nor the actor's own state (the actors
  table's reference to itself: a state enterprise's state). A person with no state, or a
  row without an actor, is not judged.
- ``visitor-repeated``: a second participant of one visit with role ``visitor`` (a visit
  has one visitor; a group travels as one ``delegation``, its members as
  ``delegation_member``).
- ``reference-article``: a fact row that refers to a row of another fact table by a
  foreign key (a participant's ``visit_id``) is from another article than that row: a
  participant belongs to a visit its own article reports.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow.compute as pc

from bdigest_data.catalogue import PERSON_STATE, REFERENCE_ARTICLE, VISITOR_REPEATED
from bdigest_data.engine.arrays import from_numpy, texts, true_indices
from bdigest_data.engine.grouping import distinct
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
from bdigest_data.validation.context import PackageData, TableData
from bdigest_data.validation.registry import register

ROLE_FIELD, ONE_PER_VISIT = "role", "visitor"
SOURCE = "source_id"


def needs(schema: TableSchema) -> set[str]:
    names = set(schema.names)
    persons = {f.name for f in schema.fields if f.evidence == roles.PERSON}
    actors = {p.replace("person", "actor") for p in persons}
    keys = {n for fk in schema.foreignKeys for n in fk.fields}
    return names & (persons | actors | keys | {ROLE_FIELD, SOURCE})


@register("dataset", PERSON_STATE, VISITOR_REPEATED, REFERENCE_ARTICLE)
def check_agreement(pkg: PackageData) -> list[Finding]:
    """The agreement rules (see the module docstring)."""
    return _check(model_of(pkg))


def _check(model: Model) -> list[Finding]:
    if not model.complete():
        return []
    out: list[Finding] = []
    facts = set(model.facts())
    for name in model.facts():
        td = model.pkg.tables[name]
        have = set(td.table.column_names)
        for f in td.schema.fields:
            actor = f.name.replace("person", "actor")
            if f.evidence == roles.PERSON and f.name in have and actor in have:
                out += _person_state(model, td, f.name, actor)
        for fk in td.schema.foreignKeys:
            target = fk.target(name)
            if len(fk.fields) == 1 and target in facts and target != name \
                    and fk.fields[0] in have and not model.unknowable(target):
                out += _same_article(model, td, fk.fields[0], target)
                if ROLE_FIELD in have:
                    out += _one_visitor(td, fk.fields[0])
    return out


def _person_state(model: Model, td: TableData, person: str, actor: str) -> list[Finding]:
    persons_table = referenced(model.pkg, td.name, person)
    actors_table = model.pkg.model.table_with_role(roles.ACTORS)
    if persons_table is None or actors_table is None or model.unknowable(persons_table) \
            or model.unknowable(actors_table):
        return []
    state = reference_field(model.pkg, persons_table, actors_table)
    own = reference_field(model.pkg, actors_table, actors_table)
    persons, actors = model.rows(persons_table), model.rows(actors_table)
    if state is None or persons is None or actors is None:
        return []
    groups = distinct(td.column(person), td.column(actor))
    verdicts: list[str | None] = []
    for pid, aid in groups.keys:
        row = persons.get(pid)
        serves = row.get(state) if row else None
        acting = actors.get(aid)
        allowed = {aid, acting.get(own) if acting and own else None}
        if pid is None or aid is None or serves is None or serves in allowed:
            verdicts.append(None)
        else:
            verdicts.append(f"{person} {pid} serves {serves} ({persons_table}.{state}) but "
                            f"{actor} is {aid}: the actor is the state (or body) the person "
                            "acts for")
    return [finding(td, PERSON_STATE, row, msg, actor, groups.keys[groups.inverse[row]][1])
            for row, msg in groups.flagged(verdicts)]


def _same_article(model: Model, td: TableData, field: str, target: str) -> list[Finding]:
    rows = model.rows(target)
    if rows is None or SOURCE not in td.table.column_names:
        return []
    groups = distinct(td.column(field), td.column(SOURCE))
    verdicts: list[str | None] = []
    for ref, source in groups.keys:
        other = rows.get(ref)
        theirs = other.get(SOURCE) if other else None
        verdicts.append(None if ref is None or source is None or theirs in (None, source) else
                        f"{field} {ref} is a row of article {theirs!r}, not of this row's "
                        f"article {source!r}")
    return [finding(td, REFERENCE_ARTICLE, row, msg, field, groups.keys[groups.inverse[row]][0])
            for row, msg in groups.flagged(verdicts)]


def _one_visitor(td: TableData, field: str) -> list[Finding]:
    typed = td.schema.field(ROLE_FIELD)
    if typed is None or not typed.supported or typed.info.python is not str:
        return []  # roles that are not words: a schema the rule cannot judge
    role = td.column(ROLE_FIELD)
    ref = td.column(field)
    rows = true_indices(pc.is_in(role, value_set=texts([ONE_PER_VISIT])))
    if len(rows) < 2:
        return []
    refs = np.asarray(ref.take(from_numpy(rows)).to_pylist(), dtype=object)
    first: dict[Any, int] = {}
    out = []
    for row, key in zip(rows.tolist(), refs.tolist(), strict=True):
        if key is None:
            continue
        if key in first:
            out.append(finding(td, VISITOR_REPEATED, row, f"{field} {key} already has a "
                               f"{ONE_PER_VISIT} (row {first[key] + 1}): a visit has one; a "
                               "group is one delegation", ROLE_FIELD, ONE_PER_VISIT))
        first.setdefault(key, row)
    return out
