"""Actors, persons and places of a fact row are named in its quote.

- ``actor-not-named`` / ``person-not-named`` / ``place-not-named``: a field marked
  ``"bdigest:evidence": "actor"`` (``person``, ``place``) holds a value none of whose names
  occurs in the row's quote as whole words, and the row does not list the field in
  ``derived_fields``. The names are those the lookup tables keep: for an actor its
  ``name``, its ``aliases`` (demonyms, metonyms: ``Azerbaijani``, ``Kremlin``) and the
  names of its capital (``places.capital_of``: ``Baku``); for a person ``name`` and
  ``variants``; for a place ``name`` and ``aliases``. Swapping a recipient for another
  real country is caught unless the other country is named in the same quote too.
- ``variant-not-found``: a persons ``variants`` entry that occurs in no article.

A run restricted to some tables (``--table``) skips these rules: the names of a capital are
in places, which no foreign key of a fact table reaches.
"""

from __future__ import annotations

from bdigest_data.catalogue import (
    ACTOR_NOT_NAMED,
    PERSON_NOT_NAMED,
    PLACE_NOT_NAMED,
    VARIANT_NOT_FOUND,
)
from bdigest_data.engine.grouping import distinct
from bdigest_data.findings import Finding
from bdigest_data.metadata import roles
from bdigest_data.metadata.classes import TableSchema
from bdigest_data.text.evidence import articles, listed_sources, normalise
from bdigest_data.validation.checks.dataset.dataset import (
    DERIVED,
    Model,
    derived_entries,
    finding,
    is_derived,
    model_of,
    split,
    word_in,
)
from bdigest_data.validation.context import PackageData, TableData
from bdigest_data.validation.registry import register


def needs(schema: TableSchema) -> set[str]:
    return {"quote", DERIVED, *(f.name for f in schema.fields if f.evidence in roles.NAMED)}


@register("dataset",
          ACTOR_NOT_NAMED, PERSON_NOT_NAMED, PLACE_NOT_NAMED, VARIANT_NOT_FOUND)
def check_naming(pkg: PackageData) -> list[Finding]:
    """The naming rules (see the module docstring)."""
    return _check(model_of(pkg))


def _check(model: Model) -> list[Finding]:
    out: list[Finding] = []
    # a --table run may leave out the tables the names are in (places: the capitals)
    # and an unusable lookup table (its own finding) names nothing
    kinds = [k for k in roles.NAMED if model.knows(k)] if model.complete() else []
    for name in model.facts():
        td = model.pkg.tables[name]
        for f in td.schema.fields:
            if f.evidence in kinds and f.name in td.table.column_names:
                out += _field(model, td, f.name, f.evidence)
    return out + (_variants(model) if model.complete() and model.knows(roles.ARTICLE) else [])


def _field(model: Model, td: TableData, name: str, kind: str) -> list[Finding]:
    groups = distinct(td.column("quote"), td.column(name), td.column(DERIVED))
    verdicts = []
    for quote, value, derived in groups.keys:
        if value is None or quote is None or is_derived(derived_entries(derived), name):
            verdicts.append(None)
            continue
        names = model.names_of(kind, value)
        text = normalise(quote)
        if any(word_in(n, text) for n in names):
            verdicts.append(None)
        else:
            shown = ", ".join(names) or "none: it is not in the lookup table"
            verdicts.append(f"{name} {value!s} is not named in the quote (its names: {shown}); "
                            f"name it in the quote, or list {name} in derived_fields with a "
                            "derivation")
    return [finding(td, f"{kind}-not-named", row, msg, name, groups.keys[groups.inverse[row]][1])
            for row, msg in groups.flagged(verdicts)]


def _variants(model: Model) -> list[Finding]:
    persons = model.rows(roles.PERSONS)
    if persons is None:
        return []
    arts = articles(model.pkg)
    if listed_sources(model.pkg) - set(arts):  # an unreadable article (its own finding)
        return []
    texts = [a.text for a in arts.values()]
    out = []
    for i, r in enumerate(persons.rows):
        for v in split(r.get("variants")):
            if not any(word_in(v, t) for t in texts):
                out.append(finding(persons.td, VARIANT_NOT_FOUND, i,
                                   f"variant {v!r} of {r.get('person_id')} occurs in no article",
                                   "variants", v))
    return out
