"""The dyadic events view: one row per fact that two actors take part in, typed by CAMEO
and PLOVER through the ``event_types`` lookup table.

``event_types`` says, for each kind of dyadic fact (a table, the value of its kind field
and of its status field), which field holds ``actor1`` and which ``actor2`` (CAMEO's
"actor1 does X to actor2": the visitor and the host, the supplier and the recipient, the
lender and the borrower) and which CAMEO code and PLOVER event type the fact has, or that
none fits. A fact of the three tables is dyadic when both its actor fields are filled; it
has exactly one event type (the validator's ``event-type`` rule,
``validation/checks/dataset/eventtypes.py``, reports any that has none or two).

Each row carries both actors' ISO 3166-1 alpha-3 id (``actor1``, ``actor2``: an ``org:``
id for an organisation) with their ISO numeric, COW and G-W codes from ``actors``; the
fact's date (its first EDTF field: a visit's start, a transfer's or flow's period) with
its earliest and latest day and precision; the place (visits only) with its coordinates
and geographic precision; certainty, source and quote.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from bdigest_data.loader import backends, frames
from bdigest_data.metadata import roles
from bdigest_data.metadata.classes import EDTF

LOOKUP = roles.EVENT_TYPES
VIEW = "events"  # the name of the view in the exports
ACTORS = roles.ACTORS
PLACES = roles.PLACES
CODES = ("iso_numeric", "cow_code", "gw_code")  # each actor's codes, as actor1_<code>
DESCRIPTION = ("One row per dyadic fact (a visit or meeting, an arms transfer or joint "
               "production, an economic flow between two actors), typed by CAMEO and PLOVER "
               "through the event_types table, actor1 acting on actor2.")
FIELDS = {
    "event_id": "The fact table and the row's id (`visits:visit-001`).",
    "fact_table": "The table the fact is a row of.",
    "row_id": "The row's id (primary key) in its table.",
    "event_type_id": "The row of event_types that types the fact.",
    "actor1": "The actor that acts (event_types.actor1_field): an ISO 3166-1 alpha-3 id or "
              "an `org:` id.",
    "actor2": "The actor acted on (event_types.actor2_field).",
    "cameo_code": "CAMEO event code; empty when no code fits.",
    "cameo_name": "The CAMEO code's name.",
    "plover_event": "PLOVER event type; empty when no code fits.",
    "plover_mode": "PLOVER mode (`visit`), where the crosswalk gives one.",
    "fit": "exact, nearest or none (event_types.fit).",
    "date": "The fact's date as written (EDTF): a visit's start, a transfer's or flow's "
            "period.",
    "date_earliest": "First day the date can denote.",
    "date_latest": "Last day the date can denote.",
    "date_precision": "year, season, month or day.",
    "place_id": "GeoNames id of the city (visits only).",
    "place_name": "The city's name.",
    "latitude": "The city's latitude.",
    "longitude": "The city's longitude.",
    "place_precision": "site, city or country: how precisely the place is known (visits).",
    "certainty": "The fact's certainty.",
    "source_id": "The article the fact is taken from.",
    "quote": "The verbatim quote that shows the fact.",
}
for _side in ("actor1", "actor2"):
    FIELDS |= {f"{_side}_iso_numeric": f"ISO 3166-1 numeric code of {_side} (a state).",
               f"{_side}_cow_code": f"Correlates of War code of {_side} (a state).",
               f"{_side}_gw_code": f"Gleditsch-Ward code of {_side} (a state)."}
COLUMNS = (
    "event_id", "fact_table", "row_id", "event_type_id", "actor1", *(f"actor1_{c}" for c in CODES),
    "actor2", *(f"actor2_{c}" for c in CODES), "cameo_code", "cameo_name", "plover_event",
    "plover_mode", "fit", "date", "date_earliest", "date_latest", "date_precision",
    "place_id", "place_name", "latitude", "longitude", "place_precision", "certainty",
    "source_id", "quote",
)


def events(*, validate: bool = True, path: frames.PathArg = None,
           backend: str = "pandas") -> Any:
    """Every dyadic fact as one row (the module docstring gives the columns), in table and
    row order; ``backend`` ``"pandas"`` or ``"polars"``, ``validate`` and ``path`` as for
    ``load``."""
    chosen = backends.named(backend)
    frame = build(validate=validate, path=path)
    return frame if chosen.name == "pandas" else to_polars(frame)


def to_polars(frame: pd.DataFrame) -> Any:
    """``frame`` as a polars DataFrame (categories as text)."""
    import polars as pl

    plain = frame.astype({c: "string" for c in frame.columns
                          if isinstance(frame[c].dtype, pd.CategoricalDtype)})
    return pl.from_pandas(plain)


def _matches(table: pd.DataFrame, types: pd.DataFrame) -> list[tuple[int, pd.Series]]:
    """(row position, its event_types row) for every row of ``table`` that an event type
    names; a row that two name is an error."""
    found: dict[int, pd.Series] = {}
    for _, et in types.iterrows():
        mask = table[et.kind_field].astype("string") == et.kind
        status = table[et.status_field].astype("string")
        mask &= status.isna() if pd.isna(et.status) else status == et.status
        for pos in mask.fillna(False).to_numpy().nonzero()[0]:
            if pos in found:
                raise ValueError(f"{et.fact_table} row {pos + 1} has two event types: "
                                 f"{found[pos].event_type_id} and {et.event_type_id}")
            found[int(pos)] = et
    return sorted(found.items(), key=lambda item: item[0])


def _key(table: pd.DataFrame) -> str:
    return str(table.columns[0])


def build(*, validate: bool = True, path: frames.PathArg = None) -> pd.DataFrame:
    """The events view as a pandas DataFrame."""
    frames.load(LOOKUP, validate=validate, path=path)  # the package is checked once here

    def date_field(name: str) -> str:
        return next(f["name"] for f in frames.schema(name, path)["fields"]
                    if f.get(EDTF) is True)

    return view(lambda name: frames.load(name, validate=False, path=path), date_field)


def view(table_of: Callable[[str], pd.DataFrame], date_field: Callable[[str], str]
         ) -> pd.DataFrame:
    """The events view from the loaded tables (``table_of(name)``; ``date_field(name)``: the
    fact table's first EDTF field), as ``build`` gives it and the Parquet export writes."""
    types = table_of(LOOKUP)
    actors = table_of(ACTORS).set_index("actor_id")
    places = table_of(PLACES).set_index("place_id")
    rows: list[dict[str, Any]] = []
    for name, group in types.groupby("fact_table", observed=True, sort=False):
        table = table_of(str(name))
        date = date_field(str(name))
        key = _key(table)
        for pos, et in _matches(table, group):
            fact = table.iloc[pos]
            a1, a2 = fact[et.actor1_field], fact[et.actor2_field]
            if pd.isna(a1) or pd.isna(a2):
                continue
            place = fact.get("place_id")
            where = places.loc[place] if pd.notna(place) else None
            row = {
                "event_id": f"{name}:{fact[key]}", "fact_table": str(name),
                "row_id": fact[key], "event_type_id": et.event_type_id,
                "actor1": a1, **{f"actor1_{c}": actors.at[a1, c] for c in CODES},
                "actor2": a2, **{f"actor2_{c}": actors.at[a2, c] for c in CODES},
                "cameo_code": et.cameo_code, "cameo_name": et.cameo_name,
                "plover_event": et.plover_event, "plover_mode": et.plover_mode,
                "fit": et.fit, "date": fact[date],
                "date_earliest": fact[f"{date}_earliest"], "date_latest": fact[f"{date}_latest"],
                "date_precision": fact[f"{date}_precision"],
                "place_id": place, "place_name": None if where is None else where["name"],
                "latitude": None if where is None else where["latitude"],
                "longitude": None if where is None else where["longitude"],
                "place_precision": fact.get("place_precision"),
                "certainty": fact["certainty"], "source_id": fact["source_id"],
                "quote": fact["quote"],
            }
            rows.append(row)
    return _typed(pd.DataFrame(rows, columns=list(COLUMNS)), types)


def _typed(frame: pd.DataFrame, types: pd.DataFrame) -> pd.DataFrame:
    """Columns with the dtypes of the table columns they come from."""
    out = frame.copy()
    for c in ("event_id", "fact_table", "row_id", "event_type_id", "actor1", "actor2",
              "cameo_code", "cameo_name", "plover_mode", "date", "place_name", "source_id",
              "quote"):
        out[c] = out[c].astype("string")
    for side in ("actor1", "actor2"):
        for c in CODES:
            out[f"{side}_{c}"] = out[f"{side}_{c}"].astype("Int64")
    out["place_id"] = out["place_id"].astype("Int64")
    for c in ("latitude", "longitude"):
        out[c] = out[c].astype("Float64")
    for c in ("date_earliest", "date_latest"):
        out[c] = pd.to_datetime(out[c])
    for c in ("plover_event", "fit"):
        out[c] = out[c].astype(types[c].dtype)
    for c in ("date_precision", "place_precision", "certainty"):
        out[c] = out[c].astype("category")
    out.attrs = {"table": "events", "description": DESCRIPTION,
                 "fields": {c: FIELDS[c] for c in COLUMNS}}
    return out
