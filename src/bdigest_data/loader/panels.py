"""Panels that join onto peacesciencer output with no renaming: dyad-years and state-years,
keyed by Correlates of War (``system="cow"``: ``ccode``) or Gleditsch-Ward (``"gw"``:
``gwcode``) state numbers from ``actors``.

A fact goes into the year its date falls in: the earliest and the latest day it can denote
are in one calendar year. A fact with no date, or one that spans years (``2009/2013``), or
whose actor has no code in the system (an organisation; Yemen in G-W), is never put in a
year: ``apart=True`` lists those facts with the reason. The state-year panel takes a total
or a figure that stands alone, never a part of a total (a part is listed apart), so no
total and its parts are ever summed.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from bdigest_data.loader import backends, events, frames
from bdigest_data.metadata import roles

SYSTEMS = {"cow": ("ccode", "cow_code"), "gw": ("gwcode", "gw_code")}
UNCODED = "uncoded"  # the count of dyadic facts that fit no event type


def _system(system: str) -> tuple[str, str]:
    if system not in SYSTEMS:
        raise ValueError(f"unknown system {system!r}; the systems are: {', '.join(SYSTEMS)}")
    return SYSTEMS[system]


def year_of(earliest: Any, latest: Any) -> tuple[int | None, str | None]:
    """The one calendar year a date falls in, or why there is none."""
    if pd.isna(earliest) or pd.isna(latest):
        return None, "no date"
    if earliest.year != latest.year:
        return None, f"date spans {earliest.year}-{latest.year}"
    return int(earliest.year), None


def _out(frame: pd.DataFrame, backend: str) -> Any:
    return frame if backends.named(backend).name == "pandas" else events.to_polars(frame)


def dyad_years(system: str = "cow", *, directed: bool = True, apart: bool = False,
               validate: bool = True, path: frames.PathArg = None,
               backend: str = "pandas") -> Any:
    """One row per dyad and year with a dyadic fact: ``ccode1, ccode2, year`` (COW) or
    ``gwcode1, gwcode2, year`` (G-W); per PLOVER event type the count of facts and their
    event ids (``consult``, ``consult_ids`` …; ``uncoded`` for the facts that fit no
    type). ``directed=False`` puts each pair once, the lower code first. ``apart=True``
    gives instead the facts left out, with ``reason``."""
    key, column = _system(system)
    frame = events.build(validate=validate, path=path)
    kinds = sorted({str(v).lower() for v in frame["plover_event"].dropna()}) + [UNCODED]
    kept, left = [], []
    for ev in frame.itertuples(index=False):
        c1, c2 = getattr(ev, f"actor1_{column}"), getattr(ev, f"actor2_{column}")
        year, why = year_of(ev.date_earliest, ev.date_latest)
        if pd.isna(c1) or pd.isna(c2):
            why = f"an actor has no {system.upper()} code"
        if why:
            left.append({"event_id": ev.event_id, "actor1": ev.actor1, "actor2": ev.actor2,
                         "date": ev.date, "reason": why})
            continue
        c1, c2 = int(c1), int(c2)
        if not directed and c2 < c1:
            c1, c2 = c2, c1
        kind = UNCODED if pd.isna(ev.plover_event) else str(ev.plover_event).lower()
        kept.append((c1, c2, year, kind, ev.event_id))
    if apart:
        return _out(pd.DataFrame(left, columns=["event_id", "actor1", "actor2", "date",
                                                "reason"]).astype("string"), backend)
    cells: dict[tuple[int, int, int], dict[str, list[str]]] = {}
    for c1, c2, year, kind, event_id in kept:
        cells.setdefault((c1, c2, year), {k: [] for k in kinds})[kind].append(event_id)
    rows = [{f"{key}1": c1, f"{key}2": c2, "year": year,
             **{k: len(ids) for k, ids in found.items()},
             **{f"{k}_ids": "; ".join(ids) for k, ids in found.items()}}
            for (c1, c2, year), found in sorted(cells.items())]
    columns = [f"{key}1", f"{key}2", "year", *kinds, *(f"{k}_ids" for k in kinds)]
    panel = pd.DataFrame(rows, columns=columns)
    panel = panel.astype({c: "Int64" for c in columns[:3 + len(kinds)]}
                         | {f"{k}_ids": "string" for k in kinds})
    return _out(panel, backend)


# state-years -------------------------------------------------------------------------------

def _state_facts(path: frames.PathArg, validate: bool) -> list[dict[str, Any]]:
    """The monadic facts of the state-year panel: (state, date, column, value, id)."""
    facts = []
    rankings = frames.load(roles.RANKINGS, validate=validate, path=path)
    for r in rankings.itertuples(index=False):
        slug = re.sub(r"[^a-z0-9]+", "_", r.index_name.lower().replace("'", "")).strip("_")
        facts.append({"state": r.country, "earliest": r.edition_earliest,
                      "latest": r.edition_latest, "column": f"rank_{slug}",
                      "value": r.rank, "id": f"{roles.RANKINGS}:{r.ranking_id}",
                      "aggregation": r.aggregation})
    prisoners = frames.load(roles.POLITICAL_PRISONERS, validate=False, path=path)
    for p in prisoners.itertuples(index=False):
        facts.append({"state": p.country, "earliest": p.as_of_earliest, "latest": p.as_of_latest,
                      "column": f"prisoners_{p.counted}", "value": p.count,
                      "id": f"{roles.POLITICAL_PRISONERS}:{p.prisoner_id}",
                      "aggregation": p.aggregation})
    arms = frames.load(roles.ARMS_EXPORTS, validate=False, path=path)
    totals = arms[(arms["record_type"] == "export_value") & (arms["measure"] == "level")
                  & (arms["unit"] == "tiv") & arms["recipient"].isna()]
    scale = {"one": 1e-6, "thousand": 1e-3, "million": 1.0, "billion": 1e3}
    for a in totals.itertuples(index=False):
        facts.append({"state": a.supplier, "earliest": a.period_earliest,
                      "latest": a.period_latest, "column": "arms_export_tiv_millions",
                      "value": a.value * scale[str(a.scale)],
                      "id": f"{roles.ARMS_EXPORTS}:{a.arms_id}",
                      "aggregation": a.aggregation})
    return facts


def state_years(system: str = "cow", *, apart: bool = False, validate: bool = True,
                path: frames.PathArg = None, backend: str = "pandas") -> Any:
    """One row per state and year with a ranking, a political-prisoner count or an
    arms-export total (SIPRI TIV, millions): ``ccode, year`` (COW) or ``gwcode, year``
    (G-W), one column per index (``rank_…``), per kind of count (``prisoners_held`` …) and
    ``arms_export_tiv_millions``, each with an ``_ids`` column naming its row. ``apart=True``
    gives instead the facts left out, with ``reason``."""
    key, column = _system(system)
    actors = frames.load(roles.ACTORS, validate=validate, path=path).set_index("actor_id")
    cells: dict[tuple[int, int], dict[str, Any]] = {}
    left, columns = [], []
    for f in _state_facts(path, validate):
        year, why = year_of(f["earliest"], f["latest"])
        code = actors.at[f["state"], column] if f["state"] in actors.index else pd.NA
        if f["aggregation"] == "part":
            why = "a part of a total (the total is in the panel)"
        elif f["aggregation"] == "subset":
            why = "a subset of another count (that count is in the panel)"
        elif pd.isna(code):
            why = f"the state has no {system.upper()} code"
        elif pd.isna(f["value"]):
            why = "no value"
        if why:
            left.append({"id": f["id"], "state": f["state"], "reason": why})
            continue
        if f["column"] not in columns:
            columns.append(f["column"])
        cell = cells.setdefault((int(code), year), {})
        if f["column"] in cell:
            raise ValueError(f"{f['id']} and {cell[f['column'] + '_ids']} give the same "
                             f"state-year value {f['column']}")
        cell[f["column"]] = f["value"]
        cell[f["column"] + "_ids"] = f["id"]
    if apart:
        return _out(pd.DataFrame(left, columns=["id", "state", "reason"]).astype("string"),
                    backend)
    columns.sort()
    names = [key, "year", *columns, *(f"{c}_ids" for c in columns)]
    rows = [{key: code, "year": year, **cell} for (code, year), cell in sorted(cells.items())]
    panel = pd.DataFrame(rows, columns=names)
    dtypes = {key: "Int64", "year": "Int64"} | {f"{c}_ids": "string" for c in columns}
    dtypes |= {c: ("Float64" if c.startswith("arms_") else "Int64") for c in columns}
    return _out(panel.astype(dtypes), backend)
