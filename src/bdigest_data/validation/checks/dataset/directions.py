"""Who acts on whom: the direction rules of the dyadic fact tables (codebook sections 5, 7
and 8), each read from the fields a table has, whatever the table is called.

- ``transfer-direction`` (a table with ``supplier`` and ``recipient``): both are named in
  the quote, and the quote's words give the coded supplier the receiving side, or the
  coded recipient the giving side, and not the other as well. A name on the giving side
  is followed within a few words by a word of giving (``Belarus sells``, ``Belarus' total
  weapons exports``, ``Russia … is the largest weapons supplier``) or follows ``from``; a
  name on the receiving side follows a word of giving and ``to`` (``sales going to
  Azerbaijan``, ``exports to Russia``), ``supplying`` (``supplying Baku with``), or comes
  before ``has shown interest``. A quote without such words proves nothing either way.
- ``reporter-rule`` (``reporter`` and ``partner``): the reporter is the focal state
  (``FOCAL_STATE``, Belarus) whenever the flow involves it.
- ``host-place`` (``visitor_actor``, ``host_actor`` and a place field): a visit or meeting
  takes place in the host state, so the host is the state of the row's place (the place
  table's reference to the actors), and the visitor is not the host.

A field listed in the row's ``derived_fields`` is judged like any other: the direction of
a derived actor is still the codebook's.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from bdigest_data.catalogue import HOST_PLACE, REPORTER_RULE, TRANSFER_DIRECTION
from bdigest_data.engine.grouping import distinct
from bdigest_data.findings import Finding
from bdigest_data.metadata import roles
from bdigest_data.metadata.classes import TableSchema
from bdigest_data.text.evidence import normalise
from bdigest_data.validation.checks.dataset.dataset import (
    Model,
    finding,
    model_of,
    reference_field,
    referenced,
)
from bdigest_data.validation.context import PackageData, TableData
from bdigest_data.validation.registry import register

TRANSFER = ("supplier", "recipient")
FLOW = ("reporter", "partner")
VISIT = ("visitor_actor", "host_actor")
FOCAL_STATE = "BLR"  # codebook section 8: "the reporter is Belarus unless the flow does not
# involve it"
_GIVE = r"(?:export\w*|sells?|selling|sold|sales?|suppl(?:y|ies|ied|ier|iers|ying)|deliver\w*)"


def needs(schema: TableSchema) -> set[str]:
    names = set(schema.names)
    wanted = {"quote", *TRANSFER, *FLOW, *VISIT} | {
        f.name for f in schema.fields if f.evidence == roles.PLACE}
    return names & wanted


@register("dataset", TRANSFER_DIRECTION, REPORTER_RULE, HOST_PLACE)
def check_directions(pkg: PackageData) -> list[Finding]:
    """The direction rules (see the module docstring)."""
    return _check(model_of(pkg))


def _check(model: Model) -> list[Finding]:
    out: list[Finding] = []
    complete = model.complete() and model.knows("actor")
    for name in model.facts():
        td = model.pkg.tables[name]
        have = set(td.table.column_names)
        if complete and set(TRANSFER) <= have and "quote" in have:
            out += _transfers(model, td)
        if set(FLOW) <= have:
            out += _flows(td)
        places = [f.name for f in td.schema.fields if f.evidence == roles.PLACE]
        if complete and set(VISIT) <= have and places and places[0] in have:
            out += _visits(model, td, places[0])
    return out


@lru_cache(maxsize=256)
def _sides(name: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The patterns that put ``name`` on the giving and on the receiving side."""
    n = rf"(?<!\w){re.escape(name)}(?!\w)"
    giving = re.compile(rf"{n}(?:['’]s?)?(?:\s+[\w-]+){{0,5}}?\s+{_GIVE}\b|\bfrom\s+(?:the\s+)?"
                        rf"{n}")
    receiving = re.compile(rf"\b{_GIVE}\b[^.;:()]{{0,60}}?\bto\s+(?:the\s+)?{n}|\bsupplying\s+"
                           rf"{n}|{n}\s+ha(?:s|d|ve)\s+(?:also\s+)?shown\s+interest")
    return giving, receiving


def _side(model: Model, actor: Any, text: str) -> tuple[bool, bool]:
    """Whether the quote ``text`` puts ``actor`` (any of its names) on the giving side and
    on the receiving side."""
    names = model.names_of("actor", actor)
    return (any(_sides(n)[0].search(text) for n in names),
            any(_sides(n)[1].search(text) for n in names))


def _transfers(model: Model, td: TableData) -> list[Finding]:
    groups = distinct(*(td.column(c) for c in ("quote", *TRANSFER)))
    verdicts: list[str | None] = []
    for quote, supplier, recipient in groups.keys:
        if quote is None or supplier is None or recipient is None or supplier == recipient:
            verdicts.append(None)
            continue
        text = normalise(quote)
        s_gives, s_gets = _side(model, supplier, text)
        r_gives, r_gets = _side(model, recipient, text)
        if (s_gets and not s_gives) or (r_gives and not r_gets):
            verdicts.append(f"the quote has {supplier} receive from {recipient}, but supplier is "
                            f"{supplier} and recipient {recipient}: supplier and recipient look "
                            "swapped (the supplier gives, the recipient receives)")
        else:
            verdicts.append(None)
    return [finding(td, TRANSFER_DIRECTION, row, msg, "supplier",
                    groups.keys[groups.inverse[row]][1]) for row, msg in groups.flagged(verdicts)]


def _flows(td: TableData) -> list[Finding]:
    groups = distinct(*(td.column(c) for c in FLOW))
    verdicts = [f"the flow involves {FOCAL_STATE}, so {FOCAL_STATE} is the reporter (codebook: "
                f"the reporter is {FOCAL_STATE} unless the flow does not involve it), not "
                f"{reporter} with partner {partner}"
                if partner == FOCAL_STATE and reporter not in (None, FOCAL_STATE) else None
                for reporter, partner in groups.keys]
    return [finding(td, REPORTER_RULE, row, msg, "reporter", groups.keys[groups.inverse[row]][0])
            for row, msg in groups.flagged(verdicts)]


def _visits(model: Model, td: TableData, place_field: str) -> list[Finding]:
    places_table = referenced(model.pkg, td.name, place_field)
    actors = model.pkg.model.table_with_role(roles.ACTORS)
    places = model.rows(places_table) if places_table else None
    state = reference_field(model.pkg, places_table, actors) if places_table and actors \
        else None
    if places is None or state is None or model.unknowable(places_table):
        return []
    groups = distinct(*(td.column(c) for c in (*VISIT, place_field)))
    verdicts: list[tuple[str, str, Any] | None] = []
    for visitor, host, place in groups.keys:
        where = places.get(place)
        country = where.get(state) if where else None
        if visitor is not None and visitor == host:
            verdicts.append(("visitor_actor", f"visitor_actor and host_actor are both {host}: a "
                             "visit or meeting has a visitor from abroad", visitor))
        elif host is not None and country is not None and host != country:
            swap = " (visitor and host look swapped)" if visitor == country else ""
            verdicts.append(("host_actor", f"host_actor is {host} but the {place_field} {place} "
                             f"({where.get('name') if where else ''}) is in {country}: a visit "
                             f"takes place in the host state{swap}", host))
        else:
            verdicts.append(None)
    return [finding(td, HOST_PLACE, row, msg, field, value)
            for row, (field, msg, value) in groups.flagged(verdicts)]
